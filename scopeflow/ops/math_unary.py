"""Elementwise unary math ops (Exp, Sigmoid, Abs, ...) and their public functions."""

import re

import jax
import jax.numpy as jnp

from scopeflow import dtypes as _dt
from scopeflow.ops import eigen_reciprocal
from scopeflow.ops.eigen_erf import erf_op, erfc_op
from scopeflow.ops.eigen_exp import exp_op, expm1_op, log1p_op, log_op
from scopeflow.ops.eigen_rsqrt import rsqrt_op
from scopeflow.ops.eigen_tanh import sigmoid_op, tanh_op
from scopeflow.ops.libm_gamma import digamma_op, lgamma_op
from scopeflow.ops.op_util import name_scope, named, tensor, typed_op
from scopeflow.ops.rounding import round_each

_sp = jax.scipy.special


# ---- elementwise unary ----------------------------------------------------------------------
@jax.custom_jvp
def _abs(x):
    return jnp.abs(x)


@_abs.defjvp
def _abs_jvp(primals, tangents):
    # TF's gradient is g * sign(x): 0 at x == 0 (JAX's abs would give 1 there).
    (x,), (t,) = primals, tangents
    return jnp.abs(x), jnp.sign(x) * t


def reciprocal_kernel(x):
    if x.dtype == jnp.float32 and eigen_reciprocal.modelled():
        return _reciprocal_f32(x)  # TF's Eigen kernel: vrcpps and a Newton step
    return (1 / x).astype(x.dtype) if jnp.issubdtype(x.dtype, jnp.inexact) else 1 // x


@jax.custom_jvp
def _reciprocal_f32(x):
    return eigen_reciprocal.eigen_reciprocal(x)


@_reciprocal_f32.defjvp
def _reciprocal_f32_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    y = _reciprocal_f32(x)
    return y, -t * y * y


_UNARY = {
    "Neg": jnp.negative, "Abs": _abs, "Exp": exp_op, "Log": log_op, "Log1p": log1p_op,
    "Expm1": expm1_op, "Sqrt": jnp.sqrt, "Rsqrt": rsqrt_op,
    "Reciprocal": reciprocal_kernel, "Inv": reciprocal_kernel, "Sign": jnp.sign, "Floor": jnp.floor,
    "Ceil": jnp.ceil, "Round": jnp.round, "Rint": jnp.rint, "Tanh": tanh_op,
    "Sigmoid": sigmoid_op, "Sin": jnp.sin, "Cos": jnp.cos, "Tan": jnp.tan,
    "Asin": jnp.arcsin, "Acos": jnp.arccos, "Atan": jnp.arctan, "Sinh": jnp.sinh,
    "Cosh": jnp.cosh, "Asinh": jnp.arcsinh, "Acosh": jnp.arccosh, "Atanh": jnp.arctanh,
    "IsNan": jnp.isnan, "IsInf": jnp.isinf, "IsFinite": jnp.isfinite, "Erf": erf_op,
    "Erfc": erfc_op, "Erfinv": _sp.erfinv, "Ndtri": _sp.ndtri, "Lgamma": lgamma_op,
    "Digamma": digamma_op, "BesselI0": _sp.i0, "BesselI0e": _sp.i0e, "BesselI1": _sp.i1,
    "BesselI1e": _sp.i1e, "Real": jnp.real, "Imag": jnp.imag, "Conj": jnp.conj,
    "ComplexAbs": jnp.abs, "Angle": jnp.angle, "Invert": jnp.invert,
    "LogicalNot": jnp.logical_not,
}
_BOOL_OUT = {"IsNan", "IsInf", "IsFinite", "LogicalNot"}
_REAL_OUT = {"Real", "Imag", "ComplexAbs", "Angle"}
_REAL_OF = {"complex64": _dt.float32, "complex128": _dt.float64}


def _unary_infer(op_type):
    if op_type in _BOOL_OUT:
        return lambda x: (x.shape, _dt.bool)
    if op_type in _REAL_OUT:
        return lambda x: (x.shape, _REAL_OF.get(x.dtype.base_dtype.name, x.dtype.base_dtype))
    return None


UNARY = {t: typed_op(t, infer=_unary_infer(t))((lambda f: lambda x: f(x))(fn))
         for t, fn in _UNARY.items()}

# ops that add a product into a sum, which XLA's CPU backend would contract into fused
# multiply-adds (one rounding where TF rounds twice): a Mul or Square feeding one is rounded
# on its own first (hunkim's `W - learning_rate * gradient`, `reduce_mean(tf.square(h - y))`)
_SUMMING = frozenset(("Add", "AddV2", "Sub", "AddN", "BiasAdd", "Sum", "Mean", "Neg",
                      "SquaredDifference", "AssignAdd", "AssignSub", "AssignAddVariableOp",
                      "AssignSubVariableOp", "Cumsum"))


def rounded_if_summed(ctx, product):
    """`product` (op ctx.op's output), opaque to contraction where a consumer sums it."""
    op = ctx.op
    consumers = getattr(getattr(op, "_graph", None), "_consumers_of", None)
    if consumers is not None and any(c.type in _SUMMING for c in consumers(op._outputs[0])):
        return round_each(product)
    return product


@typed_op("Square", context=True)
def _square(ctx, x):
    y = jnp.square(x)
    return y if ctx is None else rounded_if_summed(ctx, y)


UNARY["Square"] = _square


def _public_unary(op_type, default=None, scoped=None):
    """TF's one-op wrapper: op named `default` (op type), or `scoped/OpType` when scoped."""
    b = UNARY[op_type]

    def f(x, name=None):
        if getattr(x, "_ragged_dispatch", False):  # (TF's ragged dispatch: op of the values)
            from scopeflow.ragged.ragged_math import ragged_unary
            return ragged_unary(f, x, name)
        if scoped:
            with name_scope(name, scoped, [x]):
                return b(x)
        return b(x, name=name or default or op_type)

    name = scoped or re.sub(r"(?<!^)(?=[A-Z])", "_", op_type).lower()
    f.__doc__ = "`tf.math.%s`: elementwise %s." % (name, op_type)
    return named(f, name)


negative, exp, log, log1p = (_public_unary(t) for t in ("Neg", "Exp", "Log", "Log1p"))
expm1, sqrt, rsqrt, square = (_public_unary(t) for t in ("Expm1", "Sqrt", "Rsqrt", "Square"))
reciprocal, floor, ceil, rint = (_public_unary(t) for t in ("Reciprocal", "Floor", "Ceil",
                                                            "Rint"))
tanh, sigmoid = _public_unary("Tanh"), _public_unary("Sigmoid")
sin, cos, tan, asin, acos, atan = (_public_unary(t) for t in ("Sin", "Cos", "Tan", "Asin",
                                                               "Acos", "Atan"))
sinh, cosh, asinh, acosh, atanh = (_public_unary(t) for t in ("Sinh", "Cosh", "Asinh", "Acosh",
                                                              "Atanh"))
is_nan, is_inf, is_finite = (_public_unary(t) for t in ("IsNan", "IsInf", "IsFinite"))
erf, erfc, lgamma, digamma = (_public_unary(t) for t in ("Erf", "Erfc", "Lgamma", "Digamma"))
erfinv, ndtri = _public_unary("Erfinv", scoped="erfinv"), _public_unary("Ndtri", scoped="ndtri")
bessel_i0, bessel_i0e, bessel_i1, bessel_i1e = (
    _public_unary(t, scoped=s) for t, s in (("BesselI0", "bessel_i0"),
                                            ("BesselI0e", "bessel_i0e"),
                                            ("BesselI1", "bessel_i1"),
                                            ("BesselI1e", "bessel_i1e")))
invert = _public_unary("Invert")
_logical_not = UNARY["LogicalNot"]


def logical_not(x, name=None):
    """`tf.logical_not`.

    >>> import scopeflow as tf
    >>> tf.logical_not(tf.constant(True)).name
    'LogicalNot:0'
    """
    return _logical_not(x, name=name or "LogicalNot")


def sign(x, name=None):
    return UNARY["Sign"](x, name=name or "Sign")


def abs(x, name=None):  # noqa: A001 - TF's name
    """`tf.abs`: Abs, or ComplexAbs (real output) for complex inputs, named 'Abs'."""
    if getattr(x, "_ragged_dispatch", False):  # (TF's ragged dispatch: op of the values)
        from scopeflow.ragged.ragged_math import ragged_unary
        return ragged_unary(abs, x, name)
    with name_scope(name, "Abs", [x]) as scope:
        x = tensor(x, name="x")
        op_type = "ComplexAbs" if x.dtype.base_dtype.is_complex else "Abs"
        return UNARY[op_type](x, name=scope)


def round(x, name=None):  # noqa: A001 - TF's name: half to even; integers pass through
    x = tensor(x, name="x")
    if x.dtype.base_dtype.is_integer:
        return x
    return UNARY["Round"](x, name=name or "Round")


def _complex_only(op_type, default):
    def f(input, name=None):  # noqa: A002 - TF's arg name
        with name_scope(name, default, [input]) as scope:
            input = tensor(input, name="input")
            if input.dtype.base_dtype.is_complex:
                return UNARY[op_type](input, name=scope)
            return _real_fallback(op_type, input)

    f.__name__ = default.lower()
    return f


def _real_fallback(op_type, x):
    if op_type in ("Real", "Conj"):
        return x
    from scopeflow.ops.op_util import array_ops as array
    if op_type == "Imag":
        return array.zeros_like(x)
    from scopeflow.ops.math_extra import real_angle
    return real_angle(x)


real, imag, angle = (_complex_only(t, t) for t in ("Real", "Imag", "Angle"))


def conj(x, name=None):
    """`tf.math.conj`: real inputs pass through unchanged."""
    x = tensor(x)
    if x.dtype.base_dtype.is_complex:
        return UNARY["Conj"](x, name=name or "Conj")
    return x
