"""Shared by the math, nn and linalg op families: TF's dtype checks and TF1's op name scopes.

    @typed_op("Exp")                      # int32 input: TF's "Value passed to parameter 'x'
    def exp(x):                           # has DataType int32 not in list of allowed values"
        return jnp.exp(x)

`typed_op` is `registry.op` plus the dtype check of the op's `ALLOWED` entry (op_types.py,
recorded from TF's op definitions), run before the shape rule as TF's op_def_library does.
"""

import contextlib
import functools

import jax
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import SymbolicTensor
from scopeflow.lowering import fold_numpy
from scopeflow.ops import registry
from scopeflow.ops.op_types import ALLOWED, FIXED


def typed_op(op_type, **kw):
    """`registry.op` whose shape rule first checks input dtypes against TF's allowed lists.

    Kernels without run context compute small host (NumPy) inputs on the host, so shape and
    axis arithmetic (`tf.rank(x) - 1`) stays static for the kernels that read it.
    """
    infer = kw.pop("infer", None) or registry.same_as_first
    allowed = ALLOWED.get(op_type, ())
    fixed = FIXED.get(op_type, ())
    static = not (kw.get("context") or kw.get("stateful"))
    if not allowed and not fixed:
        return lambda k: registry.op(op_type, infer=infer, **kw)(_host_eval(k) if static else k)

    # TF checks inputs in order: a fixed-type input 0 fails before an attr-typed input 1.
    checks = sorted([(i, arg, names, False) for i, arg, names in allowed]
                    + [(i, arg, dtype, True) for i, arg, dtype in fixed])

    # (input index, dtype names it passes with), for the hot path below
    passes = tuple((i, frozenset(want.split("|") if is_fixed else want))
                   for i, arg, want, is_fixed in checks)
    need = max(i for i, _ in passes) + 1

    def checked(*tensors, **attrs):
        n = len(tensors)
        if n >= need:
            for i, ok in passes:
                t = tensors[i]
                if type(t) is not SymbolicTensor or t._dtype.base_dtype._name not in ok:
                    break
            else:
                return infer(*tensors, **attrs)
        for i, arg, want, is_fixed in checks:
            if i < n:
                if is_fixed:
                    check_fixed(tensors[i], arg, op_type, want)
                else:
                    check_allowed(tensors[i], arg, want)
        return infer(*tensors, **attrs)

    return lambda k: registry.op(op_type, infer=checked, **kw)(_host_eval(k) if static else k)


_HOST_MAX = 1 << 12  # inputs up to this many elements are computed on the host


def _host_eval(kernel):
    """`kernel`, evaluated eagerly to a NumPy value when all its inputs are small host values."""
    @functools.wraps(kernel)
    def run(*args, **attrs):
        flat = [y for x in args for y in (x if isinstance(x, (list, tuple)) else (x,))]
        if flat and all(isinstance(x, (np.ndarray, np.generic)) for x in flat) and sum(
                np.size(x) for x in flat) <= _HOST_MAX:
            out = fold_numpy.evaluate(lambda: kernel(*args, **attrs))
            if out is None:  # no exact NumPy rule: eager JAX (a small XLA compile)
                with jax.ensure_compile_time_eval():
                    out = kernel(*args, **attrs)
            if isinstance(out, (tuple, list)):
                return type(out)(np.asarray(o) for o in out)
            return np.asarray(out)
        return kernel(*args, **attrs)

    return run


def check_allowed(t, arg, names):
    """TF's TypeError for an input whose dtype is not in the op's list `names`."""
    ts = t if isinstance(t, (list, tuple)) else (t,)
    for x in ts[:1]:
        name = x.dtype.base_dtype.name
        if name not in names:
            raise TypeError("Value passed to parameter '%s' has DataType %s not in list of "
                            "allowed values: %s" % (arg, name, ", ".join(names)))


def check_fixed(t, arg, op_type, dtype):
    """TF's TypeError for an input of a fixed dtype (LogicalAnd's bool, InTopK's int)."""
    ts = t if isinstance(t, (list, tuple)) else (t,)
    for x in ts:
        got = x.dtype.base_dtype.name
        if got not in dtype.split("|"):
            raise TypeError("Input '%s' of '%s' Op has type %s that does not match expected "
                            "type of %s." % (arg, op_type, got, dtype.split("|")[0]))


@contextlib.contextmanager
def name_scope(name, default_name=None, values=()):
    """TF1's `with ops.name_scope(name, default_name, values) as scope:` for op functions."""
    g = registry._graph_of(tuple(values or ()))
    with g.as_default(), g.name_scope(name or default_name) as scope:
        yield scope


def tensor(x, name=None, dtype=None, preferred_dtype=None):
    """`ops.convert_to_tensor` with TF's argument order, passing Tensors through."""
    if type(x) is SymbolicTensor and dtype is None:
        return x
    from scopeflow.ops.constant import convert_to_tensor
    return convert_to_tensor(x, dtype=dtype, name=name, preferred_dtype=preferred_dtype)


def static_value(t):
    """The NumPy value of `t` when graph building can compute it (TF's constant folding)."""
    try:
        from scopeflow.ops.array_base import static_value as fold
    except ImportError:
        from scopeflow.ops.constant import constant_value as fold
    return fold(t)


def dims(t):
    """The static dims tuple of tensor `t` (None when the rank is unknown)."""
    return t.shape._dims


def base(t):
    return t.dtype.base_dtype


def as_dtype(d):
    return _dt.as_dtype(d).base_dtype


def raw(op_type, *inputs, name=None, **attrs):
    """TF's `gen_*_ops.<op>(...)`: one op of a registered type, whichever module defines it."""
    rec = registry.lookup(op_type)
    return registry.apply(rec, inputs, attrs, name)


def static_axes(value):
    """Axes given to a kernel as a tuple of ints (they must be known when the graph runs)."""
    # a traced value raises JAX's concretization error: the lowering then compiles the fed
    # values it comes from into the signature (lowering/lower.py `learn_static`)
    return tuple(int(a) for a in np.asarray(value).reshape(-1))


class _ArrayOps:
    """TF's array_ops functions by name, from whichever module of the array family holds them."""

    _MODULES = ("array", "shape_ops", "joining", "gather", "slicing")

    def __getattr__(self, name):
        import importlib
        for m in self._MODULES:
            mod = importlib.import_module("scopeflow.ops." + m)
            if hasattr(mod, name):
                return getattr(mod, name)
        raise AttributeError("no array op %r" % name)


array_ops = _ArrayOps()


def attr(kind, value, arg):
    """TF's `_execute.make_<kind>` for an op attr: the value, or TF's TypeError.

    >>> attr("int", 2.0, "k")
    2
    """
    if kind == "bool":
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError("Expected bool for argument '%s' not %r." % (arg, value))
        return bool(value)
    if kind == "string":
        if not isinstance(value, (str, bytes)):
            raise TypeError("Expected string for argument '%s' not %r." % (arg, value))
        return value.decode() if isinstance(value, bytes) else value
    convert = {"int": int, "float": float}[kind]
    if isinstance(value, str):
        raise TypeError("Expected %s for argument '%s' not %r." % (kind, arg, value))
    try:
        return convert(value)
    except (TypeError, ValueError):
        raise TypeError("Expected %s for argument '%s' not %r." % (kind, arg, value)) from None


def named(fn, name):
    """`fn` renamed (its code object too), so Python's own errors say `name()` as TF's do."""
    fn.__name__ = fn.__qualname__ = name
    fn.__code__ = fn.__code__.replace(co_name=name, co_qualname=name)
    return fn
