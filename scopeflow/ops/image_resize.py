"""Image resizing: ResizeBilinear, ResizeNearestNeighbor and their gradient ops, and TF1's
`tf.image.resize_images` / `resize_bilinear` / `resize_nearest_neighbor` over them (bicubic
and area: image_resize_cubic.py).

    >>> import scopeflow as tf
    >>> tf.image.resize_images(tf.zeros([4, 6, 3]), [8, 12]).shape.as_list()
    [8, 12, 3]

Source coordinates follow TF's CPU kernels in float32: the scale is in/out ((in-1)/(out-1)
with align_corners), a bilinear sample sits at (x + 0.5) * scale - 0.5 with
half_pixel_centers (else x * scale) between floor and ceil clamped to the image, weighted
top + (bottom - top) * lerp; nearest neighbour takes floor (round with align_corners) of
(x + 0.5) * scale with half_pixel_centers (else x * scale). Bilinear output is float32 for
every input type, as in TF.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import check_rank, static_value
from scopeflow.ops.op_types import ALLOWED, FIXED
from scopeflow.ops.op_util import name_scope, tensor, typed_op
from scopeflow.ops.registry import ShapeError, spec
from scopeflow.ops.rounding import round_each as _round_each  # each product as TF rounds it
from scopeflow.ops.value_checks import check, failed

__all__ = ["ResizeMethod", "resize_bilinear", "resize_images", "resize_nearest_neighbor"]

_REAL = ("int8", "uint8", "int16", "uint16", "int32", "int64", "float16", "float32", "float64",
         "bfloat16")
ALLOWED.update({  # (TF's bilinear list names bfloat16 twice)
    "ResizeBilinear": ((0, "images", ("int8", "uint8", "int16", "uint16", "int32", "int64",
                                      "bfloat16", *_REAL[6:])),),
    "ResizeNearestNeighbor": ((0, "images", _REAL),),
    "ResizeBilinearGrad": ((1, "original_image", ("float32", "bfloat16", "float16",
                                                  "float64")),),
    "ResizeNearestNeighborGrad": ((0, "grads", ("uint8", "int8", "int32", "float16", "float32",
                                                "float64", "bfloat16")),),
})
FIXED.update({
    "ResizeBilinear": ((1, "size", "int32"),),
    "ResizeNearestNeighbor": ((1, "size", "int32"),),
    "ResizeBilinearGrad": ((0, "grads", "float32"),),
    "ResizeNearestNeighborGrad": ((1, "size", "int32"),),
})


class ResizeMethod:
    """`tf.compat.v1.image.ResizeMethod`."""
    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


# ---- shape rules ----------------------------------------------------------------------------
def _sized(images, size, dtype):
    """[batch, new_height, new_width, channels] (TF's SetOutputToSizedImage)."""
    check_rank(images, 4)
    check_rank(size, 1)
    n = size.shape._dims[0] if size.shape._dims else None
    if n is not None and n != 2:
        raise ShapeError("Dimension must be 2 but is %d" % n)
    d = images.shape._dims or (None,) * 4
    hw = static_value(size)
    new = [None, None] if hw is None else [int(v) for v in np.asarray(hw).reshape(-1)]
    bad = [v for v in new if v is not None and v < -1]
    if bad:  # (TF builds the op; its shape then fails, without the node's text)
        raise ValueError("Dimension %d must be >= 0" % bad[0])
    return spec([d[0], *[None if v == -1 else v for v in new], d[3]], dtype)  # -1: unknown


def _resize_infer(out_float):
    def infer(images, size, **_):
        return _sized(images, size, _dt.float32 if out_float else images.dtype.base_dtype)
    return infer


def _bilinear_grad_infer(grads, original_image, **_):
    check_rank(grads, 4)
    check_rank(original_image, 4)
    return spec(original_image.shape._dims, original_image.dtype.base_dtype)


def _nn_grad_infer(grads, size, **_):
    return _sized(grads, size, grads.dtype.base_dtype)


# ---- source coordinates ---------------------------------------------------------------------
def _scale(in_size, out_size, align_corners):
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


def _linear_taps(out_size, in_size, align_corners, half_pixel):
    """(lower index, upper index, float32 weight of upper) per output position."""
    scale = _scale(in_size, out_size, align_corners)
    x = np.arange(out_size, dtype=np.float32)
    src = (x + np.float32(0.5)) * scale - np.float32(0.5) if half_pixel else x * scale
    floor = np.floor(src)
    lower = np.maximum(floor, 0).astype(np.int64)
    upper = np.minimum(np.ceil(src), in_size - 1).astype(np.int64)
    return lower, upper, (src - floor).astype(np.float32)


def _nearest_index(out_size, in_size, align_corners, half_pixel):
    scale = _scale(in_size, out_size, align_corners)
    x = np.arange(out_size, dtype=np.float32)
    src = (x + np.float32(0.5)) * scale if half_pixel else x * scale
    # roundf rounds halves away from zero (src >= 0 here); float64 keeps src + 0.5 exact
    idx = np.floor(src.astype(np.float64) + 0.5) if align_corners else np.floor(src)
    idx = np.minimum(idx.astype(np.int64), in_size - 1)
    return np.maximum(idx, 0) if half_pixel else idx


def bad_images(ctx, images):
    """TF's check of a fed image batch's rank; True (recorded for the run) when it fails."""
    return failed(ctx, "" if np.ndim(images) == 4 else "input must be 4-dimensional[%s]"
                  % ",".join(map(str, np.shape(images))))


def _checked_size(ctx, size, align_corners, half_pixel):
    out_h, out_w = (int(v) for v in np.asarray(size).reshape(-1))
    check(ctx, not (align_corners and half_pixel),
          "If half_pixel_centers is True, align_corners must be False.")
    check(ctx, out_h > 0 and out_w > 0, "output dimensions must be positive")
    return max(out_h, 1), max(out_w, 1)


def _bilinear(images, out_h, out_w, align_corners, half_pixel, rounded=None):
    """(batch, out_h, out_w, channels) float32 samples; `rounded` keeps each product rounded
    (the forward kernel) or, as identity, leaves the function differentiable (the gradient)."""
    _rounded = rounded or _round_each
    x = images.astype(jnp.float32)
    y0, y1, ly = _linear_taps(out_h, x.shape[1], align_corners, half_pixel)
    x0, x1, lx = _linear_taps(out_w, x.shape[2], align_corners, half_pixel)
    top, bottom = x[:, y0], x[:, y1]
    lx = lx[:, None]
    t = top[:, :, x0] + _rounded((top[:, :, x1] - top[:, :, x0]) * lx)
    b = bottom[:, :, x0] + _rounded((bottom[:, :, x1] - bottom[:, :, x0]) * lx)
    return t + _rounded((b - t) * ly[:, None, None])


@typed_op("ResizeBilinear", infer=_resize_infer(True), context=True,
          types={"size": _dt.int32})
def _resize_bilinear(ctx, images, size, *, align_corners=False, half_pixel_centers=False):
    if bad_images(ctx, images):
        return images.astype(jnp.float32)
    out_h, out_w = _checked_size(ctx, size, align_corners, half_pixel_centers)
    return _bilinear(images, out_h, out_w, align_corners, half_pixel_centers)


@typed_op("ResizeNearestNeighbor", infer=_resize_infer(False), context=True,
          types={"size": _dt.int32})
def _resize_nearest(ctx, images, size, *, align_corners=False, half_pixel_centers=False):
    if bad_images(ctx, images):
        return images
    out_h, out_w = _checked_size(ctx, size, align_corners, half_pixel_centers)
    ys = _nearest_index(out_h, images.shape[1], align_corners, half_pixel_centers)
    xs = _nearest_index(out_w, images.shape[2], align_corners, half_pixel_centers)
    return images[:, ys][:, :, xs]


@typed_op("ResizeBilinearGrad", infer=_bilinear_grad_infer, types={"grads": _dt.float32})
def _resize_bilinear_grad(grads, original_image, *, align_corners=False,
                          half_pixel_centers=False):
    return vjp_resize_grad(_bilinear, grads, original_image, align_corners, half_pixel_centers)


def vjp_resize_grad(resize, grads, original_image, align_corners, half_pixel):
    """The gradient of `resize(images, h, w, align_corners, half_pixel, rounded=...)` (a
    linear map, its products left unrounded) at the original image's shape."""
    import jax
    _, h, w, _ = grads.shape
    zeros = jnp.zeros(original_image.shape, jnp.float32)
    _, vjp = jax.vjp(lambda x: resize(x, h, w, align_corners, half_pixel,
                                      rounded=lambda p: p), zeros)
    return vjp(grads)[0].astype(original_image.dtype)


@typed_op("ResizeNearestNeighborGrad", infer=_nn_grad_infer, types={"size": _dt.int32})
def _resize_nearest_grad(grads, size, *, align_corners=False, half_pixel_centers=False):
    in_h, in_w = (int(v) for v in np.asarray(size).reshape(-1))
    ys = _nearest_index(grads.shape[1], in_h, align_corners, half_pixel_centers)
    xs = _nearest_index(grads.shape[2], in_w, align_corners, half_pixel_centers)
    out = jnp.zeros((grads.shape[0], in_h, in_w, grads.shape[3]), grads.dtype)
    return out.at[:, ys[:, None], xs[None, :]].add(grads)


# ---- tf.image -------------------------------------------------------------------------------
def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """`tf.image.resize_bilinear`: one ResizeBilinear op (float32 output)."""
    return _resize_bilinear(images, size,
                            name=name or "ResizeBilinear", align_corners=bool(align_corners),
                            half_pixel_centers=bool(half_pixel_centers))


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """`tf.image.resize_nearest_neighbor`: one ResizeNearestNeighbor op (input's dtype)."""
    return _resize_nearest(images, size,
                           name=name or "ResizeNearestNeighbor",
                           align_corners=bool(align_corners),
                           half_pixel_centers=bool(half_pixel_centers))


_METHODS = {ResizeMethod.BILINEAR: resize_bilinear, "bilinear": resize_bilinear,
            ResizeMethod.NEAREST_NEIGHBOR: resize_nearest_neighbor,
            "nearest": resize_nearest_neighbor}


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None):
    """`tf.compat.v1.image.resize_images` (and `tf.compat.v1.image.resize`), in scope
    'resize': 3-D images gain and lose a batch dim; a resize to the same static size is
    skipped."""
    if not _METHODS.get("area"):  # the bicubic and area ops live beside this module
        from scopeflow.ops.image_resize_cubic import resize_area, resize_bicubic
        _METHODS.update({ResizeMethod.BICUBIC: resize_bicubic, "bicubic": resize_bicubic,
                         ResizeMethod.AREA: resize_area, "area": resize_area})

    def fn(images, size):
        # checked when the resize is built, as TF: after the size checks, and never for a
        # resize to the images' own static size (skipped)
        if method not in _METHODS:
            raise ValueError("Resize method is not implemented: {}".format(method))
        return _METHODS[method](images, size, align_corners=align_corners)

    return _resize_common(images, size, fn, preserve_aspect_ratio, name, skip_same=True)


def resize_v2(images, size, method="bilinear", preserve_aspect_ratio=False, name=None):
    """`tf.compat.v2.image.resize` (what tf_keras' UpSampling2D calls): bilinear and nearest
    with half-pixel centers, never skipped."""
    from scopeflow.ops.image_resize_cubic import resize_area, resize_bicubic
    fns = {"bilinear": resize_bilinear, "nearest": resize_nearest_neighbor,
           "bicubic": resize_bicubic}
    if method == "area":
        fn = resize_area
    elif method in fns:
        fn = functools.partial(fns[method], half_pixel_centers=True)
    else:  # lanczos3/5, gaussian, mitchellcubic: TF's ScaleAndTranslate, not built here
        raise NotImplementedError("tf.image.resize method %r is not supported." % method)
    return _resize_common(images, size, fn, preserve_aspect_ratio, name, skip_same=False)


def _resize_common(images, size, resize_fn, preserve_aspect_ratio, name, skip_same):
    """TF's _resize_images_common: the checks, batch dim and static shape around
    `resize_fn(images (batch, h, w, c), size)`."""
    from scopeflow.ops.array import expand_dims, squeeze
    with name_scope(name, "resize", [images, size]):
        images = tensor(images, name="images")
        rank = images.shape.ndims
        if rank is None:
            raise ValueError("'images' contains no shape.")
        if rank not in (3, 4):
            raise ValueError("'images' must have either 3 or 4 dimensions.")
        if rank == 3:
            images = expand_dims(images, 0)
        _, height, width, _ = images.shape.as_list()
        try:
            size = tensor(size, name="size", dtype="int32")
        except (TypeError, ValueError):
            raise ValueError("'size' must be a 1-D int32 Tensor") from None
        if not size.shape.is_compatible_with([2]):
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        if preserve_aspect_ratio:
            size = _aspect_size(images, size)
        new_h, new_w = _const_dims(size)
        if skip_same and None not in (new_h, new_w, height, width) and (
                height, width) == (new_h, new_w):
            return squeeze(images, axis=[0]) if rank == 3 else images
        images = resize_fn(images, size)
        images.set_shape([None, new_h, new_w, None])
        return squeeze(images, axis=[0]) if rank == 3 else images


def _const_dims(size):
    """The new (height, width) known while building (None where not), as TF's
    constant_value_as_shape reads a constant or a Pack of scalars."""
    value = static_value(size)
    if value is not None:
        return tuple(int(v) for v in np.asarray(value).reshape(-1)[:2])
    if size.op.type == "Pack":
        parts = [static_value(t) for t in size.op.inputs]
        return tuple(None if p is None else int(p) for p in parts[:2])
    return None, None


def _aspect_size(images, size):
    """The largest size within `size` keeping the images' aspect ratio (TF's float32 math
    over _ImageDimensions: static sizes where known, else the unstacked Shape)."""
    from scopeflow.ops import math as m
    from scopeflow.ops.joining import unstack
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.math_unary import round as round_
    from scopeflow.ops.shape_ops import shape
    dims = images.shape.as_list()
    if None in dims:
        dynamic = unstack(shape(images), 4)
        dims = [d if d is not None else t for d, t in zip(dims, dynamic)]
    h, w = dims[1], dims[2]
    f32 = _dt.float32
    factor = m.minimum(cast(size[0], f32) / cast(h, f32), cast(size[1], f32) / cast(w, f32))
    new_h = cast(round_(factor * cast(h, f32)), _dt.int32)
    new_w = cast(round_(factor * cast(w, f32)), _dt.int32)
    return tensor([new_h, new_w], name="size", dtype="int32")
