"""`tf.ragged.range` and TF's ragged math dispatch (elementwise ops, reductions over rows).

    >>> import scopeflow as tf
    >>> tf.ragged.range([3, 1]).shape.as_list()
    [2, None]
"""

from scopeflow import dtypes as _dt
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.math_cast import cast
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.ragged_ops import _ragged_range
from scopeflow.ragged.ragged_tensor import RaggedTensor

_RANGE_TYPES = [_dt.int32, _dt.int64, _dt.float32, _dt.float64]


def range(starts, limits=None, deltas=1, dtype=None, name=None,  # noqa: A001 - TF's name
          row_splits_dtype=_dt.int64):
    """`tf.ragged.range`: row i is `range(starts[i], limits[i], deltas[i])`."""
    row_splits_dtype = _dt.as_dtype(row_splits_dtype)
    if limits is None:
        starts, limits = 0, starts
    with name_scope(name, "RaggedRange", [starts, limits, deltas]) as scope:
        starts = convert_to_tensor(starts, dtype=dtype, name="starts")
        limits = convert_to_tensor(limits, dtype=dtype, name="limits")
        deltas = convert_to_tensor(deltas, dtype=dtype, name="deltas")
        if dtype is None:
            parts = [starts, limits, deltas]
            assert all(t.dtype in _RANGE_TYPES for t in parts)
            widest = max([t.dtype for t in parts], key=_RANGE_TYPES.index)
            starts, limits, deltas = [cast(t, widest) for t in parts]
        splits, values = _ragged_range(starts, limits, deltas, Tsplits=row_splits_dtype,
                                       name=scope)
        return RaggedTensor.from_row_splits(values, splits, validate=False)
