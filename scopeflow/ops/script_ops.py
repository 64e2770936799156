"""`tf.py_func`, `tf.numpy_function`, `tf.py_function`: Python functions as host ops.

The op (PyFunc, PyFuncStateless or EagerPyFunc) keeps TF's `token` attr; the function lives
in a registry keyed by token, kept alive by the graph that holds the op. At run time the host
kernel calls it on NumPy values (EagerTensor-like arrays with `.numpy()` for py_function) and
checks what it returns as TF's PyFunc kernel does.

>>> import scopeflow as tf
>>> y = tf.py_func(lambda v: v * 2, [tf.constant([1, 2])], tf.int32)
>>> (y.op.type, y.name, y.shape.ndims)
('PyFunc', 'PyFunc:0', None)
"""

import itertools
import threading
import traceback
import weakref

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape
from scopeflow.lowering.context import run_error, type_name
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.registry import ANY, op

__all__ = ["EagerTensor", "numpy_function", "py_func", "py_function"]

_FUNCS = weakref.WeakValueDictionary()  # token -> function (the graph holds it alive)
_KEEP = weakref.WeakKeyDictionary()  # graph -> [functions its ops call]
_ids = itertools.count()
_lock = threading.Lock()


def _outputs(*inputs, token, Tin, Tout, is_async=None):
    return [(TensorShape(None), _dt.as_dtype(t).base_dtype) for t in Tout]


def _host_only(input, *, token, Tin, Tout, is_async=False):
    raise NotImplementedError("py_func ops run on the host, not in a compiled program")


_LIST = {"types": {"input": ANY}, "lists": ("input",), "multi": True}
_py_func_op = op("PyFunc", infer=_outputs, stateful=True, **_LIST)(_host_only)
_py_func_stateless_op = op("PyFuncStateless", infer=_outputs, **_LIST)(_host_only)
_eager_py_func_op = op("EagerPyFunc", infer=_outputs, stateful=True, **_LIST)(_host_only)


def _build(builder, func, inp, Tout, name, default_name, **attrs):
    """TF's `_internal_py_func`: registers `func` under a new token, adds the op."""
    if not callable(func.func):
        raise ValueError("Expected func to be callable. Received func=%s of type %s."  # noqa: TRY004
                         % (func.func, type(func.func)))
    from scopeflow.ops.constant import convert_to_tensor
    is_list = isinstance(Tout, (list, tuple))
    tout = [_dt.as_dtype(t).base_dtype for t in (Tout if is_list else [Tout])]
    with _lock:
        token = "pyfunc_%d" % next(_ids)
    graph = default_graph()
    _FUNCS[token] = func
    _KEEP.setdefault(graph, []).append(func)
    inp = list(inp)
    with name_scope(name, default_name, inp) as scope:
        tensors = [convert_to_tensor(x, name="input_%d" % i) for i, x in enumerate(inp)]
        out = builder(tensors, token=token, Tin=[t.dtype.base_dtype for t in tensors],
                      Tout=tout, name=scope, **attrs)
    if not tout:  # no outputs: the Operation
        return out
    return out if is_list else out[0]


def py_func(func, inp, Tout, stateful=True, name=None):
    """`tf.py_func`: `func` on NumPy arrays as an op (PyFunc, or PyFuncStateless).

    >>> import scopeflow as tf
    >>> tf.py_func(len, [tf.constant([1, 2])], tf.int64, stateful=False).op.type
    'PyFuncStateless'
    """
    builder = _py_func_op if stateful else _py_func_stateless_op
    return _build(builder, _NumpyCall(func), inp, Tout, name,
                  "PyFunc" if stateful else "PyFuncStateless")


def numpy_function(func=None, inp=None, Tout=None, stateful=True, name=None):
    """`tf.numpy_function`: as py_func (also a decorator when `func` is None).

    >>> import scopeflow as tf
    >>> tf.numpy_function(lambda a: a, [tf.constant(1)], tf.int32).op.type
    'PyFunc'
    """
    deco = _decorator(numpy_function, "tf.numpy_function", func, inp, Tout,
                      stateful=stateful, name=name)
    if deco is not None:
        return deco
    return py_func(func, inp, Tout, stateful=stateful, name=name)


def py_function(func=None, inp=None, Tout=None, name=None):
    """`tf.py_function`: `func` on eager tensors (`.numpy()`) as an EagerPyFunc op.

    >>> import scopeflow as tf
    >>> tf.py_function(lambda a: a.numpy() + 1, [tf.constant(1)], tf.int32).op.type
    'EagerPyFunc'
    """
    deco = _decorator(py_function, "tf.py_function", func, inp, Tout, name=name)
    if deco is not None:
        return deco
    tout = list(Tout) if isinstance(Tout, (list, tuple)) else [Tout]
    return _build(_eager_py_func_op, _EagerCall(func, tout), inp, Tout, name, "EagerPyFunc",
                  is_async=False)


def _decorator(script_op, label, func, inp, Tout, **kwargs):
    """TF's argument checks; a decorator when `func` is None."""
    if Tout is None:
        raise TypeError("Missing required argument: 'Tout'\n  If using %s as a decorator, set "
                        "`Tout`\n  **by name** above the function:\n  `@%s(Tout=tout)`"
                        % (label, label))
    if func is None:
        if inp is not None:
            raise TypeError("Don't set the `inp` argument when using %s as a decorator "
                            "(`func=None`)." % label)

        def decorate(fun):
            def wrapper(*args):
                return script_op(fun, inp=args, Tout=Tout, **kwargs)

            wrapper.__name__ = getattr(fun, "__name__", "wrapper")
            wrapper.__doc__ = getattr(fun, "__doc__", None)
            return wrapper

        return decorate
    if inp is None:
        raise TypeError("Missing argument `inp`:\n  You must set the `inp` argument (the list "
                        "of arguments to the\n  function), unless you use `%s` as a decorator"
                        "(`func=None`)." % label)
    return None


# ---- run time ---------------------------------------------------------------------------------
class EagerTensor(np.ndarray):
    """What a py_function receives: a NumPy array that also answers `.numpy()`."""

    def numpy(self):
        return np.asarray(self).copy()

    def __repr__(self):
        return "<tf.Tensor: shape=%s, dtype=%s, numpy=%r>" % (
            tuple(self.shape), _dt.as_dtype(_np_dtype(self)).name, np.asarray(self))


def _np_dtype(a):
    return np.object_ if a.dtype == object else a.dtype


class _NumpyCall:
    """py_func's function: NumPy in, a value or list of values out (TF's FuncRegistry)."""

    def __init__(self, func):
        self.func = func

    def __call__(self, args):
        # (TF's kernel hands 0-d arrays over as NumPy scalars, PyArray_Return: np.int32(1),
        # a string's bytes)
        ret = self.func(*[a[()] if a.ndim == 0 else a for a in args])
        if isinstance(ret, bytes):
            ret = [ret]
        if isinstance(ret, (tuple, list)):
            return [_to_numpy(x) for x in ret]
        if ret is None:
            return []
        return [_to_numpy(ret)]


class _EagerCall:
    """py_function's function: eager tensors in, values converted to `Tout` out."""

    def __init__(self, func, tout):
        self.func = func
        self.tout = [_dt.as_dtype(t).base_dtype for t in tout]

    def __call__(self, args):
        ret = self.func(*[np.asarray(a).view(EagerTensor) for a in args])
        if isinstance(ret, (tuple, list)):
            return [_eager_convert(x, t) for x, t in zip(ret, self.tout)]
        if ret is None:
            return []
        return [_eager_convert(ret, self.tout[0])]


def _to_numpy(value):
    """TF's FuncRegistry._convert: NumPy strings become object arrays of bytes."""
    if isinstance(value, np.ndarray) and type(value) is not np.ndarray:
        value = np.asarray(value)
    result = np.asarray(value, order="C")
    if result.dtype.char == "S":
        return np.asarray(value, order="C", dtype=object)
    if result.dtype.char == "U":
        return np.vectorize(lambda x: x.encode("ascii"), otypes=[object])(result) \
            if result.size else result.astype(object)
    return result


def _eager_convert(value, dtype):
    """`ops.convert_to_tensor(value, dtype)` as the eager py_function output check does."""
    want = np.dtype(object) if dtype is _dt.string else np.dtype(dtype.as_numpy_dtype)
    arr = _to_numpy(value)
    if arr.dtype == want:
        return arr
    if dtype is _dt.string or arr.dtype == object or arr.dtype.kind in "SU":
        raise TypeError("Cannot convert %r to EagerTensor of dtype %s" % (value, dtype.name))
    if not isinstance(value, np.ndarray) and arr.dtype.kind == "f" and want.kind in "iub":
        raise TypeError("Cannot convert %r to EagerTensor of dtype %s" % (value, dtype.name))
    return arr.astype(want)


# TF's PyFunc kernel maps Python exceptions to status codes (py_func.cc)
_ERROR_CLASSES = ((ValueError, errors.InvalidArgumentError),
                  (TypeError, errors.InvalidArgumentError),
                  (StopIteration, errors.OutOfRangeError),
                  (MemoryError, errors.ResourceExhaustedError),
                  (NotImplementedError, errors.UnimplementedError))


def _error_for(exc):
    for py, tf_class in _ERROR_CLASSES:
        if isinstance(exc, py):
            return tf_class
    return errors.UnknownError


def _error_text(exc):
    """TF's text: "ValueError: msg", the formatted traceback, lines set apart."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return "%s: %s\n%s\n" % (type(exc).__name__, exc, "\n".join(lines))


def _host_inputs(values):
    out = []
    for v in values:
        a = np.asarray(v)
        if not a.flags.writeable:
            a = a.copy()
        out.append(a)
    return out


def _run(ctx, op, *values):
    token = op._attrs["token"]
    func = _FUNCS.get(token)
    if func is None:
        raise run_error(errors.InvalidArgumentError, op, "ValueError: Could not find callback "
                        "with key=%s in the registry.\n" % token)
    try:
        outs = func(_host_inputs(values))
    except Exception as e:  # noqa: BLE001 - the user's error, reported as TF's class
        raise run_error(_error_for(e), op, _error_text(e)) from None
    tout = op._attrs["Tout"]
    if len(outs) != len(tout):
        raise run_error(errors.InvalidArgumentError, op, "%s returns %d values, but expects "
                        "to see %d values." % (token, len(outs), len(tout)))
    for i, (v, want) in enumerate(zip(outs, tout)):
        got = _value_dtype(v)
        if got is not _dt.as_dtype(want).base_dtype:
            raise run_error(errors.InvalidArgumentError, op, "%d-th value returned by %s is %s, "
                            "but expects %s" % (i, token, _type_text(got, v),
                                                type_name(_dt.as_dtype(want))))
    return outs


def _value_dtype(v):
    if v.dtype == object:
        return _dt.string if all(isinstance(x, bytes) for x in v.reshape(-1)) else None
    try:
        return _dt.as_dtype(v.dtype)
    except TypeError:
        return None


def _type_text(dtype, v):
    return type_name(dtype) if dtype is not None else str(v.dtype)


for _type in ("PyFunc", "PyFuncStateless", "EagerPyFunc"):
    host_kernel(_type)(_run)
