"""`tf.image.sample_distorted_bounding_box` (TF1's): the SampleDistortedBoundingBoxV2 op with
TF's CPU kernel and TF's Philox draws, so a seeded op samples TF's crops run after run.

    >>> import scopeflow as tf
    >>> b = tf.constant([[[0.1, 0.2, 0.5, 0.6]]])
    >>> begin, size, box = tf.image.sample_distorted_bounding_box([100, 80, 3], b, seed=3)
    >>> box.shape.as_list()
    [1, 1, 4]

The kernel draws from its own generator, TF's SimplePhilox over the op's (seed, seed2)
stream: per attempt an aspect ratio (one float), then the crop's height, top and left by
TF's exact rejection sampling of uniform integers. Each execution reserves `max_attempts`
Philox calls, as TF's GuardedPhiloxRandom does, and the search runs as a JAX while loop.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.op_util import name_scope, typed_op
from scopeflow.ops.philox import KeyStream
from scopeflow.ops.philox_dists import _u32_to_float
from scopeflow.ops.registry import ShapeError, spec
from scopeflow.ops.rounding import _divisor, round_each
from scopeflow.summary.graph_def import _float

__all__ = ["sample_distorted_bounding_box"]

ALLOWED["SampleDistortedBoundingBoxV2"] = (
    (0, "image_size", ("uint8", "int8", "int16", "int32", "int64")),)
_F32, _I32 = jnp.float32, jnp.int32


def _shape(image_size, bounding_boxes, min_object_covered, **attrs):
    check_rank(image_size, 1)
    d = image_size.shape._dims
    if d is not None and d[0] is not None and d[0] != 3:
        raise ShapeError("Dimension must be 3 but is %d" % d[0])
    check_rank(bounding_boxes, 3)
    b = bounding_boxes.shape._dims
    if b is not None and b[2] is not None and b[2] != 4:
        raise ShapeError("Dimension must be 4 but is %d" % b[2])
    check_rank(min_object_covered, 0)
    t = image_size.dtype.base_dtype
    return [spec((3,), t), spec((3,), t), spec((1, 1, 4), _dt.float32)]


# ---- TF's draws ----------------------------------------------------------------------------
class _Words:
    """TF's SimplePhilox over one op's stream: word p of its single-sample adapter."""

    def __init__(self, stream):
        self.stream = stream

    def word(self, p):
        return self.stream.samples(p)

    def uniform(self, p, n):
        """(TF's ExactUniformInt(n), next position): a mask for powers of two, else words
        below (2^32 - 1) % n + 1 rejected."""
        n = n.astype(jnp.uint32)
        pow2 = (n & (n - 1)) == 0
        rem = jnp.uint32(0xFFFFFFFF) % jnp.maximum(n, 1) + 1
        first = (self.word(p), p + 1)
        r, p = jax.lax.while_loop(lambda s: ~pow2 & (s[0] < rem),
                                  lambda s: (self.word(s[1]), s[1] + 1), first)
        return jnp.where(pow2, r & (n - 1), r % jnp.maximum(n, 1)).astype(_I32), p

    def maybe_uniform(self, p, n, do):
        return jax.lax.cond(do, lambda: self.uniform(p, n), lambda: (_I32(0), p))


def _lrint(x):
    return jnp.round(x).astype(_I32)  # (round half to even, as lrintf)


def _times(n, ar):
    return _lrint(round_each(n.astype(_F32) * ar))


# ---- TF's GenerateRandomCrop and SatisfiesOverlapConstraints -------------------------------
def _random_crop(words, p, size, area_range, ar):
    """(ok, (x0, y0, x1, y1), next position) of one crop of aspect ratio `ar`."""
    width, height = size
    min_rel, max_rel = (np.float32(a) for a in area_range)
    valid = (max_rel > 0) & (ar > 0) & (width > 0) & (height > 0) & (min_rel <= max_rel)
    min_area = round_each(round_each(min_rel * width.astype(_F32)) * height.astype(_F32))
    max_area = round_each(round_each(max_rel * width.astype(_F32)) * height.astype(_F32))
    h = _lrint(jnp.sqrt(min_area / ar))
    max_h = _lrint(jnp.sqrt(max_area / ar))
    # TF's smallest max height with round(max_height * ar) <= width, in double
    fitted = ((width.astype(jnp.float64) + 0.5 - float(np.float32(1e-7)))
              / ar.astype(jnp.float64)).astype(_I32)
    fitted = jnp.where(_times(fitted, ar) > width, fitted - 1, fitted)
    max_h = jnp.where(_times(max_h, ar) > width, fitted, max_h)
    max_h = jnp.minimum(max_h, height)
    h = jnp.minimum(h, max_h)
    extra, p = words.maybe_uniform(p, max_h - h + 1, valid & (h < max_h))
    h = h + extra
    w = _times(h, ar)
    area = (w * h).astype(_F32)
    grow = area < min_area
    h = jnp.where(grow, h + 1, h)
    w = jnp.where(grow, _times(h, ar), w)
    area = (w * h).astype(_F32)
    shrink = area > max_area
    h = jnp.where(shrink, h - 1, h)
    w = jnp.where(shrink, _times(h, ar), w)
    area = (w * h).astype(_F32)
    valid &= ~((area < min_area) | (area > max_area) | (w > width) | (h > height)
               | (w <= 0) | (h <= 0))
    y, p = words.maybe_uniform(p, height - h, valid & (h < height))
    x, p = words.maybe_uniform(p, width - w, valid & (w < width))
    return valid, jnp.stack([x, y, x + w, y + h]), p


def _area(r):
    """A rectangle's area as TF's Rectangle::Area: the int product as float."""
    return ((r[..., 2] - r[..., 0]) * (r[..., 3] - r[..., 1])).astype(_F32)


def _covers(crop, boxes, min_covered):
    """Whether the crop covers `min_covered` of one box of at least one pixel."""
    lo = jnp.maximum(crop[:2], boxes[:, :2])
    hi = jnp.minimum(crop[2:], boxes[:, 2:])
    empty = jnp.any(lo > hi, axis=-1)
    inter = jnp.where(empty, _F32(0), _area(jnp.concatenate([lo, hi], axis=-1)))
    box_area = _area(boxes)
    covered = (box_area >= 1) & (inter / box_area >= min_covered)
    return (_area(crop) >= 1) & jnp.any(covered)


# ---- the op --------------------------------------------------------------------------------
def _check_attrs(ctx, aspect_ratio_range, area_range, max_attempts):
    from scopeflow.ops.value_checks import check

    def pair(v):
        return "[%s, %s]" % (_float(v[0]), _float(v[1]))
    checks = ((len(aspect_ratio_range) == 2, "Aspect ratio range field must specify 2 "
               "dimensions"),
              (min(aspect_ratio_range) > 0, lambda: "Aspect ratio range must be non-negative: "
               + pair(aspect_ratio_range)),
              (len(area_range) == 2, "Area range field must specify 2 dimensions"),
              (min(area_range) > 0, lambda: "Area range must be non-negative: "
               + pair(area_range)),
              (max(area_range) <= 1, lambda: "Area range must be less then or equal to 1.0: "
               + pair(area_range)),
              (max_attempts > 0, "Max attempts must be non-negative: %d" % max_attempts))
    for ok, message in checks:
        if not ok:
            check(ctx, False, message() if callable(message) else message)
            return False
    return True


def _rectangles(ctx, boxes, width, height, use_image):
    """(rectangles [n, 4] as (x0, y0, x1, y1) ints, valid): the boxes in pixels, the whole
    image when there are none."""
    from scopeflow.ops.value_checks import check
    flat = jnp.asarray(boxes, _F32).reshape(-1, 4)
    bad = ~((flat >= 0) & (flat <= 1))
    first = flat.reshape(-1)[jnp.argmax(bad.reshape(-1))] if flat.size else _F32(0)
    check(ctx, ~jnp.any(bad), lambda v: "All bounding box coordinates must be in [0.0, 1.0]: "
          + _float(v), data=[first])
    if flat.shape[0] == 0:
        check(ctx, use_image, "No bounding boxes provided as input. One must enable "
              "use_image_if_no_bounding_boxes if you wish to not provide any bounding boxes.")
        return jnp.stack([_I32(0), _I32(0), width, height])[None]
    w, h = width.astype(_F32), height.astype(_F32)
    return jnp.stack([(flat[:, 1] * w).astype(_I32), (flat[:, 0] * h).astype(_I32),
                      (flat[:, 3] * w).astype(_I32), (flat[:, 2] * h).astype(_I32)], axis=-1)


def _stream(ctx, seed, seed2, reserved):
    from scopeflow.ops.random import tf_stream
    if seed or seed2:
        return tf_stream(ctx, seed, seed2, reserved)
    # (TF seeds an unseeded op's generator at random)
    k = jax.random.bits(ctx.rng(seed, seed2), (4,), jnp.uint32)
    return KeyStream(k[0], k[1], k[2], k[3], jnp.uint64(0))


@typed_op("SampleDistortedBoundingBoxV2", infer=_shape, context=True, stateful=True,
          multi=True, fold=False, types={"bounding_boxes": _dt.float32,
                                         "min_object_covered": _dt.float32})
def _sample_box(ctx, image_size, bounding_boxes, min_object_covered, *, seed=0, seed2=0,
                aspect_ratio_range=(0.75, 1.33), area_range=(0.05, 1.0), max_attempts=100,
                use_image_if_no_bounding_boxes=False):
    from scopeflow.ops.value_checks import check
    dtype = image_size.dtype
    size = jnp.asarray(image_size).astype(jnp.int64)
    check(ctx, (size[0] >= 0) & (size[0] < 2 ** 31 - 1), "image height cannot be >= int32 max")
    check(ctx, (size[1] >= 0) & (size[1] < 2 ** 31 - 1), "image width cannot be >= int32 max")
    height, width = size[0].astype(_I32), size[1].astype(_I32)
    min_covered = jnp.asarray(min_object_covered, _F32)
    check(ctx, min_covered >= 0, lambda v: "Min object covered must be non-negative: "
          + _float(v), data=[min_covered])
    stream = _stream(ctx, seed, seed2, max(int(max_attempts), 1))
    image = jnp.stack([_I32(0), _I32(0), width, height])
    crop = image
    if _check_attrs(ctx, list(aspect_ratio_range), list(area_range), max_attempts):
        boxes = _rectangles(ctx, bounding_boxes, width, height, use_image_if_no_bounding_boxes)
        crop = _search(stream, (width, height),
                       (aspect_ratio_range, area_range, max_attempts), boxes, min_covered)
        crop = jnp.where(crop[0] < 0, image, crop)
    x0, y0, x1, y1 = crop[0], crop[1], crop[2], crop[3]
    begin = jnp.stack([y0, x0, _I32(0)]).astype(dtype)
    extent = jnp.stack([y1 - y0, x1 - x0, _I32(-1)]).astype(dtype)
    corners = jnp.stack([y0, x0, y1, x1]).astype(_F32)
    # (a divisor opaque to XLA, which would multiply by a constant's reciprocal)
    box = corners / _divisor(jnp.stack([height, width, height, width]).astype(_F32), corners)
    return begin, extent, box.reshape(1, 1, 4)


def _search(stream, size, ranges, boxes, min_covered):
    """TF's loop over attempts: the first crop that covers a box, else -1s."""
    aspect_range, area_range, attempts = ranges
    words = _Words(stream)
    lo, hi = np.float32(aspect_range[0]), np.float32(aspect_range[1])
    span = np.float32(hi - lo)

    def attempt(state):
        i, p, _, _ = state
        ar = round_each(_u32_to_float(words.word(p)) * span) + lo
        ok, crop, p = _random_crop(words, p + 1, size, area_range, ar)
        ok &= _covers(crop, boxes, min_covered)
        return i + 1, p, ok, crop

    start = (_I32(0), jnp.uint64(0), jnp.bool_(False), jnp.full((4,), -1, _I32))
    _, _, found, crop = jax.lax.while_loop(lambda s: (s[0] < attempts) & ~s[2], attempt,
                                           start)
    return jnp.where(found, crop, -1)


def sample_distorted_bounding_box(image_size, bounding_boxes, seed=None, seed2=None,
                                  min_object_covered=0.1, aspect_ratio_range=None,
                                  area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """`tf.compat.v1.image.sample_distorted_bounding_box`: (begin, size, bboxes) of a random
    crop covering `min_object_covered` of a box (the op's seeds are `seed`, `seed2` as
    given: TF1's function takes no graph-level seed)."""
    with name_scope(name, "sample_distorted_bounding_box"):
        attrs = {k: v for k, v in (
            ("seed", seed or 0), ("seed2", seed2 or 0),
            ("aspect_ratio_range", aspect_ratio_range), ("area_range", area_range),
            ("max_attempts", max_attempts),
            ("use_image_if_no_bounding_boxes", use_image_if_no_bounding_boxes))
            if v is not None}
        return _sample_box(image_size, bounding_boxes, min_object_covered, name=name, **attrs)
