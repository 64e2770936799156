"""`tf.concat` / `tf.stack` / `tf.ragged.stack` of RaggedTensors (TF's ragged_concat_ops):
the same graphs, shapes, values and errors.

    >>> import scopeflow as tf
    >>> tf.concat([tf.ragged.constant([[1, 2]]), tf.ragged.constant([[3]])], 1).shape.as_list()
    [1, None]
"""

from scopeflow.core.contexts import control_dependencies
from scopeflow.core.shape import TensorShape
from scopeflow.ops import checks
from scopeflow.ops.array import reshape, transpose
from scopeflow.ops.joining import concat as _dense_concat
from scopeflow.ops.joining import stack as _dense_stack
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.reductions import cumsum
from scopeflow.ops.repeat import get_positive_axis
from scopeflow.ops.shape_ops import range as _range
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ragged.ragged_array import assert_splits_match
from scopeflow.ragged.ragged_gather import gather
from scopeflow.ragged.ragged_tensor import (RaggedTensor, convert_to_tensor_or_ragged_tensor,
                                            is_ragged, match_row_splits_dtypes)


def concat(values, axis, name=None):
    """`tf.concat` with a ragged input: rank-K values joined along `axis` (a Python int)."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    with name_scope(name, "RaggedConcat", values):
        return _helper(values, axis, stack_values=False)


def stack(values, axis=0, name=None):
    """`tf.ragged.stack`: rank-R values (ragged or dense, any sizes) as one rank-R+1 ragged."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    with name_scope(name, "RaggedConcat", values):
        return _helper(values, axis, stack_values=True)


def _helper(rt_inputs, axis, stack_values):
    if not rt_inputs:
        raise ValueError("rt_inputs may not be empty.")
    rt_inputs = [convert_to_tensor_or_ragged_tensor(rt, name="rt_input") for rt in rt_inputs]
    row_splits_dtype, rt_inputs = match_row_splits_dtypes(*rt_inputs, return_dtype=True)
    rt_inputs = list(rt_inputs)
    if len(rt_inputs) == 1 and not stack_values:
        return rt_inputs[0]
    ndims = None
    for rt in rt_inputs:
        if ndims is None:
            ndims = rt.shape.ndims
        else:
            rt.shape.assert_has_rank(ndims)
    out_ndims = ndims if (ndims is None or not stack_values) else ndims + 1
    axis = get_positive_axis(axis, out_ndims)
    if stack_values and ndims == 1 and axis == 0:
        return RaggedTensor.from_row_lengths(
            values=_dense_concat(rt_inputs, axis=0),
            row_lengths=_dense_concat([_shape(r) for r in rt_inputs], axis=0))
    if all(not is_ragged(rt) for rt in rt_inputs):
        if ndims is not None and (axis == out_ndims - 1 or axis == ndims - 1):
            if stack_values:
                return _dense_stack(rt_inputs, axis)
            return _dense_concat(rt_inputs, axis)
    for i, rt in enumerate(rt_inputs):
        if not is_ragged(rt):
            rt_inputs[i] = RaggedTensor.from_tensor(rt, ragged_rank=1,
                                                    row_splits_dtype=row_splits_dtype)
    ragged_rank = max(max(rt.ragged_rank for rt in rt_inputs), 1)
    rt_inputs = [_increase_ragged_rank_to(rt, ragged_rank, row_splits_dtype)
                 for rt in rt_inputs]
    if axis == 0:
        return _axis_0(rt_inputs, stack_values)
    if axis == 1:
        return _axis_1(rt_inputs, stack_values)
    values = [rt.values for rt in rt_inputs]
    splits = [[rt.row_splits] for rt in rt_inputs]
    with control_dependencies(assert_splits_match(splits)):
        return RaggedTensor.from_row_splits(_helper(values, axis - 1, stack_values),
                                            splits[0][0], validate=False)


def _axis_0(rt_inputs, stack_values):
    flat_values = _dense_concat([rt.flat_values for rt in rt_inputs], axis=0)
    nested_splits = [rt.nested_row_splits for rt in rt_inputs]
    splits = [_concat_splits([ns[dim] for ns in nested_splits])
              for dim in range(rt_inputs[0].ragged_rank)]
    if stack_values:
        stack_lengths = _dense_stack([rt.nrows() for rt in rt_inputs])
        splits.insert(0, _dense_concat([[0], cumsum(stack_lengths)], axis=-1))
    return RaggedTensor.from_nested_row_splits(flat_values, splits, validate=False)


def _axis_1(rt_inputs, stack_values):
    num_inputs = len(rt_inputs)
    rt_nrows = rt_inputs[0].nrows()
    nrows_checks = [
        checks.assert_equal(rt_nrows, rt.nrows(),
                            message="Input tensors at index 0 (=x) and %d (=y) have "
                                    "incompatible shapes." % (index + 1))
        for index, rt in enumerate(rt_inputs[1:])]
    with control_dependencies(nrows_checks):
        concatenated = _axis_0(rt_inputs, stack_values=False)
        row_indices = _range(rt_nrows * num_inputs)
        row_index_matrix = reshape(row_indices, [num_inputs, -1])
        row_permutation = reshape(transpose(row_index_matrix), [-1])
        permuted = gather(concatenated, row_permutation)
        if stack_values:
            stack_splits = _range(0, rt_nrows * num_inputs + 1, num_inputs)
            _copy_row_shape(rt_inputs, stack_splits)
            return RaggedTensor.from_row_splits(permuted, stack_splits, validate=False)
        concat_splits = permuted.row_splits[::num_inputs]
        _copy_row_shape(rt_inputs, concat_splits)
        return RaggedTensor.from_row_splits(permuted.values, concat_splits, validate=False)


def _copy_row_shape(rt_inputs, splits):
    for rt in rt_inputs:
        if rt.shape[0] is not None:
            splits.set_shape(TensorShape(rt.shape[0] + 1))


def _increase_ragged_rank_to(rt_input, ragged_rank, row_splits_dtype):
    if ragged_rank > 0:
        if not is_ragged(rt_input):
            rt_input = RaggedTensor.from_tensor(rt_input, row_splits_dtype=row_splits_dtype)
        if rt_input.ragged_rank < ragged_rank:
            rt_input = rt_input.with_values(
                _increase_ragged_rank_to(rt_input.values, ragged_rank - 1, row_splits_dtype))
    return rt_input


def _concat_splits(splits_list):
    pieces = [splits_list[0]]
    offset = splits_list[0][-1]
    for splits in splits_list[1:]:
        pieces.append(splits[1:] + offset)
        offset += splits[-1]
    return _dense_concat(pieces, axis=0)
