"""TF's ops on quantized values with their float ranges: Requantize, RequantizationRange,
QuantizeDownAndShrinkRange, QuantizedRelu and QuantizedRelu6, with the bits of TF's reference
CPU kernels (quantization_utils.h).

A qint32 value read as float takes TF's DEQUANTIZE_WITH_EIGEN expression (its range's float
steps, min rounded onto the grid), written back with QUANTIZE_WITH_EIGEN; qint32 to quint8
goes TF's fixed-point way (16 fraction bits, int64 products shifted right by 32). Scalar
conversions (a range's ends, Relu's zero) follow QuantizedToFloat / FloatToQuantized's
double arithmetic.

    >>> import scopeflow as tf
    >>> tf.raw_ops.RequantizationRange(input=tf.constant([(5,)], tf.qint32), input_min=-1.0,
    ...                                input_max=1.0).output_min.shape
    TensorShape([])
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.op_types import FIXED
from scopeflow.ops.op_util import check_allowed, typed_op
from scopeflow.ops.quantize import (_QTYPES, _Arith, _integers, _limits, _min_first,
                                    _min_first_back, _Typed)
from scopeflow.ops.registry import ANY, INDEX, ShapeError, spec
from scopeflow.ops.rounding import _tie_int, quotient, round_each
from scopeflow.errors import UnimplementedError
from scopeflow.ops.value_checks import check

__all__ = ["quantized_avg_pool", "quantized_concat", "quantized_conv2d",
           "quantized_max_pool", "quantized_relu_x"]

_F = np.float32
_D = np.float64
_I = np.int64
_F32 = "float32"
FIXED.update({
    "Requantize": ((1, "input_min", _F32), (2, "input_max", _F32),
                   (3, "requested_output_min", _F32), (4, "requested_output_max", _F32)),
    "RequantizationRange": ((1, "input_min", _F32), (2, "input_max", _F32)),
    "QuantizeDownAndShrinkRange": ((1, "input_min", _F32), (2, "input_max", _F32)),
    "QuantizedRelu": ((1, "min_features", _F32), (2, "max_features", _F32)),
    "QuantizedRelu6": ((1, "min_features", _F32), (2, "max_features", _F32)),
    "QuantizedReluX": ((1, "max_value", _F32), (2, "min_features", _F32),
                       (3, "max_features", _F32)),
    "QuantizedMatMul": ((2, "min_a", _F32), (3, "max_a", _F32), (4, "min_b", _F32),
                        (5, "max_b", _F32)),
    "QuantizedBiasAdd": ((2, "min_input", _F32), (3, "max_input", _F32),
                         (4, "min_bias", _F32), (5, "max_bias", _F32)),
    "QuantizedAdd": ((2, "min_x", _F32), (3, "max_x", _F32), (4, "min_y", _F32),
                     (5, "max_y", _F32)),
    "QuantizedMul": ((2, "min_x", _F32), (3, "max_x", _F32), (4, "min_y", _F32),
                     (5, "max_y", _F32)),
    "QuantizedInstanceNorm": ((1, "x_min", _F32), (2, "x_max", _F32)),
})
_SCALAR = spec((), _dt.float32)
_RANGE = {"input_min": _dt.float32, "input_max": _dt.float32}

# TF's CPU kernels: (input type, output type) pairs per op
_KERNELS = {
    "Requantize": (("qint32", "qint8"), ("qint32", "quint8")),
    "QuantizeDownAndShrinkRange": (("qint32", "quint8"),),
    "RequantizationRange": (("qint32", None),),
    "QuantizedRelu": (("quint8", "quint8"), ("qint32", "qint32")),
    "QuantizedRelu6": (("quint8", "quint8"), ("qint32", "qint32")),
    "QuantizedReluX": (),
    "QuantizedMatMul": (("quint8", "quint8", "qint32"),),
    "QuantizedBiasAdd": (("quint8", "quint8", "qint32"), ("qint8", "qint8", "qint32")),
    "QuantizedAdd": (("quint8", "quint8", "qint32"),),
    "QuantizedMul": (("quint8", "quint8", "qint32"),),
    "QuantizedReshape": (("quint8", None), ("qint32", None)),
    "QuantizedConcat": (("qint32", None), ("quint8", None)),
    "QuantizedAvgPool": (("quint8", None),),
    "QuantizedMaxPool": (("quint8", None),),
    "QuantizedConv2D": (("quint8", "quint8", "qint32"), ("quint8", "qint8", "qint32")),
    "QuantizedInstanceNorm": (("quint8", None),),
}


def _enum(name):
    return "DT_" + name.upper()


def _no_kernel(ctx, op_type, tin, tout, names=("Tinput", "out_type")):
    """TF's run-time error where its CPU has no kernel for the types; True then."""
    kernels = _KERNELS[op_type]
    got = (tin, tout) if isinstance(tin, str) else tuple(tin) + (tout,)
    if got in kernels:
        return False
    attrs = ", ".join("%s=%s" % (n, _enum(t)) for n, t in zip(names, got) if t is not None)
    lines = "".join("  device='CPU'; %s\n" % "; ".join(
        "%s in [%s]" % (n, _enum(t)) for n, t in zip(names, k) if t is not None)
        for k in kernels)
    node = ctx.op._name if ctx is not None else op_type
    check(ctx, False, "No OpKernel was registered to support Op '%s' used by {{node %s}} with "
          "these attrs: [%s]\nRegistered devices: [CPU]\nRegistered kernels:\n%s"
          % (op_type, node, attrs, lines or "  <no registered kernels>\n"))
    return True


def _type_name(ctx, i):
    return ctx.op._inputs[i].dtype.base_dtype.name


def _float_text(v):
    """A float32 as TF's StrCat writes it (shortest digits, no trailing '.0')."""
    t = repr(float(np.float32(v)))
    short = np.format_float_positional(np.float32(v), trim="-") if abs(float(v)) < 1e16 else t
    return short if len(short) <= len(t) + 2 else t


# ---- shape rules ----------------------------------------------------------------------------
def _scalars(*ranges):
    for r in ranges:
        check_rank(r, 0)


def _requantize_shape(input, input_min, input_max, lo, hi, *, out_type, **attrs):  # noqa: A002
    check_allowed(input, "input", _QTYPES)
    check_allowed(_Typed(out_type), "out_type", _QTYPES)
    _scalars(input_min, input_max, lo, hi)
    return [(input.shape, out_type), _SCALAR, _SCALAR]


def _range_shape(input, input_min, input_max, **attrs):  # noqa: A002
    check_allowed(input, "input", _QTYPES)
    _scalars(input_min, input_max)
    return [_SCALAR, _SCALAR]


def _shrink_shape(input, input_min, input_max, *, out_type, **attrs):  # noqa: A002
    check_allowed(input, "input", _QTYPES)
    check_allowed(_Typed(out_type), "out_type", _QTYPES)
    _scalars(input_min, input_max)
    return [(input.shape, out_type), _SCALAR, _SCALAR]


def _relu_shape(features, lo, hi, *, out_type=_dt.quint8, **attrs):
    check_allowed(features, "features", _QTYPES)
    check_allowed(_Typed(out_type), "out_type", _QTYPES)
    _scalars(lo, hi)
    return [(features.shape, out_type), _SCALAR, _SCALAR]


def _relux_shape(features, max_value, lo, hi, *, out_type=_dt.quint8, **attrs):
    check_allowed(features, "features", _QTYPES)
    check_allowed(_Typed(out_type), "out_type", _QTYPES)
    _scalars(max_value, lo, hi)
    return [(features.shape, out_type), _SCALAR, _SCALAR]


# ---- quantization_utils' arithmetic ---------------------------------------------------------
def _first(k, v):
    """A range input's first element (the kernels read `flat<float>()(0)`; 0 for none)."""
    flat = k.m.asarray(v, _F).reshape(-1)
    return flat[0] if flat.shape[0] else _F(0)


def _round_away(x, m):
    """C's round (half away from zero), exact in the type of `x`."""
    t = m.trunc(x)
    return t + m.where(m.abs(x - t) >= 0.5, m.sign(x), 0).astype(t.dtype)


def _scalar_to_float(q, lo, hi, dtype):
    """QuantizedToFloat<T>: one quantized integer as float32 (double arithmetic); the range's
    constants on the host where it is known."""
    k = _Arith(lo, hi)
    m = k.m
    low, _ = _limits(dtype)
    steps = float(1 << (8 * np.dtype(dtype.as_numpy_dtype[0]).itemsize))
    rng = (hi - lo).astype(_D) * (steps / (steps - 1.0))
    scale = rng / steps
    scale32 = scale.astype(_F)
    safe = m.where(scale32 == 0, _F(1), scale32)
    rounded = k.rnd(_round_away(k.rnd(k.div(lo, safe)), m) * scale32).astype(_D)
    traced = m is jnp or isinstance(q, jax.core.Tracer)
    qm = jnp if traced else np
    # (a qint32 reaches double through float: TF's qint32 converts by its float operator)
    prod = (qm.asarray(q).astype(_F).astype(_D) - float(low)) * scale
    if traced:  # (no fused multiply-add with the sum: TF rounds the product first)
        prod = round_each(prod, tie=_tie_int)
    out = (rounded + prod).astype(_F)
    return qm.where(lo == hi, lo, out)


def _float_to_scalar(k, x, lo, hi, dtype, clamp=True):
    """FloatToQuantized<T>: one float32 as a quantized integer (int64 after double rounding),
    clamped to the type (FloatToQuantizedUnclamped without `clamp`)."""
    if isinstance(x, jax.core.Tracer) and k.m is np:
        k = _Arith(x)
    m = k.m
    low, high = _limits(dtype)
    steps = float(1 << (8 * np.dtype(dtype.as_numpy_dtype[0]).itemsize))
    rng = (hi - lo).astype(_D) * (steps / (steps - 1.0))
    scale = k.div(steps, m.where(rng == 0, 1.0, rng))
    q = (_round_away(k.rnd(m.asarray(x, _D) * scale), m)
         - _round_away(k.rnd(lo.astype(_D) * scale), m))
    q = m.where(lo == hi, float(low), q + float(low))
    return (m.clip(q, float(low), float(high)) if clamp else q).astype(_I)


def _fixed_point_8bit(k, x, lo, hi, out_lo, out_hi):
    """RequantizeManyInNewRangeUsingEigen<qint32, quint8>: TF's fixed-point path."""
    m = k.m
    in_range = (hi - lo).astype(_F)
    out_range = (out_hi - out_lo).astype(_F)
    zero = out_range == 0
    safe = m.where(zero, _F(1), out_range).astype(_D)
    recip = m.where(zero, 0.0, k.div(255.0, safe)).astype(_F)
    rezero = k.div((lo + hi).astype(_F).astype(_D), 2.0).astype(_F)
    scale_fp = m.where(zero, 0.0, m.trunc(k.div(255.0 * 65536.0 * in_range.astype(_D), safe)))
    in_off = m.trunc(k.rnd(rezero * recip) * _F(65536)).astype(_I)
    # (output_offset_fp is std::lround of the double quotient in TF 2.21, not a truncation)
    out_off = m.where(zero, 0.0,
                      _round_away(k.div(65536.0 * (out_lo.astype(_D) * 255.0), safe), m))
    delta = in_off - out_off.astype(_I) + _I(1 << 15)
    # (Eigen's cast of qint32 to int64 goes through float, as TF's qint32 converts)
    wide = jnp.asarray(x).astype(_F).astype(_I)
    fp = ((wide * scale_fp.astype(_I)) >> 32) + delta
    return jnp.clip(fp >> 16, 0, 255).astype(np.uint8)


def _requantized(k, x, lo, hi, out_lo, out_hi, tin, tout):
    if (tin.name, tout.name) == ("qint32", "quint8"):
        return _fixed_point_8bit(k, x, lo, hi, out_lo, out_hi)
    xf = jnp.asarray(x).astype(_F)
    return _min_first(k, _min_first_back(k, xf, lo, hi, tin).astype(_F), out_lo, out_hi, tout)


def _actual_range(k, x, lo, hi, dtype):
    """The float range of the values present (min at most 0), as RequantizationRange."""
    low, high = _limits(dtype)
    xm = np if isinstance(x, np.ndarray) else jnp
    qmin = xm.min(x) if np.size(x) else np.asarray(high, x.dtype)
    qmax = xm.max(x) if np.size(x) else np.asarray(low, x.dtype)
    a = _scalar_to_float(qmin, lo, hi, dtype)
    b = _scalar_to_float(qmax, lo, hi, dtype)
    return (jnp if isinstance(a, jax.Array) else np).minimum(_F(0), a), b


def _rank_error(ctx, names_values):
    """TF 2.21's check that the range inputs are scalars; True where one is not."""
    for name, v in names_values:
        if np.ndim(v) != 0:
            check(ctx, False, "`%s` must be rank 0 but is rank %d" % (name, np.ndim(v)))
            return True
    return False


# ---- kernels --------------------------------------------------------------------------------
@typed_op("Requantize", infer=_requantize_shape, context=True, multi=True,
          types=dict(_RANGE, input=ANY, requested_output_min=_dt.float32,
                     requested_output_max=_dt.float32))
def _requantize(ctx, input, input_min, input_max, requested_output_min,  # noqa: A002
                requested_output_max, *, out_type, Tinput=None):  # noqa: N803
    tin = ctx.op._inputs[0].dtype.base_dtype
    shape = np.shape(input)
    stand_in = [jnp.zeros(shape, out_type.as_numpy_dtype[0]), jnp.zeros((), _F),
                jnp.zeros((), _F)]
    if _no_kernel(ctx, "Requantize", tin.name, out_type.name) or _rank_error(ctx, (
            ("input_min", input_min), ("input_max", input_max),
            ("requested_output_min", requested_output_min),
            ("requested_output_max", requested_output_max))):
        return stand_in
    k = _Arith(input_min, input_max, requested_output_min, requested_output_max)
    m = k.m
    lo, hi = m.asarray(input_min, _F), m.asarray(input_max, _F)
    out_lo, out_hi = m.asarray(requested_output_min, _F), m.asarray(requested_output_max, _F)
    check(ctx, out_lo <= 0, lambda v: "requested_output_min must be <= 0, but got %s"
          % _float_text(v), data=(out_lo,))
    check(ctx, ~((out_lo <= 0) & (out_hi < out_lo)),
          lambda a, b: "requested_output_max must be >= requested_output_min, but got %s and %s"
          % (_float_text(a), _float_text(b)), data=(out_hi, out_lo))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = _requantized(k, _integers(input), lo, hi, out_lo, out_hi, tin, out_type)
    return [out, jnp.asarray(out_lo), jnp.asarray(out_hi)]


@typed_op("RequantizationRange", infer=_range_shape, context=True, multi=True,
          types=dict(_RANGE, input=ANY))
def _requantization_range(ctx, input, input_min, input_max, *, Tinput=None):  # noqa: A002,N803
    tin = ctx.op._inputs[0].dtype.base_dtype
    if _no_kernel(ctx, "RequantizationRange", tin.name, None):
        return [jnp.zeros((), _F), jnp.zeros((), _F)]
    k = _Arith(input_min, input_max)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lo, hi = _actual_range(k, _integers(input), _first(k, input_min), _first(k, input_max),
                               tin)
    return [jnp.asarray(lo), jnp.asarray(hi)]


@typed_op("QuantizeDownAndShrinkRange", infer=_shrink_shape, context=True, multi=True,
          types=dict(_RANGE, input=ANY))
def _quantize_down_and_shrink_range(ctx, input, input_min, input_max, *,  # noqa: A002
                                    out_type, Tinput=None):  # noqa: N803
    tin = ctx.op._inputs[0].dtype.base_dtype
    if _no_kernel(ctx, "QuantizeDownAndShrinkRange", tin.name, out_type.name) or _rank_error(
            ctx, (("input_min", input_min), ("input_max", input_max))):
        return [jnp.zeros(np.shape(input), out_type.as_numpy_dtype[0]), jnp.zeros((), _F),
                jnp.zeros((), _F)]
    k = _Arith(input_min, input_max)
    lo, hi = k.m.asarray(input_min, _F), k.m.asarray(input_max, _F)
    x = _integers(input)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out_lo, out_hi = _actual_range(k, x, lo, hi, tin)
        out = _requantized(_Arith(out_lo, out_hi, lo, hi), x, lo, hi, out_lo, out_hi, tin,
                           out_type)
    return [out, jnp.asarray(out_lo), jnp.asarray(out_hi)]


def _relu(ctx, op_type, features, lo, hi, out_type, top=None):
    tin = ctx.op._inputs[0].dtype.base_dtype
    x = _integers(features)
    if _no_kernel(ctx, op_type, tin.name, out_type.name):
        return [jnp.zeros(np.shape(x), out_type.as_numpy_dtype[0]), jnp.zeros((), _F),
                jnp.zeros((), _F)]
    k = _Arith(lo, hi, top)
    lo, hi = _first(k, lo), _first(k, hi)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        floor = _float_to_scalar(k, _F(0), lo, hi, tin)
        x = jnp.asarray(x)
        out = jnp.maximum(x, jnp.asarray(floor).astype(x.dtype))
        if top is not None:
            ceil = _float_to_scalar(k, _first(k, top), lo, hi, tin)
            out = jnp.minimum(out, jnp.asarray(ceil).astype(out.dtype))
    return [out, jnp.asarray(lo), jnp.asarray(hi)]


@typed_op("QuantizedRelu", infer=_relu_shape, context=True, multi=True,
          types={"features": ANY, "min_features": _dt.float32, "max_features": _dt.float32})
def _quantized_relu(ctx, features, min_features, max_features, *, out_type=_dt.quint8,
                    Tinput=None):  # noqa: N803
    return _relu(ctx, "QuantizedRelu", features, min_features, max_features, out_type)


@typed_op("QuantizedRelu6", infer=_relu_shape, context=True, multi=True,
          types={"features": ANY, "min_features": _dt.float32, "max_features": _dt.float32})
def _quantized_relu6(ctx, features, min_features, max_features, *, out_type=_dt.quint8,
                     Tinput=None):  # noqa: N803
    return _relu(ctx, "QuantizedRelu6", features, min_features, max_features, out_type,
                 top=_F(6))


@typed_op("QuantizedReluX", infer=_relux_shape, context=True, multi=True,
          types={"features": ANY, "max_value": _dt.float32, "min_features": _dt.float32,
                 "max_features": _dt.float32})
def _quantized_relu_x(ctx, features, max_value, min_features, max_features, *,
                      out_type=_dt.quint8, Tinput=None):  # noqa: N803
    return _relu(ctx, "QuantizedReluX", features, min_features, max_features, out_type,
                 top=max_value)


# ---- QuantizedMatMul ------------------------------------------------------------------------
def _matmul_shape(a, b, min_a, max_a, min_b, max_b, *, Toutput=_dt.qint32,  # noqa: N803
                  transpose_a=False, transpose_b=False, **attrs):
    from scopeflow.ops.linalg import _matmul_shape as matmul
    check_allowed(a, "a", _QTYPES)
    check_allowed(b, "b", _QTYPES)
    check_allowed(_Typed(Toutput), "Toutput", _QTYPES)
    shape = matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)[0]
    _scalars(min_a, max_a, min_b, max_b)
    return [(shape, Toutput), _SCALAR, _SCALAR]


def _zero_point(k, lo, hi, dtype):
    """FloatToQuantizedUnclamped<T>(0.0f, lo, hi): the integer standing for 0.0."""
    m = k.m
    low, _ = _limits(dtype)
    steps = float(1 << (8 * np.dtype(dtype.as_numpy_dtype[0]).itemsize))
    rng = (hi - lo).astype(_D) * (steps / (steps - 1.0))
    scale = k.div(steps, m.where(rng == 0, 1.0, rng))
    q = -_round_away(k.rnd(lo.astype(_D) * scale), m) + float(low)
    return m.where(lo == hi, float(low), q).astype(_I).astype(np.int32)


def _product_range(k, min_a, max_a, min_b, max_b, ta, tb, tout):
    """QuantizationRangeForMultiplication: one step of a times one of b, over `tout`."""
    def level(lo, hi, t):
        low, high = _limits(t)
        return k.div((hi - lo).astype(_F), _F(high - low))
    step = k.rnd(level(min_a, max_a, ta) * level(min_b, max_b, tb))
    low, high = _limits(tout)
    return k.rnd(step * _F(low)), k.rnd(step * _F(high))


def _shape_text(v):
    return "[%s]" % ",".join(str(d) for d in np.shape(v))


@typed_op("QuantizedMatMul", infer=_matmul_shape, context=True, multi=True,
          types={"a": ANY, "b": ANY, "min_a": _dt.float32, "max_a": _dt.float32,
                 "min_b": _dt.float32, "max_b": _dt.float32})
def _quantized_mat_mul(ctx, a, b, min_a, max_a, min_b, max_b, *, Toutput=_dt.qint32,  # noqa: N803
                       transpose_a=False, transpose_b=False, Tactivation=None, T1=None, T2=None):
    ta, tb = (ctx.op._inputs[i].dtype.base_dtype for i in (0, 1))
    sa, sb = np.shape(a), np.shape(b)
    ok_shapes = len(sa) == 2 and len(sb) == 2
    m_ = sa[1 if transpose_a else 0] if ok_shapes else 0
    n_ = sb[0 if transpose_b else 1] if ok_shapes else 0
    stand_in = [jnp.zeros((m_, n_), Toutput.as_numpy_dtype[0]), jnp.zeros((), _F),
                jnp.zeros((), _F)]
    if _no_kernel(ctx, "QuantizedMatMul", (ta.name, tb.name), Toutput.name,
                  ("T1", "T2", "Toutput")):
        return stand_in
    if np.ndim(min_a) != 0:
        check(ctx, False, "min_a must be a scalar, but got shape" + _shape_text(min_a))
        return stand_in
    for name, v in (("max_a", max_a), ("min_b", min_b), ("max_b", max_b)):
        if np.size(v) != 1:
            check(ctx, False, "%s must be a scalar, but got shape%s" % (name, _shape_text(v)))
            return stand_in
    k = _Arith(min_a, max_a, min_b, max_b)
    lo_a, hi_a, lo_b, hi_b = (_first(k, v) for v in (min_a, max_a, min_b, max_b))
    check(ctx, hi_a > lo_a, "max_a must be larger than min_a.")
    check(ctx, hi_b > lo_b, "max_b must be larger than min_b.")
    for i, s in enumerate((sa, sb)):
        if len(s) != 2:
            check(ctx, False, "In[%d] is not a matrix" % i)
            return stand_in
    inner_a, inner_b = sa[0 if transpose_a else 1], sb[1 if transpose_b else 0]
    if inner_a != inner_b:
        check(ctx, False, "Matrix size-incompatible: In[0]: %s, In[1]: %s"
              % (_shape_text(a), _shape_text(b)))
        return stand_in
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        za, zb = _zero_point(k, lo_a, hi_a, ta), _zero_point(k, lo_b, hi_b, tb)
        lo_c, hi_c = _product_range(k, lo_a, hi_a, lo_b, hi_b, ta, tb, Toutput)
    x = jnp.asarray(_integers(a)).astype(np.int32) - jnp.asarray(za)
    y = jnp.asarray(_integers(b)).astype(np.int32) - jnp.asarray(zb)
    x = x.T if transpose_a else x
    y = y.T if transpose_b else y
    out = jax.lax.dot(x, y, preferred_element_type=np.int32)
    return [out, jnp.asarray(lo_c, _F), jnp.asarray(hi_c, _F)]


# ---- QuantizedBiasAdd -----------------------------------------------------------------------
def _bias_add_shape(input, bias, min_input, max_input, min_bias, max_bias, *,  # noqa: A002
                    out_type, **attrs):
    from scopeflow.ops.array_base import check_rank_at_least
    check_allowed(input, "input", _QTYPES)
    check_allowed(bias, "bias", _QTYPES)
    check_allowed(_Typed(out_type), "out_type", _QTYPES)
    check_rank_at_least(input, 2)
    check_rank(bias, 1)
    dims = input.shape._dims
    if dims is not None and bias.shape._dims is not None:
        last, n = dims[-1], bias.shape._dims[0]
        if last is not None and n is not None and last != n:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (last, n))
        if last is None and n is not None:
            dims = dims[:-1] + (n,)
    _scalars(min_input, max_input, min_bias, max_bias)
    return [spec(dims, out_type), _SCALAR, _SCALAR]


def _add_range(k, lo_a, hi_a, lo_b, hi_b):
    """GetOutputMinAndMaxForQuantizedAdd: symmetric, 2**17 times the widest input end."""
    m = k.m
    top = m.maximum(hi_a, m.maximum(-lo_a, m.maximum(hi_b, -lo_b))) * _F(1 << 17)
    return -top, top


def _in_total_space(k, x, lo, hi, dtype, out_lo, out_hi, out_type):
    """QUANTIZE_WITH_EIGEN(DEQUANTIZE_WITH_EIGEN(x)) into the sum's range."""
    xf = jnp.asarray(x).astype(_F)
    return _min_first(k, _min_first_back(k, xf, lo, hi, dtype).astype(_F), out_lo, out_hi,
                      out_type)


@typed_op("QuantizedBiasAdd", infer=_bias_add_shape, context=True, multi=True,
          types={"input": ANY, "bias": ANY, "min_input": _dt.float32,
                 "max_input": _dt.float32, "min_bias": _dt.float32, "max_bias": _dt.float32})
def _quantized_bias_add(ctx, input, bias, min_input, max_input, min_bias,  # noqa: A002
                        max_bias, *, out_type, T1=None, T2=None):  # noqa: N803
    ta, tb = (ctx.op._inputs[i].dtype.base_dtype for i in (0, 1))
    stand_in = [jnp.zeros(np.shape(input), out_type.as_numpy_dtype[0]), jnp.zeros((), _F),
                jnp.zeros((), _F)]
    if _no_kernel(ctx, "QuantizedBiasAdd", (ta.name, tb.name), out_type.name,
                  ("T1", "T2", "out_type")):
        return stand_in
    si, sb = np.shape(input), np.shape(bias)
    if len(si) < 2:
        check(ctx, False, "Input tensor must be at least 2D: " + _shape_text(input))
        return stand_in
    if len(sb) != 1:
        check(ctx, False, "Biases must be 1D: " + _shape_text(bias))
        return stand_in
    if sb[0] != si[-1]:
        check(ctx, False, "Must provide as many biases as the last dimension of the input "
              "tensor: %s vs. %s" % (_shape_text(bias), _shape_text(input)))
        return stand_in
    k = _Arith(min_input, max_input, min_bias, max_bias)
    lo_a, hi_a, lo_b, hi_b = (_first(k, v) for v in (min_input, max_input, min_bias,
                                                     max_bias))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out_lo, out_hi = _add_range(k, lo_a, hi_a, lo_b, hi_b)
        zero = _float_to_scalar(k, _F(0), out_lo, out_hi, out_type).astype(np.int32)
        x = _in_total_space(k, _integers(input), lo_a, hi_a, ta, out_lo, out_hi, out_type)
        b = _in_total_space(k, _integers(bias), lo_b, hi_b, tb, out_lo, out_hi, out_type)
    out = x + (b + jnp.asarray(zero))
    return [out, jnp.asarray(out_lo, _F), jnp.asarray(out_hi, _F)]


# ---- QuantizedAdd / QuantizedMul ------------------------------------------------------------
def _binary_shape(x, y, min_x, max_x, min_y, max_y, *, Toutput=_dt.qint32,  # noqa: N803
                  ranks=True, **attrs):
    from scopeflow.ops.registry import broadcast_dims
    check_allowed(x, "x", _QTYPES)
    check_allowed(y, "y", _QTYPES)
    check_allowed(_Typed(Toutput), "Toutput", _QTYPES)
    dims = broadcast_dims(x.shape._dims, y.shape._dims)
    if ranks:  # (QuantizedMul's shape rule leaves the ranges' ranks to its kernel)
        _scalars(min_x, max_x, min_y, max_y)
    return [spec(dims, Toutput), _SCALAR, _SCALAR]


def _mul_shape(*args, **attrs):
    return _binary_shape(*args, ranks=False, **attrs)


def _bcast(sx, sy):
    """TF's BCast of two shapes: (valid, output shape, number of grouped dimensions)."""
    n = max(len(sx), len(sy))
    x = (1,) * (n - len(sx)) + tuple(sx)
    y = (1,) * (n - len(sy)) + tuple(sy)
    groups, prev, out = 0, None, []
    for a, b in zip(x, y):
        if a != b and a != 1 and b != 1:
            return False, None, 0
        out.append(b if a == 1 else a)
        if a == 1 and b == 1:
            continue
        state = "same" if a == b else ("x" if a == 1 else "y")
        if state != prev:
            groups, prev = groups + 1, state
    return True, tuple(out), groups


def _pattern(x, y, shape):
    """TF's three broadcast kernels in one: a vector repeated along a tensor's flat elements
    (`i % size`), as TF's VectorTensor kernels index it. (vector, tensor, x is the vector)."""
    nx, ny = int(np.size(x)), int(np.size(y))
    x_small = nx < ny
    vec, ten = (x, y) if x_small else (y, x)
    total = int(np.prod(shape, dtype=np.int64))
    idx = np.arange(total) % max(1, np.size(vec))
    tidx = np.arange(total) % max(1, np.size(ten))
    return (jnp.asarray(vec).reshape(-1)[idx], jnp.asarray(ten).reshape(-1)[tidx], x_small)


def _binary_checks(ctx, op_type, x, y, ranges, rank_text):
    """The checks QuantizedAdd / QuantizedMul make before computing; the output shape and
    grouped rank, or None where one failed."""
    for name, v in ranges:
        if np.ndim(v) != 0:
            check(ctx, False, rank_text(name, np.ndim(v)))
            return None
    ok, shape, groups = _bcast(np.shape(x), np.shape(y))
    if not ok:
        check(ctx, False, "Incompatible shapes: %s vs. %s" % (_shape_text(x), _shape_text(y)))
        return None
    return shape, groups


def _ranges_ok(ctx, k, ranges, messages):
    lo_x, hi_x, lo_y, hi_y = (_first(k, v) for _, v in ranges)
    check(ctx, hi_x > lo_x, messages[0])
    check(ctx, hi_y > lo_y, messages[1])
    return lo_x, hi_x, lo_y, hi_y


def _binary_kernel(ctx, op_type, x, y, ranges, Toutput, compute):  # noqa: N803
    ta, tb = (ctx.op._inputs[i].dtype.base_dtype for i in (0, 1))
    ok, shape, _ = _bcast(np.shape(x), np.shape(y))
    stand_in = [jnp.zeros(shape if ok else (0,), Toutput.as_numpy_dtype[0]),
                jnp.zeros((), _F), jnp.zeros((), _F)]
    if _no_kernel(ctx, op_type, (ta.name, tb.name), Toutput.name, ("T1", "T2", "Toutput")):
        return stand_in
    if op_type == "QuantizedAdd":
        checked = _binary_checks(ctx, op_type, x, y, ranges,
                                 lambda n, r: "`%s` must be rank 0 but is rank %d" % (n, r))
    else:
        checked = _binary_checks(ctx, op_type, x, y, ranges,
                                 lambda n, r: "%s must be a scalar" % n)
    if checked is None:
        return stand_in
    shape, groups = checked
    k = _Arith(*(v for _, v in ranges))
    messages = (("max_x must be larger than min_x.", "max_y must be larger than min_y.")
                if op_type == "QuantizedAdd" else
                ("max_x must be larger than min_a.", "max_x must be larger than min_b."))
    lo_x, hi_x, lo_y, hi_y = _ranges_ok(ctx, k, ranges, messages)
    if groups > 2:
        check(ctx, False, "Broadcast between %s and %s is not supported yet."
              % (_shape_text(x), _shape_text(y)), exc=UnimplementedError)
        return stand_in
    if groups == 2 and min(np.size(x), np.size(y)) == 0:
        check(ctx, False, "Must have some elements to add" if op_type == "QuantizedAdd"
              else "vector must have at least 1 element")
        return stand_in
    xi, yi = jnp.asarray(_integers(x)), jnp.asarray(_integers(y))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out, lo_z, hi_z = compute(k, xi, yi, (lo_x, hi_x, ta), (lo_y, hi_y, tb), shape,
                                  groups, Toutput)
    return [out, jnp.asarray(lo_z, _F), jnp.asarray(hi_z, _F)]


def _affine_8_to_32(k, lo, hi, dtype, out_lo, out_hi, out_type):
    """TF's quint8 -> qint32 requantization as its add kernels make it: the codes of 0 and 1
    in the new range, `code0 + v * (code1 - code0)`, clamped."""
    c0 = _float_to_scalar(k, _scalar_to_float(np.int32(0), lo, hi, dtype), out_lo, out_hi,
                          out_type, clamp=False)
    c1 = _float_to_scalar(k, _scalar_to_float(np.int32(1), lo, hi, dtype), out_lo, out_hi,
                          out_type, clamp=False)
    mult = (c1 - c0).astype(np.int32).astype(_I)
    low, high = _limits(out_type)
    return lambda v: jnp.clip(jnp.asarray(c0, _I) + v.astype(_I) * mult, low,
                              high).astype(np.int32)


def _add(k, x, y, rx, ry, shape, groups, out_type):
    m = k.m
    small = m.minimum(rx[0], ry[0])
    large = m.maximum(rx[1], ry[1])
    top = k.rnd(m.maximum(m.abs(small), m.abs(large)) * _F(1 << 14))
    lo_z, hi_z = -top, top
    if groups <= 1 and (np.size(x) == 1 or np.size(y) == 1):
        (full, rf), (one, rs) = ((y, ry), (x, rx)) if np.size(x) == 1 else ((x, rx), (y, ry))
        scalar = _float_to_scalar(k, _scalar_to_float(one.reshape(-1)[0], rs[0], rs[1], rs[2]),
                                  lo_z, hi_z, out_type).astype(np.int32)
        out = _affine_8_to_32(k, *rf, lo_z, hi_z, out_type)(full) + jnp.asarray(scalar)
        return out.reshape(shape), lo_z, hi_z
    vec, ten, x_small = _pattern(x, y, shape)
    rv, rt = (rx, ry) if x_small else (ry, rx)
    out = (_affine_8_to_32(k, *rv, lo_z, hi_z, out_type)(vec)
           + _affine_8_to_32(k, *rt, lo_z, hi_z, out_type)(ten))
    return out.reshape(shape), lo_z, hi_z


def _mul(k, x, y, rx, ry, shape, groups, out_type):
    zx = jnp.asarray(_zero_point(k, rx[0], rx[1], rx[2]))
    zy = jnp.asarray(_zero_point(k, ry[0], ry[1], ry[2]))
    if groups <= 1 and (np.size(x) == 1 or np.size(y) == 1):
        a, b = x.astype(np.int32) - zx, y.astype(np.int32) - zy
        out = jnp.broadcast_to(a * b if np.size(a) else a.reshape(shape), shape)
    else:
        vec, ten, x_small = _pattern(x, y, shape)
        zv, zt = (zx, zy) if x_small else (zy, zx)
        out = ((vec.astype(np.int32) - zv) * (ten.astype(np.int32) - zt)).reshape(shape)
    lo_z, hi_z = _product_range(k, rx[0], rx[1], ry[0], ry[1], rx[2], ry[2], out_type)
    return out, lo_z, hi_z


_BINARY_TYPES = {"x": ANY, "y": ANY, "min_x": _dt.float32, "max_x": _dt.float32,
                 "min_y": _dt.float32, "max_y": _dt.float32}


@typed_op("QuantizedAdd", infer=_binary_shape, context=True, multi=True, types=_BINARY_TYPES)
def _quantized_add(ctx, x, y, min_x, max_x, min_y, max_y, *, Toutput=_dt.qint32,  # noqa: N803
                   T1=None, T2=None):  # noqa: N803
    ranges = (("min_x", min_x), ("max_x", max_x), ("min_y", min_y), ("max_y", max_y))
    return _binary_kernel(ctx, "QuantizedAdd", x, y, ranges, Toutput, _add)


@typed_op("QuantizedMul", infer=_mul_shape, context=True, multi=True, types=_BINARY_TYPES)
def _quantized_mul(ctx, x, y, min_x, max_x, min_y, max_y, *, Toutput=_dt.qint32,  # noqa: N803
                   T1=None, T2=None):  # noqa: N803
    ranges = (("min_x", min_x), ("max_x", max_x), ("min_y", min_y), ("max_y", max_y))
    return _binary_kernel(ctx, "QuantizedMul", x, y, ranges, Toutput, _mul)


# ---- QuantizedReshape -----------------------------------------------------------------------
def _reshape_shape(tensor, shape, input_min, input_max, **attrs):
    from scopeflow.ops.array import _reshape_shape as reshape
    _scalars(input_min, input_max)  # (TF checks the ranges first)
    return [reshape(tensor, shape), _SCALAR, _SCALAR]


@typed_op("QuantizedReshape", infer=_reshape_shape, context=True, multi=True,
          types={"tensor": ANY, "shape": INDEX, "input_min": _dt.float32,
                 "input_max": _dt.float32})
def _quantized_reshape(ctx, tensor, shape, input_min, input_max, *, T=None,  # noqa: N803
                       Tshape=None):  # noqa: N803
    from scopeflow.ops import array_base as _b
    t = ctx.op._inputs[0].dtype.base_dtype
    x = jnp.asarray(_integers(tensor))
    stand_in = [x, jnp.zeros((), _F), jnp.zeros((), _F)]
    if _no_kernel(ctx, "QuantizedReshape", t.name, None, ("T",)):
        return stand_in
    out = x.reshape(_b.reshape_dims(tuple(np.shape(x)), shape))
    for name, v in (("input_min", input_min), ("input_max", input_max)):
        if not (np.ndim(v) == 0 or np.shape(v) == (1,)):
            check(ctx, False, "%s must be a scalar or a vector of 1 element" % name)
            return [out, jnp.zeros((), _F), jnp.zeros((), _F)]
    k = _Arith(input_min, input_max)
    return [out, jnp.asarray(_first(k, input_min)), jnp.asarray(_first(k, input_max))]


# ---- QuantizedConcat ------------------------------------------------------------------------
def _concat_shape(concat_dim, values, input_mins, input_maxes, **attrs):
    from scopeflow.ops.joining import _concat_shape as concat
    _scalars(*input_mins, *input_maxes)  # (TF checks the ranges first)
    return [concat(values, concat_dim), _SCALAR, _SCALAR]


def _concat_error(dim, shapes):
    first = shapes[0]
    if not 0 <= dim < len(first):
        return ("ConcatOp : Expected concatenating dimensions in the range [0, %d), but got %d"
                % (len(first), dim))
    for i, s in enumerate(shapes):
        text = "shape[0] = [%s] vs. shape[%d] = [%s]" % (
            ",".join(map(str, first)), i, ",".join(map(str, s)))
        if len(s) != len(first):
            return "ConcatOp : Ranks of all input tensors should match: " + text
        if any(a != b for j, (a, b) in enumerate(zip(s, first)) if j != dim):
            return "ConcatOp : Dimensions of inputs should match: " + text
    return ""


@typed_op("QuantizedConcat", infer=_concat_shape, context=True, multi=True,
          lists=("values", "input_mins", "input_maxes"),
          types={"concat_dim": _dt.int32, "values": ANY, "input_mins": _dt.float32,
                 "input_maxes": _dt.float32})
def _quantized_concat(ctx, concat_dim, values, input_mins, input_maxes, *, N=None,  # noqa: N803
                      T=None):  # noqa: N803
    t = ctx.op._inputs[1].dtype.base_dtype
    xs = [jnp.asarray(_integers(v)) for v in values]
    shapes = [tuple(np.shape(v)) for v in xs]
    stand_in = [jnp.zeros((0,), xs[0].dtype), jnp.zeros((), _F), jnp.zeros((), _F)]
    if _no_kernel(ctx, "QuantizedConcat", t.name, None, ("T",)):
        return stand_in
    if np.ndim(concat_dim) != 0:
        check(ctx, False, "Concat dim tensor should be a scalar integer, but got shape "
              + _shape_text(concat_dim))
        return stand_in
    dim = int(np.asarray(concat_dim))
    message = _concat_error(dim, shapes)
    if message:
        check(ctx, False, message)
        return stand_in
    k = _Arith(*input_mins, *input_maxes)
    m = k.m
    los = [_first(k, v) for v in input_mins]
    his = [_first(k, v) for v in input_maxes]
    lo, hi = los[0], his[0]
    for a, b in zip(los[1:], his[1:]):
        lo, hi = m.minimum(lo, a), m.maximum(hi, b)
    if _limits(t)[0] < 0:  # (signed: a range symmetric about 0)
        top = m.maximum(m.abs(lo), m.abs(hi))
        lo, hi = -top, top
    parts = []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for x, a, b in zip(xs, los, his):
            moved = _in_total_space(k, x, a, b, t, lo, hi, t).astype(x.dtype)
            parts.append(jnp.where((a == lo) & (b == hi), x, moved))
    return [jnp.concatenate(parts, dim), jnp.asarray(lo, _F), jnp.asarray(hi, _F)]


def quantized_concat(concat_dim, values, input_mins, input_maxes, name=None):
    """`tf.quantization.quantized_concat`: quantized tensors joined along `concat_dim`, each
    requantized into the range of them all (symmetric for signed types)."""
    from scopeflow.ops.raw_ops import _tuple_type
    from scopeflow.ops.op_util import name_scope
    values, input_mins, input_maxes = list(values), list(input_mins), list(input_maxes)
    message = ""
    for arg, v in (("input_mins", input_mins), ("input_maxes", input_maxes)):
        if len(v) != len(values) and not message:
            message = ("List argument '%s' to 'quantized_concat' Op with length %d must match "
                       "length %d of argument 'values'." % (arg, len(v), len(values)))
    if len(values) < 2 and not message:
        message = ("List argument 'values' to 'QuantizedConcat' Op with length %d shorter "
                   "than minimum length 2." % len(values))
    if message:
        if len(values) < 2:  # (TF's op helper had taken the name and made concat_dim)
            from scopeflow.ops.constant import convert_to_tensor
            with name_scope(name, "QuantizedConcat"):
                convert_to_tensor(concat_dim, _dt.int32, name="concat_dim")
        raise ValueError(message)
    out = _quantized_concat(concat_dim, values, input_mins, input_maxes,
                            name=name or "QuantizedConcat")
    return _tuple_type("QuantizedConcat", ("output", "output_min", "output_max"))(*out)


def quantized_relu_x(features, max_value, min_features, max_features, out_type=_dt.quint8,
                     name=None):
    """`tf.nn.quantized_relu_x`: a QuantizedReluX op (TF's CPU has no kernel for it)."""
    from scopeflow.ops.raw_ops import _tuple_type
    out = _quantized_relu_x(features, max_value, min_features, max_features,
                            out_type=_dt.as_dtype(out_type), name=name or "QuantizedReluX")
    return _tuple_type("QuantizedReluX", ("activations", "min_activations",
                                          "max_activations"))(*out)


# ---- QuantizedAvgPool / QuantizedMaxPool ----------------------------------------------------
def _pool_shape(op_type):
    def infer(input, min_input, max_input, *, ksize, strides, padding, **attrs):  # noqa: A002
        from scopeflow.ops.nn_pool import _pool_infer
        from scopeflow.ops.quantize import check_choice
        check_choice("Quantized" + op_type, "padding", padding, ("SAME", "VALID"))
        # (the batch and channel windows are the kernel's to refuse, at run time)
        ks, st = [1] + list(ksize[1:3]) + [1], [1] + list(strides[1:3]) + [1]
        out = _pool_infer(op_type)(input, ksize=ks, strides=st, padding=padding)
        _scalars(min_input, max_input)
        return [out, _SCALAR, _SCALAR]
    return infer


def _pool(ctx, op_type, input, min_input, max_input, ksize, strides, padding):  # noqa: A002
    from scopeflow.ops import nn_pool
    t = ctx.op._inputs[0].dtype.base_dtype
    x = jnp.asarray(_integers(input))
    if _no_kernel(ctx, op_type, t.name, None, ("T",)) or np.ndim(x) != 4:
        if np.ndim(x) != 4:
            check(ctx, False, "tensor_in must be 4-dimensional" if op_type == "QuantizedAvgPool"
                  else "Input must be 4 or 5-dimensional")
        return [x, jnp.zeros((), _F), jnp.zeros((), _F)]
    if ksize[0] != 1 or strides[0] != 1 or ksize[3] != 1 or strides[3] != 1:
        check(ctx, False, "Pooling is not yet supported on the batch dimension."
              if ksize[0] != 1 or strides[0] != 1 else
              "Non-spatial pooling is not yet supported. Volunteers? :)"
              if op_type == "QuantizedAvgPool" else
              "MaxPooling supports exactly one of pooling across depth or pooling across "
              "width/height.", exc=UnimplementedError)
        return [x, jnp.zeros((), _F), jnp.zeros((), _F)]
    k = _Arith(min_input, max_input)
    if op_type == "QuantizedMaxPool":
        out = nn_pool.max_pool_kernel(x, ksize, strides, padding)
    else:  # (TF reference kernel: int32 window sums over the in-bounds counts, truncated)
        wide = x.astype(np.int32)
        pads = nn_pool._window(wide, ksize, strides, padding, ())
        total = jax.lax.reduce_window(wide, np.int32(0), jax.lax.add, tuple(ksize),
                                      tuple(strides), pads)
        counts = nn_pool._window_counts(x.shape, ksize, strides, pads).astype(np.int32)
        low, high = _limits(t)
        counts = jnp.asarray(counts)
        out = jnp.clip(total // counts, low, high).astype(x.dtype)
    return [out, jnp.asarray(_first(k, min_input)), jnp.asarray(_first(k, max_input))]


_POOL_TYPES = {"input": ANY, "min_input": _dt.float32, "max_input": _dt.float32}


@typed_op("QuantizedAvgPool", infer=_pool_shape("AvgPool"), context=True, multi=True,
          types=_POOL_TYPES)
def _quantized_avg_pool(ctx, input, min_input, max_input, *, ksize, strides,  # noqa: A002
                        padding, T=None):  # noqa: N803
    return _pool(ctx, "QuantizedAvgPool", input, min_input, max_input, ksize, strides, padding)


@typed_op("QuantizedMaxPool", infer=_pool_shape("MaxPool"), context=True, multi=True,
          types=_POOL_TYPES)
def _quantized_max_pool(ctx, input, min_input, max_input, *, ksize, strides,  # noqa: A002
                        padding, T=None):  # noqa: N803
    return _pool(ctx, "QuantizedMaxPool", input, min_input, max_input, ksize, strides, padding)


def _pool_wrapper(kernel, op_type, doc):
    def wrapper(input, min_input, max_input, ksize, strides, padding, name=None):  # noqa: A002
        from scopeflow.ops.raw_ops import _tuple_type
        out = kernel(input, min_input, max_input, ksize=list(ksize), strides=list(strides),
                     padding=padding, name=name or op_type)
        return _tuple_type(op_type, ("output", "min_output", "max_output"))(*out)
    wrapper.__doc__ = doc
    return wrapper


quantized_avg_pool = _pool_wrapper(_quantized_avg_pool, "QuantizedAvgPool",
                                   "`tf.nn.quantized_avg_pool`: TF's QuantizedAvgPool (quint8).")
quantized_avg_pool.__name__ = "quantized_avg_pool"
quantized_max_pool = _pool_wrapper(_quantized_max_pool, "QuantizedMaxPool",
                                   "`tf.nn.quantized_max_pool`: TF's QuantizedMaxPool (quint8).")
quantized_max_pool.__name__ = "quantized_max_pool"


# ---- QuantizedConv2D ------------------------------------------------------------------------
def _conv_shape(input, filter, min_input, max_input, min_filter, max_filter, *,  # noqa: A002
                strides, padding, out_type=_dt.qint32, dilations=(1, 1, 1, 1), **attrs):
    from scopeflow.ops.nn_conv import out_dim
    from scopeflow.ops.quantize import check_choice
    check_allowed(input, "input", _QTYPES)
    check_allowed(filter, "filter", _QTYPES)
    check_allowed(_Typed(out_type), "out_type", _QTYPES)
    check_choice("QuantizedConv2D", "padding", padding, ("SAME", "VALID"))
    check_rank(input, 4)
    check_rank(filter, 4)
    _scalars(min_input, max_input, min_filter, max_filter)
    x, f = input.shape._dims, filter.shape._dims
    if x is None or f is None:
        return [spec((None,) * 4 if x is None else (x[0], None, None, None), out_type)
                if f is None else spec((None, None, None, f[3]), out_type), _SCALAR, _SCALAR]
    if x[3] is not None and f[2] is not None and x[3] != f[2]:
        raise ShapeError("Depth of input (%d) is not a multiple of input depth of filter (%d)"
                         % (x[3], f[2]))
    rows = out_dim(x[1], f[0], strides[1], 1, padding)
    cols = out_dim(x[2], f[1], strides[2], 1, padding)
    return [spec((x[0], rows, cols, f[3]), out_type), _SCALAR, _SCALAR]


@typed_op("QuantizedConv2D", infer=_conv_shape, context=True, multi=True,
          types={"input": ANY, "filter": ANY, "min_input": _dt.float32,
                 "max_input": _dt.float32, "min_filter": _dt.float32,
                 "max_filter": _dt.float32})
def _quantized_conv2d(ctx, input, filter, min_input, max_input, min_filter,  # noqa: A002
                      max_filter, *, strides, padding, out_type=_dt.qint32,
                      dilations=(1, 1, 1, 1), Tinput=None, Tfilter=None):  # noqa: N803
    ta, tb = (ctx.op._inputs[i].dtype.base_dtype for i in (0, 1))
    x, f = jnp.asarray(_integers(input)), jnp.asarray(_integers(filter))
    stand_in = [jnp.zeros((0,), np.int32), jnp.zeros((), _F), jnp.zeros((), _F)]
    if _no_kernel(ctx, "QuantizedConv2D", (ta.name, tb.name), out_type.name,
                  ("Tinput", "Tfilter", "out_type")):
        return stand_in
    message = ""
    if len(strides) != 4:
        message = "Sliding window strides field must specify 4 dimensions"
    elif strides[1] != strides[2]:
        message = ("Current implementation only supports equal length strides in the row and "
                   "column dimensions.")
    elif strides[0] != 1 or strides[3] != 1:
        message = ("Current implementation does not yet support strides in the batch and "
                   "depth dimensions.")
    elif x.ndim != 4:  # (TF's run-time shape check speaks first)
        message = "input must be rank 4 but is rank %d" % x.ndim
    elif f.ndim != 4:
        message = "filter must be rank 4 but is rank %d" % f.ndim
    elif x.shape[3] != f.shape[2]:
        message = "input and filter must have the same depth: %d vs %d" % (x.shape[3],
                                                                           f.shape[2])
    if message:
        check(ctx, False, message)
        return stand_in
    k = _Arith(min_input, max_input, min_filter, max_filter)
    lo_a, hi_a, lo_b, hi_b = (_first(k, v) for v in (min_input, max_input, min_filter,
                                                     max_filter))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        zx, zf = _zero_point(k, lo_a, hi_a, ta), _zero_point(k, lo_b, hi_b, tb)
        lo_c, hi_c = _product_range(k, lo_a, hi_a, lo_b, hi_b, ta, tb, out_type)
    s = strides[1]
    n, h, w, _ = x.shape
    kh, kw, _, _ = f.shape
    if padding == "SAME":
        rows, cols = -(-h // s), -(-w // s)
    else:
        rows, cols = (h - kh) // s + 1, (w - kw) // s + 1
    pad_h = max((rows - 1) * s + kh - h, 0)
    pad_w = max((cols - 1) * s + kw - w, 0)
    # (padding holds the input's zero point: 0 once it is taken off)
    xs = jnp.pad(x.astype(np.int32) - jnp.asarray(zx),
                 ((0, 0), (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2),
                  (0, 0)))
    fs = f.astype(np.int32) - jnp.asarray(zf)
    out = jnp.zeros((n, max(rows, 0), max(cols, 0), f.shape[3]), np.int32)
    for i in range(kh):
        for j in range(kw):
            patch = xs[:, i:i + (rows - 1) * s + 1:s, j:j + (cols - 1) * s + 1:s, :]
            out = out + jnp.einsum("nhwc,co->nhwo", patch, fs[i, j],
                                   preferred_element_type=np.int32)
    return [out, jnp.asarray(lo_c, _F), jnp.asarray(hi_c, _F)]


def quantized_conv2d(input, filter, min_input, max_input, min_filter, max_filter,  # noqa: A002
                     strides, padding, out_type=_dt.qint32, dilations=(1, 1, 1, 1), name=None):
    """`tf.nn.quantized_conv2d`: TF's QuantizedConv2D (quint8 input and filter, qint32 out)."""
    from scopeflow.ops.raw_ops import _tuple_type
    out = _quantized_conv2d(input, filter, min_input, max_input, min_filter, max_filter,
                            strides=list(strides), padding=padding,
                            out_type=_dt.as_dtype(out_type), dilations=list(dilations),
                            name=name or "QuantizedConv2D")
    return _tuple_type("QuantizedConv2D", ("output", "min_output", "max_output"))(*out)


# ---- QuantizedInstanceNorm ------------------------------------------------------------------
def _instance_norm_shape(x, x_min, x_max, **attrs):
    check_allowed(x, "x", _QTYPES)
    check_rank(x, 4)
    _scalars(x_min, x_max)
    return [(x.shape, x.dtype), _SCALAR, _SCALAR]


def _instance_norm_attrs(t, given, lo, hi, eps, sep):
    """The attrs as TF's no-kernel message lists them (TF's order, from its attr map, varies
    from run to run: one it gives)."""
    def text(v):
        out = str(np.float32(v))
        return out[:-2] if out.endswith(".0") else out
    return ("T=%s, given_y_max=%s, given_y_min=%s, variance_epsilon=%s, output_range_given=%s, "
            "min_separation=%s" % (_enum(t), text(hi), text(lo), text(eps),
                                   str(bool(given)).lower(), text(sep)))


@typed_op("QuantizedInstanceNorm", infer=_instance_norm_shape, context=True, multi=True,
          types={"x": ANY, "x_min": _dt.float32, "x_max": _dt.float32})
def _quantized_instance_norm(ctx, x, x_min, x_max, *, output_range_given=False,
                             given_y_min=0.0, given_y_max=0.0, variance_epsilon=1e-5,
                             min_separation=1e-3, T=None):  # noqa: N803
    """TF's reference (non-NEON) kernel: per image and channel the mean and variance of
    `x_scale * (x - mean)` over height and width, the normalised values quantized to quint8 in
    their own range (or the given one), at least `min_separation` wide."""
    t = ctx.op._inputs[0].dtype.base_dtype
    shape = np.shape(x)
    stand_in = [jnp.zeros(shape, np.uint8), jnp.zeros((), _F), jnp.zeros((), _F)]
    if t.name != "quint8":
        node = ctx.op._name
        check(ctx, False, "No OpKernel was registered to support Op 'QuantizedInstanceNorm' "
              "used by {{node %s}} with these attrs: [%s]\nRegistered devices: [CPU]\n"
              "Registered kernels:\n  device='CPU'; T in [DT_QUINT8]\n" % (
                  node, _instance_norm_attrs(t.name, output_range_given, given_y_min,
                                             given_y_max, variance_epsilon, min_separation)))
        return stand_in
    y_lo, y_hi = _F(given_y_min), _F(given_y_max)
    if output_range_given and not y_lo < y_hi:
        check(ctx, False, "given_y_min must be less than given_y_max : %s >= %s"
              % (_float_text(y_lo), _float_text(y_hi)))
        return stand_in
    if _rank_error(ctx, (("x_min", x_min), ("x_max", x_max))):
        return stand_in
    lo, hi = jnp.asarray(x_min, _F), jnp.asarray(x_max, _F)
    check(ctx, lo < hi, lambda a, b: "input_min must be less than input_max : %s >= %s"
          % (_float_text(a), _float_text(b)), data=(lo, hi))
    if np.ndim(x) != 4:  # (TF's kernel reads x as a 4-d tensor and aborts the process)
        check(ctx, False, "QuantizedInstanceNorm needs a 4-d x (batch, height, width, "
              "channels), got shape %s" % (list(shape),))
        return stand_in
    sep = _F(min_separation)
    if 0 in shape:  # (an empty min is +inf and max -inf, as Eigen's reducers start)
        y_min, y_max = (y_lo, y_hi) if output_range_given else (_F(np.inf), _F(-np.inf))
        y_max = y_min + sep if y_max - y_min < sep else y_max
        return [stand_in[0], jnp.asarray(y_min), jnp.asarray(y_max)]
    n, h, w, c = shape
    q = jnp.asarray(_integers(x))
    scale = quotient(hi - lo, _F(255))
    count = _F(h * w)
    # (the sums of the integers are exact in float32 below 2**24 / 255 pixels)
    mean = quotient(q.astype(np.int32).sum(axis=(1, 2)).astype(_F), count)
    centred = round_each(scale * (q.astype(_F) - mean[:, None, None, :]))
    variance = quotient(round_each(centred * centred).sum(axis=(1, 2)), count)
    inv_std = quotient(_F(1), jnp.sqrt(variance + _F(variance_epsilon)))
    normed = round_each(centred * inv_std[:, None, None, :])
    if output_range_given:
        y_min, y_max = jnp.asarray(y_lo), jnp.asarray(y_hi)
    else:
        y_min, y_max = normed.min(), normed.max()
    y_max = jnp.where(y_max - y_min < sep, y_min + sep, y_max)
    k = _Arith(y_min, y_max)
    out = _min_first(k, normed, y_min, y_max, _dt.quint8)
    return [out, y_min, y_max]
