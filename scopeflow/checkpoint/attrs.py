"""AttrValue / TensorProto -> the Python values ops keep as attrs (the inverse of the export).

Types become DTypes, shapes TensorShapes, tensors NumPy arrays (strings as object arrays of
bytes), strings `str` (bytes when not UTF-8), lists Python lists.

>>> from tensorboard.compat.proto import attr_value_pb2
>>> decode_attr(attr_value_pb2.AttrValue(type=1))
tf.float32
"""

import math

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape

# dtype name -> TensorProto field holding its values one by one
_VAL_FIELD = {"float32": "float_val", "float64": "double_val", "int32": "int_val",
              "int16": "int_val", "int8": "int_val", "uint8": "int_val", "uint16": "int_val",
              "int64": "int64_val", "uint32": "uint32_val", "uint64": "uint64_val",
              "bool": "bool_val", "complex64": "scomplex_val", "complex128": "dcomplex_val",
              "float16": "half_val", "bfloat16": "half_val", "string": "string_val",
              "qint8": "int_val", "quint8": "int_val", "qint16": "int_val",
              "quint16": "int_val", "qint32": "int_val"}


def shape_value(proto):
    """TensorShape of a TensorShapeProto (-1 dims unknown)."""
    if proto.unknown_rank:
        return TensorShape(None)
    return TensorShape([None if d.size < 0 else d.size for d in proto.dim])


def tensor_value(proto):
    """NumPy array of a TensorProto."""
    dtype = _dt.as_dtype(proto.dtype)
    shape = tuple(d.size for d in proto.tensor_shape.dim)
    size = math.prod(shape)
    if dtype is _dt.string:
        items = list(proto.string_val)
        if len(items) <= 1 < size:
            return np.broadcast_to(np.asarray(items[0] if items else b"", object), shape)
        out = np.empty(size, dtype=object)
        for i in range(size):
            out[i] = items[min(i, len(items) - 1)] if items else b""
        return out.reshape(shape)
    np_type = np.dtype(dtype.as_numpy_dtype)
    if proto.tensor_content:
        if len(proto.tensor_content) != size * np_type.itemsize:
            raise ValueError("Tensor content of %d bytes does not match shape %s of %s"
                             % (len(proto.tensor_content), list(shape), dtype.name))
        return np.frombuffer(proto.tensor_content, dtype=np_type).reshape(shape).copy()
    values = list(getattr(proto, _VAL_FIELD[dtype.name]))
    if dtype.name in ("float16", "bfloat16"):
        flat = np.asarray(values, np.uint16).view(np_type)
    elif dtype.is_complex:
        flat = np.asarray(values[0::2], np_type) + 1j * np.asarray(values[1::2], np_type)
    else:
        flat = np.asarray(values, np_type)
    if flat.size <= 1 < size:  # one value fills it: a read-only view, nothing allocated
        fill = flat[0] if flat.size else np.zeros((), np_type)
        return np.broadcast_to(np.asarray(fill, np_type), shape)
    if flat.size == 0:
        return np.zeros(shape, np_type)
    if flat.size < size:  # TF repeats the last value
        flat = np.concatenate([flat, np.repeat(flat[-1:], size - flat.size)])
    return flat[:size].astype(np_type).reshape(shape)


def _string(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b


_SCALARS = {"s": _string, "i": int, "f": float, "b": bool, "type": _dt.as_dtype,
            "shape": shape_value, "tensor": tensor_value, "func": lambda f: f,
            "placeholder": str}
_LIST_FIELDS = ("s", "i", "f", "b", "type", "shape", "tensor", "func")


def decode_attr(av):
    """The Python value of an AttrValue."""
    kind = av.WhichOneof("value")
    if kind is None:
        return None
    if kind != "list":
        return _SCALARS[kind](getattr(av, kind))
    for field in _LIST_FIELDS:
        items = getattr(av.list, field)
        if len(items):
            return [_SCALARS[field](x) for x in items]
    return []
