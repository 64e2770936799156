"""TF's `constant_value_as_shape`: the shape a 1-D shape tensor describes, as far as graph
building knows it (read through Cast, Shape, Pack, ConcatV2 and simple StridedSlices, else its
constant value), which is what a SparseTensor built on such a tensor reports as its shape.

>>> import scopeflow as tf
>>> constant_value_as_shape(tf.constant([2, -1]))
TensorShape([Dimension(2), Dimension(None)])
"""

import numpy as np

from scopeflow.core.shape import TensorShape
from scopeflow.ops.constant import constant_value


def _unknown(t):
    d = t.shape._dims
    return TensorShape(None) if not d else TensorShape([None] * d[0]) \
        if d[0] is not None else TensorShape(None)


def _pack(t):
    dims = []
    for x in t.op._inputs:
        v = constant_value(x)
        dims.append(None if v is None or int(v) < 0 else int(v))
    return TensorShape(dims)


def _concat(t):
    out = TensorShape([])
    for x in t.op._inputs[:-1]:
        out = out.concatenate(constant_value_as_shape(x))
    return out


def _strided_slice(t):
    op = t.op
    begin, end, strides = (constant_value(x) for x in op._inputs[1:4])
    if begin is None or end is None or strides is None:
        return None
    a = op._attrs
    bm, em = a.get("begin_mask", 0), a.get("end_mask", 0)
    if a.get("ellipsis_mask", 0) or a.get("new_axis_mask", 0) or a.get("shrink_axis_mask", 0) \
            or bm not in (0, 1) or em not in (0, 1):
        return None
    prev = constant_value_as_shape(op._inputs[0])
    if prev.ndims is None:
        return None
    b = None if bm else int(np.asarray(begin).reshape(-1)[0])
    e = None if em else int(np.asarray(end).reshape(-1)[0])
    s = int(np.asarray(strides).reshape(-1)[0])
    return TensorShape(prev._dims[b:e:s])


def _cast(t):
    prev = constant_value_as_shape(t.op._inputs[0])
    return _unknown(t) if prev.ndims is None else prev


_READ = {"Shape": lambda t: t.op._inputs[0].shape, "Pack": _pack, "ConcatV2": _concat,
         "Concat": _concat, "StridedSlice": _strided_slice, "Cast": _cast}


def constant_value_as_shape(t):
    """TensorShape of shape tensor `t` (unknown dims where graph building cannot tell)."""
    dims = t.shape._dims
    if dims is not None and len(dims) == 0:
        v = constant_value(t)
        if v is None:
            raise ValueError("Received a scalar with unknown value as shape; require a "
                             "statically known scalar with value '-1' to describe an "
                             "unknown shape.")
        if int(v) != -1:
            raise ValueError("Received a scalar value '%s' as shape; require a statically "
                             "known scalar with value '-1' to describe an unknown shape."
                             % int(v))
        return TensorShape(None)
    if dims == (0,):
        return TensorShape([])
    read = _READ.get(t.op._type)
    if read is not None:
        out = read(t)
        if out is not None:
            return out
    out = _unknown(t)
    v = constant_value(t)
    if v is not None:
        out = out.merge_with(TensorShape([int(d) if d >= 0 else None for d in np.ravel(v)]))
    return out
