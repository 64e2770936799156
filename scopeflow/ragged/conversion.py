"""RaggedTensor <-> dense and sparse: TF's from_tensor / to_tensor / from_sparse / to_sparse.

    >>> import scopeflow as tf
    >>> rt = tf.RaggedTensor.from_tensor([[1, 0], [2, 3]], padding=0)
    >>> rt.to_tensor().op.type
    'RaggedTensorToTensor'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape, as_shape, dimension_value
from scopeflow.core.tensor import Tensor
from scopeflow.ops.array import expand_dims, reshape
from scopeflow.ops.constant import constant, convert_to_tensor
from scopeflow.ops.control_flow import cond
from scopeflow.ops.gather import boolean_mask, gather, where
from scopeflow.ops.joining import concat, stack
from scopeflow.ops.math import equal, logical_and, logical_not, maximum, minimum, not_equal
from scopeflow.ops.math_cast import cast
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.ragged_ops import _ragged_to_sparse, _ragged_to_tensor
from scopeflow.ops.reductions import cumprod, cumsum, reduce_all, reduce_any, reduce_max
from scopeflow.ops.reductions import reduce_prod, reduce_sum
from scopeflow.ops.repeat import convert_to_int_tensor, get_positive_axis
from scopeflow.ops.shape_ops import ones, rank, sequence_mask, zeros
from scopeflow.ops.shape_ops import range as _range
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ragged.ragged_tensor import RaggedTensor
from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue


# ---- to_tensor ------------------------------------------------------------------------------
def _partition_pairs(rt):
    """TF's row_partition_types / tensors: FIRST_DIM_SIZE + VALUE_ROWIDS when cached."""
    parts = rt._nested_row_partitions

    def tail(p):
        if p._value_rowids is not None:
            return ("VALUE_ROWIDS", p.value_rowids())
        return ("ROW_SPLITS", p.row_splits())
    rest = [tail(p) for p in parts[1:]]
    if parts[0]._value_rowids is not None:
        return [("FIRST_DIM_SIZE", parts[0].nrows()),
                ("VALUE_ROWIDS", parts[0].value_rowids())] + rest
    return [("ROW_SPLITS", parts[0].row_splits())] + rest


def _shape_as_tensor(shape, dtype):
    if isinstance(shape, Tensor):
        if shape.dtype not in (_dt.int64, _dt.int32):
            return cast(shape, dtype)
        return shape
    shape = as_shape(shape)
    if not shape:
        return constant(-1, dtype=dtype)
    return constant([-1 if d is None else d for d in shape.as_list()], dtype=dtype)


def to_tensor(rt, default_value=None, name=None, shape=None):
    with name_scope(name, "RaggedToTensor", [rt, default_value, shape]):
        if default_value is not None:
            default_value = convert_to_tensor(default_value, name="default_value",
                                              dtype=rt.dtype)
        pairs = _partition_pairs(rt)
        types = [p[0] for p in pairs]
        tensors = [p[1] for p in pairs]
        if default_value is None:
            default_value = zeros((), rt.dtype)
        if isinstance(shape, (list, tuple)) and any(isinstance(v, Tensor) for v in shape) \
                and all(isinstance(v, (int, Tensor)) for v in shape):
            shape = stack(shape)
        shape_tensor = _shape_as_tensor(shape, tensors[0].dtype)
        tensor = _ragged_to_tensor(shape_tensor, rt.flat_values, default_value, tensors,
                                   row_partition_types=types, name="RaggedTensorToTensor")
        ragged_shape = rt.shape
        if ragged_shape.rank is not None and not isinstance(shape, Tensor):
            shape = as_shape(shape)
            if shape.rank is None:
                out = ragged_shape
            else:
                out = [a if a is not None else b
                       for a, b in zip(shape.as_list(), ragged_shape.as_list())]
            tensor.set_shape(out)
        return tensor


# ---- from_tensor ----------------------------------------------------------------------------
def from_tensor(cls, tensor, lengths, padding, ragged_rank, name, row_splits_dtype):
    row_splits_dtype = _dt.as_dtype(row_splits_dtype)
    if lengths is not None and padding is not None:
        raise ValueError("Specify argument `lengths` or `padding`, but not both.")
    if not isinstance(ragged_rank, int):
        raise TypeError("Argument `ragged_rank` must be an int. Received %s." % ragged_rank)
    if ragged_rank <= 0:
        raise ValueError("Argument `ragged_rank` must be greater than 0. Received %s."
                         % ragged_rank)
    with name_scope(name, "RaggedFromTensor", [tensor, lengths, padding]):
        tensor = convert_to_tensor(tensor, name="tensor")
        if tensor.shape.rank is not None and tensor.shape.rank < 2:
            raise ValueError("The rank of a RaggedTensor must be greater than 1, i.e., a list "
                             "of scalars won't have ragged dimensions. Received argument "
                             "`tensor` with rank %d." % tensor.shape.rank)
        tensor.shape.with_rank_at_least(ragged_rank + 1)
        input_shape = _shape(tensor, out_type=row_splits_dtype)
        ncols = input_shape[1]
        if lengths is not None and isinstance(lengths, (list, tuple)) and len(lengths) and \
                not isinstance(lengths[0], (int, float)):
            return _from_nested_lengths(cls, tensor, lengths, ragged_rank)
        if ragged_rank > 1:
            return _from_tensor_deep(cls, tensor, lengths, padding, ragged_rank, input_shape,
                                     row_splits_dtype)
        if padding is not None:
            lengths = _lengths_before_padding(tensor, padding, ncols, row_splits_dtype)
        if lengths is not None:
            lengths = convert_to_int_tensor(lengths, "lengths", row_splits_dtype)
            lengths.shape.assert_has_rank(1)
            lengths = minimum(lengths, ncols)
            lengths = maximum(lengths, 0)
            limits = cumsum(lengths)
            splits = concat([zeros([1], row_splits_dtype), limits], axis=0)
            mask = sequence_mask(lengths, maxlen=ncols)
            values = boolean_mask(tensor, mask)
            return cls.from_row_splits(values, splits, validate=False)
        values_shape = concat([[input_shape[0] * input_shape[1]], input_shape[2:]], axis=0)
        values = reshape(tensor, values_shape)
        const_nrows = dimension_value(tensor.shape[0])
        const_ncols = dimension_value(tensor.shape[1])
        nrows = constant(const_nrows, row_splits_dtype) if const_nrows is not None \
            else input_shape[0]
        ncols = constant(const_ncols, row_splits_dtype) if const_ncols is not None \
            else input_shape[1]
        return cls.from_uniform_row_length(values, ncols, nrows=nrows, validate=False)


def _lengths_before_padding(tensor, padding, ncols, row_splits_dtype):
    padding = convert_to_tensor(padding, name="padding", dtype=tensor.dtype)
    padding.shape.assert_is_compatible_with(tensor.shape[2:])
    has_default_value = equal(padding, tensor)
    tensor_rank = rank(tensor)
    reduce_axis = _range(2, tensor_rank)
    has_default = cond(tensor_rank > 2,
                       lambda: reduce_all(has_default_value, axis=reduce_axis),
                       lambda: has_default_value)
    has_default.set_shape(TensorShape([None, None]))
    has_default.set_shape(tensor.shape[:2])
    has_nondefault = cast(logical_not(has_default), row_splits_dtype)
    length_for_nondefault = has_nondefault * expand_dims(_range(1, ncols + 1), 0)
    return reduce_max(length_for_nondefault, axis=1)


def _from_nested_lengths(cls, tensor, lengths, ragged_rank):
    if ragged_rank not in (1, len(lengths)):
        raise ValueError("If Argument `lengths` is a tuple of row_lengths, argument "
                         "`ragged_rank` must be len(lengths): %d. Received ragged_rank: %d."
                         % (len(lengths), ragged_rank))
    tensor.shape.with_rank_at_least(len(lengths) + 1)
    num_tokens = reduce_sum(lengths[-1])
    ones_mask = ones([num_tokens], dtype=_dt.bool)
    ragged_mask = cls.from_nested_row_lengths(ones_mask, lengths, validate=False)
    dense_ragged_mask = ragged_mask.to_tensor(default_value=False)
    masked_data = boolean_mask(tensor, dense_ragged_mask)
    return cls.from_nested_row_lengths(masked_data, lengths, validate=False)


def _from_tensor_deep(cls, tensor, lengths, padding, ragged_rank, input_shape, splits_dtype):
    if tensor.shape.is_fully_defined():
        dims = tensor.shape.as_list()
        dim_size = np.cumprod(dims)
        new_shape = [int(dim_size[ragged_rank - 1])] + dims[ragged_rank:]
    else:
        dim_size = cumprod(input_shape)
        new_shape = concat([[dim_size[ragged_rank - 1]], input_shape[ragged_rank:]], axis=0)
    flattened = reshape(tensor, new_shape)
    result = cls.from_tensor(flattened, lengths, padding, row_splits_dtype=splits_dtype)
    for axis in range(ragged_rank - 1, 0, -1):
        dim_len = dimension_value(tensor.shape[axis])
        dim_len = input_shape[axis] if dim_len is None else constant(dim_len, splits_dtype)
        nrows = dim_size[axis - 1]
        if not isinstance(nrows, Tensor):
            nrows = int(nrows)
        result = cls.from_uniform_row_length(result, dim_len, nrows=nrows, validate=False)
    return result


# ---- sparse ---------------------------------------------------------------------------------
def from_sparse(cls, st_input, name, row_splits_dtype):
    from scopeflow.ops.checks import Assert
    from scopeflow.core.contexts import control_dependencies
    row_splits_dtype = _dt.as_dtype(row_splits_dtype)
    if not isinstance(st_input, (SparseTensor, SparseTensorValue)):
        raise TypeError("Argument `st_input` must be of type SparseTensor, but is of type %s."
                        % type(st_input).__name__)
    with name_scope(name, "RaggedFromSparse", [st_input]):
        st_input = SparseTensor.from_value(st_input)
        rank_from_shape = None if st_input.dense_shape.shape.ndims is None else \
            dimension_value(st_input.dense_shape.shape[0])
        rank_from_indices = None if st_input.indices.shape.ndims is None else \
            dimension_value(st_input.indices.shape[1])
        if rank_from_shape != 2 and rank_from_indices != 2:
            raise ValueError("rank(st_input) must be 2.")
        indices = st_input.indices
        prefix, suffix = indices[:, :-1], indices[:, -1]
        prefix_changed = reduce_any(not_equal(prefix[1:], prefix[:-1]), axis=1)
        index_ok = where(prefix_changed, equal(suffix[1:], 0),
                         equal(suffix[1:], suffix[:-1] + 1))
        ok = logical_and(reduce_all(equal(suffix[:1], 0)), reduce_all(index_ok))
        check = Assert(ok, ["SparseTensor is not right-ragged", "SparseTensor.indices =",
                            indices])
        with control_dependencies([check]):
            segment_ids = cast(indices[:, 0], row_splits_dtype)
            num_segments = cast(st_input.dense_shape[0], row_splits_dtype)
            return cls.from_value_rowids(st_input.values, segment_ids, num_segments,
                                         validate=False)


def to_sparse(rt, name=None):
    with name_scope(name, "RaggedToSparse", [rt]):
        out = _ragged_to_sparse(list(rt.nested_row_splits), rt.flat_values,
                                name=name or "RaggedTensorToSparse")
        return SparseTensor._of(*out)


# ---- merge_dims -----------------------------------------------------------------------------
def merge_dims_checked(rt, outer_axis, inner_axis):
    outer_axis = get_positive_axis(outer_axis, rt.shape.rank, axis_name="outer_axis",
                                   ndims_name="rank(self)")
    inner_axis = get_positive_axis(inner_axis, rt.shape.rank, axis_name="inner_axis",
                                   ndims_name="rank(self)")
    if not outer_axis <= inner_axis:
        raise ValueError("Expected outer_axis (%d) to be less than or equal to inner_axis "
                         "(%d)." % (outer_axis, inner_axis))
    return merge_dims(rt, outer_axis, inner_axis)


def merge_dims(value, outer_axis, inner_axis):
    if outer_axis == inner_axis:
        return value
    while outer_axis == 0 and isinstance(value, RaggedTensor):
        value = value.values
        inner_axis -= 1
        if inner_axis == 0:
            return value
    if not isinstance(value, RaggedTensor):
        if value.shape.is_fully_defined():
            old = value.shape.as_list()
            new_shape = old[:outer_axis] + [-1] + old[inner_axis + 1:]
        else:
            old = _shape(value)
            new_shape = concat([old[:outer_axis], [-1], old[inner_axis + 1:]], axis=0)
        return reshape(value, new_shape)
    if outer_axis > 1:
        return value.with_values(merge_dims(value.values, outer_axis - 1, inner_axis - 1))
    new_values, new_splits = value.values, value.row_splits
    for axis in range(outer_axis, inner_axis):
        if isinstance(new_values, RaggedTensor):
            new_splits = gather(new_values.row_splits, new_splits)
            new_values = new_values.values
        else:
            split = inner_axis - axis + 1
            if new_values.shape.is_fully_defined():
                old = new_values.shape.as_list()
                new_shape = [-1] + old[split:]
                flat_size = int(np.prod(old[1:split]))
            else:
                old = _shape(new_values)
                new_shape = concat([[-1], old[split:]], axis=0)
                flat_size = cast(reduce_prod(old[1:split]), new_splits.dtype)
            new_values = reshape(new_values, new_shape)
            new_splits = new_splits * flat_size
            break
    return RaggedTensor.from_row_splits(new_values, new_splits)
