"""`tf.image.crop_and_resize`: CropAndResize and its gradient ops CropAndResizeGradImage and
CropAndResizeGradBoxes, with the arithmetic of TF's CPU kernels.

    >>> import scopeflow as tf
    >>> y = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), [[0, 0, 1, 1]], [1], [3, 4])
    >>> y.shape.as_list()
    [1, 3, 4, 3]

Box b = (y1, x1, y2, x2) in normalized coordinates samples image row
y1 * (height - 1) + y * (y2 - y1) * (height - 1) / (crop_height - 1) for crop row y (the box's
centre row when crop_height is 1), in float32; samples outside [0, height - 1] take
`extrapolation_value`. Bilinear weights and products are TF's: top + (bottom - top) * lerp,
each product rounded on its own; nearest rounds half away from zero.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.errors import OutOfRangeError
from scopeflow.ops.array_base import check_rank, partial_shape
from scopeflow.ops.image_resize import _round_each, _sized
from scopeflow.ops.op_types import ALLOWED, FIXED
from scopeflow.ops.op_util import attr, check_fixed, typed_op
from scopeflow.ops.registry import ANY, ShapeError, spec
from scopeflow.ops.value_checks import check

__all__ = ["crop_and_resize"]

_IMAGE = ("uint8", "uint16", "int8", "int16", "int32", "int64", "float16", "float32", "float64")
ALLOWED.update({
    "CropAndResize": ((0, "image", _IMAGE),),
    "CropAndResizeGradBoxes": ((1, "image", _IMAGE),),
})
FIXED.update({
    "CropAndResize": ((1, "boxes", "float32"), (2, "box_ind", "int32"),
                      (3, "crop_size", "int32")),
    "CropAndResizeGradImage": ((0, "grads", "float32"), (1, "boxes", "float32"),
                               (2, "box_ind", "int32"), (3, "image_size", "int32")),
    "CropAndResizeGradBoxes": ((0, "grads", "float32"), (2, "boxes", "float32"),
                               (3, "box_ind", "int32")),
})


# ---- shape rules ----------------------------------------------------------------------------
def _num_boxes(boxes, box_ind):
    """The boxes' count, merged from boxes [N, 4] and box_ind [N]."""
    check_rank(boxes, 2)
    check_rank(box_ind, 1)
    b = boxes.shape._dims or (None, None)
    i = box_ind.shape._dims or (None,)
    if b[1] is not None and b[1] != 4:
        raise ShapeError("Dimension must be 4 but is %d" % b[1])
    if None not in (b[0], i[0]) and b[0] != i[0]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (b[0], i[0]))
    return b[0] if b[0] is not None else i[0]


def _crop_infer(image, boxes, box_ind, crop_size, **_):
    check_rank(image, 4)
    n = _num_boxes(boxes, box_ind)
    out = _sized(image, crop_size, _dt.float32)
    return spec([n, *out[0]._dims[1:]], _dt.float32)


def _grad_image_infer(grads, boxes, box_ind, image_size, *, T, **_):  # noqa: N803 - TF's attr
    check_rank(grads, 4)
    _num_boxes(boxes, box_ind)
    check_rank(image_size, 1)
    dims = partial_shape(image_size)
    return spec([None] * 4 if dims is None else dims, T)


def _grad_boxes_infer(grads, image, boxes, box_ind, **_):
    check_rank(grads, 4)
    check_rank(image, 4)
    _num_boxes(boxes, box_ind)
    return spec(boxes.shape._dims, _dt.float32)  # TF: the boxes' shape


# ---- sample positions -----------------------------------------------------------------------
def _positions(lo, hi, size, crop):
    """(boxes, crop) float32 source rows (or columns) and whether each lies in the image."""
    f = jnp.float32
    if crop > 1:
        # a float32 quotient correctly rounded (XLA:CPU's float32 division is not)
        span = _round_each((hi - lo) * f(size - 1)).astype(jnp.float64)
        scale = (span / (crop - 1)).astype(f)
        steps = jnp.arange(crop, dtype=f)
        pos = _round_each(lo * f(size - 1))[:, None] + _round_each(steps * scale[:, None])
    else:  # TF's 0.5 is a double here
        mid = 0.5 * (lo + hi).astype(jnp.float64) * (size - 1)
        pos = mid.astype(f)[:, None]
    return pos, (pos >= 0) & (pos <= size - 1)


def _taps(pos, size):
    """Floor and ceil indices (clamped into the image) and the float32 weight of the ceil."""
    floor = jnp.floor(pos)
    lo = jnp.clip(floor, 0, size - 1).astype(jnp.int32)
    hi = jnp.clip(jnp.ceil(pos), 0, size - 1).astype(jnp.int32)
    return lo, hi, pos - floor


def _nearest(pos, size):
    """roundf (half away from zero; pos >= 0 where used), exact through float64."""
    return jnp.clip(jnp.floor(pos.astype(jnp.float64) + 0.5), 0, size - 1).astype(jnp.int32)


def _grid(image, boxes, crop_h, crop_w):
    """Per box: row and column positions and their validity, for an NHWC image."""
    _, h, w, _ = image.shape
    ys, vy = _positions(boxes[:, 0], boxes[:, 2], h, crop_h)
    xs, vx = _positions(boxes[:, 1], boxes[:, 3], w, crop_w)
    return ys, xs, vy[:, :, None] & vx[:, None, :]


def _at(image, bi, rows, cols):
    """image[bi[n], rows[n, y], cols[n, x]] -> (boxes, crop_h, crop_w, channels) float32."""
    return image[bi[:, None, None], rows[:, :, None], cols[:, None, :]].astype(jnp.float32)


# ---- run-time checks ------------------------------------------------------------------------
def _check_boxes(ctx, boxes, box_ind, batch):
    check(ctx, boxes.ndim == 2, "boxes must be 2-D, got: %s" % _text(boxes.shape))
    check(ctx, box_ind.ndim == 1, "box_indices must be rank 1 but is shape %s"
          % _text(box_ind.shape))
    check(ctx, boxes.shape[:1] == box_ind.shape[:1], "box_index has incompatible shape")
    check(ctx, boxes.shape[1:] == (4,), "boxes must have 4 columns")
    ok = jnp.all((box_ind >= 0) & (box_ind < batch)) if box_ind.size else True
    check(ctx, ok, "box_index has values outside [0, batch_size)", exc=OutOfRangeError)
    return jnp.clip(box_ind, 0, max(batch - 1, 0))


def _text(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


def _crop_size(ctx, crop_size):
    size = np.asarray(crop_size)
    check(ctx, size.ndim == 1, "crop_size must be 1-D%s" % _text(size.shape))
    check(ctx, size.shape == (2,), "crop_size must have two elements%s" % _text(size.shape))
    h, w = (int(v) for v in size.reshape(-1)[:2])
    check(ctx, h > 0 and w > 0, "crop dimensions must be positive")
    return max(h, 1), max(w, 1)


def _check_image(ctx, image):
    check(ctx, image.ndim == 4, "input image must be 4-D%s" % _text(image.shape))
    check(ctx, image.shape[1] > 0 and image.shape[2] > 0, "image dimensions must be positive")


# ---- kernels --------------------------------------------------------------------------------
_BOXES = {"boxes": _dt.float32, "box_ind": _dt.int32}


@typed_op("CropAndResize", infer=_crop_infer, context=True,
          types={**_BOXES, "crop_size": _dt.int32})
def _crop_and_resize(ctx, image, boxes, box_ind, crop_size, *, method="bilinear",
                     extrapolation_value=0.0):
    _check_image(ctx, image)
    crop_h, crop_w = _crop_size(ctx, crop_size)
    bi = _check_boxes(ctx, boxes, box_ind, image.shape[0])
    if image.size == 0:  # (failed a check above unless there are no boxes)
        return jnp.zeros((boxes.shape[0], crop_h, crop_w, image.shape[-1]), jnp.float32)
    ys, xs, valid = _grid(image, boxes, crop_h, crop_w)
    h, w = image.shape[1:3]
    if method == "nearest":
        out = _at(image, bi, _nearest(ys, h), _nearest(xs, w))
    else:
        out = _bilinear_at(image, bi, ys, xs)
    return jnp.where(valid[..., None], out, jnp.float32(extrapolation_value))


def _bilinear_at(image, bi, ys, xs):
    y0, y1, ly = _taps(ys, image.shape[1])
    x0, x1, lx = _taps(xs, image.shape[2])
    lx = lx[:, None, :, None]
    tl, tr = _at(image, bi, y0, x0), _at(image, bi, y0, x1)
    bl, br = _at(image, bi, y1, x0), _at(image, bi, y1, x1)
    top = tl + _round_each((tr - tl) * lx)
    bottom = bl + _round_each((br - bl) * lx)
    return top + _round_each((bottom - top) * ly[:, :, None, None])


@typed_op("CropAndResizeGradImage", infer=_grad_image_infer, context=True,
          types={"grads": _dt.float32, **_BOXES, "image_size": _dt.int32})
def _crop_and_resize_grad_image(ctx, grads, boxes, box_ind, image_size, *, T,  # noqa: N803
                                method="bilinear"):
    size = [int(v) for v in np.asarray(image_size).reshape(-1)]
    check(ctx, len(size) == 4 and grads.shape[0] == boxes.shape[0],
          "boxes and grads have incompatible shape")
    check(ctx, len(size) == 4 and size[3] == grads.shape[3],
          "image_size and grads are incompatible")
    size = (size + [1] * 4)[:4]
    bi = _check_boxes(ctx, boxes, box_ind, size[0])
    zeros = jnp.zeros(size, jnp.float32)
    if zeros.size == 0:
        return zeros.astype(_dt.as_dtype(T).as_numpy_dtype)
    ys, xs, valid = _grid(zeros, boxes, grads.shape[1], grads.shape[2])
    g = jnp.where(valid[..., None], grads, 0)
    if method == "nearest":
        out = _scatter(zeros, bi, _nearest(ys, size[1]), _nearest(xs, size[2]), g)
    else:
        out = _bilinear_scatter(zeros, bi, ys, xs, g)
    return out.astype(_dt.as_dtype(T).as_numpy_dtype)


def _scatter(out, bi, rows, cols, g):
    return out.at[bi[:, None, None], rows[:, :, None], cols[:, None, :]].add(g)


def _bilinear_scatter(out, bi, ys, xs, g):
    y0, y1, ly = _taps(ys, out.shape[1])
    x0, x1, lx = _taps(xs, out.shape[2])
    ly, lx = ly[:, :, None, None], lx[:, None, :, None]
    for rows, dy in ((y0, (1 - ly) * g), (y1, ly * g)):
        out = _scatter(out, bi, rows, x0, (1 - lx) * dy)
        out = _scatter(out, bi, rows, x1, lx * dy)
    return out


@typed_op("CropAndResizeGradBoxes", infer=_grad_boxes_infer, context=True,
          types={"grads": _dt.float32, "image": ANY, **_BOXES})
def _crop_and_resize_grad_boxes(ctx, grads, image, boxes, box_ind, *, T=None,  # noqa: N803
                                method="bilinear"):
    _check_image(ctx, image)
    check(ctx, grads.shape[0] == boxes.shape[0], "boxes and grads have incompatible shape")
    bi = _check_boxes(ctx, boxes, box_ind, image.shape[0])
    if image.size == 0:
        return jnp.zeros((boxes.shape[0], 4), jnp.float32)
    _, crop_h, crop_w, _ = grads.shape
    ys, xs, valid = _grid(image, boxes, crop_h, crop_w)
    y0, y1, ly = _taps(ys, image.shape[1])
    x0, x1, lx = _taps(xs, image.shape[2])
    ly, lx = ly[:, :, None, None], lx[:, None, :, None]
    tl, tr = _at(image, bi, y0, x0), _at(image, bi, y0, x1)
    bl, br = _at(image, bi, y1, x0), _at(image, bi, y1, x1)
    dy = _round_each((1 - lx) * (bl - tl)) + _round_each(lx * (br - tr))
    dx = _round_each((1 - ly) * (tr - tl)) + _round_each(ly * (br - bl))
    g = jnp.where(valid[..., None], grads, 0)
    terms = jnp.stack(_box_terms(g * dy, image.shape[1], crop_h, 1)
                      + _box_terms(g * dx, image.shape[2], crop_w, 2), -1)
    terms = terms[:, :, :, :, jnp.array([0, 2, 1, 3])]  # (y1, x1, y2, x2)
    return _sequential_sum(terms)


def _box_terms(gd, size, crop, axis):
    """The two terms (lower, upper corner) of each sample's gradient along one axis, float64."""
    if crop <= 1:  # TF's 0.5 * (size - 1) is a double
        t = gd.astype(jnp.float64) * 0.5 * (size - 1)
        return [t, t]
    ratio = np.float32(size - 1) / np.float32(crop - 1)
    shape = [1, 1, 1, 1]
    shape[axis] = crop
    step = (np.arange(crop, dtype=np.float32) * ratio).reshape(shape)
    return [(gd * (np.float32(size - 1) - step)).astype(jnp.float64),
            (gd * step).astype(jnp.float64)]


def _sequential_sum(terms):
    """Sums (boxes, h, w, c, 4) terms over h, w, c in TF's loop order, rounding to float32
    after each addition as TF's accumulator does."""
    n = terms.shape[0]
    flat = terms.reshape(n, -1, 4).transpose(1, 0, 2)

    def step(acc, t):
        return (acc.astype(jnp.float64) + t).astype(jnp.float32), None

    acc, _ = jax.lax.scan(step, jnp.zeros((n, 4), jnp.float32), flat)
    return acc


# ---- tf.image -------------------------------------------------------------------------------
def crop_and_resize(image, boxes, box_ind=None, crop_size=None, method="bilinear",
                    extrapolation_value=0, name=None, box_indices=None):
    """`tf.image.crop_and_resize`: crops of `image` at `boxes`, each resized to `crop_size`."""
    if box_ind is None:
        box_ind = box_indices
    method = attr("string", method, "method")
    if method not in ("bilinear", "nearest"):
        raise ValueError("Attr 'method' of 'CropAndResize' Op passed string '%s' not in: "
                         "\"bilinear\", \"nearest\"." % method)
    for t, arg, want in ((boxes, "boxes", "float32"), (box_ind, "box_ind", "int32")):
        if isinstance(t, Tensor):  # (a value converts to the input's type, as in TF)
            check_fixed(t, arg, "CropAndResize", want)
    return _crop_and_resize(image, boxes, box_ind, crop_size, name=name or "CropAndResize",
                            method=method, extrapolation_value=attr(
                                "float", extrapolation_value, "extrapolation_value"))
