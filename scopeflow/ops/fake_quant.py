"""TF's fake quantization ops (quantization-aware training): FakeQuantWithMinMaxArgs / Vars /
VarsPerChannel and their gradient ops, with TF's float32 bits.

TF's kernels first "nudge" the range so that 0.0 is a quantization level: scale =
(max - min) / (qmax - qmin), the zero point qmin - min / scale clamped to [qmin, qmax] and
rounded half away from zero, nudged min/max = (qmin|qmax - zero point) * scale. A value is
clamped to the nudged range and put on the grid; the gradient passes where the input lies in
the range (and, for the Vars ops, what falls below / above goes to min / max).

    >>> import scopeflow as tf
    >>> tf.quantization.fake_quant_with_min_max_args(tf.zeros([2]), min=-1.0).op.type
    'FakeQuantWithMinMaxArgs'
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops.array_base import check_rank, check_rank_at_least, merge_dims
from scopeflow.ops.eigen_sum import kernel_row_sums, tf_sum
from scopeflow.ops.op_types import FIXED
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import ShapeError
from scopeflow.ops.rounding import quotient, round_each
from scopeflow.ops.value_checks import failed

__all__ = ["fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient",
           "fake_quant_with_min_max_vars", "fake_quant_with_min_max_vars_gradient",
           "fake_quant_with_min_max_vars_per_channel",
           "fake_quant_with_min_max_vars_per_channel_gradient"]

_F32 = "float32"
FIXED.update({
    "FakeQuantWithMinMaxArgs": ((0, "inputs", _F32),),
    "FakeQuantWithMinMaxArgsGradient": ((0, "gradients", _F32), (1, "inputs", _F32)),
    **{t: ((0, "inputs", _F32), (1, "min", _F32), (2, "max", _F32))
       for t in ("FakeQuantWithMinMaxVars", "FakeQuantWithMinMaxVarsPerChannel")},
    **{t: ((0, "gradients", _F32), (1, "inputs", _F32), (2, "min", _F32), (3, "max", _F32))
       for t in ("FakeQuantWithMinMaxVarsGradient",
                 "FakeQuantWithMinMaxVarsPerChannelGradient")},
})

_F = jnp.float32


# ---- shape rules ----------------------------------------------------------------------------
def _unchanged(x, *rest, **attrs):
    return x.shape, _dt.float32


def _vars_shape(inputs, min, max, **attrs):  # noqa: A002
    check_rank(min, 0)
    check_rank(max, 0)
    return inputs.shape, _dt.float32


def _channel_dims(inputs, min, max):  # noqa: A002
    """(dims of inputs, d): inputs of rank >= 1 whose last dim merges with min's and max's."""
    check_rank_at_least(inputs, 1)
    check_rank(min, 1)
    check_rank(max, 1)
    dims = inputs.shape._dims
    d = None if dims is None else dims[-1]
    for v in (min, max):
        other = v.shape._dims[0] if v.shape._dims is not None else None
        if d is not None and other is not None and d != other:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (d, other))
        d = d if d is not None else other
    return dims, d


def _per_channel_shape(inputs, min, max, **attrs):  # noqa: A002
    _channel_dims(inputs, min, max)
    return inputs.shape, _dt.float32


def _merged(gradients, inputs):
    a, b = gradients.shape._dims, inputs.shape._dims
    if a is None or b is None:
        return inputs.shape if a is None else gradients.shape
    if len(a) != len(b):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(a), len(b)))
    return TensorShape._of(merge_dims(a, b, ""))


def _vars_grad_shape(gradients, inputs, min, max, **attrs):  # noqa: A002
    shape = _merged(gradients, inputs)
    check_rank(min, 0)
    check_rank(max, 0)
    scalar = TensorShape._of(())
    return [(shape, _dt.float32), (scalar, _dt.float32), (scalar, _dt.float32)]


def _per_channel_grad_shape(gradients, inputs, min, max, **attrs):  # noqa: A002
    shape = _merged(gradients, inputs)
    _, d = _channel_dims(inputs, min, max)
    vec = TensorShape._of((d,))
    return [(shape, _dt.float32), (vec, _dt.float32), (vec, _dt.float32)]


# ---- the nudged range -----------------------------------------------------------------------
def _levels(num_bits, narrow_range):
    return (1.0 if narrow_range else 0.0), float((1 << num_bits) - 1)


def _nudge(lo, hi, num_bits, narrow_range):
    """TF's Nudge in float32: (nudged min, nudged max, scale, inverse scale), elementwise.
    Known ranges are nudged on the host: XLA folds constant arithmetic its own way (a
    quotient by a constant became a product by its reciprocal, one level off)."""
    traced = isinstance(lo, jax.core.Tracer) or isinstance(hi, jax.core.Tracer)
    m = jnp if traced else np
    div = quotient if traced else np.divide
    rounded = round_each if traced else (lambda v: v)
    qmin, qmax = _levels(num_bits, narrow_range)
    lo, hi = m.asarray(lo, np.float32), m.asarray(hi, np.float32)
    span = np.float32(qmax - qmin)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = div(hi - lo, span)
        inv = div(span, hi - lo)
        from_min = np.float32(qmin) - div(lo, scale)
        near = m.sign(from_min) * m.floor(m.abs(from_min) + np.float32(0.5))
        zero = m.where(from_min < qmin, np.float32(qmin),
                       m.where(from_min > qmax, np.float32(qmax), near))
        return (rounded((np.float32(qmin) - zero) * scale),
                rounded((np.float32(qmax) - zero) * scale), scale, inv)


def _quantized(x, lo, hi, num_bits, narrow_range, divide):
    """The values on the nudged grid: TF's Args and VarsPerChannel kernels multiply by the
    inverse scale, its Vars kernel divides by the scale; all subtract the zero level before
    rounding (measured bit for bit against TF 2.21's CPU kernels)."""
    n_lo, n_hi, scale, inv = _nudge(lo, hi, num_bits, narrow_range)
    with np.errstate(invalid="ignore"):
        zero_level = jnp.floor(round_each(jnp.asarray(-n_lo * inv)) + _F(0.5))
    shifted = jnp.maximum(jnp.minimum(x, n_hi), n_lo) - n_lo
    steps = quotient(shifted, scale) if divide else round_each(shifted * inv)
    return round_each(jnp.floor(steps - zero_level + _F(0.5)) * scale)


def _bits_error(num_bits):
    return "" if 2 <= num_bits <= 16 else "num_bits must be between 2 and 16, inclusive"


def _args_error(min, max, num_bits):  # noqa: A002
    if np.float32(min) >= np.float32(max):
        return "min has to be smaller than max, was: %g >= %g" % (min, max)
    return _bits_error(num_bits)


def _rank_error(name, value, rank):
    r = np.ndim(value)
    return "" if r == rank else "`%s` must be rank %d but is rank %d" % (name, rank, r)


def _range_error(inputs, min, max, rank):  # noqa: A002
    msg = _rank_error("min", min, rank) or _rank_error("max", max, rank)
    if msg or rank == 0:
        return msg
    d = np.shape(inputs)[-1]
    for name, v in (("min", min), ("max", max)):
        if np.shape(v)[0] != d:
            return "%s has incorrect size, expected %d was %d" % (name, d, np.shape(v)[0])
    return ""


# ---- kernels --------------------------------------------------------------------------------
@typed_op("FakeQuantWithMinMaxArgs", infer=_unchanged, context=True)
def _fake_quant_with_min_max_args(ctx, inputs, *, min=-6.0, max=6.0,  # noqa: A002
                                  num_bits=8, narrow_range=False):
    if failed(ctx, _args_error(min, max, num_bits)):
        return inputs
    return _quantized(inputs, min, max, num_bits, narrow_range, divide=False)


@typed_op("FakeQuantWithMinMaxArgsGradient", infer=_unchanged, context=True)
def _fake_quant_with_min_max_args_gradient(ctx, gradients, inputs, *,  # noqa: A002
                                           min=-6.0, max=6.0, num_bits=8, narrow_range=False):
    if failed(ctx, _args_error(min, max, num_bits) or _same_shape(ctx, gradients, inputs)):
        return gradients
    n_lo, n_hi, _, _ = _nudge(min, max, num_bits, narrow_range)
    inside = (inputs >= n_lo) & (inputs <= n_hi)
    return jnp.where(inside, gradients, gradients * _F(0))


def _same_shape(ctx, gradients, inputs):
    a, b = np.shape(gradients), np.shape(inputs)
    if a == b:
        return ""
    name = getattr(getattr(ctx, "op", None), "name", "")
    text = lambda s: "[%s]" % ",".join(map(str, s))  # noqa: E731
    return ("Inputs to operation %s of type FakeQuantWithMinMaxArgsGradient must have the same "
            "size and shape.  Input 0: %s != input 1: %s" % (name, text(a), text(b)))


def _vars_values(ctx, args, attrs, per_channel):
    """The Vars kernels: (inputs, min, max) checked, then on the grid (a [0, 0] range gives
    zeros, as TF's kernels special-case it)."""
    inputs, lo, hi = args
    if failed(ctx, _bits_error(attrs["num_bits"])
              or _range_error(inputs, lo, hi, int(per_channel))):
        return inputs
    out = _quantized(inputs, lo, hi, attrs["num_bits"], attrs["narrow_range"],
                     divide=not per_channel)
    return jnp.where((lo == 0) & (hi == 0), _F(0), out)


@typed_op("FakeQuantWithMinMaxVars", infer=_vars_shape, context=True)
def _fake_quant_with_min_max_vars(ctx, inputs, min, max, *, num_bits=8,  # noqa: A002
                                  narrow_range=False):
    attrs = {"num_bits": num_bits, "narrow_range": narrow_range}
    return _vars_values(ctx, (inputs, min, max), attrs, per_channel=False)


@typed_op("FakeQuantWithMinMaxVarsPerChannel", infer=_per_channel_shape, context=True)
def _fake_quant_with_min_max_vars_per_channel(ctx, inputs, min, max, *,  # noqa: A002
                                              num_bits=8, narrow_range=False):
    attrs = {"num_bits": num_bits, "narrow_range": narrow_range}
    return _vars_values(ctx, (inputs, min, max), attrs, per_channel=True)


def _total(x):
    """TF's float32 `.sum()` of all of `x` (Eigen's order where modelled)."""
    flat = tf_sum(x, tuple(range(x.ndim))) if x.ndim and np.size(x) else None
    return jnp.sum(x) if flat is None else flat.reshape(())


def _per_channel_total(x):
    """Per last-dim channel, TF's `.chip(i).sum()`: each (strided) channel summed alone."""
    columns = x.reshape(-1, x.shape[-1]).T  # (channels, elements)
    if columns.shape[1] == 0:
        return jnp.zeros(columns.shape[0], x.dtype)
    return kernel_row_sums(columns)


def _vars_grads(gradients, inputs, min, max, attrs, total):  # noqa: A002
    n_lo, n_hi, _, _ = _nudge(min, max, attrs["num_bits"], attrs["narrow_range"])
    # TF multiplies by a 0/1 mask: -0 for a negative gradient outside, NaN for an infinite one
    masked = lambda keep: jnp.where(keep, gradients, gradients * _F(0))  # noqa: E731
    return [masked((inputs >= n_lo) & (inputs <= n_hi)), total(masked(inputs < n_lo)),
            total(masked(inputs > n_hi))]


@typed_op("FakeQuantWithMinMaxVarsGradient", infer=_vars_grad_shape, context=True, multi=True)
def _fake_quant_with_min_max_vars_gradient(ctx, gradients, inputs, min, max, *,  # noqa: A002
                                           num_bits=8, narrow_range=False):
    if failed(ctx, _bits_error(num_bits) or _range_error(inputs, min, max, 0)):
        return [gradients, jnp.zeros((), _F), jnp.zeros((), _F)]
    attrs = {"num_bits": num_bits, "narrow_range": narrow_range}
    return _vars_grads(gradients, inputs, min, max, attrs, _total)


@typed_op("FakeQuantWithMinMaxVarsPerChannelGradient", infer=_per_channel_grad_shape,
          context=True, multi=True)
def _fake_quant_with_min_max_vars_per_channel_gradient(ctx, gradients, inputs, min,  # noqa: A002
                                                       max, *, num_bits=8, narrow_range=False):
    if failed(ctx, _bits_error(num_bits) or _range_error(inputs, min, max, 1)):
        return [gradients, jnp.zeros_like(min), jnp.zeros_like(max)]
    attrs = {"num_bits": num_bits, "narrow_range": narrow_range}
    return _vars_grads(gradients, inputs, min, max, attrs, _per_channel_total)


# ---- TF's wrappers (tf.quantization.*, also at the top of tf.compat.v1) ---------------------
def fake_quant_with_min_max_args(inputs, min=-6, max=6, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """`tf.quantization.fake_quant_with_min_max_args`: `inputs` on the grid of [min, max]."""
    return _fake_quant_with_min_max_args(inputs, min=float(min), max=float(max),
                                         num_bits=num_bits, narrow_range=narrow_range,
                                         name=name)


def fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6, max=6,  # noqa: A002
                                          num_bits=8, narrow_range=False, name=None):
    """`tf.quantization.fake_quant_with_min_max_args_gradient`."""
    return _fake_quant_with_min_max_args_gradient(
        gradients, inputs, min=float(min), max=float(max), num_bits=num_bits,
        narrow_range=narrow_range, name=name)


def fake_quant_with_min_max_vars(inputs, min, max, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """`tf.quantization.fake_quant_with_min_max_vars`: the range from two scalar tensors."""
    return _fake_quant_with_min_max_vars(inputs, min, max, num_bits=num_bits,
                                         narrow_range=narrow_range, name=name)


def fake_quant_with_min_max_vars_gradient(gradients, inputs, min, max,  # noqa: A002
                                          num_bits=8, narrow_range=False, name=None):
    """`tf.quantization.fake_quant_with_min_max_vars_gradient`: (wrt inputs, min, max)."""
    return tuple(_fake_quant_with_min_max_vars_gradient(
        gradients, inputs, min, max, num_bits=num_bits, narrow_range=narrow_range, name=name))


def fake_quant_with_min_max_vars_per_channel(inputs, min, max, num_bits=8,  # noqa: A002
                                             narrow_range=False, name=None):
    """`tf.quantization.fake_quant_with_min_max_vars_per_channel`: a range per last dim."""
    return _fake_quant_with_min_max_vars_per_channel(
        inputs, min, max, num_bits=num_bits, narrow_range=narrow_range, name=name)


def fake_quant_with_min_max_vars_per_channel_gradient(gradients, inputs, min,  # noqa: A002
                                                      max, num_bits=8, narrow_range=False,
                                                      name=None):
    """`tf.quantization.fake_quant_with_min_max_vars_per_channel_gradient`."""
    return tuple(_fake_quant_with_min_max_vars_per_channel_gradient(
        gradients, inputs, min, max, num_bits=num_bits, narrow_range=narrow_range, name=name))
