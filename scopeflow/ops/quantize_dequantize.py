"""TF's QuantizeAndDequantizeV2 / V3 / V4 (`tf.quantization.quantize_and_dequantize` and
`_v2`) and QuantizeAndDequantizeV4Grad, with TF's CPU kernels' values.

The range (given, or the input's min and max, per channel along `axis`) is widened so that
0 stays on the grid of the signed or unsigned `num_bits` integers (one scale; the side
that sets it is kept), then each value is clamped (given ranges only), scaled, rounded
(half to even, or half up) and scaled back. The gradient of V2 and V3 passes straight
through; V4's is the V4Grad op (the gradient where the input lies in [min, max]).

    >>> import scopeflow as tf
    >>> tf.quantization.quantize_and_dequantize_v2(tf.zeros([2]), -1.0, 1.0).op.type
    'QuantizeAndDequantizeV4'
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.core.shape import TensorShape
from scopeflow.ops.array_base import check_rank, check_rank_at_least, merge_dims
from scopeflow.ops.op_types import ALLOWED, FIXED
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.quantize import axis_of, check_choice
from scopeflow.ops.registry import ShapeError
from scopeflow.ops.rounding import round_each
from scopeflow.ops.value_checks import check, failed

__all__ = ["quantize_and_dequantize", "quantize_and_dequantize_v2"]

_REAL = ("bfloat16", "float16", "float32", "float64")
for _t in ("QuantizeAndDequantizeV2", "QuantizeAndDequantizeV3", "QuantizeAndDequantizeV4"):
    ALLOWED[_t] = ((0, "input", _REAL),)
ALLOWED["QuantizeAndDequantizeV4Grad"] = ((0, "gradients", _REAL),)
FIXED["QuantizeAndDequantizeV3"] = ((3, "num_bits", "int32"),)


# ---- shape rules ----------------------------------------------------------------------------
def _range_dims(input, lo, hi, axis):  # noqa: A002
    """TF's shape function's checks of the range inputs; the channel count or None."""
    if axis < -1:
        raise ShapeError("axis should be at least -1, got %d" % axis)
    want = 0 if axis == -1 else 1
    check_rank(lo, want)
    check_rank(hi, want)
    if axis == -1:
        return None
    check_rank_at_least(input, axis + 1)
    dims = [d for v in (input, lo, hi) for d in [_dim(v, axis if v is input else 0)]]
    n = None
    for d in dims:
        if d is not None and n is not None and d != n:
            raise ShapeError("Dimension 0 in both shapes must be equal, but are %d and %d. "
                             "Shapes are [%d] and [%d]." % (n, d, n, d))
        n = d if d is not None else n
    return n


def _dim(t, i):
    dims = t.shape._dims
    return None if dims is None else dims[i]


def _qdq_shape(op_type):
    def infer(input, input_min, input_max, *rest, axis=-1, **attrs):  # noqa: A002
        if "round_mode" in attrs:
            check_choice(op_type, "round_mode", attrs["round_mode"], ("HALF_TO_EVEN", "HALF_UP"))
        _range_dims(input, input_min, input_max, axis)
        if rest:
            check_rank(rest[0], 0)
        return input.shape, input.dtype.base_dtype
    return infer


def _grad_shape(gradients, input, input_min, input_max, *, axis=-1):  # noqa: A002
    a, b = gradients.shape._dims, input.shape._dims
    if a is not None and b is not None and len(a) != len(b):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(a), len(b)))
    shape = gradients.shape if b is None else input.shape if a is None else \
        TensorShape._of(merge_dims(a, b, ""))
    n = _range_dims(input, input_min, input_max, axis)
    dt = input.dtype.base_dtype
    rng = TensorShape._of(() if axis == -1 else (n,))
    return [(shape, dt), (rng, dt), (rng, dt)]


# ---- the kernel -----------------------------------------------------------------------------
def _levels(signed, num_bits, narrow):
    if signed:
        low = -(1 << (num_bits - 1)) + (1 if narrow else 0)
        return low, (1 << (num_bits - 1)) - 1
    return 0, (1 << num_bits) - 1


def _quantization_range(m, lo, hi, levels, dtype):
    """TF's ComputeQuantizationRange in `dtype`: (min, max, scale, inverse scale)."""
    low, high = (dtype.type(v) for v in levels)
    big = dtype.type(np.finfo(dtype).max)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        from_min = m.where(low * lo > 0, low / lo, big)
        from_max = m.where(high * hi > 0, high / hi, big)
        use_min = from_min < from_max
        inv_min, inv_max = lo / low, hi / high
        inverse = m.where(use_min, inv_min, inv_max)
        new_lo = m.where(use_min, lo, low * inv_max)
        new_hi = m.where(use_min, high * inv_min, hi)
    return new_lo, new_hi, m.where(use_min, from_min, from_max), inverse


def _qdq(x, lo, hi, attrs):
    """The op's values for ranges `lo` / `hi` (scalars or per-channel, broadcastable)."""
    dtype = np.dtype(x.dtype)
    traced = any(isinstance(v, jax.core.Tracer) for v in (lo, hi))
    m = jnp if traced else np
    lo, hi = m.asarray(lo, dtype), m.asarray(hi, dtype)
    levels = _levels(attrs["signed_input"], attrs["num_bits"], attrs["narrow_range"])
    lo, hi, scale, inverse = _quantization_range(m, lo, hi, levels, dtype)
    if attrs["range_given"]:
        x = jnp.maximum(jnp.minimum(x, hi), lo)  # (cwiseMin(max).cwiseMax(min), as TF)
    v = round_each(x * scale.astype(dtype))
    v = jnp.round(v) if attrs["round_mode"] == "HALF_TO_EVEN" else jnp.floor(v + dtype.type(0.5))
    return round_each(v * inverse.astype(dtype))


def _channels(x, axis):
    """(reshape for a per-channel vector, axes reduced over) for channel axis `axis`."""
    return (-1,) + (1,) * (x.ndim - axis - 1), tuple(i for i in range(x.ndim) if i != axis)


def _qdq_kernel(ctx, x, lo, hi, attrs):
    signed, bits = attrs["signed_input"], attrs["num_bits"]
    text = "`signed_input_`" if attrs.get("v3") else "signed_input_"
    if failed(ctx, "" if 0 < bits < (62 if signed else 63) else
              "num_bits is out of range: %d with %s %d" % (bits, text, int(signed))):
        return x
    x = jnp.asarray(x)
    axis = attrs["axis"]
    if failed(ctx, _range_error(x, lo, hi, axis, attrs["range_given"])):
        return x
    if attrs["range_given"]:
        _check_order(ctx, lo, hi)
    if axis == -1:
        if not attrs["range_given"]:
            lo, hi = jnp.min(x), jnp.max(x)
        return _qdq(x, jnp.reshape(lo, ()), jnp.reshape(hi, ()), attrs)
    shape, others = _channels(x, axis)
    if not attrs["range_given"]:
        lo, hi = jnp.min(x, axis=others), jnp.max(x, axis=others)
    return _qdq(x, jnp.reshape(lo, shape), jnp.reshape(hi, shape), attrs)


def _range_error(x, lo, hi, axis, given):
    """TF 2.21's checks of a given range (its per-channel kernel refuses every given
    range: it asks for rank 1, then for a scalar)."""
    if not given:
        return ""
    if axis != -1:
        if axis >= x.ndim:
            return "Shape must be at least rank %d but is rank %d" % (axis + 1, x.ndim)
        if np.ndim(lo) != 1:
            return "Shape must be rank 1 for input_min_tensor when the axis is specified"
        return "input_min must be a scalar."
    if np.ndim(lo) != 0:
        return "input_min must be a scalar."
    if np.ndim(hi) != 0:
        return "input_max must be a scalar."
    return ""


def _check_order(ctx, lo, hi):
    """TF's "Invalid range" of a given range whose min exceeds its max (fed ones too)."""
    m = jnp if any(isinstance(v, jax.core.Tracer) for v in (lo, hi)) else np
    pair = m.stack([m.asarray(lo, np.float32), m.asarray(hi, np.float32)])
    check(ctx, (pair[0] <= pair[1]) | m.isnan(pair[0]) | m.isnan(pair[1]),
          lambda d: "Invalid range: input_min %g > input_max %g" % (d[0], d[1]), [pair])


@typed_op("QuantizeAndDequantizeV2", infer=_qdq_shape("QuantizeAndDequantizeV2"), context=True)
def _quantize_and_dequantize_v2(ctx, input, input_min, input_max, *,  # noqa: A002
                                signed_input=True, num_bits=8, range_given=False,
                                round_mode="HALF_TO_EVEN", narrow_range=False, axis=-1):
    return _qdq_kernel(ctx, input, input_min, input_max, dict(
        signed_input=signed_input, num_bits=num_bits, range_given=range_given,
        round_mode=round_mode, narrow_range=narrow_range, axis=axis))


@typed_op("QuantizeAndDequantizeV4", infer=_qdq_shape("QuantizeAndDequantizeV4"), context=True)
def _quantize_and_dequantize_v4(ctx, input, input_min, input_max, *,  # noqa: A002
                                signed_input=True, num_bits=8, range_given=False,
                                round_mode="HALF_TO_EVEN", narrow_range=False, axis=-1):
    return _qdq_kernel(ctx, input, input_min, input_max, dict(
        signed_input=signed_input, num_bits=num_bits, range_given=range_given,
        round_mode=round_mode, narrow_range=narrow_range, axis=axis))


@typed_op("QuantizeAndDequantizeV3", infer=_qdq_shape("QuantizeAndDequantizeV3"), context=True,
          types={"num_bits": "any"})
def _quantize_and_dequantize_v3(ctx, input, input_min, input_max, num_bits, *,  # noqa: A002
                                signed_input=True, range_given=True, narrow_range=False,
                                axis=-1):
    # (a traced num_bits is compiled in: its int() asks the lowering for the value)
    return _qdq_kernel(ctx, input, input_min, input_max, dict(
        signed_input=signed_input, num_bits=int(num_bits), range_given=range_given,
        round_mode="HALF_TO_EVEN", narrow_range=narrow_range, axis=axis, v3=True))


def _grad_error(gradients, input, lo, hi, axis):  # noqa: A002
    if axis == -1:
        if np.ndim(lo) != 0:
            return "input_min must be a scalar if axis is unspecified"
        if np.ndim(hi) != 0:
            return "input_max must be a scalar if axis is unspecified"
        return ""
    n = np.shape(input)[axis]
    for what, v in (("min", lo), ("max", hi)):
        if np.size(v) != n:
            return "%s has incorrect size, expected %d was %d" % (what, n, np.size(v))
    return ""


@typed_op("QuantizeAndDequantizeV4Grad", infer=_grad_shape, context=True, multi=True)
def _quantize_and_dequantize_v4_grad(ctx, gradients, input, input_min, input_max, *,  # noqa: A002
                                     axis=-1):
    g, x = jnp.asarray(gradients), jnp.asarray(input)
    zeros = jnp.zeros(np.shape(input_min), g.dtype)
    if failed(ctx, _grad_error(g, x, input_min, input_max, axis)):
        return [g, zeros, zeros]
    lo, hi = jnp.asarray(input_min, g.dtype), jnp.asarray(input_max, g.dtype)
    if axis != -1:
        shape, _ = _channels(x, axis)
        lo, hi = jnp.reshape(lo, shape), jnp.reshape(hi, shape)
    inside = (x >= lo) & (x <= hi)
    return [jnp.where(inside, g, g * g.dtype.type(0)), zeros, zeros]  # (-0 as TF's g * 0.0)


# ---- TF's wrappers --------------------------------------------------------------------------
def _wrapper(build, op_type):
    def wrapped(input, input_min, input_max, signed_input=True, num_bits=8,  # noqa: A002
                range_given=False, round_mode="HALF_TO_EVEN", name=None, narrow_range=False,
                axis=None):
        from scopeflow.ops.constant import convert_to_tensor
        input = convert_to_tensor(input)  # noqa: A001
        return build(input, input_min, input_max, signed_input=signed_input,
                     num_bits=num_bits, range_given=range_given, round_mode=round_mode,
                     narrow_range=narrow_range, axis=axis_of(input, axis),
                     name=name or op_type)
    return wrapped


quantize_and_dequantize = _wrapper(_quantize_and_dequantize_v2, "QuantizeAndDequantizeV2")
quantize_and_dequantize.__name__ = "quantize_and_dequantize"
quantize_and_dequantize.__doc__ = (
    "`tf.quantization.quantize_and_dequantize` (QuantizeAndDequantizeV2; its gradient passes "
    "straight through).")
quantize_and_dequantize_v2 = _wrapper(_quantize_and_dequantize_v4, "QuantizeAndDequantizeV4")
quantize_and_dequantize_v2.__name__ = "quantize_and_dequantize_v2"
quantize_and_dequantize_v2.__doc__ = (
    "`tf.quantization.quantize_and_dequantize_v2` (QuantizeAndDequantizeV4; its gradient is "
    "QuantizeAndDequantizeV4Grad).")
