"""TF1's colour-space image ops: RGBToHSV / HSVToRGB (TF's Eigen expressions, in the images'
dtype), AdjustHue / AdjustSaturation (TF's float32 CPU kernels, per pixel: hue moved in a
[0, 6) range, saturation scaled in HSV with TF's double-precision hue constants), and the
Python functions TF builds on them (adjust_hue, adjust_saturation, random_hue,
random_saturation, rgb_to_hsv, hsv_to_rgb).

    >>> import scopeflow as tf
    >>> tf.image.adjust_hue(tf.zeros([4, 4, 3]), 0.2).op.type
    'Identity'
"""

import jax
import jax.numpy as jnp

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import check_rank_at_least
from scopeflow.ops.image_adjust import convert_image_dtype
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.op_util import name_scope, tensor, typed_op
from scopeflow.ops.registry import ShapeError, same_as_first
from scopeflow.ops.rounding import products_rounded

__all__ = ["adjust_hue", "adjust_saturation", "hsv_to_rgb", "random_hue", "random_saturation",
           "rgb_to_hsv"]

_HSV_TYPES = ("float16", "bfloat16", "float32", "float64")
ALLOWED.update({
    "RGBToHSV": ((0, "images", _HSV_TYPES),),
    "HSVToRGB": ((0, "images", _HSV_TYPES),),
    "AdjustHue": ((0, "images", ("float16", "float32")),),
    "AdjustSaturation": ((0, "images", ("float16", "float32")),),
})


# ---- shape rules ----------------------------------------------------------------------------
def _three_channels(images, **_):
    """RGBToHSV / HSVToRGB: at least rank 1, a last dimension of 3."""
    check_rank_at_least(images, 1)
    d = images.shape._dims
    if d is not None and d[-1] is not None and d[-1] != 3:
        raise ShapeError("Dimension must be 3 but is %d" % d[-1])
    return same_as_first(images)


def _adjust_shape(images, factor, **_):
    """AdjustHue / AdjustSaturation: images of rank >= 3 (channels are checked at run time)."""
    check_rank_at_least(images, 3)
    return same_as_first(images)


# ---- run-time checks ------------------------------------------------------------------------
def _check_adjust(ctx, images, factor, what):
    from scopeflow.ops.value_checks import check
    shape = "[%s]" % ",".join(str(d) for d in images.shape)
    check(ctx, images.ndim >= 3, "input must be at least 3-D, got shape%s" % shape)
    check(ctx, jnp.ndim(factor) == 0, "%s must be scalar: [%s]" % (
        what, ",".join(str(d) for d in jnp.shape(factor))))
    channels = images.shape[-1] if images.ndim else 0
    check(ctx, channels == 3, "input must have 3 channels but instead has %d channels."
          % channels)
    return channels == 3 and images.ndim >= 3 and jnp.ndim(factor) == 0


def _per_pixel(ctx, images, factor, what, math):
    """AdjustHue / AdjustSaturation: TF's checks, then `math` over float32 pixels."""
    if not _check_adjust(ctx, images, factor, what) or images.size == 0:
        return images
    return math(x=images.astype(jnp.float32),
                factor=jnp.asarray(factor, jnp.float32)).astype(images.dtype)


def _check_channels(ctx, images):
    from scopeflow.errors import FailedPreconditionError
    from scopeflow.ops.value_checks import check
    channels = images.shape[-1]
    check(ctx, channels == 3, "input must have 3 channels but input only has %d channels."
          % channels, exc=FailedPreconditionError)
    return channels == 3


# ---- RGBToHSV / HSVToRGB (TF's Eigen expressions, computed in T) ----------------------------
@typed_op("RGBToHSV", infer=_three_channels, context=True)
def _rgb_to_hsv(ctx, images):
    if not _check_channels(ctx, images):
        return images
    return _rgb_to_hsv_math(images=images)


@products_rounded  # (XLA would fuse products into adds: TF rounds each)
def _rgb_to_hsv_math(images):
    r, g, b = images[..., 0], images[..., 1], images[..., 2]
    t = images.dtype.type
    v = jnp.maximum(jnp.maximum(r, g), b)
    rng = v - jnp.minimum(jnp.minimum(r, g), b)
    s = jnp.where(v > 0, rng / v, jnp.zeros_like(v))
    norm = (t(1) / rng) * (jnp.asarray(1, images.dtype) / jnp.asarray(6, images.dtype))
    two, four = (jnp.asarray(k, images.dtype) / jnp.asarray(6, images.dtype) for k in (2, 4))
    h = jnp.where(r == v, norm * (g - b),
                  jnp.where(g == v, norm * (b - r) + two, norm * (r - g) + four))
    h = jnp.where(rng > 0, h, jnp.zeros_like(h))
    h = jnp.where(h < 0, h + t(1), h)
    return jnp.stack([h, s, v], axis=-1)


@typed_op("HSVToRGB", infer=_three_channels, context=True)
def _hsv_to_rgb(ctx, images):
    if not _check_channels(ctx, images):
        return images
    return _hsv_to_rgb_math(images=images)


@products_rounded
def _hsv_to_rgb_math(images):
    h, s, v = images[..., 0], images[..., 1], images[..., 2]
    t = images.dtype.type
    dh = h * t(6)

    def clip(x):
        return jnp.minimum(jnp.maximum(x, t(0)), t(1))

    dr = clip(jnp.abs(dh - t(3)) - t(1))
    dg = clip(-jnp.abs(dh - t(2)) + t(2))
    db = clip(-jnp.abs(dh - t(4)) + t(2))
    one_s = -s + t(1)
    return jnp.stack([(one_s + s * d) * v for d in (dr, dg, db)], axis=-1)


# ---- AdjustHue (TF's float32 CPU kernel: hue in [0, 6), v_min / v_max kept) ---------------
def _hv_range(r, g, b):
    """(h in [0, 6), v_min, v_max) of each pixel: TF's six hue categories."""
    rg = r < g
    # category, max, mid, min, per branch of TF's comparisons
    cat = jnp.where(rg, jnp.where(b < r, 1, jnp.where(b > g, 3, 2)),
                    jnp.where(b < g, 0, jnp.where(b > r, 4, 5)))
    vmax = jnp.where(rg, jnp.where(b > g, b, g), jnp.where((b >= g) & (b > r), b, r))
    vmin = jnp.where(rg, jnp.where(b < r, b, r), jnp.where(b < g, b, g))
    vmid = jnp.where(rg, jnp.where(b < r, r, jnp.where(b > g, g, b)),
                     jnp.where(b < g, g, jnp.where(b > r, r, b)))
    ratio = (vmid - vmin) / (vmax - vmin)
    h = cat.astype(jnp.float32) + jnp.where(cat % 2 == 0, ratio, 1 - ratio)
    return jnp.where(vmax == vmin, jnp.float32(0), h), vmin, vmax


def _wrap(h, period, low_ok):
    """TF's `while (h < 0) h += p; while (h >= p) h -= p;` (or `<= 0` when not `low_ok`)."""
    below = (lambda x: x < 0) if low_ok else (lambda x: x <= 0)
    h = jax.lax.while_loop(lambda x: jnp.any(below(x)),
                           lambda x: jnp.where(below(x), x + period, x), h)
    return jax.lax.while_loop(lambda x: jnp.any(x >= period),
                              lambda x: jnp.where(x >= period, x - period, x), h)


def _hv_range_to_rgb(h, vmin, vmax):
    cat = h.astype(jnp.int32)  # (h >= 0: truncation)
    ratio = h - cat.astype(jnp.float32)
    ratio = jnp.where(cat % 2 == 0, ratio, 1 - ratio)
    vmid = vmin + ratio * (vmax - vmin)
    table = ((vmax, vmid, vmin), (vmid, vmax, vmin), (vmin, vmax, vmid),
             (vmin, vmid, vmax), (vmid, vmin, vmax))
    rgb = [vmax, vmin, vmid]  # category 5 (and TF's default)
    for k in range(4, -1, -1):
        rgb = [jnp.where(cat == k, table[k][i], rgb[i]) for i in range(3)]
    return jnp.stack(rgb, axis=-1)


@typed_op("AdjustHue", infer=_adjust_shape, context=True, types={"delta": _dt.float32})
def _adjust_hue_op(ctx, images, delta):
    return _per_pixel(ctx, images, delta, "delta", _hue_math)


@products_rounded
def _hue_math(x, factor):
    h, vmin, vmax = _hv_range(x[..., 0], x[..., 1], x[..., 2])
    h = _wrap(h + factor * jnp.float32(6), jnp.float32(6), True)
    return _hv_range_to_rgb(h, vmin, vmax)


# ---- AdjustSaturation (TF's float32 CPU kernel) ---------------------------------------------
def _to_hsv(r, g, b):
    """TF's per-pixel rgb_to_hsv of the saturation kernel: hue offsets added in double."""
    v = jnp.maximum(r, jnp.maximum(g, b))
    rng = v - jnp.minimum(r, jnp.minimum(g, b))
    s = jnp.where(v > 0, rng / v, jnp.float32(0))
    norm = jnp.float32(1) / (jnp.float32(6) * rng)

    def plus(x, c):  # float + double constant, rounded back to float
        return (x.astype(jnp.float64) + c).astype(jnp.float32)

    h = jnp.where(r == v, norm * (g - b),
                  jnp.where(g == v, plus(norm * (b - r), 2.0 / 6.0),
                            plus(norm * (r - g), 4.0 / 6.0)))
    h = jnp.where(rng <= 0, jnp.float32(0), h)
    return jnp.where(h < 0, h + jnp.float32(1), h), s, v


def _from_hsv(h, s, v):
    c = s * v
    m = v - c
    dh = h * jnp.float32(6)
    cat = dh.astype(jnp.int32)
    fmodu = _wrap(dh, jnp.float32(2), False)
    x = c * (1 - jnp.abs(fmodu - 1))
    zero = jnp.zeros_like(c)
    table = ((c, x, zero), (x, c, zero), (zero, c, x), (zero, x, c), (x, zero, c),
             (c, zero, x))
    rgb = [zero, zero, zero]
    for k in range(6):
        rgb = [jnp.where(cat == k, table[k][i], rgb[i]) for i in range(3)]
    return jnp.stack([p + m for p in rgb], axis=-1)


@typed_op("AdjustSaturation", infer=_adjust_shape, context=True, types={"scale": _dt.float32})
def _adjust_saturation_op(ctx, images, scale):
    return _per_pixel(ctx, images, scale, "scale", _saturation_math)


@products_rounded
def _saturation_math(x, factor):
    h, s, v = _to_hsv(x[..., 0], x[..., 1], x[..., 2])
    s = jnp.minimum(jnp.float32(1), jnp.maximum(jnp.float32(0), s * factor))
    return _from_hsv(h, s, v)


# ---- the Python functions -------------------------------------------------------------------
def rgb_to_hsv(images, name=None):
    """`tf.image.rgb_to_hsv`: hue, saturation, value in [0, 1] (one RGBToHSV op)."""
    return _rgb_to_hsv(images, name=name)


def hsv_to_rgb(images, name=None):
    """`tf.image.hsv_to_rgb`: RGB from hue, saturation, value (one HSVToRGB op)."""
    return _hsv_to_rgb(images, name=name)


def _in_float(op, image, factor, scope_name, name):
    """TF's adjust_hue / adjust_saturation: the op on float images, converted back."""
    with name_scope(name, scope_name, [image]):
        image = tensor(image, name="image")
        orig = image.dtype.base_dtype
        flt = image if orig in (_dt.float16, _dt.float32) else convert_image_dtype(
            image, _dt.float32)
        return convert_image_dtype(op(flt, factor), orig)


def adjust_hue(image, delta, name=None):
    """`tf.image.adjust_hue`: hue rotated by `delta` (a fraction of the colour wheel)."""
    return _in_float(_adjust_hue_op, image, delta, "adjust_hue", name)


def adjust_saturation(image, saturation_factor, name=None):
    """`tf.image.adjust_saturation`: saturation scaled by `saturation_factor`, clipped."""
    return _in_float(_adjust_saturation_op, image, saturation_factor, "adjust_saturation",
                     name)


def random_hue(image, max_delta, seed=None):
    """`tf.image.random_hue`: adjust_hue by a delta drawn in [-max_delta, max_delta)."""
    from scopeflow.ops.random import random_uniform
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_hue(image, random_uniform([], -max_delta, max_delta, seed=seed))


def random_saturation(image, lower, upper, seed=None):
    """`tf.image.random_saturation`: adjust_saturation by a factor drawn in [lower, upper)."""
    from scopeflow.ops.random import random_uniform
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    return adjust_saturation(image, random_uniform([], lower, upper, seed=seed))
