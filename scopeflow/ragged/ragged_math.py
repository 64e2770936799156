"""`tf.ragged.range` and TF's ragged math dispatch (elementwise ops, reductions over rows).

    >>> import scopeflow as tf
    >>> tf.ragged.range([3, 1]).shape.as_list()
    [2, None]
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.ops import reductions as _red
from scopeflow.ops import segments as _seg
from scopeflow.ops.array import expand_dims
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.gather import gather
from scopeflow.ops.joining import concat
from scopeflow.ops.math import maximum
from scopeflow.ops.reductions import cumsum
from scopeflow.ops.repeat import get_positive_axis
from scopeflow.ops.shape_ops import ones_like, zeros
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ops.math_cast import cast
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.ragged_ops import _ragged_range
from scopeflow.ragged.ragged_tensor import (RaggedTensor, convert_to_tensor_or_ragged_tensor,
                                            is_ragged, match_row_splits_dtypes)
from scopeflow.ragged.segment_ids import row_splits_to_segment_ids

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


# ---- reductions (TF's ragged_reduce_aggregate) ----------------------------------------------
_SEGMENT = {"Sum": "unsorted_segment_sum", "Prod": "unsorted_segment_prod",
            "Min": "unsorted_segment_min", "Max": "unsorted_segment_max"}
_DEFAULT_NAMES = {"Sum": "RaggedReduceSum", "Prod": "RaggedReduceProd",
                  "Min": "RaggedReduceMin", "Max": "RaggedReduceMax"}


def reduce_ragged(op_type, rt, axis, keepdims, name):
    """`tf.reduce_<op>(rt, axis)` of a RaggedTensor, as TF's ragged dispatch builds it."""
    if op_type in _SEGMENT:
        return _reduce(op_type, rt, axis, keepdims, name or _DEFAULT_NAMES[op_type])
    if op_type == "Mean":
        return _reduce_mean(rt, axis, keepdims, name)
    if op_type in ("All", "Any"):
        inner = "Prod" if op_type == "All" else "Sum"
        with name_scope(name, "RaggedReduce" + op_type, [rt, axis]):
            as_int = map_flat_values(cast, rt, _dt.int32)
            return map_flat_values(cast, reduce_ragged(inner, as_int, axis, keepdims, None),
                                   _dt.bool)
    raise NotImplementedError("reduce_%s of a RaggedTensor" % op_type.lower())


def _reduce(op_type, rt, axis, keepdims, name=None):
    reduce_op = getattr(_red, "reduce_" + op_type.lower())
    segment_op = getattr(_seg, _SEGMENT[op_type])
    if not is_ragged(rt):
        return reduce_op(rt, axis, keepdims=keepdims, name=name)
    if isinstance(axis, Tensor):
        axis = constant_value(axis)
        if axis is None:
            raise ValueError("axis must be known at graph construction time.")
        if isinstance(axis, np.ndarray):
            axis = axis.tolist()
    if axis is None:
        result = reduce_op(rt.flat_values, None, keepdims=keepdims, name=name)
        if keepdims:
            for _ in rt.shape[1:]:
                result = expand_dims(result, axis=0)
        return result
    with name_scope(name, "RaggedReduce", [rt, axis]):
        if isinstance(axis, (tuple, list)):
            if not axis:
                return rt
            if len(axis) == 1:
                axis = axis[0]
            else:
                axis = sorted(get_positive_axis(a, rt.shape.ndims, "axis[%s]" % i,
                                                "rank(input_tensor)")
                              for i, a in enumerate(axis))
                inner = _reduce(op_type, rt, axis[-1], keepdims)
                return _reduce(op_type, inner, axis[:-1], keepdims)
        rt = convert_to_tensor_or_ragged_tensor(rt, name="rt_input")
        axis = get_positive_axis(axis, rt.shape.ndims, ndims_name="rank(input_tensor)")
        if axis == 0:
            row_lengths = rt.row_splits[1:] - rt.row_splits[:-1]
            num_segments = maximum(_red.reduce_max(row_lengths), 0)
            segment_ids = range(row_lengths).values
            result = _segment_aggregate(segment_op, rt.values, segment_ids, num_segments)
            return expand_dims(result, axis=0) if keepdims else result
        if axis == 1:
            num_segments = _shape(rt.row_splits)[0] - 1
            segment_ids = row_splits_to_segment_ids(rt.row_splits)
            result = _segment_aggregate(segment_op, rt.values, segment_ids, num_segments)
            return expand_dims(result, axis=1) if keepdims else result
        return rt.with_values(_reduce(op_type, rt.values, axis - 1, keepdims))


def _segment_aggregate(segment_op, data, segment_ids, num_segments, name=None):
    """TF's _ragged_segment_aggregate (segment ids of `data`'s rows; data may be ragged)."""
    if not (is_ragged(data) or is_ragged(segment_ids)):
        return segment_op(data, segment_ids, num_segments, name)
    with name_scope(name, "RaggedSegment", [data, segment_ids, num_segments]):
        data = convert_to_tensor_or_ragged_tensor(data, name="data")
        segment_ids = convert_to_tensor_or_ragged_tensor(segment_ids, name="segment_ids")
        data, segment_ids = match_row_splits_dtypes(data, segment_ids)
        if segment_ids.dtype not in (_dt.int32, _dt.int64):
            raise ValueError("segment_ids must have dtype int32 or int64.")
        if is_ragged(segment_ids):
            raise NotImplementedError("ragged segment_ids")
        lengths = data.row_splits[1:] - data.row_splits[:-1]
        out_lengths = maximum(_seg.unsorted_segment_max(lengths, segment_ids, num_segments), 0)
        out_splits = concat([zeros([1], out_lengths.dtype), cumsum(out_lengths)], axis=0)
        starts = gather(out_splits, segment_ids)
        limits = starts + lengths
        index = range(starts, limits).values
        values = _segment_aggregate(segment_op, data.values, index, out_splits[-1])
        return RaggedTensor.from_row_splits(values, out_splits, validate=False)


def _reduce_mean(rt, axis, keepdims, name):
    with name_scope(name, "RaggedReduceMean", [rt, axis]):
        total = _reduce("Sum", rt, axis, keepdims, "RaggedReduceSum")
        if is_ragged(rt):
            ones = RaggedTensor.from_nested_row_splits(ones_like(rt.flat_values),
                                                       rt.nested_row_splits, validate=False)
        else:
            ones = ones_like(rt)
        count = _reduce("Sum", ones, axis, keepdims, "RaggedReduceSum")
        if is_ragged(total):
            return RaggedTensor.from_nested_row_splits(total.flat_values / count.flat_values,
                                                       total.nested_row_splits, validate=False)
        return total / count


# ---- map_flat_values ------------------------------------------------------------------------
def map_flat_values(op, *args, **kwargs):
    """`tf.ragged.map_flat_values`: `op` over the flat values, the row partitions kept."""
    partitions, nrows = [], []
    inner_args = _flat(args, partitions, nrows)
    inner_kwargs = _flat(kwargs, partitions, nrows)
    if not partitions:
        return op(*args, **kwargs)
    sizes = set(nrows)
    if len(sizes) > 1:
        raise ValueError("Input RaggedTensors' flat_values must all have the same "
                         "outer-dimension size.  Got sizes: %s" % sizes)
    size = sizes.pop() if sizes else None
    if len({p[0].dtype for p in partitions}) > 1:
        raise ValueError("Input RaggedTensors have mismatched row partition dtypes; use "
                         "RaggedTensor.with_row_splits_dtype() to convert them to compatible "
                         "dtypes.")
    out = op(*inner_args, **inner_kwargs)
    if size is not None and not out.shape[:1].is_compatible_with([size]):
        raise ValueError("tf.ragged.map_flat_values requires that the output of `op` have the "
                         "same outer-dimension size as flat_values of any ragged inputs. "
                         "(output shape: %s; expected outer dimension size: %s)"
                         % (out.shape, size))
    result = out
    for part in reversed(_merge_partition_lists(partitions)):
        result = RaggedTensor._from_row_partition(result, part, validate=False)
    return result


def _merge_partition_lists(partition_lists):
    """TF's: one partition list, with run-time checks that the others equal it."""
    dst = list(partition_lists[0])
    for src in partition_lists[1:]:
        if len(src) != len(dst):
            raise ValueError("All ragged inputs must have the same ragged_rank.")
        dst = [d._merge_precomputed_encodings(p) for d, p in zip(dst, src)]
    return dst


def _flat(value, partitions, nrows):
    if is_ragged(value):
        value = convert_to_tensor_or_ragged_tensor(value)
        partitions.append(value._nested_row_partitions)
        n = value.flat_values.shape[0]
        n = getattr(n, "value", n)
        if n is not None:
            nrows.append(n)
        return value.flat_values
    if isinstance(value, list):
        return [_flat(v, partitions, nrows) for v in value]
    if isinstance(value, tuple):
        return tuple(_flat(v, partitions, nrows) for v in value)
    if isinstance(value, dict):
        return {k: _flat(v, partitions, nrows) for k, v in value.items()}
    return value


# ---- elementwise ops (TF's ragged_unary / ragged_binary_elementwise_op) ---------------------
def ragged_unary(op, x, name=None):
    """`op` of a RaggedTensor's values (a given `name` is the scope of TF's dispatch)."""
    if name:
        with name_scope(name, None, [x]):
            return ragged_unary(op, x)
    x = convert_to_tensor_or_ragged_tensor(x)
    return x.with_values(op(x.values))


def ragged_binary(op, x, y, name=None):
    """`op(x, y)` with a RaggedTensor operand, as TF's ragged_binary_elementwise_op_impl: the op
    of the flat values where the dense side broadcasts inside them, else both broadcast to one
    ragged shape first (ragged/ragged_broadcast.py)."""
    if name:
        with name_scope(name, None, [x, y]):
            return ragged_binary(op, x, y)
    from scopeflow.ragged.ragged_broadcast import broadcast_binary, needs_broadcast
    x_ragged, y_ragged = is_ragged(x), is_ragged(y)
    x = convert_to_tensor_or_ragged_tensor(x, preferred_dtype=y.dtype if y_ragged else None)
    y = convert_to_tensor_or_ragged_tensor(y, preferred_dtype=x.dtype)
    if x_ragged and y_ragged:
        x, y = match_row_splits_dtypes(x, y)
    if needs_broadcast(x, y):
        return broadcast_binary(op, x, y)
    x_values = x.flat_values if is_ragged(x) else x
    y_values = y.flat_values if is_ragged(y) else y
    out = op(x_values, y_values)
    return x.with_flat_values(out) if is_ragged(x) else y.with_flat_values(out)
