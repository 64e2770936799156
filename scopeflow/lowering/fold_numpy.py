"""Folding small known values in NumPy instead of eager JAX.

An op whose inputs are all known at trace time (the shape arithmetic of a gradient graph:
BroadcastGradientArgs, Prod of a Shape, FloorMod of a rank) used to run eagerly, and eager
JAX compiles a small XLA program for each primitive and shape it meets: 10-60 ms of CPU each,
eight or more per training step's first run. Here the kernel is traced to a jaxpr (the known
inputs are its constants) and the jaxpr is interpreted with NumPy, for a table of primitives
whose NumPy result is XLA's bit for bit: integer and boolean arithmetic (with XLA's division
by zero and overflow cases left to XLA), comparisons, selects, shape and layout primitives,
and the float operations IEEE rounds exactly (+, -, *, /, min, max, floor, ceil). Anything
else (transcendentals, float sums whose order differs, subnormal results XLA may flush)
returns `None` and the caller folds eagerly as before.

>>> import jax.numpy as jnp, numpy as np
>>> evaluate(lambda: jnp.remainder(np.array([5, -5], np.int32), np.int32(3))).tolist()
[2, 1]
"""

import operator

import jax
import numpy as np
from jax.extend.core import Literal as _Literal


class _NoRule(Exception):
    """A primitive (or a value case) without an exact NumPy rule: fold eagerly instead."""


def evaluate(fn):
    """`fn()` (no arguments: its known inputs are closed over) computed with NumPy, or None
    when it cannot be (some primitive has no exact rule, or tracing it fails)."""
    try:
        closed, shapes = jax.make_jaxpr(fn, return_shape=True)()
        out = _run(closed.jaxpr, closed.consts, [])
    except Exception:  # noqa: BLE001 - the eager path raises the kernel's own error
        return None
    return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(shapes), out)


def evaluate_args(fn, args):
    """`fn(args)` computed with NumPy, `args` (a list of known arrays, or of lists of them)
    entering the trace as arguments; None when it cannot be. Under JAX 0.10 a kernel traced
    over closed-over constants runs eagerly as it traces (its jaxpr comes out empty, each
    primitive compiled: ConcatOffset's ~17, 0.06-0.4 s each on a first run), so the known
    inputs are traced as abstract values and bound to the jaxpr's inputs here."""
    try:
        leaves, tree = jax.tree_util.tree_flatten(args)
        if any(isinstance(x, jax.core.Tracer) for x in leaves):
            return None  # (np.asarray fails on a tracer, and JAX's message for it walks the
            # whole trace: 60 ms each in a transformer's step, half its first run)
        leaves = [np.asarray(x) for x in leaves]
        if any(x.dtype.kind not in "biuf" for x in leaves):
            return None
        avals = [jax.ShapeDtypeStruct(x.shape, x.dtype) for x in leaves]
        closed, shapes = jax.make_jaxpr(
            lambda *xs: fn(jax.tree_util.tree_unflatten(tree, list(xs))),
            return_shape=True)(*avals)
        out = _run(closed.jaxpr, closed.consts, leaves)
    except Exception:  # noqa: BLE001 - a kernel that needs its values: `evaluate` instead
        return None
    return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(shapes), out)


def _run(jaxpr, consts, args):
    env = {}
    for v, x in zip(jaxpr.constvars, consts):
        env[v] = _as(x, v.aval)
    for v, x in zip(jaxpr.invars, args):
        env[v] = _as(x, v.aval)

    def read(v):
        if isinstance(v, _Literal):
            return _as(v.val, v.aval)
        return env[v]

    for eqn in jaxpr.eqns:
        rule = _RULES.get(eqn.primitive.name)
        if rule is None:
            raise _NoRule(eqn.primitive.name)
        outs = rule([read(v) for v in eqn.invars], **eqn.params)
        if not eqn.primitive.multiple_results:
            outs = [outs]
        for v, x in zip(eqn.outvars, outs):
            env[v] = _checked(x, v.aval)
    return [read(v) for v in jaxpr.outvars]


def _as(x, aval):
    dtype = getattr(aval, "dtype", None)
    if not isinstance(dtype, np.dtype) or dtype.kind not in "biuf":
        raise _NoRule("dtype")  # tokens, keys, bfloat16 and float8 (kind V), complex
    if isinstance(x, jax.core.Tracer):
        raise _NoRule("tracer")  # (as above: np.asarray's error would walk the trace)
    a = np.asarray(x)
    return _checked(a if a.dtype == dtype else a.astype(dtype), aval)


def _checked(x, aval):
    """`x` as the array the primitive's output `aval` describes; refuses subnormal floats
    (XLA's CPU code may flush them) and any dtype NumPy promoted to."""
    a = np.asarray(x)
    if a.dtype != aval.dtype or a.shape != tuple(aval.shape):
        raise _NoRule("promoted")
    if a.dtype.kind == "f" and a.size:
        tiny = np.finfo(a.dtype).tiny
        mags = np.abs(a)
        if np.any((mags < tiny) & (mags > 0)):
            raise _NoRule("subnormal")
    return a


def _ints(*xs):
    return all(x.dtype.kind in "iub" for x in xs)


def _exact(fn):
    """An elementwise rule exact for every dtype (integer results wrap as XLA's)."""
    def rule(args, **_):
        with np.errstate(all="ignore"):
            return fn(*args)
    return rule


def _int_only(fn):
    def rule(args, **_):
        if not _ints(*args):
            raise _NoRule("float")
        with np.errstate(all="ignore"):
            return fn(*args)
    return rule


def _division(fn):
    """Integer div/rem: XLA's results for a zero divisor and MIN / -1 differ from NumPy's."""
    def rule(args, **_):
        a, b = args
        if a.dtype.kind in "iu":
            if np.any(b == 0):
                raise _NoRule("division by zero")
            if a.dtype.kind == "i" and np.any((b == -1) & (a == np.iinfo(a.dtype).min)):
                raise _NoRule("overflow")
        with np.errstate(all="ignore"):
            return fn(a, b)
    return rule


def _int_div(a, b):
    if a.dtype.kind == "f":
        return a / b
    # truncation toward zero, as C and XLA: a - fmod(a, b) is a multiple of b (no overflow)
    return (a - np.fmod(a, b)) // b


def _rem(a, b):
    return np.fmod(a, b)


def _shift(fn):
    def rule(args, **_):
        a, b = args
        bits = a.dtype.itemsize * 8
        if not _ints(a, b) or np.any((b < 0) | (b >= bits)):
            raise _NoRule("shift")
        return fn(a, b)
    return rule


def _logical_right(a, b):
    u = np.dtype("uint%d" % (a.dtype.itemsize * 8))
    return (a.view(u) >> b.astype(u)).view(a.dtype)


def _select_n(args, **_):
    which, *cases = args
    if which.dtype == np.bool_:
        return np.where(which, cases[1], cases[0]) if len(cases) == 2 else cases[0]
    return np.choose(which.astype(np.int64), np.broadcast_arrays(*cases))


def _convert(args, new_dtype, **_):
    (x,) = args
    new = np.dtype(new_dtype)
    if x.dtype.kind == "f" and new.kind in "iub":
        if new.kind == "b":
            return x != 0
        info = np.iinfo(new)
        if not np.all(np.isfinite(x)) or np.any((x <= info.min - 1.0) | (x >= info.max + 1.0)):
            raise _NoRule("float to int out of range")
        return np.trunc(x).astype(new)
    if x.dtype.kind == "c" or new.kind == "c":
        raise _NoRule("complex")
    if new.kind == "b":
        return x != 0
    with np.errstate(all="ignore"):
        return x.astype(new)


def _broadcast_in_dim(args, shape, broadcast_dimensions, **_):
    (x,) = args
    expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = x.shape[i]
    return np.broadcast_to(x.reshape(expanded), shape).copy()


def _reshape(args, new_sizes, dimensions=None, **_):
    (x,) = args
    if dimensions is not None:
        x = np.transpose(x, dimensions)
    return x.reshape(new_sizes)


def _slice(args, start_indices, limit_indices, strides=None, **_):
    (x,) = args
    strides = strides or (1,) * x.ndim
    return x[tuple(slice(s, e, st) for s, e, st in zip(start_indices, limit_indices, strides))]


def _iota(args, dtype, shape, dimension, **_):
    idx = np.arange(shape[dimension], dtype=dtype)
    view = [1] * len(shape)
    view[dimension] = shape[dimension]
    return np.broadcast_to(idx.reshape(view), shape).copy()


def _reduction(fn, any_order=False):
    """Integer and boolean reductions; float ones only over at most one element each (float
    sums round by their order, XLA's own), or for a max / min (`any_order`) of nonzero
    numbers. A reduction over size-1 axes or none is its input as it is (XLA keeps a -0.0
    there too): a gradient's Sum over the axes BroadcastGradientArgs finds, often none, of a
    known upstream gradient (reduce_mean's, a loss's constant labels)."""
    def rule(args, axes, **_):
        (x,) = args
        if x.dtype.kind not in "iub":
            if any_order and x.size and not np.any((x == 0) | np.isnan(x)):
                return fn(x, axis=tuple(axes))  # (which zero or NaN XLA keeps is its own)
            if any(x.shape[a] > 1 for a in axes):
                raise _NoRule("float reduction")
            if x.size:
                return x.reshape([d for i, d in enumerate(x.shape) if i not in axes])
        with np.errstate(all="ignore"):
            return fn(x, axis=tuple(axes)).astype(x.dtype)
    return rule


def _arg(fn):
    def rule(args, axes, index_dtype, **_):
        (x,) = args
        if x.dtype.kind not in "iub":
            raise _NoRule("float argmax")
        return fn(x, axis=axes[0]).astype(index_dtype)
    return rule


def _bitcast(args, new_dtype, **_):
    """Same-width bitcasts (round_each's opaque tie of a product to its NaN flags)."""
    (x,) = args
    new = np.dtype(new_dtype)
    if new.itemsize != x.dtype.itemsize or new.kind not in "biuf":
        raise _NoRule("bitcast of another width")
    return x.view(new)


def _call(args, jaxpr=None, call_jaxpr=None, **_):
    closed = jaxpr if jaxpr is not None else call_jaxpr
    inner = getattr(closed, "jaxpr", closed)
    return _run(inner, getattr(closed, "consts", ()), args)


def _pad(args, padding_config, **_):
    x, value = args
    if any(i != 0 for _, _, i in padding_config) or any(
            lo < 0 or hi < 0 for lo, hi, _ in padding_config):
        raise _NoRule("interior or negative padding")
    return np.pad(x, [(lo, hi) for lo, hi, _ in padding_config], constant_values=value)


def _integer_pow(args, y, **_):
    (x,) = args
    if x.dtype.kind not in "iu" or y < 0:
        raise _NoRule("float power")
    with np.errstate(all="ignore"):
        out = np.ones_like(x)
        for _ in range(y):
            out = out * x
    return out


def _float_exact(fn):
    """Floor / ceil: exact for floats too (NaN stays NaN, -0.5 rounds up to -0.0)."""
    def rule(args, **_):
        return fn(args[0])
    return rule


def _min_max(fn):
    def rule(args, **_):
        a, b = args
        if a.dtype.kind == "f" and (np.any((a == 0) & (b == 0)) or np.any(np.isnan(a))
                                    or np.any(np.isnan(b))):
            raise _NoRule("zeros or NaN")  # which zero (or NaN) XLA keeps is its own
        return fn(a, b)
    return rule


def _gather(args, dimension_numbers, slice_sizes, **_):
    """Only a table lookup: a 1-D operand read at in-bounds indices (`table[idx]`, as
    ops/libm32.py's glibc tables are read); other gathers fold eagerly."""
    table, indices = args
    dn = dimension_numbers
    if (table.ndim != 1 or tuple(dn.offset_dims) or tuple(dn.collapsed_slice_dims) != (0,)
            or tuple(dn.start_index_map) != (0,) or tuple(slice_sizes) != (1,)
            or tuple(dn.operand_batching_dims) or indices.shape[-1:] != (1,)
            or indices.dtype.kind not in "iu"):
        raise _NoRule("gather")
    idx = indices[..., 0]
    if np.any(idx < 0) or np.any(idx >= table.shape[0]):
        raise _NoRule("gather out of bounds")
    return table[idx]


def _dynamic_slice(args, slice_sizes, **_):
    """A slice at known starts, each clamped into the operand as XLA clamps it."""
    x, *starts = args
    if len(starts) != x.ndim:
        raise _NoRule("dynamic_slice")
    at = [min(max(int(s), 0), d - n) for s, d, n in zip(starts, x.shape, slice_sizes)]
    return x[tuple(slice(a, a + n) for a, n in zip(at, slice_sizes))].copy()


_RULES = {
    "add": _exact(operator.add), "sub": _exact(operator.sub), "mul": _exact(operator.mul),
    "div": _division(_int_div), "rem": _division(_rem), "neg": _exact(operator.neg),
    "max": _min_max(np.maximum), "min": _min_max(np.minimum),
    "abs": _exact(np.abs), "sign": _int_only(np.sign), "gather": _gather,
    "dynamic_slice": _dynamic_slice,
    "floor": _float_exact(np.floor), "ceil": _float_exact(np.ceil),
    "eq": _exact(operator.eq), "ne": _exact(operator.ne), "lt": _exact(operator.lt),
    "le": _exact(operator.le), "gt": _exact(operator.gt), "ge": _exact(operator.ge),
    "and": _int_only(operator.and_), "or": _int_only(operator.or_),
    "xor": _int_only(operator.xor), "not": _int_only(np.invert),
    "shift_left": _shift(np.left_shift), "shift_right_arithmetic": _shift(np.right_shift),
    "shift_right_logical": _shift(_logical_right),
    "select_n": _select_n, "convert_element_type": _convert, "bitcast_convert_type": _bitcast,
    "broadcast_in_dim": _broadcast_in_dim, "reshape": _reshape,
    "squeeze": lambda args, dimensions, **_: np.squeeze(args[0], tuple(dimensions)),
    "expand_dims": lambda args, dimensions, **_: np.expand_dims(args[0], tuple(dimensions)),
    "concatenate": lambda args, dimension, **_: np.concatenate(args, axis=dimension),
    "transpose": lambda args, permutation, **_: np.transpose(args[0], permutation),
    "rev": lambda args, dimensions, **_: np.flip(args[0], tuple(dimensions)),
    "slice": _slice, "iota": _iota, "pad": _pad, "integer_pow": _integer_pow,
    "split": lambda args, sizes, axis, **_: np.split(args[0], np.cumsum(sizes)[:-1], axis),
    "copy": lambda args, **_: args[0].copy(), "copy_p": lambda args, **_: args[0].copy(),
    "optimization_barrier": lambda args, **_: list(args),
    "reduce_sum": _reduction(np.sum), "reduce_prod": _reduction(np.prod),
    "reduce_max": _reduction(np.max, True), "reduce_min": _reduction(np.min, True),
    "reduce_and": _reduction(np.all), "reduce_or": _reduction(np.any),
    "argmax": _arg(np.argmax), "argmin": _arg(np.argmin),
    "jit": _call, "pjit": _call, "closed_call": _call, "core_call": _call,
    "custom_jvp_call": _call,
}
