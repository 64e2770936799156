"""`rt[...]` of a RaggedTensor: TF's ragged __getitem__ graphs (row index, row slices, column
slices, uniform-row indexing, Ellipsis and newaxis).

    >>> import scopeflow as tf
    >>> rt = tf.ragged.constant([[1, 2, 3], [4]])
    >>> rt[:, :2].shape.as_list()
    [2, None]
"""

from scopeflow import dtypes as _dt
from scopeflow.core.contexts import control_dependencies
from scopeflow.core.shape import dimension_value
from scopeflow.core.tensor import Tensor
from scopeflow.ops import checks
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.control_flow import cond
from scopeflow.ops.gather import gather
from scopeflow.ops.joining import concat
from scopeflow.ops.math import maximum, minimum
from scopeflow.ops.math_cast import cast
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ops.shape_ops import size, zeros
from scopeflow.ragged.ragged_tensor import RaggedTensor


def ragged_getitem(rt, key):
    """TF's ragged_tensor_getitem: `rt[key]` under 'RaggedGetItem'."""
    scope_tensors = [rt] + list(_tensors_in(key))
    key = list(key) if isinstance(key, (list, tuple)) else [key]
    with name_scope(None, "RaggedGetItem", scope_tensors):
        return _getitem(rt, key)


def _getitem(rt, keys):
    if not keys:
        return rt
    row_key, inner = keys[0], keys[1:]
    if row_key is Ellipsis:
        return _getitem(rt, _expand_ellipsis(keys, rt.shape.ndims))
    if row_key is None:
        inner_rt = _getitem(rt, inner)
        return RaggedTensor.from_uniform_row_length(inner_rt, _nsplits(inner_rt) - 1, nrows=1,
                                                    validate=False)
    if isinstance(row_key, slice):
        sliced = _slice_rows(rt, row_key)
        if rt.uniform_row_length is not None:
            sliced = RaggedTensor.from_uniform_row_length(sliced.values, rt.uniform_row_length,
                                                          nrows=sliced.nrows())
        return _inner(sliced, inner)
    starts, limits = rt.row_splits[:-1], rt.row_splits[1:]
    row = rt.values[starts[row_key]:limits[row_key]]
    return row.__getitem__(inner)


def _nsplits(rt):
    n = dimension_value(rt.row_splits.shape[0])
    return n if n is not None else _shape(rt.row_splits, out_type=rt.row_splits.dtype)[0]


def _slice_rows(rt, key):
    if key.start is None and key.stop is None and key.step is None:
        return rt
    new_starts = rt.row_splits[:-1][key]
    new_limits = rt.row_splits[1:][key]
    zero_pad = zeros([1], rt.row_splits.dtype)
    if key.step is None or key.step == 1:
        new_splits = concat([zero_pad[size(new_starts):], new_starts[:1], new_limits], axis=0)
        start, limit = new_splits[0], new_splits[-1]
        return RaggedTensor.from_row_splits(rt.values[start:limit], new_splits - start,
                                            validate=False)
    return _from_value_ranges(new_starts, new_limits, 1, rt.values)


def _inner(rt, keys):
    if not keys:
        return rt
    if not isinstance(rt, RaggedTensor):
        return rt.__getitem__([slice(None, None, None)] + keys)
    key = keys[0]
    if key is Ellipsis:
        return _inner(rt, _expand_ellipsis(keys, rt.values.shape.ndims))
    if key is None:
        inner_rt = _inner(rt, keys[1:])
        return RaggedTensor.from_uniform_row_length(inner_rt, 1, nrows=_nsplits(inner_rt) - 1,
                                                    validate=False)
    if isinstance(key, slice):
        if key.start is None and key.stop is None and key.step is None:
            return rt.with_values(_inner(rt.values, keys[1:]))
        return _column_slice(rt, key, keys[1:])
    if rt.uniform_row_length is None:
        raise ValueError("Cannot index into an inner ragged dimension.")
    row_length = rt.uniform_row_length
    key = cast(key, row_length.dtype)
    msg = "Index out of bounds when indexing into a ragged tensor"
    oob = [checks.assert_greater_equal(key, -row_length, message=msg),
           checks.assert_less(key, row_length, message=msg)]
    with control_dependencies(oob):
        offset = _if_ge_zero(key, lambda: key, lambda: row_length + key)
        return _inner(rt.values[offset::row_length], keys[1:])


def _column_slice(rt, key, rest):
    if not (isinstance(key.start, (Tensor, int, type(None)))
            and isinstance(key.stop, (Tensor, int, type(None)))):
        raise TypeError("slice offsets must be integers or None")
    starts, limits = rt.row_splits[:-1], rt.row_splits[1:]
    step = 1 if key.step is None else key.step
    lower = _if_ge_zero(step, lambda: starts, lambda: starts - 1)
    upper = _if_ge_zero(step, lambda: limits, lambda: limits - 1)
    if key.start is None:
        new_starts = _if_ge_zero(step, lambda: starts, lambda: limits - 1)
    else:
        off = cast(key.start, starts.dtype)
        new_starts = _if_ge_zero(key.start, lambda: minimum(starts + off, upper),
                                 lambda: maximum(limits + off, lower))
    if key.stop is None:
        new_limits = _if_ge_zero(step, lambda: limits, lambda: starts - 1)
    else:
        off = cast(key.stop, starts.dtype)
        new_limits = _if_ge_zero(key.stop, lambda: minimum(starts + off, upper),
                                 lambda: maximum(limits + off, lower))
    inner_rt = _from_value_ranges(new_starts, new_limits, key.step, rt.values)
    if rt.uniform_row_length is not None:
        length = _slice_length(rt.uniform_row_length, key)
        inner_rt = RaggedTensor.from_uniform_row_length(inner_rt.values, length, rt.nrows())
    return inner_rt.with_values(_inner(inner_rt.values, rest))


def _slice_length(value_length, key):
    z = zeros(value_length, dtype=_dt.bool)
    return size(z[key], out_type=value_length.dtype)


def _expand_ellipsis(keys, remaining):
    if remaining is None:
        raise ValueError("Ellipsis not supported for unknown shape RaggedTensors")
    n = sum(1 for k in keys if k is not None)
    if n > remaining + 1:
        raise IndexError("Too many indices for RaggedTensor")
    if n == remaining + 1:
        return keys[1:]
    return [slice(None, None, None)] + keys


def _tensors_in(key):
    if isinstance(key, Tensor):
        yield key
    if isinstance(key, (list, tuple)):
        for k in key:
            yield from _tensors_in(k)
    if isinstance(key, slice):
        for k in (key.start, key.stop, key.step):
            yield from _tensors_in(k)


def _from_value_ranges(starts, limits, step, values):
    from scopeflow.ragged.ragged_math import range as ragged_range
    step = convert_to_tensor(1 if step is None else step, name="step")
    if not step.dtype.is_integer:
        raise TypeError("slice strides must be integers or None")
    step = cast(step, starts.dtype)
    indices = ragged_range(starts, limits, step, row_splits_dtype=starts.dtype)
    if isinstance(values, RaggedTensor):
        from scopeflow.ragged.ragged_gather import gather as ragged_gather
        return indices.with_values(ragged_gather(params=values, indices=indices.values))
    return indices.with_values(gather(params=values, indices=indices.values))


def _if_ge_zero(value, true_fn, false_fn):
    if isinstance(value, Tensor):
        const = constant_value(value)
        if const is None:
            return cond(value >= 0, true_fn, false_fn)
        value = const
    return true_fn() if value >= 0 else false_fn()
