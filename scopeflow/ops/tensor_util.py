"""`tf.get_static_value`, `tf.make_tensor_proto`, `tf.make_ndarray`: a tensor's value folded at
graph-build time, and values to / from TensorProtos, with TF's rules and errors."""

import numpy as np
from tensorboard.compat.proto import tensor_pb2

from scopeflow import dtypes as _dt
from scopeflow.checkpoint.attrs import _VAL_FIELD
from scopeflow.core.tensor import Tensor
from scopeflow.core.variables import VariableV1
from scopeflow.ops import nest
from scopeflow.ops.constant import _infer_python, _PackNeeded
from scopeflow.ops.constant import check_compatible as _check_compatible
from scopeflow.summary.graph_def import shape_proto, write_values


def _fold_all(inputs):
    values = [get_static_value(x) for x in inputs]
    return None if any(v is None for v in values) else values


def _fold_concat(values, axis):
    return None if values is None or axis is None else np.concatenate(values, axis=axis)


def _fold_pack(t, partial):
    o = t.op
    if not o._inputs or o._attrs.get("axis", 0) != 0:
        return None
    values = [get_static_value(x, partial) for x in o._inputs]
    if any(v is None for v in values) and not partial:
        return None
    try:
        return np.array(values)
    except ValueError:  # partial: some elements are None
        return np.array(values, dtype=object)


def _fold_unpack(t, partial):
    if t.op._attrs.get("axis", 0) != 0:
        return None
    value = get_static_value(t.op._inputs[0], partial)
    return None if value is None else value[t.value_index]


def _fold_split(t, partial):
    dim = get_static_value(t.op._inputs[0])
    value = get_static_value(t.op._inputs[1], partial)
    if value is None or dim is None:
        return None
    return np.split(value, t.op._attrs["num_split"], dim)[t.value_index]


def _fold_fill(t, partial):
    value = get_static_value(t.op._inputs[1])
    if not t.shape.is_fully_defined() or value is None:
        return None
    return np.full(t.shape.as_list(), value, dtype=value.dtype)


def _fold_binary(fn):
    def fold(t, partial):
        values = _fold_all(t.op._inputs)
        return None if values is None else fn(*values)
    return fold


def _input_shape(t):
    return t.op._inputs[0].shape


def _fold_shape(t, partial):
    shape = _input_shape(t)
    if not shape.is_fully_defined():
        return None
    return np.array(shape.as_list(), dtype=t.dtype.as_numpy_dtype)


def _fold_size(t, partial):
    shape = _input_shape(t)
    return np.prod(shape.as_list(), dtype=np.int32) if shape.is_fully_defined() else None


def _fold_rank(t, partial):
    ndims = _input_shape(t).ndims
    return None if ndims is None else np.asarray(ndims, np.int32)


def _fold_range(t, partial):
    values = _fold_all(t.op._inputs)
    return None if values is None else np.arange(*values, dtype=t.dtype.as_numpy_dtype)


def _fold_cast(t, partial):
    value = get_static_value(t.op._inputs[0])
    return None if value is None else value.astype(t.op._attrs["DstT"].as_numpy_dtype)


def _fold_identity(t, partial):
    return get_static_value(t.op._inputs[0], partial)


# op type -> fn(tensor, partial): the types TF's constant_value folds, nothing else
_FOLD = {
    "Const": lambda t, partial: np.array(t.op._attrs["value"]),
    "Shape": _fold_shape, "Size": _fold_size, "Rank": _fold_rank, "Range": _fold_range,
    "Cast": _fold_cast,
    "Concat": lambda t, p: _fold_concat(_fold_all(t.op._inputs[1:]),
                                        get_static_value(t.op._inputs[0])),
    "ConcatV2": lambda t, p: _fold_concat(_fold_all(t.op._inputs[:-1]),
                                          get_static_value(t.op._inputs[-1])),
    "Pack": _fold_pack, "Unpack": _fold_unpack, "Split": _fold_split, "Fill": _fold_fill,
    "Equal": _fold_binary(np.equal), "NotEqual": _fold_binary(np.not_equal),
    "StopGradient": _fold_identity, "Identity": _fold_identity,
    "CheckNumericsV2": _fold_identity, "DebugIdentityV2": _fold_identity,
}


def get_static_value(tensor, partial=False):
    """`tf.get_static_value`: `tensor`'s value as a NumPy array when the graph alone fixes it
    (constants and TF's folded op types), else None; a non-tensor comes back unchanged. A
    folded tensor can no longer be fed.

    >>> import scopeflow as tf
    >>> tf.get_static_value(tf.shape(tf.zeros([2, 3])))
    array([2, 3], dtype=int32)
    """
    if not isinstance(tensor, Tensor):
        return None if _is_variable(tensor) else tensor
    fold = _FOLD.get(tensor.op._type)
    value = None if fold is None else fold(tensor, partial)
    if value is not None:
        tensor.graph.prevent_feeding(tensor)
    return value


def _is_variable(value):
    return isinstance(value, VariableV1)


_CONTENT_TYPES = ("float16", "float32", "float64", "int32", "uint8", "int16", "int8", "int64",
                  "uint32", "uint64", "bfloat16")


def _to_array(values, dtype, shape):
    """TF's array for `values`: NumPy values keep (or cast to) their dtype; Python values
    are checked against `dtype`, float64 becomes float32 and small int64 int32."""
    if isinstance(values, (np.ndarray, np.generic)) or (
            hasattr(values, "__array__") and not isinstance(values, Tensor)):
        arr = np.asarray(values)
        return arr.astype(dtype.as_numpy_dtype) if dtype is not None else arr
    if values is None:
        raise ValueError("None values not supported.")
    arr = _python_array(values, dtype, shape)
    if dtype is None and arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    elif dtype is None and arr.dtype == np.int64 and np.array_equal(
            arr.astype(np.int32), arr):
        arr = arr.astype(np.int32)
    return arr


def _python_array(values, dtype, shape):
    np_type = None if dtype is None else dtype.as_numpy_dtype
    if shape is not None and np.prod(shape, dtype=np.int64) == 0:
        return np.empty(shape, dtype=np_type)
    _check_compatible(values, dtype)
    if dtype is not None and dtype.name == "string":
        return np.array(values, dtype=object)
    if isinstance(values, (list, tuple)) and not any(
            isinstance(v, Tensor) for v in nest.flatten(values)):
        np.array(values)  # TF lets NumPy's error about a ragged list through
    try:
        arr, _ = _infer_python(values)
    except _PackNeeded:
        raise TypeError("Expected any non-tensor type, but got a tensor instead.") from None
    return np.asarray(arr, np_type) if np_type is not None else arr


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False,
                      allow_broadcast=False):
    """`tf.make_tensor_proto`: a TensorProto of `values` (a TensorProto comes back as is).

    >>> import scopeflow as tf
    >>> tf.make_tensor_proto([1, 2]).tensor_content
    b'\\x01\\x00\\x00\\x00\\x02\\x00\\x00\\x00'
    """
    if allow_broadcast and verify_shape:
        raise ValueError("allow_broadcast and verify_shape are not both allowed.")
    if isinstance(values, tensor_pb2.TensorProto):
        return values
    dtype = _dt.as_dtype(dtype) if dtype else None
    arr = _to_array(values, dtype, shape)
    found = _dt.string if arr.dtype.kind in "OSU" else _dt.as_dtype(arr.dtype)
    if dtype is not None and dtype.base_dtype != found.base_dtype:
        raise TypeError("`dtype` %r is not compatible with %s of dtype %s."
                        % (dtype, values, arr.dtype))
    if shape is None:
        shape, shape_size = list(arr.shape), arr.size
    else:
        shape = [int(d) for d in shape]
        shape_size = int(np.prod(shape, dtype=np.int64))
        if allow_broadcast:
            if arr.shape not in ((1,), ()) and arr.size != shape_size:
                raise TypeError("Expected Tensor's shape: %s, but got %s."
                                % (tuple(shape), arr.shape))
        else:
            if verify_shape and arr.shape != tuple(shape):
                raise TypeError("Expected Tensor's shape: %s, but got %s."
                                % (tuple(shape), arr.shape))
            if arr.size > shape_size:
                raise ValueError("Too many elements provided. Takes at most %d, but got %d."
                                 % (shape_size, arr.size))
    tp = tensor_pb2.TensorProto(dtype=found.as_datatype_enum,
                                tensor_shape=shape_proto(shape))
    if arr.size == shape_size and found.name in _CONTENT_TYPES and shape_size > 1:
        tp.tensor_content = np.ascontiguousarray(arr).tobytes()
        return tp
    flat = arr.reshape(-1)
    for item in flat if found is _dt.string else ():
        if not isinstance(item, (bytes, str)):
            raise TypeError("Expected binary or unicode string, got %r" % (item,))
    write_values(tp, flat, found.name)
    return tp


def make_ndarray(tensor):
    """`tf.make_ndarray`: the NumPy array of TensorProto `tensor` (its last value repeated
    to fill the shape, zeros when it holds none).

    >>> import scopeflow as tf
    >>> tf.make_ndarray(tf.make_tensor_proto([[1, 2]]))
    array([[1, 2]], dtype=int32)
    """
    shape = [d.size for d in tensor.tensor_shape.dim]
    count = int(np.prod(shape, dtype=np.int64))
    dtype = _dt.as_dtype(tensor.dtype)
    np_type = dtype.as_numpy_dtype
    if tensor.tensor_content:
        return np.frombuffer(tensor.tensor_content, dtype=np_type).copy().reshape(shape)
    if dtype is _dt.string:
        values = list(tensor.string_val)
        values += [values[-1] if values else ""] * (count - len(values))
        return np.array(values, dtype=np_type).reshape(shape)
    field = _VAL_FIELD.get(dtype.name)
    if field is None:
        raise TypeError("Unsupported tensor type: %s. See "
                        "https://www.tensorflow.org/api_docs/python/tf/dtypes for supported "
                        "TF dtypes." % tensor.dtype)
    raw = list(getattr(tensor, field))
    if dtype.name in ("float16", "bfloat16"):
        values = np.asarray(raw, np.uint16).view(np_type)
    elif dtype.is_complex:
        values = np.array([complex(*p) for p in zip(raw[0::2], raw[1::2])], dtype=np_type)
    else:
        values = np.asarray(raw, dtype=np_type)
    if values.size == 0:
        return np.zeros(shape, np_type)
    if values.size != count:
        values = np.pad(values, (0, count - values.size), "edge")
    return values.reshape(shape)
