"""`tf.image.draw_bounding_boxes`: DrawBoundingBoxes (TF's colour table) or, with `colors`,
DrawBoundingBoxesV2, with TF's CPU kernel: each box's outline in pixels of the (height - 1,
width - 1) grid, boxes painted in order (a later box over an earlier one), inverted or wholly
outside boxes skipped, colours cycling through the table.

    >>> import scopeflow as tf
    >>> tf.image.draw_bounding_boxes(tf.zeros([1, 4, 4, 3]), [[[0., 0., 1., 1.]]]).op.type
    'DrawBoundingBoxes'
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import ShapeError, same_as_first

__all__ = ["draw_bounding_boxes"]

ALLOWED["DrawBoundingBoxes"] = ALLOWED["DrawBoundingBoxesV2"] = (
    (0, "images", ("float32", "float16")),)

# TF's default colours (RGBA): yellow, blue, red, lime, purple, olive, maroon, navy, aqua,
# fuchsia
_TABLE = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [.5, 0, .5, 1],
                   [.5, .5, 0, 1], [.5, 0, 0, 1], [0, 0, .5, 1], [0, 1, 1, 1], [1, 0, 1, 1]],
                  np.float32)
_DEPTHS = "Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA)"


def _shape(images, boxes, colors=None):
    check_rank(images, 4)
    d = images.shape._dims
    if d is not None and d[3] is not None and d[3] not in (1, 3, 4):
        raise ShapeError(_DEPTHS)
    check_rank(boxes, 3)
    b = boxes.shape._dims
    if b is not None and b[2] is not None and b[2] != 4:
        raise ShapeError("Dimension must be 4 but is %d" % b[2])
    return same_as_first(images)


def _dims_text(shape):
    return "[%s]" % ",".join(str(int(d)) for d in shape)


def _checks(ctx, images, boxes, colors):
    """TF's run-time checks, in TF's order; whether all passed."""
    from scopeflow.ops.value_checks import check
    tests = [(images.ndim == 4, "The rank of the images should be 4"),
             (boxes.ndim == 3, "The rank of the boxes tensor should be 3")]
    if images.ndim == 4 and boxes.ndim == 3:
        tests += [(images.shape[0] == boxes.shape[0], "The batch sizes should be the same"),
                  (images.shape[3] in (1, 3, 4), _DEPTHS),
                  (boxes.shape[2] == 4, "The size of the third dimension of the box must be "
                   "4. Received: %d" % boxes.shape[2])]
        if colors is not None:
            tests += [(colors.ndim == 2, "colors must be a 2-D matrix" + _dims_text(
                colors.shape)),
                      (colors.ndim == 2 and colors.shape[1] >= images.shape[3],
                       "colors must have equal or more channels than the image provided: "
                       + _dims_text(colors.shape))]
    for ok, message in tests:
        if not ok:
            check(ctx, False, message)
            return False
    return True


def _table(colors, depth):
    if colors is None or colors.size == 0:
        table = _TABLE.copy()
        if depth == 1:
            table[:, 0] = 1
        return jnp.asarray(table[:, :depth])
    return jnp.asarray(colors, jnp.float32)[:, :depth]


def _draw(ctx, images, boxes, colors):
    if not _checks(ctx, images, boxes, colors):
        return images
    n, height, width, depth = images.shape
    if images.size == 0 or boxes.shape[1] == 0:
        return images
    boxes = jnp.asarray(boxes)
    table = _table(colors, depth).astype(images.dtype)
    rows = jnp.arange(height)[None, :, None]  # (1, height, 1) against (batch, 1, 1)
    cols = jnp.arange(width)[None, None, :]

    def corner(k, size):  # TF: int64(float(box) * (size - 1)), truncated
        return (boxes[:, :, k].astype(jnp.float32) * np.float32(size - 1)).astype(jnp.int64)

    r0, c0, r1, c1 = (corner(k, s) for k, s in ((0, height), (1, width), (2, height),
                                                (3, width)))

    def paint(bb, canvas):
        def at(x):  # (batch,) -> (batch, 1, 1)
            return x[:, bb][:, None, None]

        top, left, bottom, right = at(r0), at(c0), at(r1), at(c1)
        shown = ((top <= bottom) & (left <= right) & (top < height) & (bottom >= 0)
                 & (left < width) & (right >= 0))
        in_cols = (cols >= jnp.maximum(left, 0)) & (cols <= jnp.minimum(right, width - 1))
        in_rows = (rows >= jnp.maximum(top, 0)) & (rows <= jnp.minimum(bottom, height - 1))
        line = (in_cols & ((rows == top) | (rows == bottom))) | (
            in_rows & ((cols == left) | (cols == right)))
        colour = table[bb % table.shape[0]]
        return jnp.where((shown & line)[..., None], colour, canvas)

    return jax.lax.fori_loop(0, boxes.shape[1], paint, jnp.asarray(images))


@typed_op("DrawBoundingBoxes", infer=_shape, context=True, types={"boxes": _dt.float32})
def _draw_v1(ctx, images, boxes):
    return _draw(ctx, images, boxes, None)


@typed_op("DrawBoundingBoxesV2", infer=_shape, context=True,
          types={"boxes": _dt.float32, "colors": _dt.float32})
def _draw_v2(ctx, images, boxes, colors):
    return _draw(ctx, images, boxes, colors)


def draw_bounding_boxes(images, boxes, name=None, colors=None):
    """`tf.image.draw_bounding_boxes`: box outlines drawn over a batch of images."""
    if colors is None:
        return _draw_v1(images, boxes, name=name)
    return _draw_v2(images, boxes, colors, name=name)
