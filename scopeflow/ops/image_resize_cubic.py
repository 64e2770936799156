"""ResizeBicubic (and ResizeBicubicGrad) and ResizeArea, with the values of TF's CPU kernels.

Bicubic: each output samples a 4x4 patch around its source coordinate (x * scale, or
(x + 0.5) * scale - 0.5 with half_pixel_centers), weights from a 1025-entry table of the cubic
kernel (a = -0.75; Keys' a = -0.5 with half_pixel_centers, where taps outside the image get
weight 0 and the rest are renormalized), indices clamped to the image; columns are
interpolated along y first, then along x, in float32. Area: each output is the mean of the
source box [x * scale, (x + 1) * scale) with fractional edge cells weighted by their overlap,
summed row by row in TF's order. Weights and indices depend on sizes only, so they are
computed here in NumPy and the kernels gather and sum.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.image_resize import (
    _bilinear_grad_infer,
    bad_images,
    _checked_size,
    _resize_infer,
    _round_each,
    _scale,
    vjp_resize_grad,
)
from scopeflow.ops.op_types import ALLOWED, FIXED
from scopeflow.ops.op_util import typed_op

_REAL = ("int8", "uint8", "int16", "uint16", "int32", "int64", "float16", "float32", "float64",
         "bfloat16")
ALLOWED.update({"ResizeBicubic": ((0, "images", _REAL),), "ResizeArea": ((0, "images", _REAL),),
                "ResizeBicubicGrad": ((1, "original_image", ("float32", "float64")),)})
FIXED.update({"ResizeBicubic": ((1, "size", "int32"),), "ResizeArea": ((1, "size", "int32"),),
              "ResizeBicubicGrad": ((0, "grads", "float32"),)})

_TABLE = 1024


def _cubic_table(a):
    """(1025, 2) float32: the kernel at t and at t + 1 for t = i / 1024 (TF's table)."""
    t = np.arange(_TABLE + 1, dtype=np.float64) / _TABLE
    t = t.astype(np.float32).astype(np.float64)
    near = ((a + 2) * t - (a + 3)) * t * t + 1
    far = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a
    return np.stack([near, far], 1).astype(np.float32)


_TABLES = {False: _cubic_table(-0.75), True: _cubic_table(-0.5)}


def _cubic_taps(out_size, in_size, align_corners, half_pixel):
    """(out, 4) int64 source indices and (out, 4) float32 weights."""
    scale = _scale(in_size, out_size, align_corners)
    x = np.arange(out_size, dtype=np.float32)
    src = (x + np.float32(0.5)) * scale - np.float32(0.5) if half_pixel else x * scale
    base = np.floor(src).astype(np.int64)
    offset = np.rint((src - base.astype(np.float32)) * np.float32(_TABLE)).astype(np.int64)
    table = _TABLES[half_pixel]
    weights = np.stack([table[offset, 1], table[offset, 0], table[_TABLE - offset, 0],
                        table[_TABLE - offset, 1]], 1)
    wanted = base[:, None] + np.arange(-1, 3)
    index = np.clip(wanted, 0, in_size - 1)
    if half_pixel:  # taps outside the image weigh 0, the others sum to 1
        weights = np.where(index == wanted, weights, np.float32(0))
        total = ((weights[:, 0] + weights[:, 1]) + weights[:, 2]) + weights[:, 3]
        big = np.abs(total) >= np.float32(1000) * np.finfo(np.float32).tiny
        inverse = np.where(big, np.float32(1) / np.where(big, total, 1), np.float32(1))
        weights = np.where(big[:, None], weights * inverse[:, None], weights)
    return index, weights.astype(np.float32)


def _weighted4(values, weights, rounded):
    """((v0 * w0 + v1 * w1) + v2 * w2) + v3 * w3 over axis -1 of `values`, each product
    rounded on its own as TF's kernel computes it."""
    out = rounded(values[..., 0] * weights[..., 0])
    for k in range(1, 4):
        out = out + rounded(values[..., k] * weights[..., k])
    return out


def _bicubic(images, out_h, out_w, align_corners, half_pixel, rounded=_round_each):
    x = images.astype(jnp.float32)  # (batch, h, w, c)
    yi, yw = _cubic_taps(out_h, x.shape[1], align_corners, half_pixel)
    xi, xw = _cubic_taps(out_w, x.shape[2], align_corners, half_pixel)
    rows = jnp.moveaxis(x[:, yi], 2, -1)  # (batch, out_h, w, c, 4)
    cols = _weighted4(rows, yw[None, :, None, None, :], rounded)  # (batch, out_h, w, c)
    patch = jnp.moveaxis(cols[:, :, xi], 3, -1)  # (batch, out_h, out_w, c, 4)
    return _weighted4(patch, xw[None, None, :, None, :], rounded)


@typed_op("ResizeBicubic", infer=_resize_infer(True), context=True, types={"size": _dt.int32})
def _resize_bicubic(ctx, images, size, *, align_corners=False, half_pixel_centers=False):
    if bad_images(ctx, images):
        return images.astype(jnp.float32)
    out_h, out_w = _checked_size(ctx, size, align_corners, half_pixel_centers)
    return _bicubic(images, out_h, out_w, align_corners, half_pixel_centers)


@typed_op("ResizeBicubicGrad", infer=_bilinear_grad_infer, types={"grads": _dt.float32})
def _resize_bicubic_grad(grads, original_image, *, align_corners=False,
                         half_pixel_centers=False):
    return vjp_resize_grad(_bicubic, grads, original_image, align_corners, half_pixel_centers)


def _area_terms(out_size, in_size, align_corners):
    """(out, k) source indices and float32 weights of each output's box, in TF's summation
    order (first cell, whole cells, last cell), padded with weight-0 terms; and the scale."""
    scale = _scale(in_size, out_size, align_corners)
    rows = []
    for x in range(out_size):
        lo, hi = np.float32(x) * scale, np.float32(x + 1) * scale
        start, end = int(np.floor(lo)), int(np.ceil(hi))

        def part(v, lo=lo, hi=hi):
            v1 = np.float32(v + 1)
            if v < lo:
                return scale if v1 > hi else v1 - lo
            return hi - np.float32(v) if v1 > hi else np.float32(1)
        terms = [(start, part(start))]
        if start + 1 != end:
            terms += [(v, np.float32(1)) for v in range(start + 1, end - 1)]
            terms.append((end - 1, part(end - 1)))
        rows.append(terms)
    k = max(len(t) for t in rows)
    index = np.zeros((out_size, k), np.int64)
    weight = np.zeros((out_size, k), np.float32)
    present = np.zeros((out_size, k), bool)
    for x, terms in enumerate(rows):
        for j, (v, w) in enumerate(terms):
            index[x, j], weight[x, j], present[x, j] = min(max(v, 0), in_size - 1), w, True
    return index, weight, present, scale


def _ordered_sum(values, weights, present):
    """Sum over axis -1 of values * weights, term after term in float32; absent terms add
    nothing."""
    out = jnp.zeros(values.shape[:-1], jnp.float32)
    for j in range(values.shape[-1]):
        term = _round_each(values[..., j] * weights[..., j])
        out = jnp.where(present[..., j], out + term, out)
    return out


@typed_op("ResizeArea", infer=_resize_infer(True), context=True, types={"size": _dt.int32})
def _resize_area(ctx, images, size, *, align_corners=False):
    if bad_images(ctx, images):
        return images.astype(jnp.float32)
    out_h, out_w = _checked_size(ctx, size, align_corners, False)
    x = images.astype(jnp.float32)  # (batch, h, w, c)
    yi, yw, yp, ys = _area_terms(out_h, x.shape[1], align_corners)
    xi, xw, xp, xs = _area_terms(out_w, x.shape[2], align_corners)
    # along x within each source row, then rows weighted along y
    cols = jnp.moveaxis(x[:, :, xi], 3, -1)  # (batch, h, out_w, c, kx)
    per_row = _ordered_sum(cols, xw[None, None, :, None, :], xp[None, None, :, None, :])
    rows = jnp.moveaxis(per_row[:, yi], 2, -1)  # (batch, out_h, out_w, c, ky)
    total = _ordered_sum(rows, yw[None, :, None, None, :], yp[None, :, None, None, :])
    inverse = np.float32(1.0 / np.float64(np.float32(ys * xs)))
    return total * inverse


def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """`tf.image.resize_bicubic`: one ResizeBicubic op (float32 output).

    >>> import scopeflow as tf
    >>> tf.image.resize_bicubic(tf.zeros([1, 4, 4, 1]), [8, 8]).name
    'ResizeBicubic:0'
    """
    return _resize_bicubic(images, size, name=name or "ResizeBicubic",
                           align_corners=bool(align_corners),
                           half_pixel_centers=bool(half_pixel_centers))


def resize_area(images, size, align_corners=False, name=None):
    """`tf.image.resize_area`: one ResizeArea op (float32 output).

    >>> import scopeflow as tf
    >>> tf.image.resize_area(tf.zeros([1, 4, 4, 1]), [2, 2]).name
    'ResizeArea:0'
    """
    return _resize_area(images, size, name=name or "ResizeArea",
                        align_corners=bool(align_corners))
