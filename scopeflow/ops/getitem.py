"""`tensor[spec]`: TF's slice helper, building one StridedSlice named 'strided_slice'."""

import builtins

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.ops import array_base as _b
from scopeflow.ops.constant import constant, convert_to_tensor
from scopeflow.ops.slicing import _strided_slice_op

_SLICE_TYPE_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                     "scalar tf.int32/tf.int64 tensors are valid indices")
_INDEX_DTYPES = ("int16", "int32", "int64")


def _check_index(idx):
    if isinstance(idx, (int, np.integer)) or type(idx).__name__ == "Dimension":
        return
    dtype = getattr(idx, "dtype", None)
    shape = getattr(idx, "shape", None)
    if dtype is None or _dt.as_dtype(dtype).base_dtype.name not in _INDEX_DTYPES or (
            shape is not None and len(shape) == 1):
        raise TypeError(_SLICE_TYPE_ERROR + ", got {!r}".format(idx))


def _undefined_dim(d):
    return type(d).__name__ == "Dimension" and d.value is None


def _spec_entry(s, acc):
    """Appends one index entry to acc = [begin, end, strides, masks dict, position]."""
    begin, end, strides, masks, i = acc
    bit = 1 << i
    if isinstance(s, builtins.slice):
        dt = _slice_tensor_dtype(s)
        for part, out, mask, default in ((s.start, begin, "begin", 0), (s.stop, end, "end", 0),
                                         (s.step, strides, None, 1)):
            if part is not None and not _undefined_dim(part):
                _check_index(part)
                out.append(part)
            else:
                out.append(default if dt is None else constant(default, dtype=dt))
                if mask:
                    masks[mask] |= bit
    elif s is Ellipsis or s is None:
        begin.append(0)
        end.append(0)
        strides.append(1)
        masks["ellipsis" if s is Ellipsis else "new_axis"] |= bit
    else:
        _check_index(s)
        begin.append(s)
        end.append(s + 1)
        wide = isinstance(s, Tensor) and s.dtype.base_dtype.name in ("int16", "int64")
        strides.append(constant(1, dtype=s.dtype) if wide else 1)
        masks["shrink"] |= bit
    acc[4] = i + 1


def _slice_tensor_dtype(s):
    dt = None
    for t in (s.start, s.stop, s.step):
        if isinstance(t, Tensor):
            name = t.dtype.base_dtype.name
            if name == "int64":
                dt = _dt.int64
            elif name == "int32" and dt is not _dt.int64:
                dt = _dt.int32
            elif name == "int16" and dt is None:
                dt = _dt.int16
    return dt


def getitem(tensor, slice_spec, var=None):
    """`tensor[spec]`: StridedSlice named 'strided_slice' (a bool mask: boolean_mask).

    >>> import scopeflow as tf
    >>> tf.zeros([4, 3])[1:3, ..., tf.newaxis].shape.as_list()
    [2, 3, 1]
    """
    tensor = convert_to_tensor(tensor)
    if isinstance(slice_spec, bool) or (isinstance(slice_spec, Tensor) and slice_spec.dtype
                                        is _dt.bool) or (isinstance(slice_spec, np.ndarray)
                                                         and slice_spec.dtype == bool):
        from scopeflow.ops.gather import boolean_mask
        return boolean_mask(tensor=tensor, mask=slice_spec)
    if not isinstance(slice_spec, (list, tuple)):
        slice_spec = [slice_spec]
    acc = [[], [], [], dict.fromkeys(("begin", "end", "ellipsis", "new_axis", "shrink"), 0), 0]
    for s in slice_spec:
        _spec_entry(s, acc)
    begin, end, strides, m, _ = acc
    with _b.scope(None, "strided_slice", [tensor] + begin + end + strides) as scope:
        packed = _pack_spec(begin, end, strides)
        return _strided_slice_op(tensor, *packed, name=scope, begin_mask=m["begin"],
                                 end_mask=m["end"], ellipsis_mask=m["ellipsis"],
                                 new_axis_mask=m["new_axis"], shrink_axis_mask=m["shrink"])


def _pack_spec(begin, end, strides):
    from scopeflow.ops.joining import stack
    from scopeflow.ops.math import cast
    if not begin:
        empty = constant([], dtype=_dt.int32)
        return empty, empty, empty
    packed = [stack(v) for v in (begin, end, strides)]
    kinds = [p.dtype.base_dtype for p in packed]
    if _dt.int64 in kinds:
        packed = [cast(p, _dt.int64) for p in packed]
    return packed


def _install():
    Tensor._overload_operator("__getitem__", getitem)


_install()
