"""TF's quantization ops on quantized dtypes: QuantizeV2 (`tf.quantization.quantize`) and
Dequantize, with TF's CPU kernels' bits.

A run carries a quantized tensor (qint8, quint8, qint16, quint16, qint32) as the integers of
its NumPy field; Session.run returns TF's record arrays. The range is adjusted as TF's
kernel does (min <= 0 <= max, at least `ensure_minimum_range` wide), then per mode:
MIN_COMBINED scales [min, max] onto the whole type (signed types shifted by half the range),
MIN_FIRST rounds min onto the grid first (quantization_utils' Eigen expressions), SCALED
keeps 0 at 0 with one scale for both sides.

    >>> import scopeflow as tf
    >>> tf.quantization.quantize(tf.zeros([2]), -1.0, 1.0, tf.qint8).output.dtype
    tf.qint8
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import check_rank, check_rank_at_least
from scopeflow.ops.op_types import FIXED
from scopeflow.ops.op_util import check_allowed, check_fixed, typed_op
from scopeflow.ops.registry import ANY, ShapeError, spec
from scopeflow.ops.rounding import quotient, round_each
from scopeflow.errors import InvalidArgumentError, UnimplementedError
from scopeflow.ops.value_checks import check, failed

__all__ = ["dequantize", "quantize", "quantize_v2"]

_QTYPES = ("qint8", "quint8", "qint32", "qint16", "quint16")
_F32 = "float32"
FIXED.update({
    "QuantizeV2": ((0, "input", _F32), (1, "min_range", _F32), (2, "max_range", _F32)),
    "Dequantize": ((1, "min_range", _F32), (2, "max_range", _F32)),
})
_F = np.float32
_PREV_HALF = np.float32(0.49999997)  # Eigen's pround: truncate(x + copysign(this, x))


def _limits(dtype):
    """(lowest, highest) of the integers a quantized dtype holds."""
    info = np.iinfo(dtype.as_numpy_dtype[0])
    return int(info.min), int(info.max)


def _integers(v):
    """A quantized value as its integers (a constant still holds TF's records)."""
    if isinstance(v, np.ndarray) and v.dtype.names:
        return v.view(v.dtype[0])
    return v


def _int_type(dtype):
    return dtype.as_numpy_dtype[0]


# ---- shape rules ----------------------------------------------------------------------------
def _range_shape(input, lo, hi, axis):  # noqa: A002
    """The shape of the output ranges: scalars, or (dim at `axis`,) vectors."""
    if axis == -1:
        check_rank(lo, 0)
        check_rank(hi, 0)
        return ()
    check_rank_at_least(input, axis + 1)
    check_rank(lo, 1)
    check_rank(hi, 1)
    dims = input.shape._dims
    d = None if dims is None else dims[axis]
    for v in (lo, hi):
        other = v.shape._dims[0] if v.shape._dims is not None else None
        if d is not None and other is not None and d != other:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (other, d))
        d = d if d is not None else other
    return (d,)


def _quantize_shape(input, min_range, max_range, *, T, axis=-1, mode="MIN_COMBINED",  # noqa: A002,N803
                    round_mode="HALF_AWAY_FROM_ZERO", **attrs):
    check_allowed(_Typed(T), "T", _QTYPES)
    _check_mode("QuantizeV2", mode, round_mode)
    r = spec(_range_shape(input, min_range, max_range, axis), _dt.float32)
    return [(input.shape, T), r, r]


def _dequantize_shape(input, min_range, max_range, *, dtype=_dt.float32,  # noqa: A002
                      axis=-1, mode="MIN_COMBINED", **attrs):
    check_allowed(input, "input", _QTYPES)
    _check_mode("Dequantize", mode)
    check_allowed(_Typed(dtype), "dtype", ("bfloat16", "float32"))
    _range_shape(input, min_range, max_range, axis)
    return input.shape, dtype


class _Typed:
    """An attr's dtype where check_allowed expects a tensor."""

    def __init__(self, dtype):
        self.dtype = dtype


# ---- the adjusted range ---------------------------------------------------------------------
class _Arith:
    """The arithmetic of a range's constants: NumPy's float32 for known ranges (XLA folds
    constant arithmetic its own way: a quotient by a constant becomes a product by its
    reciprocal), else jnp with each product and quotient rounded as TF rounds it."""

    def __init__(self, *values):
        traced = any(isinstance(v, jax.core.Tracer) for v in values)
        self.m = jnp if traced else np
        self.div = quotient if traced else np.divide
        self.rnd = round_each if traced else (lambda v: v)


def _adjusted(k, lo, hi, ensure):
    """TF's range as its kernels use it: min <= 0 <= max, max - min at least `ensure` times
    max(1, |min|, |max|)."""
    m = k.m
    lo, hi = m.asarray(lo, _F), m.asarray(hi, _F)
    eps = k.rnd(m.maximum(_F(1), m.maximum(m.abs(lo), m.abs(hi))) * _F(ensure))
    lo2 = m.minimum(_F(0), lo)
    return lo2, m.maximum(_F(0), m.maximum(hi, lo2 + eps))


def _ftz(v, m):
    """TF's CPU threads flush denormal results to (signed) zero."""
    return m.where(m.abs(v) < _F(np.finfo(np.float32).tiny), v * _F(0), v)


def _round_away(x, m=jnp):
    """Eigen's float round (half away from zero), as its packet code does it."""
    return m.trunc(x + m.copysign(_PREV_HALF, x))


def _to_int(x, dtype):
    """Integral floats to `dtype`'s integers as x86 converts them: qint32 overflows to its
    lowest value (XLA would saturate)."""
    t = _int_type(dtype)
    if np.dtype(t) == np.int32:
        big = x >= _F(2147483648.0)
        return jnp.where(big | jnp.isnan(x), np.int32(-2147483648),
                         jnp.clip(x, _F(-2147483648.0), _F(2147483520.0)).astype(np.int32))
    return x.astype(np.int64).astype(t)


def _min_combined(k, x, lo, hi, dtype):
    low, high = _limits(dtype)
    scale = k.div(np.float64(high) - np.float64(low), (hi - lo).astype(np.float64)).astype(_F)
    v = round_each((jnp.minimum(jnp.maximum(jnp.minimum(x, hi), lo), hi) - lo) * scale)
    if low < 0:
        half = _F((high - low + 1) / 2.0)
        return _to_int(_round_away(v - half), dtype)
    return _to_int(jnp.trunc(v + _F(0.5)), dtype)


def _min_first(k, x, lo, hi, dtype):
    """quantization_utils' FloatToQuantizedStruct and QUANTIZE_WITH_EIGEN."""
    low, high = _limits(dtype)
    m = k.m
    steps = float(1 << (8 * np.dtype(_int_type(dtype)).itemsize))
    span = (hi - lo).astype(np.float64)
    scale = m.where(hi == lo, 0.0, k.div(steps - 1.0, m.where(hi == lo, 1.0, span))).astype(_F)
    min_scaled = _round_away(k.rnd(lo * scale), m)
    v = _round_away(round_each(x * scale)) - (min_scaled - _F(low))
    lower, upper = max(_F(low), _F(-2.147483648e9)), min(_F(high), _F(2.147483520e9))
    v = jnp.minimum(jnp.maximum(v, lower), upper)
    return jnp.trunc(v).astype(np.int64).astype(_int_type(dtype))


def _scaled_factor(k, lo, hi, dtype, narrow):
    low, high = _limits(dtype)
    m = k.m
    min_out = low + (1 if narrow else 0)
    big = _F(np.finfo(np.float32).max)
    with np.errstate(divide="ignore", invalid="ignore"):
        from_min = m.where(_F(min_out) * lo > 0, k.div(_F(min_out), lo), big)
        from_max = m.where(_F(high) * hi > 0, k.div(_F(high), hi), big)
    return m.minimum(from_min, from_max), min_out, high


def _scaled(k, x, lo, hi, dtype, narrow, half_even):
    scale, min_out, high = _scaled_factor(k, lo, hi, dtype, narrow)
    lo2, hi2 = _ftz(k.div(_F(min_out), scale), k.m), _ftz(k.div(_F(high), scale), k.m)
    v = round_each(jnp.minimum(jnp.maximum(jnp.minimum(x, hi2), lo2), hi2) * scale)
    v = jnp.round(v) if half_even else _round_away(v)
    return _to_int(v, dtype), lo2, hi2


def _along(v, axis, ndim):
    """A per-slice vector shaped to broadcast along `axis` of an array of rank `ndim`."""
    if axis == -1:
        return v
    return v.reshape((-1,) + (1,) * (ndim - axis - 1))


# ---- kernels --------------------------------------------------------------------------------
def _quantize_error(x, lo, hi, attrs):
    """TF's QuantizeV2 checks, in its kernel's order; (error class, message) or None."""
    if attrs["round_mode"] == "HALF_TO_EVEN" and attrs["mode"] != "SCALED":
        return InvalidArgumentError, ("Round mode 'HALF_TO_EVEN' only supported for mode "
                                      "'SCALED', but mode is '%s'." % attrs["mode"])
    axis = attrs["axis"]
    if axis == -1:
        if np.size(lo) != 1:
            return InvalidArgumentError, (
                "If axis is not specified, min_range must contain a single float element, "
                "but it contains %d elements" % np.size(lo))
    else:
        n = np.shape(x)[axis]
        if np.ndim(lo) != 1 or np.size(lo) != n:
            return InvalidArgumentError, (
                "If axis is specified, min_range must be a 1-D tensor whose size matches the "
                "axis dimension of the input and output tensors, but min_range is a 1-D "
                "tensor of size %d and input's axis dimension is of size %d"
                % (np.size(lo), n))
        if n != 1 and attrs["mode"] == "MIN_FIRST":
            return UnimplementedError, ("MIN_FIRST mode is not implemented for Quantize with "
                                        "axis != -1.")
    return None


_RANGE_ERROR = "input_max_range must be larger than input_min_range."


@typed_op("QuantizeV2", infer=_quantize_shape, context=True, multi=True,
          types={"input": ANY, "min_range": _dt.float32, "max_range": _dt.float32})
def _quantize_v2(ctx, input, min_range, max_range, *, T, mode="MIN_COMBINED",  # noqa: A002,N803
                 round_mode="HALF_AWAY_FROM_ZERO", narrow_range=False, axis=-1,
                 ensure_minimum_range=0.01):
    attrs = {"mode": mode, "round_mode": round_mode, "axis": axis}
    x = jnp.asarray(input, _F)
    bad = _quantize_error(x, min_range, max_range, attrs)
    if bad is not None:
        check(ctx, False, bad[1], exc=bad[0])
        zeros = jnp.zeros(np.shape(min_range), _F)
        return [jnp.zeros(x.shape, _int_type(T)), zeros, zeros]
    if np.size(max_range) == np.size(min_range):
        traced = _Arith(min_range, max_range).m
        check(ctx, ~traced.any(traced.asarray(max_range) < traced.asarray(min_range)),
              _RANGE_ERROR)
    if axis != -1 and np.shape(x)[axis] == 1:
        axis = -1  # (one slice: TF quantizes the whole tensor with its one range)
        min_range, max_range = jnp.reshape(min_range, ()), jnp.reshape(max_range, ())
    k = _Arith(min_range, max_range)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lo, hi = _adjusted(k, min_range, max_range, ensure_minimum_range)
        blo, bhi = _along(lo, axis, x.ndim), _along(hi, axis, x.ndim)
        if mode == "MIN_COMBINED":
            out = _min_combined(k, x, blo, bhi, T)
        elif mode == "MIN_FIRST":
            out = _min_first(k, x, lo, hi, T)
        else:
            out, lo2, hi2 = _scaled(k, x, blo, bhi, T, narrow_range,
                                    round_mode == "HALF_TO_EVEN")
            lo, hi = lo2.reshape(np.shape(lo)), hi2.reshape(np.shape(hi))
    return [out, lo, hi]


def _dequantize_error(input, lo, hi, axis):  # noqa: A002
    rank = np.ndim(input)
    if axis >= rank:
        return "Axis must be less than input dimension(%d), got %d" % (rank, axis)
    n = 1 if axis == -1 else np.shape(input)[axis]
    for what, v in (("min", lo), ("max", hi)):
        if np.size(v) != n:
            return ("input_%s_tensor must have as many elements as input on the "
                    "dequantization axis (%d), got %d, expected %d" % (what, axis, np.size(v), n))
    return ""


@typed_op("Dequantize", infer=_dequantize_shape, context=True,
          types={"input": ANY, "min_range": _dt.float32, "max_range": _dt.float32})
def _dequantize(ctx, input, min_range, max_range, *, mode="MIN_COMBINED",  # noqa: A002
                narrow_range=False, axis=-1, dtype=_dt.float32):
    qtype = ctx.op._inputs[0].dtype.base_dtype
    out_np = dtype.as_numpy_dtype
    if mode not in ("MIN_COMBINED", "MIN_FIRST", "SCALED") or (
            dtype is _dt.bfloat16 and mode != "MIN_COMBINED"):
        msg = ("Mode string must be 'MIN_COMBINED', 'MIN_FIRST', or 'SCALED', is '%s'" % mode
               if dtype is _dt.float32 else "When output type is bfloat16, Mode string must be "
               "'MIN_COMBINED', is '%s'" % mode)
        failed(ctx, msg)
        return jnp.zeros(np.shape(input), out_np)
    if failed(ctx, _dequantize_error(input, min_range, max_range, axis)):
        return jnp.zeros(np.shape(input), out_np)
    if axis != -1 and mode == "MIN_FIRST" and np.shape(input)[axis] != 1:
        check(ctx, False, "MIN_FIRST mode is not implemented for Dequantize with axis != -1.",
              exc=UnimplementedError)
        return jnp.zeros(np.shape(input), out_np)
    q = jnp.asarray(_integers(input))
    x = q.astype(_F)
    k = _Arith(min_range, max_range)
    m = k.m
    lo = m.asarray(min_range, _F).reshape(-1)
    hi = m.asarray(max_range, _F).reshape(-1)
    if axis == -1:
        lo, hi = lo[0], hi[0]
    else:
        lo, hi = _along(lo, axis, q.ndim), _along(hi, axis, q.ndim)
    low, high = _limits(qtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if mode == "MIN_COMBINED":
            half = _F(0.0 if low == 0 else (float(high) - low + 1) / 2.0)
            scale = k.div(hi - lo, _F(float(high) - low))
            out = _product(x + half, scale) + jnp.asarray(lo, np.float64)
        elif mode == "MIN_FIRST":
            out = _min_first_back(k, x, lo, hi, qtype)
        else:
            min_out = low + (1 if narrow_range else 0)
            scale = k.div(hi, _F(high)) if low == 0 else m.maximum(
                k.div(lo, _F(min_out)), k.div(hi, _F(high)))
            out = round_each(x * scale)
    return out.astype(_F).astype(out_np)


def _product(a, b):
    """a * b (float32 values) rounded to float32 but held in float64, for a sum that
    follows: TF rounds the product, then the sum; XLA's CPU backend would fuse a float32
    product and sum into one multiply-add (rounding.round_each's tie folds away where the
    factors come from integers and constants). The float64 product is exact; the sum of two
    float32 values in float64 too, so its float32 rounding is TF's."""
    exact = jnp.asarray(a, np.float64) * jnp.asarray(b, np.float64)
    return jax.lax.reduce_precision(exact, exponent_bits=8, mantissa_bits=23)


def _min_first_back(k, x, lo, hi, dtype):
    """quantization_utils' QuantizedToFloatStruct and DEQUANTIZE_WITH_EIGEN."""
    low, _ = _limits(dtype)
    m = k.m
    steps = float(1 << (8 * np.dtype(_int_type(dtype)).itemsize))
    scale = k.div((hi - lo).astype(np.float64), steps - 1.0).astype(_F)
    rounded = m.where(hi == lo, lo, k.rnd(
        _round_away(k.div(lo, m.where(scale == 0, _F(1), scale)), m) * scale))
    return jnp.asarray(rounded - k.rnd(_F(low) * scale), np.float64) + _product(x, scale)


# ---- TF's wrappers --------------------------------------------------------------------------
def axis_of(input, axis):  # noqa: A002
    """TF's wrappers' axis attr: -1 for None, a negative axis counted from the rank."""
    if axis is None:
        return -1
    if axis < 0:
        ndims = input.shape.ndims if hasattr(input, "shape") else np.ndim(input)
        if ndims is None:
            raise ValueError("input should have known rank to use negative axis.")
        axis %= ndims
    return axis


def quantize_v2(input, min_range, max_range, T, mode="MIN_COMBINED",  # noqa: A002,N803
                name=None, round_mode="HALF_AWAY_FROM_ZERO", narrow_range=False, axis=None,
                ensure_minimum_range=0.01):
    """`tf.quantize_v2` (deprecated name of `tf.quantization.quantize`): a QuantizeV2 op."""
    from scopeflow.ops.constant import convert_to_tensor
    input = convert_to_tensor(input)  # noqa: A001
    _first(lambda: check_fixed(input, "input", "QuantizeV2", _F32), name, "QuantizeV2")
    out = _quantize_v2(input, min_range, max_range, T=_dt.as_dtype(T), mode=mode,
                       round_mode=round_mode, narrow_range=narrow_range,
                       axis=axis_of(input, axis), ensure_minimum_range=float(ensure_minimum_range),
                       name=name or "QuantizeV2")
    return _QuantizeV2(*out)


def quantize(input, min_range, max_range, T, mode="MIN_COMBINED",  # noqa: A002,N803
             round_mode="HALF_AWAY_FROM_ZERO", name=None, narrow_range=False, axis=None,
             ensure_minimum_range=0.01):
    """`tf.quantization.quantize`: float32 values as `T` (output, output_min, output_max)."""
    return quantize_v2(input, min_range, max_range, T, mode=mode, name=name,
                       round_mode=round_mode, narrow_range=narrow_range, axis=axis,
                       ensure_minimum_range=ensure_minimum_range)


def dequantize(input, min_range, max_range, mode="MIN_COMBINED", name=None,  # noqa: A002
               axis=None, narrow_range=False, dtype=_dt.float32):
    """`tf.quantization.dequantize`: quantized values back to float32 (or bfloat16)."""
    from scopeflow.ops.constant import convert_to_tensor
    input = convert_to_tensor(input)  # noqa: A001
    _first(lambda: check_allowed(input, "input", _QTYPES), name, "Dequantize")
    return _dequantize(input, min_range, max_range, mode=mode, narrow_range=narrow_range,
                       axis=axis_of(input, axis), dtype=_dt.as_dtype(dtype),
                       name=name or "Dequantize")


def _first(test, name, op_type):
    """Runs `test`, a check TF makes before it converts the range inputs; where it fails,
    the op's name is taken as in TF (its op helper had entered the name scope)."""
    try:
        test()
    except TypeError:
        from scopeflow.ops.op_util import name_scope
        with name_scope(name, op_type):
            pass
        raise


def check_choice(op_type, attr, value, allowed):
    """TF's op-def check of a string attr with a list of allowed values."""
    if value not in allowed:
        raise ValueError("Attr '%s' of '%s' Op passed string '%s' not in: %s." % (
            attr, op_type, value, ", ".join('"%s"' % a for a in allowed)))


def _check_mode(op_type, mode, round_mode=None):
    check_choice(op_type, "mode", mode, ("MIN_COMBINED", "MIN_FIRST", "SCALED"))
    if round_mode is not None:
        check_choice(op_type, "round_mode", round_mode, ("HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN"))


class _QuantizeV2(tuple):
    """TF's namedtuple QuantizeV2(output, output_min, output_max)."""

    __slots__ = ()

    def __new__(cls, output, output_min, output_max):
        return tuple.__new__(cls, (output, output_min, output_max))

    output = property(lambda self: self[0])
    output_min = property(lambda self: self[1])
    output_max = property(lambda self: self[2])

    def __repr__(self):
        return "QuantizeV2(output=%r, output_min=%r, output_max=%r)" % tuple(self)
