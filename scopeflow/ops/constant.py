"""Constants, placeholders and `convert_to_tensor`: how Python values enter a graph."""

import numbers

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import Dimension, TensorShape, as_shape
from scopeflow.core.tensor import SymbolicTensor, Tensor
from scopeflow.core.frame import default_graph
from scopeflow.ops import nest
from scopeflow.ops.registry import ANY, finish, op

_conversion_registry = []  # [(priority, type or tuple of types, fn(value, dtype, name, as_ref))]
_conversions_by_type = {}  # type -> the registered functions that apply to it, in order


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """TF's hook: objects of `base_type` convert through `conversion_func`."""
    _conversion_registry.append((priority, base_type, conversion_func))
    _conversion_registry.sort(key=lambda e: e[0])
    _conversions_by_type.clear()


def _conversions_for(cls):
    fns = _conversions_by_type.get(cls)
    if fns is None:
        fns = _conversions_by_type[cls] = tuple(
            fn for _, base, fn in _conversion_registry if issubclass(cls, base))
    return fns


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None,
                      as_ref=False):
    """Tensor for `value`; Python and NumPy values become a `Const` named `name`.

    >>> import scopeflow as tf
    >>> tf.convert_to_tensor([1, 2]).dtype
    tf.int32
    """
    if type(value) is SymbolicTensor:
        if dtype is not None:
            dtype = _dt.as_dtype(dtype)
            if not dtype.is_compatible_with(value._dtype):
                raise ValueError("%sTensor conversion requested dtype %s for Tensor with dtype "
                                 "%s: %r" % (name + ": " if name else "", dtype.name,
                                             value._dtype.name, value))
        return value
    if dtype is not None:
        dtype = _dt.as_dtype(dtype)
    preferred_dtype = preferred_dtype or dtype_hint
    for fn in _conversions_for(type(value)):
        out = fn(value, dtype=dtype, name=name, as_ref=as_ref)
        if out is not NotImplemented:  # TF: the next registered function is tried
            return out
    if isinstance(value, Tensor):
        return convert_to_tensor(value, dtype)
    if value is None:
        raise ValueError("None values not supported.")
    if dtype is None and preferred_dtype is not None:
        try:
            arr = to_numpy(value, _dt.as_dtype(preferred_dtype))
        except (TypeError, ValueError):
            arr = to_numpy(value, None)
    else:
        arr = to_numpy(value, dtype)
    return _const(arr, name or "Const")


def convert_n_to_tensor(values, dtype=None, name=None, preferred_dtype=None):
    return [convert_to_tensor(v, dtype, None if name is None else "%s_%d" % (name, i),
                              preferred_dtype) for i, v in enumerate(values)]


def to_numpy(value, dtype):
    """NumPy array for a Python/NumPy `value` with TF's dtype inference and checks.

    An array is copied, as TF copies it into the op's TensorProto: changing it later does not
    change the constant.
    """
    if type(value) is np.ndarray:  # hot path: an array of its own (or a compatible) dtype
        inferred = _dt._NUMPY_TYPES.get(value.dtype)
        if inferred is not None and inferred is not _dt.string and (
                dtype is None or dtype.base_dtype is inferred):
            return value.copy()
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        inferred = _dt.as_dtype(arr.dtype) if arr.dtype.kind not in "SUO" else _dt.string
    elif dtype is not None and dtype.is_quantized:
        return _quantized(value, dtype.base_dtype)
    else:
        if dtype is not None and not isinstance(value, TensorShape):
            if check_compatible(value, dtype.base_dtype):  # (before making an array of them)
                value = _dimensions_as_ints(value)
        arr, inferred = _infer_python(value)
    if dtype is None:
        dtype = inferred
    if dtype.base_dtype is _dt.string:
        return np.asarray(_to_bytes(arr), dtype=object).reshape(np.shape(arr))
    target = np.dtype(dtype.base_dtype.as_numpy_dtype)
    if arr.dtype.kind in "SUO" and arr.size:
        # TF names the first element that does not convert, as str() writes it
        bad = value if np.ndim(value) == 0 else arr.reshape(-1)[0]
        bad = bad.item() if isinstance(bad, np.generic) else bad
        raise TypeError("Expected %s, but got %s of type '%s'." % (
            dtype.base_dtype.name, bad, type(bad).__name__))
    # (a Python int out of the dtype's range wraps, as NumPy's cast of TF's int64 array does)
    return arr.astype(target, copy=isinstance(value, np.ndarray))


def _quantized(value, dtype):
    """A Python value of a quantized dtype as TF takes it: nested lists of 1-tuples, the
    records of its structured NumPy type (`[(1,), (2,)]`); TF refuses a bare number."""
    _check_records(value, dtype)
    return np.array(value, dtype.as_numpy_dtype)  # OverflowError as TF's NumPy raises it


def _check_records(value, dtype):
    if isinstance(value, list):
        for v in value:
            _check_records(v, dtype)
        return
    bad = [v for v in value if not isinstance(v, int)] if isinstance(value, tuple) else [value]
    if bad:
        raise TypeError("Expected %s, but got %s of type '%s'." % (
            dtype.name, bad[0], type(bad[0]).__name__))


def check_compatible(values, dtype):
    """TF's `_AssertCompatible`: every element of a Python `values` (in `nest.flatten`'s order)
    suits `dtype`, else TF's TypeError naming the first that does not: a bool asks for Python
    bools, a string for text or bytes, an integer type for integral numbers (a float's 2.0
    fails), a floating one for real numbers, a complex one for numbers; an array among them
    passes by its element type."""
    if dtype is None:
        for v in nest.flatten(values):
            if isinstance(v, Tensor):
                raise TypeError("Expected any non-tensor type, but got a tensor instead.")
        return
    if dtype is _dt.bool:
        ok = (bool,)
    elif dtype is _dt.string:
        ok = (str, bytes)
    elif dtype.is_integer:
        ok = (numbers.Integral, np.integer, Dimension)
    elif dtype.is_floating:
        ok = (numbers.Real, np.integer, np.floating)
    elif dtype.is_complex:
        ok = (numbers.Complex, np.number)
    else:
        return
    dims = False
    for v in nest.flatten(values):
        if not (isinstance(v, ok) or isinstance(v, np.ndarray) and issubclass(v.dtype.type, ok)):
            raise TypeError("Expected %s, but got %s of type '%s'."
                            % (dtype.name, v, type(v).__name__))
        dims = dims or type(v) is Dimension
    return dims  # (whether it holds a Dimension: `_dimensions_as_ints`)


def _dimensions_as_ints(value):
    """`value` with each Dimension as its int, as NumPy reads one into an integer array (TF1's
    `tf.reshape(x, [-1, x.get_shape()[1] * 4])`); an unknown one fails there as in TF."""
    if isinstance(value, (list, tuple)):
        items = [_dimensions_as_ints(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    return int(value) if type(value) is Dimension else value


def _infer_python(value):
    if isinstance(value, bool):
        return np.asarray(value), _dt.bool
    if isinstance(value, int):
        return np.asarray(value), (_dt.int32 if -2**31 <= value < 2**31 else _dt.int64)
    if isinstance(value, float):
        return np.asarray(value), _dt.float32
    if isinstance(value, (str, bytes)):
        return np.asarray(value, dtype=object), _dt.string
    if isinstance(value, complex):
        return np.asarray(value), _dt.complex128
    if isinstance(value, TensorShape):
        if not value.is_fully_defined():
            raise ValueError("Cannot convert a partially known TensorShape %s to a Tensor."
                             % value)
        return np.asarray(value.as_list(), dtype=np.int32), _dt.int32
    if isinstance(value, (list, tuple)):
        flat = _flatten(value)
        if any(isinstance(v, Tensor) for v in flat):
            raise _PackNeeded()
        arr = np.asarray(value)  # (a ragged list: NumPy's ValueError, as TF's)
        if arr.dtype.kind in "SUO" and not all(isinstance(v, (str, bytes)) for v in flat):
            raise TypeError("Failed to convert elements of %s to Tensor. Consider casting "
                            "elements to a supported type. See https://www.tensorflow.org/"
                            "api_docs/python/tf/dtypes for supported TF dtypes." % (value,))
        if arr.dtype.kind in "SUO":
            return np.asarray(value, dtype=object), _dt.string
        # TF takes NumPy's dtype of the list (`np.array(values)`), float64 as float32 and
        # int64 as int32 where every value fits: a list of uint8 or float16 scalars stays so
        if arr.dtype == np.float64:
            return arr, _dt.float32
        if arr.dtype == np.int64:
            fits = not arr.size or (arr.min() >= -2**31 and arr.max() < 2**31)
            return arr, (_dt.int32 if fits else _dt.int64)
        return arr, _dt.as_dtype(arr.dtype)
    if hasattr(value, "__array__"):
        arr = np.asarray(value)
        return arr, _dt.as_dtype(arr.dtype)
    raise TypeError("Failed to convert elements of %r to Tensor. Consider casting elements to a "
                    "supported type." % (value,))


class _PackNeeded(Exception):
    pass


def _flatten(v):
    out = []
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        else:
            out.append(x)
    return out


def _to_bytes(arr):
    a = np.asarray(arr, dtype=object)
    return np.vectorize(_as_bytes, otypes=[object])(a) if a.size else a


def _as_bytes(s):
    """TF's compat.as_bytes: text is UTF-8 encoded; anything but text or bytes (a number of an
    array converted to strings) is its TypeError, not the bytes `bytes(1)` would make."""
    if isinstance(s, str):
        return s.encode()
    if isinstance(s, (bytes, bytearray)):
        return bytes(s)
    raise TypeError("Expected binary or unicode string, got %r" % (s,))


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """`tf.constant`: a Const op holding `value`, optionally reshaped / padded to `shape`.

    >>> import scopeflow as tf
    >>> tf.constant([1, 2, 3], shape=[2, 2]).shape.as_list()
    [2, 2]
    """
    if dtype is not None:
        dtype = _dt.as_dtype(dtype)
    if isinstance(value, Tensor):
        raise TypeError("Expected a Python or NumPy value for tf.constant, got a Tensor: %r"
                        % (value,))
    try:
        arr = to_numpy(value, dtype)
    except _PackNeeded:
        raise TypeError("List of Tensors when single Tensor expected")
    if shape is not None:
        arr = _fit_shape(arr, as_shape(shape), verify_shape)
    return _const(arr, name)


def _fit_shape(arr, shape, verify):
    dims = shape.as_list()
    n = int(np.prod(dims)) if dims else 1
    if verify and list(arr.shape) != dims:
        raise TypeError("Expected Tensor's shape: %s, got %s." % (tuple(dims), arr.shape))
    if arr.size == n:
        return arr.reshape(dims)
    if arr.size == 1:
        return np.broadcast_to(arr.reshape(()), dims)  # a filled constant: one value
    if arr.size > n:
        raise ValueError("Too many elements provided. Takes at most %d, but got %d." % (n, arr.size))
    if arr.size == 0:
        raise ValueError("Expected %d elements, got 0" % n)
    flat = arr.reshape(-1)
    pad = np.full(n - arr.size, flat[-1], dtype=arr.dtype)
    return np.concatenate([flat, pad]).reshape(dims)


def _const_kernel(*, value, dtype):
    import jax.numpy as jnp
    return jnp.asarray(value)


def _const_shape(*, value, dtype):
    return TensorShape._of(value.shape), dtype  # NumPy shapes are tuples of ints


_const_op = op("Const", infer=_const_shape, name="Const")(_const_kernel)


def _const(arr, name):
    """The Const op holding `arr` (the builder's steps, without its input handling: it has none)."""
    attrs = {"value": arr, "dtype": _dt.as_dtype(arr.dtype)}
    g = default_graph()
    return finish(g, _const_op.op_def, g._op_name(name or "Const"), (), attrs)


def constant_value(t):
    """The NumPy value of `t` when it is known at graph-build time, else None."""
    if isinstance(t, Tensor):
        o = t.op
        if o._type == "Const":
            return o._attrs["value"]
        if o._type == "Shape" and t.op._inputs[0].shape.is_fully_defined():
            return np.asarray(t.op._inputs[0].shape.as_list(),
                              dtype=t.dtype.as_numpy_dtype)
        if o._type in ("Identity", "StopGradient"):
            return constant_value(o._inputs[0])
        if o._type == "Cast":  # (TF's constant_value sees through casts too)
            pre = constant_value(o._inputs[0])
            return None if pre is None else np.asarray(pre).astype(t.dtype.as_numpy_dtype)
        if o._type == "Pack":
            vals = [constant_value(x) for x in o._inputs]
            if all(v is not None for v in vals):
                return np.stack(vals, axis=o._attrs.get("axis", 0))
        return None
    try:
        return np.asarray(t)
    except (TypeError, ValueError):
        return None


def _placeholder_shape(*, dtype, shape):
    return TensorShape(shape) if shape is not None else TensorShape(None), dtype


@op("Placeholder", infer=_placeholder_shape, context=True, stateful=True)
def _placeholder(ctx, *, dtype, shape):
    from scopeflow.lowering.slice import is_variable_capture
    if is_variable_capture(ctx.op):  # the caller's resource variable (data/functions.py)
        return ctx.var_ref()
    return ctx.missing_feed()


def placeholder(dtype, shape=None, name=None):
    """`tf.placeholder`: a value that every run must feed.

    >>> import scopeflow as tf
    >>> tf.placeholder(tf.float32, [None, 3]).shape.as_list()
    [None, 3]
    """
    dtype = _dt.as_dtype(dtype)
    shape = None if shape is None else as_shape(shape)
    return _placeholder(name=name, dtype=dtype, shape=shape)


def _pwd_shape(input, *, shape):  # noqa: A002 - TF's arg name
    return shape, input.dtype.base_dtype


@op("PlaceholderWithDefault", infer=_pwd_shape, types={"input": ANY})
def _placeholder_with_default(input, *, shape):  # noqa: A002
    return input


def placeholder_with_default(input, shape, name=None):  # noqa: A002
    """A placeholder that returns `input` when not fed."""
    return _placeholder_with_default(input, name=name, shape=as_shape(shape))
