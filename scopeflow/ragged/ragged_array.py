"""`tf.ragged.boolean_mask`: TF's ragged masking graphs (ragged or dense data and mask).

    >>> import scopeflow as tf
    >>> tf.ragged.boolean_mask([[1, 2], [3, 4]], [[True, False], [True, True]]).ragged_rank
    1
"""

from scopeflow import dtypes as _dt
from scopeflow.core.contexts import control_dependencies
from scopeflow.ops import checks
from scopeflow.ops.array import reshape
from scopeflow.ops.gather import boolean_mask as _dense_mask
from scopeflow.ops.gather import gather
from scopeflow.ops.joining import concat
from scopeflow.ops.math_cast import cast
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.reductions import count_nonzero, cumprod, cumsum
from scopeflow.ops.shape_ops import range as _range
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ragged.ragged_math import _reduce, map_flat_values
from scopeflow.ragged.ragged_tensor import (RaggedTensor, convert_to_tensor_or_ragged_tensor,
                                            is_ragged, match_row_splits_dtypes)
from scopeflow.ragged.segment_ids import row_splits_to_segment_ids


def _lengths_to_splits(lengths):
    return concat([[0], cumsum(lengths)], axis=-1)


def assert_splits_match(lists):
    """TF's ragged_util.assert_splits_match: run-time checks that the splits lists agree."""
    msg = "Inputs must have identical ragged splits"
    for splits in lists:
        if len(splits) != len(lists[0]):
            raise ValueError(msg)
    return [checks.assert_equal(a, b, message=msg)
            for splits in lists[1:] for a, b in zip(lists[0], splits)]


def boolean_mask(data, mask, name=None):
    """The entries of `data` where `mask` is true; a RaggedTensor when rows shrink unevenly."""
    with name_scope(name, "RaggedMask", [data, mask]):
        data = convert_to_tensor_or_ragged_tensor(data, name="data")
        mask = convert_to_tensor_or_ragged_tensor(mask, _dt.bool, name="mask")
        splits_dtype, (data, mask) = match_row_splits_dtypes(data, mask, return_dtype=True)
        if mask.shape.ndims is None:
            raise ValueError("mask.shape.ndims must be known statically.")
        if mask.shape.ndims == 0:
            raise ValueError("mask cannot be scalar.")
        if is_ragged(mask):
            return _ragged_mask(data, mask, splits_dtype)
        if is_ragged(data) and mask.shape.ndims == 1:
            masked_splits = _lengths_to_splits(_dense_mask(data.row_lengths(), mask))
            segment_mask = gather(mask, row_splits_to_segment_ids(data.row_splits))
            values = boolean_mask(data.values, segment_mask)
            return RaggedTensor.from_row_splits(values, masked_splits, validate=False)
        if is_ragged(data):
            mask = RaggedTensor.from_tensor(
                mask, ragged_rank=min(data.ragged_rank, mask.shape.ndims - 1),
                row_splits_dtype=data.row_splits.dtype)
            return boolean_mask(data, mask)
        return _dense(data, mask, splits_dtype)


def _ragged_mask(data, mask, splits_dtype):
    if not is_ragged(data):
        data = RaggedTensor.from_tensor(data, ragged_rank=mask.ragged_rank,
                                        row_splits_dtype=mask.row_splits.dtype)
    lists = [mask.nested_row_splits, data.nested_row_splits[:mask.ragged_rank]]
    with control_dependencies(assert_splits_match(lists)):
        splits = []
        while is_ragged(mask):
            if mask.shape.ndims > 2:
                splits.append(mask.row_splits)
            else:
                int_mask = map_flat_values(cast, mask, dtype=splits_dtype)
                lengths = _reduce("Sum", int_mask, 1, None, "RaggedReduceSum")
                splits.append(_lengths_to_splits(lengths))
            mask, data = mask.values, data.values
        values = boolean_mask(data, mask)
        return RaggedTensor.from_nested_row_splits(values, splits, validate=False)


def _dense(data, mask, splits_dtype):
    values = _dense_mask(data, mask)
    if mask.shape.ndims >= 2:
        lengths = count_nonzero(mask, axis=-1, dtype=splits_dtype)
        values = RaggedTensor.from_row_lengths(values, reshape(lengths, [-1]), validate=False)
        if mask.shape.ndims > 2:
            mask_shape = _shape(mask, out_type=splits_dtype)
            split_size = cumprod(mask_shape) + 1
            for dim in range(mask.shape.ndims - 3, -1, -1):
                masked_splits = _range(split_size[dim]) * mask_shape[dim + 1]
                values = RaggedTensor.from_row_splits(values, masked_splits, validate=False)
    return values
