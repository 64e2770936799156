"""`tf.ragged.row_splits_to_segment_ids` / `segment_ids_to_row_splits`, TF's graphs.

    >>> import scopeflow as tf
    >>> tf.ragged.segment_ids_to_row_splits([0, 0, 2]).op.type
    'ConcatV2'
"""

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape, dimension_value
from scopeflow.core.tensor import Tensor
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.joining import concat
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.reductions import cumsum
from scopeflow.ops.repeat import convert_to_int_tensor, repeat_with_axis
from scopeflow.ops.shape_ops import range as _range
from scopeflow.ops.shape_ops import shape as _shape


def row_splits_to_segment_ids(splits, name=None, out_type=None):
    """The row of each value: `splits` [0, 2, 2, 3] -> [0, 0, 2]."""
    with name_scope(name, "RaggedSplitsToSegmentIds", [splits]):
        splits = convert_to_tensor(splits, name="splits", preferred_dtype=_dt.int64)
        if splits.dtype not in (_dt.int32, _dt.int64):
            raise ValueError("splits must have dtype int32 or int64")
        splits.shape.assert_has_rank(1)
        if dimension_value(splits.shape[0]) == 0:
            raise ValueError("Invalid row_splits: []")
        out_type = splits.dtype if out_type is None else _dt.as_dtype(out_type)
        row_lengths = splits[1:] - splits[:-1]
        nrows = _shape(splits, out_type=out_type)[-1] - 1
        indices = _range(nrows)
        return repeat_with_axis(indices, repeats=row_lengths, axis=0)


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None):
    """Row splits of sorted `segment_ids`: [0, 0, 2] -> [0, 2, 2, 3]."""
    from scopeflow.ops.math_extra import bincount
    if out_type is None:
        if isinstance(segment_ids, Tensor):
            out_type = segment_ids.dtype
        elif isinstance(num_segments, Tensor):
            out_type = num_segments.dtype
        else:
            out_type = _dt.int64
    else:
        out_type = _dt.as_dtype(out_type)
    with name_scope(name, "SegmentIdsToRaggedSplits", [segment_ids]):
        segment_ids = convert_to_int_tensor(segment_ids, "segment_ids", dtype=_dt.int32)
        segment_ids.shape.assert_has_rank(1)
        if num_segments is not None:
            num_segments = convert_to_int_tensor(num_segments, "num_segments", dtype=_dt.int32)
            num_segments.shape.assert_has_rank(0)
        row_lengths = bincount(segment_ids, minlength=num_segments, maxlength=num_segments,
                               dtype=out_type)
        splits = concat([[0], cumsum(row_lengths)], axis=0)
        if num_segments is not None:
            n = constant_value(num_segments)
            if n is not None:
                splits.set_shape(TensorShape([int(n) + 1]))
        return splits
