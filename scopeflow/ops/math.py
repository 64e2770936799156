"""Elementwise math with broadcasting, casts and the Tensor operator overloads, with TF's names.

Reductions live in ops/reductions.py, matrix products in ops/linalg.py, composite functions
(xdivy, polyval, add_n, ...) in ops/math_extra.py; they are re-exported here for callers that
know `math_ops`.
"""

import inspect
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import SymbolicTensor, Tensor
from scopeflow.errors import InternalError, InvalidArgumentError
from scopeflow.lowering.grappler import folds_divisor
from scopeflow.ops.eigen_pow import eigen_pow
from scopeflow.ops.libm_igamma import (igamma_grad_a_op, igamma_op, igammac_op,
                                       random_gamma_grad_op)
from scopeflow.ops.op_util import name_scope, named, tensor, typed_op
from scopeflow.ops.registry import broadcast, broadcast_bool
from scopeflow.ops.ta_state import TAState, add_flows
from scopeflow.ops.true_div import host_reciprocal, true_divide
from scopeflow.ops.value_checks import check
from scopeflow.ops.math_unary import *  # noqa: E402,F401,F403 - unary ops re-exported
from scopeflow.ops.math_unary import UNARY, logical_not  # noqa: F401 - used by callers
from scopeflow.ops.math_unary import reciprocal_kernel, rounded_if_summed, rsqrt_op

_sp = jax.scipy.special


def _safe(cond, x, fill):
    """`x` with entries where `cond` holds replaced by `fill` (keeps gradients finite there)."""
    return jnp.where(cond, jnp.asarray(fill, x.dtype), x)


def _xlogy(x, y):
    # TF's gradient is 0 where x == 0 (log(0) * 0 would give NaN): double-where.
    return jnp.where(x == 0, jnp.zeros_like(x), x * jnp.log(_safe(x == 0, y, 1)))


def _xlog1py(x, y):
    return jnp.where(x == 0, jnp.zeros_like(x), x * jnp.log1p(_safe(x == 0, y, 0)))


def _xdivy(x, y):
    return jnp.where(x == 0, jnp.zeros_like(x), x / _safe(x == 0, y, 1))


def _div_no_nan(x, y):
    if not jnp.issubdtype(jnp.result_type(x, y), jnp.inexact):
        return jnp.where(y == 0, jnp.zeros_like(x), x / _safe(y == 0, y, 1))
    return jnp.where(y == 0, jnp.zeros_like(x), true_divide(x, _safe(y == 0, y, 1)))


@jax.custom_jvp
def _mul_no_nan(x, y):
    return jnp.where(y == 0, jnp.zeros_like(x), x * y)


@_mul_no_nan.defjvp
def _mul_no_nan_jvp(primals, tangents):
    # TF's gradient for y is x * grad where y == 0 too (the where's derivative there is 0)
    (x, y), (tx, ty) = primals, tangents
    return _mul_no_nan(x, y), _mul_no_nan(tx, y) + x * ty


def _truncate_mod(x, y):
    return jnp.fmod(x, y)


def _real_div(x, y):
    if jnp.issubdtype(jnp.result_type(x), jnp.integer):
        return jnp.trunc(x / y).astype(jnp.result_type(x))
    return true_divide(x, y)


def _polygamma(a, x):
    # TF takes the order as a float tensor; JAX wants integers.
    return _sp.polygamma(jnp.round(a).astype(jnp.int32), x).astype(x.dtype)


def _pow(x, y):
    if jnp.result_type(x) == jnp.float32:
        return pow_f32(x, y)  # TF's kernel: Eigen's packet pow, glibc's powf on the tail
    return jnp.power(x, y).astype(jnp.result_type(x))


@jax.custom_jvp
def pow_f32(x, y):
    """TF's float32 Pow kernel (ops/eigen_pow.py), differentiable."""
    return eigen_pow(x, y)


@pow_f32.defjvp
def _pow_f32_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    out = pow_f32(x, y)
    safe_x = jnp.where(x > 0, x, jnp.ones_like(x))
    dx = tx * y * jnp.power(x, y - 1)
    dy = ty * out * jnp.where(x > 0, jnp.log(safe_x), jnp.zeros_like(x))
    return out, (dx + dy).astype(out.dtype)


# ---- elementwise binary: op type -> (kernel, input names, bool output) -----------------------
def _add(x, y):
    if isinstance(x, TAState) or isinstance(y, TAState):  # TF's b_acc of a TensorArray flow
        return add_flows(x, y)
    return jnp.add(x, y)


def _shift(fn):
    """LeftShift / RightShift: TF clamps the shift to [0, bits - 1] (x << -1 is x)."""
    def shift(x, y):
        bits = np.iinfo(jnp.result_type(x)).bits
        return fn(x, jnp.clip(y, 0, bits - 1).astype(jnp.result_type(y)))
    return shift


_BINARY = {
    "AddV2": (_add, "xy"), "Add": (jnp.add, "xy"), "Sub": (jnp.subtract, "xy"),
    "Mul": (jnp.multiply, "xy"), "DivNoNan": (_div_no_nan, "xy"),
    "MulNoNan": (_mul_no_nan, "xy"), "Maximum": (jnp.maximum, "xy"),
    "Minimum": (jnp.minimum, "xy"),
    "SquaredDifference": (lambda x, y: jnp.square(x - y), "xy"),
    "Atan2": (jnp.arctan2, "yx"), "Xlogy": (_xlogy, "xy"), "Xlog1py": (_xlog1py, "xy"),
    "Xdivy": (_xdivy, "xy"),
    "Igamma": (igamma_op, "ax"), "Igammac": (igammac_op, "ax"),
    "IgammaGradA": (igamma_grad_a_op, "ax"),
    "RandomGammaGrad": (random_gamma_grad_op, ("alpha", "sample")),
    "Zeta": (_sp.zeta, "xq"), "Polygamma": (_polygamma, "ax"),
    "NextAfter": (jnp.nextafter, ("x1", "x2")),
    "BitwiseAnd": (jnp.bitwise_and, "xy"), "BitwiseOr": (jnp.bitwise_or, "xy"),
    "BitwiseXor": (jnp.bitwise_xor, "xy"), "LeftShift": (_shift(jnp.left_shift), "xy"),
    "RightShift": (_shift(jnp.right_shift), "xy"),
}


def _string_aware(jnp_fn, np_fn):
    """Equal / NotEqual: strings (NumPy object arrays, known while tracing) compare on the
    host, everything else in XLA."""
    def compare(x, y):
        if any(isinstance(v, np.ndarray) and v.dtype == object for v in (x, y)):
            return np_fn(np.asarray(x), np.asarray(y))
        return jnp_fn(x, y)
    return compare


_COMPARE = {
    "Less": jnp.less, "LessEqual": jnp.less_equal, "Greater": jnp.greater,
    "GreaterEqual": jnp.greater_equal, "Equal": _string_aware(jnp.equal, np.equal),
    "NotEqual": _string_aware(jnp.not_equal, np.not_equal),
    "LogicalAnd": jnp.logical_and, "LogicalOr": jnp.logical_or,
}


def _dims(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


def _binary_kernel(fn, names):
    """`fn` as a kernel whose parameters carry TF's input names (they name converted Consts)."""
    def kernel(*args):
        try:
            return fn(*args)
        except (TypeError, ValueError):
            a, b = (tuple(jnp.shape(x)) for x in args[:2])
            try:
                np.broadcast_shapes(a, b)
            except ValueError:  # fed shapes that do not broadcast: TF's run-time wording
                raise ValueError("Incompatible shapes: %s vs. %s" % (_dims(a), _dims(b))) from None
            raise

    kernel.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names])
    return kernel


BINARY = {t: typed_op(t, infer=broadcast)(_binary_kernel(fn, names))
          for t, (fn, names) in _BINARY.items()}
BINARY.update({t: typed_op(t, infer=broadcast_bool)(_binary_kernel(fn, "xy"))
               for t, fn in _COMPARE.items()})


def _int_div_checked(ctx, x, y, fn, exc=InvalidArgumentError):
    """Integer division by zero is TF's run-time InvalidArgumentError (InternalError for the
    truncating ops, whose CPU kernel reports it that way)."""
    # (an empty result divides nothing: TF checks no divisor then)
    if jnp.issubdtype(jnp.result_type(y), jnp.integer) and np.prod(
            np.broadcast_shapes(jnp.shape(x), jnp.shape(y))) != 0:
        # (a known divisor is checked in NumPy: folding then stays in NumPy, fold_numpy.py)
        ok = jnp.all(y != 0) if isinstance(y, jax.core.Tracer) else np.all(np.asarray(y) != 0)
        check(ctx, ok, "Integer division by zero" if exc is InvalidArgumentError
              else "Unexpected error in binary operator (only integer div and mod should have "
              "errors)", exc=exc)
        y = jnp.where(y == 0, jnp.ones_like(y), y)
    return fn(x, y)


def _trunc_div(a, b):
    if jnp.issubdtype(a.dtype, jnp.floating):
        return jnp.trunc(a / b).astype(a.dtype)
    return (jnp.sign(a) * jnp.sign(b) * (jnp.abs(a) // jnp.abs(b))).astype(a.dtype)


def _floor_divide(a, b):
    if jnp.issubdtype(jnp.result_type(a, b), jnp.floating):  # TF: floor(a / b), one division
        return jnp.floor(true_divide(a, b)).astype(a.dtype)
    return jnp.floor_divide(a, b).astype(a.dtype)


@typed_op("FloorDiv", infer=broadcast, context=True)
def _floor_div(ctx, x, y):
    return _int_div_checked(ctx, x, y, _floor_divide)


@typed_op("FloorMod", infer=broadcast, context=True)
def _floor_mod(ctx, x, y):
    return _int_div_checked(ctx, x, y, lambda a, b: jnp.mod(a, b).astype(a.dtype))


@typed_op("TruncateDiv", infer=broadcast, context=True)
def _truncate_div(ctx, x, y):
    return _int_div_checked(ctx, x, y, _trunc_div, InternalError)


@typed_op("TruncateMod", infer=broadcast, context=True)
def _truncate_mod_op(ctx, x, y):
    return _int_div_checked(ctx, x, y, _truncate_mod, InternalError)


@typed_op("Pow", infer=broadcast, context=True)
def _pow_op(ctx, x, y):
    if jnp.issubdtype(jnp.result_type(y), jnp.integer):
        check(ctx, jnp.all(y >= 0), "Integers to negative integer powers are not allowed")
    converted = _converted_pow(ctx, x, y)
    return _pow(x, y) if converted is None else converted


def _converted_pow(ctx, x, y):
    """TF's arithmetic optimizer (ConvertPow) rewrites x ** c for a known constant c, one
    value throughout, that does not broadcast x (float32 here): -1 a Reciprocal and -0.5 an
    Rsqrt (Eigen's approximations), 2 a Square, 3 x * Square(x), 0.5 a Sqrt (each rounded
    once, where the Pow kernel's would differ in the last bit), 1 an Identity and 0 ones
    (what the kernel gives too)."""
    # (a known x: TF's constant folding computes the Pow with its kernel first)
    if (isinstance(y, jax.core.Tracer) or not isinstance(x, jax.core.Tracer)
            or jnp.result_type(x) != jnp.float32 or not folds_divisor(ctx)):
        return None
    y = np.asarray(y)
    if not y.size or np.broadcast_shapes(np.shape(x), y.shape) != np.shape(x):
        return None
    first = y.reshape(-1)[0]
    rewrite = _POW_REWRITES.get(float(first))
    if rewrite is None or not (y == first).all():
        return None
    out = rewrite(jnp.asarray(x))
    return out if ctx is None else rounded_if_summed(ctx, out)


_POW_REWRITES = {
    -1.0: reciprocal_kernel, -0.5: rsqrt_op, 2.0: jnp.square, 0.5: jnp.sqrt,
    3.0: lambda x: x * jnp.square(x), 1.0: lambda x: x, 0.0: jnp.ones_like}


_REAL_DIV = _binary_kernel(_real_div, "xy")


@typed_op("RealDiv", infer=broadcast, context=True)
def _real_div_op(ctx, x, y):
    if (isinstance(x, jax.core.Tracer) and not isinstance(y, jax.core.Tracer)
            and folds_divisor(ctx) and not jnp.issubdtype(jnp.result_type(x), jnp.integer)):
        # TF's graph optimizer (constant folding) makes a division by a constant a product
        # with its reciprocal, folded exactly: Mul(x, 1/y)
        return jnp.multiply(x, host_reciprocal(y)).astype(jnp.result_type(x, y))
    return _REAL_DIV(x, y)


BINARY.update(FloorDiv=_floor_div, FloorMod=_floor_mod, TruncateDiv=_truncate_div,
              TruncateMod=_truncate_mod_op, Pow=_pow_op, RealDiv=_real_div_op)

# Mul ops whose product must be rounded before a following Add, as TF rounds every op: XLA's
# CPU backend contracts a product and a sum in one fusion into a fused multiply-add, which
# rounds once (a different last bit in ~40% of `random * scale + offset`). Seeded random
# ops' affine transforms register theirs so initial weights are TF's exactly.
ROUNDED_PRODUCTS = weakref.WeakSet()


@typed_op("Mul", infer=broadcast, context=True)
def _mul(ctx, x, y):
    if ctx is None:
        return jnp.multiply(x, y)
    if ctx.op not in ROUNDED_PRODUCTS:
        return rounded_if_summed(ctx, jnp.multiply(x, y))
    # a conditional is a fusion boundary: the product leaves it rounded (both branches agree)
    pred = jnp.sum(jnp.reshape(jnp.asarray(x), [-1])[:1]) == 0
    return jax.lax.cond(pred, jnp.multiply, jnp.multiply, x, y)


BINARY["Mul"] = _mul


@typed_op("SquaredDifference", infer=broadcast, context=True)
def _squared_difference(ctx, x, y):
    # (x - y) ** 2 rounded before a sum reads it (tf.nn.moments' variance), as Mul's product
    d = jnp.square(jnp.subtract(x, y))
    return d if ctx is None else rounded_if_summed(ctx, d)


BINARY["SquaredDifference"] = _squared_difference


# ---- public binary functions with TF's default names ----------------------------------------
_SNAKE = {"FloorMod": "floor_mod", "FloorDiv": "floor_div", "TruncateDiv": "truncate_div",
          "TruncateMod": "truncate_mod", "RealDiv": "real_div", "SquaredDifference":
          "squared_difference", "LogicalAnd": "logical_and", "LogicalOr": "logical_or",
          "GreaterEqual": "greater_equal", "LessEqual": "less_equal", "NotEqual": "not_equal",
          "BitwiseAnd": "bitwise_and", "BitwiseOr": "bitwise_or", "BitwiseXor": "bitwise_xor",
          "LeftShift": "left_shift", "RightShift": "right_shift"}


def _public_binary(op_type, default):
    b = BINARY[op_type]

    def f(x, y, name=None):
        if getattr(x, "_ragged_dispatch", False) or getattr(y, "_ragged_dispatch", False):
            from scopeflow.ragged.ragged_math import ragged_binary  # (TF's ragged dispatch)
            return ragged_binary(f, x, y, name)
        return b(x, y, name=name or default)

    f.__doc__ = "`tf.math.%s`: elementwise %s with broadcasting." % (default.lower(), op_type)
    return named(f, _SNAKE.get(op_type, default.lower()))


subtract = _public_binary("Sub", "Sub")
multiply = _public_binary("Mul", "Mul")
realdiv = _public_binary("RealDiv", "RealDiv")
div_no_nan_op = BINARY["DivNoNan"]
pow = _public_binary("Pow", "Pow")  # noqa: A001 - TF's name
maximum, minimum = _public_binary("Maximum", "Maximum"), _public_binary("Minimum", "Minimum")
squared_difference = _public_binary("SquaredDifference", "SquaredDifference")
floormod = mod = floor_mod = _public_binary("FloorMod", "FloorMod")
floor_div = _public_binary("FloorDiv", "FloorDiv")
truncatediv = _public_binary("TruncateDiv", "TruncateDiv")
truncatemod = _public_binary("TruncateMod", "TruncateMod")
xlogy = _public_binary("Xlogy", "Xlogy")
less, less_equal = _public_binary("Less", "Less"), _public_binary("LessEqual", "LessEqual")
greater = _public_binary("Greater", "Greater")
greater_equal = _public_binary("GreaterEqual", "GreaterEqual")
equal, not_equal = _public_binary("Equal", "Equal"), _public_binary("NotEqual", "NotEqual")
logical_and = _public_binary("LogicalAnd", "LogicalAnd")
logical_or = _public_binary("LogicalOr", "LogicalOr")
bitwise_and = _public_binary("BitwiseAnd", "BitwiseAnd")
bitwise_or = _public_binary("BitwiseOr", "BitwiseOr")
bitwise_xor = _public_binary("BitwiseXor", "BitwiseXor")
left_shift = _public_binary("LeftShift", "LeftShift")
right_shift = _public_binary("RightShift", "RightShift")


def atan2(y, x, name=None):
    """`tf.math.atan2`: the angle of (x, y), elementwise."""
    return BINARY["Atan2"](y, x, name=name or "Atan2")


def igamma(a, x, name=None):
    """`tf.math.igamma`: the lower regularized incomplete gamma function P(a, x)."""
    return BINARY["Igamma"](a, x, name=name or "Igamma")


def igammac(a, x, name=None):
    """`tf.math.igammac`: the upper regularized incomplete gamma function Q(a, x)."""
    return BINARY["Igammac"](a, x, name=name or "Igammac")


def polygamma(a, x, name=None):
    """`tf.math.polygamma`: the a-th derivative of digamma at x."""
    return BINARY["Polygamma"](a, x, name=name or "Polygamma")


def zeta(x, q, name=None):
    """`tf.math.zeta`: the Hurwitz zeta function."""
    return BINARY["Zeta"](x, q, name=name or "Zeta")


def nextafter(x1, x2, name=None):
    """`tf.math.nextafter`: the next representable value of x1 towards x2."""
    return BINARY["NextAfter"](x1, x2, name=name or "NextAfter")
add_v2 = BINARY["AddV2"]
sub, mul, real_div = BINARY["Sub"], BINARY["Mul"], BINARY["RealDiv"]


def add(x, y, name=None):
    """`tf.add`: op type AddV2 named 'Add' (Add for strings).

    >>> import scopeflow as tf
    >>> tf.add(tf.constant(1.0), 2.0).name
    'Add:0'
    """
    if getattr(x, "_ragged_dispatch", False) or getattr(y, "_ragged_dispatch", False):
        from scopeflow.ragged.ragged_math import ragged_binary  # (TF's ragged dispatch)
        return ragged_binary(add, x, y, name)
    if _is_string(x) or _is_string(y):
        return BINARY["Add"](x, y, name=name or "Add")
    return add_v2(x, y, name=name or "Add")


def _is_string(x):
    if type(x) is SymbolicTensor:
        return x._dtype is _dt.string
    return getattr(x, "dtype", None) is _dt.string or isinstance(x, (str, bytes))


def _scoped_binary(op_type, default):
    """`with name_scope(name, default): op(x, y, name=scope)`: the op takes the scope's name."""
    def f(x, y, name=None):
        with name_scope(name, default, [x, y]) as scope:
            return BINARY[op_type](x, y, name=scope)

    return named(f, default)


floordiv = _scoped_binary("FloorDiv", "floordiv")
multiply_no_nan = _scoped_binary("MulNoNan", "multiply_no_nan")


def _scoped_inner(op_type, default):
    """`with name_scope(name, default): op(x, y)`: the op keeps its own name inside."""
    def f(x, y, name=None):
        with name_scope(name, default, [x, y]):
            return BINARY[op_type](x, y)

    return named(f, default)


xdivy, xlog1py = _scoped_inner("Xdivy", "xdivy"), _scoped_inner("Xlog1py", "xlog1py")


def logical_xor(x, y, name="LogicalXor"):
    """`tf.math.logical_xor`: (x or y) and not (x and y), as TF builds it (no scope)."""
    return BINARY["LogicalAnd"](BINARY["LogicalOr"](x, y, name="LogicalOr"),
                                logical_not(BINARY["LogicalAnd"](x, y, name="LogicalAnd")),
                                name=name)


# ---- division -------------------------------------------------------------------------------
_INT_TO_FLOAT = {"int8": _dt.float32, "uint8": _dt.float32, "int16": _dt.float32,
                 "uint16": _dt.float32, "int32": _dt.float64, "int64": _dt.float64}


def truediv(x, y, name=None):
    """Python 3 division: integers are cast to float (float64 for int32/int64) first.

    >>> import scopeflow as tf
    >>> tf.truediv(tf.constant(1), 2).dtype
    tf.float64
    """
    if getattr(x, "_ragged_dispatch", False) or getattr(y, "_ragged_dispatch", False):
        from scopeflow.ragged.ragged_math import ragged_binary  # (TF's ragged dispatch)
        return ragged_binary(truediv, x, y, name)
    return _truediv(x, y, name or "truediv")


def _truediv(x, y, scope_name, op_type="RealDiv"):
    with name_scope(scope_name, None, [x, y]) as scope:
        x = tensor(x, name="x")
        y = tensor(y, dtype=None if isinstance(y, Tensor) else x.dtype.base_dtype, name="y")
        x, y = true_div_operands(x, y)
        return BINARY[op_type](x, y, name=scope)


def true_div_operands(x, y):
    """Python 3 division's operands: the same dtype, integers cast to float (TF's table)."""
    if x.dtype.base_dtype is not y.dtype.base_dtype:
        raise TypeError("`x` and `y` must have the same dtype, got %r != %r."
                        % (x.dtype.base_dtype, y.dtype.base_dtype))
    to = _INT_TO_FLOAT.get(x.dtype.base_dtype.name)
    if to is not None:
        x, y = cast(x, to), cast(y, to)
    return x, y


divide = truediv


def div_no_nan(x, y, name=None):
    """`tf.math.divide_no_nan`: 0 where y == 0 (integers cast to float as in truediv)."""
    return _truediv(x, y, name or "div_no_nan", "DivNoNan")


divide_no_nan = div_no_nan


def div(x, y, name=None):
    """TF1 `tf.div`: floor division for integers, true division for floats (op 'div')."""
    with name_scope(name, "div", [x, y]) as scope:
        x = tensor(x, name="x")
        y = tensor(y, dtype=x.dtype.base_dtype, name="y")
        if x.dtype.base_dtype.is_integer:
            return _floor_div(x, y, name=scope)
        return real_div(x, y, name=scope)


def scalar_mul(scalar, x, name=None):
    """`tf.scalar_mul`: `scalar * x` for a 0-D `scalar`."""
    scalar = tensor(scalar, dtype=x.dtype.base_dtype if isinstance(x, Tensor) else None,
                    name="scalar")
    if scalar.shape.ndims not in (0, None):
        raise ValueError("The input scalar must be a 0-D value. Received shape %s."
                         % (scalar.shape,))
    return mul(scalar, x, name=name or "Mul")


from scopeflow.ops.math_cast import *  # noqa: E402,F401,F403 - casts, complex, betainc
from scopeflow.ops.math_cast import cast  # noqa: E402
from scopeflow.ops.math_operators import install as _install_operators  # noqa: E402

_install_operators()

from scopeflow.ops.linalg import matmul  # noqa: E402,F401 - math_ops.matmul
from scopeflow.ops.math_extra import accumulate_n, add_n  # noqa: E402,F401
from scopeflow.ops.reductions import (reduce_all, reduce_any, reduce_euclidean_norm,  # noqa: E402,F401,E501
                                      reduce_max, reduce_mean, reduce_min, reduce_prod,
                                      reduce_sum)
