"""`tf.gather` of a RaggedTensor (TF's ragged_gather_ops.gather): ragged params with dense
indices are TF's RaggedGather op; ragged indices gather their values.

    >>> import scopeflow as tf
    >>> tf.gather(tf.ragged.constant([[1, 2], [3]]), [1, 0]).flat_values.op.type
    'RaggedGather'
"""

from scopeflow.ops.op_util import name_scope
from scopeflow.ops.reductions import cumprod
from scopeflow.ops.ragged_ops import _ragged_gather
from scopeflow.ops.array import reshape
from scopeflow.ops.joining import concat
from scopeflow.ops.math_cast import cast
from scopeflow.ops.repeat import get_positive_axis, repeat
from scopeflow.ops.shape_ops import ones
from scopeflow.ops.shape_ops import range as _range
from scopeflow.ops.shape_ops import rank as rank_of_tensor
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ragged.ragged_tensor import (RaggedTensor, convert_to_tensor_or_ragged_tensor,
                                            is_ragged, match_row_splits_dtypes)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of `params` (ragged or not) at `indices` (ragged or not) along axis 0."""
    del validate_indices
    with name_scope(name, "RaggedGather", [params, indices]):
        params = convert_to_tensor_or_ragged_tensor(params, name="params")
        indices = convert_to_tensor_or_ragged_tensor(indices, name="indices")
        params, indices = match_row_splits_dtypes(params, indices)
        if not isinstance(batch_dims, int) or batch_dims != indices.shape.rank:
            batch_dims = get_positive_axis(batch_dims, indices.shape.rank,
                                           axis_name="batch_dims", ndims_name="rank(indices)")
        if params.shape.rank is not None and batch_dims >= params.shape.rank:
            raise ValueError("batch_dims must be less than rank(params)")
        if axis is None:
            axis = batch_dims
        axis = get_positive_axis(axis, params.shape.rank, ndims_name="rank(params)")
        if axis < batch_dims:
            raise ValueError("axis must be greater than or equal to batch_dims")
        if indices.shape.rank is not None and not 0 <= batch_dims <= indices.shape.rank:
            raise ValueError("batch_dims=%s must be between 0 and rank(indices)=%s"
                             % (batch_dims, indices.shape.rank))
        return _gather(params, indices, axis, batch_dims)


def _gather(params, indices, axis, batch_dims):
    from scopeflow.ops.gather import gather as dense_gather
    if not (is_ragged(params) or is_ragged(indices)):
        return dense_gather(params, indices, axis=axis, batch_dims=batch_dims)
    if batch_dims > 0:
        return _batch_gather(params, indices, axis, batch_dims)
    if axis > 0:
        return _axis_gather(params, indices, axis)
    if is_ragged(indices):
        return indices.with_values(_gather(params, indices.values, 0, 0))
    if indices.shape.ndims is None:
        raise ValueError("rank(indices) must be known statically")
    out_ragged_rank = indices.shape.ndims + len(params.nested_row_splits) - 1
    parts = _ragged_gather(params.nested_row_splits, params.flat_values, indices,
                           OUTPUT_RAGGED_RANK=out_ragged_rank)
    result = RaggedTensor.from_nested_row_splits(parts[-1], list(parts[:-1]), validate=False)
    if indices.shape.ndims > 1:  # (TF 2.21 sets two attributes nothing reads: only the ops)
        indices_shape = _shape(indices, out_type=params.row_splits.dtype)
        shape_cumprod = cumprod(indices_shape)
        for dim in range(indices.shape.ndims - 1):
            _ = (shape_cumprod[dim], indices_shape[dim + 1])
    return result



def _batch_gather(params, indices, axis, batch_dims):
    if not params.shape[:batch_dims].is_compatible_with(indices.shape[:batch_dims]):
        raise ValueError("batch shape from indices %s does not match params shape %s"
                         % (indices.shape[:batch_dims], params.shape))
    if batch_dims > 1:
        if not isinstance(params, RaggedTensor):
            if indices.uniform_row_length is None:
                raise ValueError("batch shape from indices does not match params shape: ragged "
                                 "indices dimension corresponds to uniform params dimension")
            params = RaggedTensor.from_tensor(params, ragged_rank=1,
                                              row_splits_dtype=indices.row_splits.dtype)
        if not isinstance(indices, RaggedTensor):
            if params.uniform_row_length is None:
                raise ValueError("batch shape from indices does not match params shape: ragged "
                                 "params dimension corresponds to uniform indices dimension")
            indices = RaggedTensor.from_tensor(indices, ragged_rank=1,
                                               row_splits_dtype=params.row_splits.dtype)
        return params.with_values(
            _gather(params.values, indices.values, axis - 1, batch_dims - 1))
    if axis > 1:
        if not isinstance(indices, RaggedTensor):
            adjusted = params.with_values(repeat(indices, params.row_lengths(), 0))
        else:
            if not isinstance(params, RaggedTensor):
                params = RaggedTensor.from_tensor(params, ragged_rank=1,
                                                  row_splits_dtype=indices.row_splits.dtype)
            adjusted = _gather(indices, params.with_values(
                repeat(_range(params.nrows()), params.row_lengths())), 0, 0)
        return _batch_gather(params, adjusted, axis, batch_dims + 1)
    if indices.shape.rank is None:
        raise ValueError("rank(indices) must be known statically")
    flat_params = _flatten_dims_0_and_1(params)
    adjustments = _increase_rank_to(_row_starts(params, indices.dtype), indices.shape.ndims)
    return _gather(flat_params, indices + adjustments, axis - 1, 0)


def _axis_gather(params, indices, axis):
    if axis > 1:
        if not isinstance(params, RaggedTensor):
            params = RaggedTensor.from_tensor(params, ragged_rank=1,
                                              row_splits_dtype=indices.row_splits.dtype)
        return params.with_values(_gather(params.values, indices, axis - 1, 0))
    if indices.shape.rank is None:
        raise ValueError("rank(indices) must be known statically")
    flat_params = _flatten_dims_0_and_1(params)
    adjustments = _increase_rank_to(_row_starts(params, indices.dtype), indices.shape.ndims + 1)
    return _gather(flat_params, indices + adjustments, axis - 1, 0)


def _flatten_dims_0_and_1(t):
    if isinstance(t, RaggedTensor):
        return t.values
    t_shape = _shape(t)
    return reshape(t, concat([[-1], t_shape[2:]], axis=0))


def _row_starts(t, dtype):
    if isinstance(t, RaggedTensor):
        return cast(t.row_starts(), dtype)
    t_shape = _shape(t, out_type=dtype)
    return _range(t_shape[0]) * t_shape[1]


def _increase_rank_to(t, rank):
    if isinstance(t, RaggedTensor):
        return t.with_values(_increase_rank_to(t, rank - 1))
    old_dims = _shape(t)
    new_dims = ones([rank - rank_of_tensor(t)], old_dims.dtype)
    return reshape(t, concat([old_dims, new_dims], axis=0))
