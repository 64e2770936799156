"""Normalization: l2_normalize, moments, batch_normalization, FusedBatchNormV3, LRN."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.column_sum import column_sum
from scopeflow.ops.eigen_lrn import eigen_lrn
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import attr, name_scope, tensor, typed_op
from scopeflow.ops.registry import ANY, ShapeError, spec
from scopeflow.ops.rounding import products_rounded, round_each

__all__ = ["batch_norm_with_global_normalization", "batch_normalization", "fused_batch_norm",
           "l2_normalize", "local_response_normalization", "lrn", "moments",
           "normalize_moments", "sufficient_statistics", "weighted_moments"]


def _lookup(new, new_name, old, old_name):
    if new is not None and old is not None:
        raise ValueError("Cannot specify both '%s' and '%s'." % (old_name, new_name))
    return new if new is not None else old


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """`tf.nn.l2_normalize`: x / sqrt(max(sum(x**2), epsilon)) along `axis`.

    >>> import scopeflow as tf
    >>> tf.nn.l2_normalize(tf.ones([2, 3]), 1).name
    'l2_normalize:0'
    """
    from scopeflow.ops import math as m
    from scopeflow.ops.reductions import reduce_sum
    axis = _lookup(axis, "axis", dim, "dim")
    with name_scope(name, "l2_normalize", [x]) as scope:
        x = tensor(x, name="x")
        if x.dtype.is_complex:
            square_real = m.square(m.real(x))
            square_imag = m.square(m.imag(x))
            square_sum = m.real(reduce_sum(square_real + square_imag, axis, keepdims=True))
            x_inv_norm = m.rsqrt(m.maximum(square_sum, epsilon))
            norm_real = m.multiply(m.real(x), x_inv_norm)
            norm_imag = m.multiply(m.imag(x), x_inv_norm)
            return m.complex(norm_real, norm_imag, name=scope)
        square_sum = reduce_sum(m.square(x), axis, keepdims=True)
        x_inv_norm = m.rsqrt(m.maximum(square_sum, epsilon))
        return m.multiply(x, x_inv_norm, name=scope)


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """`tf.nn.moments`: (mean, variance) over `axes` ('moments/Squeeze:0', 'moments/Squeeze_1:0').

    >>> import scopeflow as tf
    >>> [t.name for t in tf.nn.moments(tf.ones([4, 3]), [0])]
    ['moments/Squeeze:0', 'moments/Squeeze_1:0']
    """
    from scopeflow.ops import math as m
    from scopeflow.ops.reductions import reduce_mean
    keep = _lookup(keepdims, "keepdims", keep_dims, "keep_dims") or False
    with name_scope(name, "moments", [x, axes]):
        x = tensor(x, name="x") if not hasattr(x, "dtype") else x
        half = x.dtype.base_dtype is _dt.float16
        y = m.cast(x, _dt.float32) if half else x
        mean = reduce_mean(y, axes, keepdims=True, name="mean")
        variance = reduce_mean(m.squared_difference(y, array.stop_gradient(mean)), axes,
                               keepdims=True, name="variance")
        if not keep:
            mean = array.squeeze(mean, axes)
            variance = array.squeeze(variance, axes)
        if half:
            return m.cast(mean, _dt.float16), m.cast(variance, _dt.float16)
        return mean, variance


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """`tf.nn.weighted_moments`: frequency-weighted (mean, variance) over `axes`."""
    from scopeflow.ops import math as m
    from scopeflow.ops.reductions import reduce_sum
    keep = _lookup(keepdims, "keepdims", keep_dims, "keep_dims") or False
    with name_scope(name, "weighted_moments", [x, frequency_weights, axes]):
        x = tensor(x, name="x")
        w = tensor(frequency_weights, name="frequency_weights")
        half = x.dtype.base_dtype is _dt.float16
        if half:
            x = m.cast(x, _dt.float32)
        if w.dtype.base_dtype is not x.dtype.base_dtype:
            w = m.cast(w, x.dtype)
        weighted_input_sum = reduce_sum(w * x, axes, name="weighted_input_sum", keepdims=True)
        broadcasted_weights = w + array.zeros_like(x)
        sum_of_weights = reduce_sum(broadcasted_weights, axes, name="sum_of_weights",
                                    keepdims=True)
        # TF 2's division: no weight gives 0, not NaN (TF 1.x multiplied by a reciprocal)
        weighted_mean = m.div_no_nan(weighted_input_sum, sum_of_weights)
        weighted_distsq = reduce_sum(w * m.squared_difference(x, weighted_mean), axes,
                                     name="weighted_distsq", keepdims=True)
        weighted_variance = m.div_no_nan(weighted_distsq, sum_of_weights)
        if not keep:
            weighted_mean = array.squeeze(weighted_mean, axis=axes)
            weighted_variance = array.squeeze(weighted_variance, axis=axes)
        if half:
            return m.cast(weighted_mean, _dt.float16), m.cast(weighted_variance, _dt.float16)
        return weighted_mean, weighted_variance


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """`tf.nn.sufficient_statistics`: (count, sum, sum of squares, shift) over `axes`."""
    from scopeflow.ops import math as m
    from scopeflow.ops.constant import constant
    from scopeflow.ops.reductions import reduce_prod, reduce_sum
    axes = list(set(axes))
    keep = _lookup(keepdims, "keepdims", keep_dims, "keep_dims") or False
    with name_scope(name, "sufficient_statistics", [x, shift]):
        x = tensor(x, name="x")
        d = x.shape._dims
        if d is not None and all(d[a] is not None for a in axes):
            n = 1
            for a in axes:
                n *= d[a]
            counts = constant(n, dtype=x.dtype.base_dtype)
        else:
            rank = array.rank(x)
            positive = [a + rank if a < 0 else a for a in axes]
            dims = array.gather(m.cast(array.shape(x), x.dtype), positive)
            counts = reduce_prod(dims, name="count")
        if shift is not None:
            shift = tensor(shift, name="shift")
            m_ss, v_ss = m.subtract(x, shift), m.squared_difference(x, shift)
        else:
            m_ss, v_ss = x, m.square(x)
        m_ss = reduce_sum(m_ss, axes, keepdims=keep, name="mean_ss")
        v_ss = reduce_sum(v_ss, axes, keepdims=keep, name="var_ss")
    return counts, m_ss, v_ss, shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """`tf.nn.normalize_moments`: (mean, variance) from sufficient statistics."""
    from scopeflow.ops import math as m
    with name_scope(name, "normalize", [counts, mean_ss, variance_ss, shift]):
        divisor = m.reciprocal(counts, name="divisor")
        if shift is not None:
            shifted_mean = m.multiply(mean_ss, divisor, name="shifted_mean")
            mean = m.add(shifted_mean, shift, name="mean")
        else:
            shifted_mean = m.multiply(mean_ss, divisor, name="mean")
            mean = shifted_mean
        variance = m.subtract(m.multiply(variance_ss, divisor), m.square(shifted_mean),
                              name="variance")
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """`tf.nn.batch_normalization`: (x - mean) * rsqrt(variance + eps) * scale + offset."""
    from scopeflow.ops import math as m
    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        inv = m.rsqrt(variance + variance_epsilon)
        if scale is not None:
            inv *= scale
        x = tensor(x) if not hasattr(x, "dtype") else x
        # TF's operand order (it fixes the op names): x * inv first, then the shift.
        return x * m.cast(inv, x.dtype) + m.cast(
            offset - mean * inv if offset is not None else -mean * inv, x.dtype)


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None,
                                         variance_epsilon=None,
                                         scale_after_normalization=None, name=None, input=None,  # noqa: A002
                                         mean=None, variance=None):
    """`tf.nn.batch_norm_with_global_normalization` (TF1 argument names accepted)."""
    t = _lookup(input, "input", t, "t")
    m = _lookup(mean, "mean", m, "m")
    v = _lookup(variance, "variance", v, "v")
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None,
                               variance_epsilon, name or "BatchNormWithGlobalNormalization")


# ---- FusedBatchNormV3 -----------------------------------------------------------------------
def _fbn_shape(x, scale, offset, mean, variance, *, epsilon=1e-4, exponential_avg_factor=1.0,
               data_format="NHWC", is_training=True, U=None):  # noqa: N803 - TF attr name
    d = x.shape._dims
    if d is not None and len(d) != 4 and not (len(d) == 5 and "D" in data_format):
        raise ShapeError("Shape must be rank 4 but is rank %d" % len(d))
    c = None if d is None else d[1 if data_format.startswith("NC") else -1]
    for t in (scale, offset) + (() if is_training else (mean, variance)):
        s = t.shape._dims
        if s is not None and len(s) != 1:
            raise ShapeError("Shape must be rank 1 but is rank %d" % len(s))
        if s and s[0] is not None:
            if c is not None and c != s[0]:
                raise ShapeError("Dimensions must be equal, but are %d and %d" % (c, s[0]))
            c = s[0]
    u = scale.dtype.base_dtype
    vec = spec((c,), u)
    return [spec(d, x.dtype.base_dtype), vec, vec, vec, vec, spec(None, u)]


@typed_op("FusedBatchNormV3", infer=_fbn_shape, multi=True,
          types={"scale": ANY, "offset": ANY, "mean": ANY, "variance": ANY})  # TF's "U"
def _fused_batch_norm(x, scale, offset, mean, variance, *, epsilon=1e-4,
                      exponential_avg_factor=1.0, data_format="NHWC", is_training=True, U=None):  # noqa: N803
    if x.ndim not in (4, 5):  # (x fed with a rank the graph did not know)
        raise ValueError("input must be 4-dimensional[%s]" % ",".join(map(str, x.shape)))
    axis = 1 if data_format.startswith("NC") else x.ndim - 1
    channels = x.shape[axis]
    named = [("scale", scale), ("offset", offset)]
    named += [] if is_training else [("mean", mean), ("variance", variance)]
    for what, v in named:  # fed sizes; TF's kernel checks them in this order
        if np.size(v) != channels and (what in ("scale", "offset") or np.size(v)):
            raise ValueError("%s%s must have the same number of elements as the channels of x, "
                             "got %d and %d" % ("" if is_training else "When is_training=false, ",
                                                what, np.size(v), channels))
    red = tuple(i for i in range(x.ndim) if i != axis)
    bshape = [1] * x.ndim
    bshape[axis] = -1
    xf = x.astype(scale.dtype)
    if is_training:
        n = xf.size // xf.shape[axis]
        bm = column_sum(xf, red) / n
        bv = column_sum(jnp.square(xf - bm.reshape(bshape)), red) / n
        corrected = bv * (n / max(n - 1, 1))  # running statistics use Bessel's correction
        out_m, out_v = bm, corrected
        if exponential_avg_factor != 1.0:
            f = exponential_avg_factor
            out_m = (1 - f) * mean + f * bm
            out_v = (1 - f) * variance + f * corrected
    else:
        bm, bv = mean, variance
        out_m, out_v = mean, variance
    y = _normalized(xf, bm.reshape(bshape), bv, scale, epsilon, bshape) + offset.reshape(bshape)
    return y.astype(x.dtype), out_m, out_v, bm, bv, jnp.zeros((0,), scale.dtype)


def _normalized(xf, bm, bv, scale, epsilon, bshape):
    """(x - mean) * (scale / sqrt(variance + epsilon)), each operation rounded, as TF's x86
    kernel (oneDNN's batch normalization) computes it before adding the offset; Eigen's
    rsqrt times the scale, XLA's rsqrt, or a fused multiply-add each differ in about half the
    elements' last bit."""
    factor = _scale_over_deviation(scale, bv, epsilon)
    return round_each((xf - bm) * factor.reshape(bshape))


@functools.partial(jax.custom_jvp, nondiff_argnums=(2,))
def _scale_over_deviation(scale, variance, epsilon):
    return _rounded_scale_over_deviation(scale=scale, variance=variance, epsilon=epsilon)


@_scale_over_deviation.defjvp
def _scale_over_deviation_jvp(epsilon, primals, tangents):
    # products_rounded's opaque bit operations have no derivative: where jax.vjp differentiates
    # the kernel (the SymbolicGradient fallback), scale and variance would get none through it
    scale, variance = primals
    d_scale, d_variance = tangents
    out = _scale_over_deviation(scale, variance, epsilon)
    d_out = d_scale / jnp.sqrt(variance + epsilon) - 0.5 * out / (variance + epsilon) * d_variance
    return out, d_out


@products_rounded
def _rounded_scale_over_deviation(scale, variance, epsilon):
    return scale / jnp.sqrt(variance + epsilon)


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None,
                     exponential_avg_factor=1.0):
    """`tf.nn.fused_batch_norm`: (y, running mean, running variance) of FusedBatchNormV3."""
    from scopeflow.ops.constant import constant
    if (not is_training or exponential_avg_factor != 1.0) and (mean is None or variance is None):
        raise ValueError("Both `mean` and `variance` must be a 1D tensor when `is_training` is "
                         "False or `exponential_avg_factor` != 1.0. Received: `mean` %r and "
                         "`variance` %r" % (mean, variance))
    x = tensor(x, name="input")
    scale, offset = tensor(scale, name="scale"), tensor(offset, name="offset")
    mean = constant([]) if mean is None else mean
    variance = constant([]) if variance is None else variance
    outs = _fused_batch_norm(x, scale, offset, mean, variance, name=name or "FusedBatchNormV3",
                             epsilon=float(epsilon),
                             exponential_avg_factor=float(exponential_avg_factor),
                             data_format=data_format, is_training=bool(is_training),
                             U=scale.dtype.base_dtype)
    return outs[0], outs[1], outs[2]


# ---- LRN ------------------------------------------------------------------------------------
def _lrn_shape(input, **attrs):  # noqa: A002 - TF's arg name
    d = input.shape._dims
    if d is not None and len(d) != 4:
        raise ShapeError("Shape must be rank 4 but is rank %d" % len(d))
    return input.shape, input.dtype.base_dtype


@typed_op("LRN", infer=_lrn_shape)
def _lrn(input, *, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5):  # noqa: A002
    if np.ndim(input) != 4:  # a fed rank
        raise ValueError("in must be 4-dimensional")
    params = (int(depth_radius), float(bias), float(alpha), float(beta))
    if jnp.result_type(input) == jnp.float32:
        return _lrn_f32(input, params)  # TF's kernel's arithmetic (ops/eigen_lrn.py)
    return _lrn_smooth(input, params)


def _lrn_smooth(x, params):
    r, bias, alpha, beta = params
    padded = jnp.pad(jnp.square(x), [(0, 0)] * 3 + [(r, r)])
    c = x.shape[-1]
    window = sum(padded[..., i:i + c] for i in range(2 * r + 1))
    return x / jnp.power(bias + alpha * window, beta)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _lrn_f32(x, params):
    return eigen_lrn(x, *params)


@_lrn_f32.defjvp
def _lrn_f32_jvp(params, primals, tangents):
    # (TF differentiates LRN by its LRNGrad op; this serves JAX's own derivatives)
    y, dy = jax.jvp(lambda v: _lrn_smooth(v, params), primals, tangents)
    return _lrn_f32(primals[0], params), dy


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None):  # noqa: A002
    """`tf.nn.lrn`: input / (bias + alpha * sum of squares over a depth window) ** beta."""
    return _lrn(input, name=name or "LRN", depth_radius=attr("int", depth_radius, "depth_radius"),
                bias=attr("float", bias, "bias"), alpha=attr("float", alpha, "alpha"),
                beta=attr("float", beta, "beta"))


lrn = local_response_normalization
