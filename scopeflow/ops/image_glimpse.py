"""`tf.compat.v1.image.extract_glimpse`: ExtractGlimpse (TF's version 1 offsets).

    >>> import scopeflow as tf
    >>> tf.image.extract_glimpse(tf.zeros([2, 6, 8, 1]), [3, 4], tf.zeros([2, 2])).shape.as_list()
    [2, 3, 4, 1]

Glimpse i's top-left pixel is (int(y), int(x)) (truncated toward zero) with, in float32,
x = offsets[i, 1] (* width if normalized; then / 2 + width / 2 if centered) - glimpse_width / 2,
and y alike over the height. Where a glimpse reaches outside the image TF fills the missing
pixels with unseeded random noise (its `noise` attr is 'uniform' whatever `uniform_noise` says):
not reproducible, so such a run raises UnimplementedError instead of inventing values.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.errors import UnimplementedError
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.image_resize import _round_each, _sized
from scopeflow.ops.op_types import FIXED
from scopeflow.ops.op_util import attr, check_fixed, typed_op
from scopeflow.ops.registry import ShapeError, spec
from scopeflow.ops.value_checks import check

__all__ = ["extract_glimpse"]

FIXED.update({"ExtractGlimpse": ((0, "input", "float32"), (1, "size", "int32"),
                                 (2, "offsets", "float32"))})


def _glimpse_infer(input, size, offsets, **_):  # noqa: A002 - TF's arg name
    check_rank(input, 4)
    check_rank(offsets, 2)
    o = offsets.shape._dims or (None, None)
    n = (input.shape._dims or (None,))[0]
    if None not in (n, o[0]) and n != o[0]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (n, o[0]))
    if o[1] is not None and o[1] != 2:
        raise ShapeError("Dimension must be 2 but is %d" % o[1])
    out = _sized(input, size, _dt.float32)[0]._dims
    return spec([n if n is not None else o[0], *out[1:]], _dt.float32)


def _text(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


def _checked(ctx, input, size, offsets):  # noqa: A002
    """(glimpse height, width) after TF's kernel checks."""
    check(ctx, input.ndim == 4, "input must be 4-dimensional (batch_size, height, width, depth)"
          + _text(input.shape))
    check(ctx, size.shape == (2,), "input must be a vector of size 2 (height, width)"
          + _text(size.shape))
    check(ctx, offsets.ndim == 2, "input must be a matrix" + _text(offsets.shape))
    check(ctx, offsets.shape[:1] == input.shape[:1], "first dimension should be batch"
          + _text(offsets.shape))
    check(ctx, offsets.shape[1:] == (2,), "second dimension should be of size 2 (y,x)"
          + _text(offsets.shape))
    h, w = (int(v) for v in np.asarray(size).reshape(-1)[:2])
    check(ctx, h >= 0 and w >= 0, "Expected a non-negative size, got %d" % min(h, w))
    return max(h, 0), max(w, 0)


def _corner(off, image, glimpse, centered, normalized):
    """Top-left pixel of each glimpse along one axis (Eigen's version-1 arithmetic)."""
    f = jnp.float32
    if normalized:
        off = _round_each(off * f(image))
    if centered:
        off = off / f(2) + f(image / 2)
    return jnp.trunc(off - f(glimpse / 2)).astype(jnp.int32)


@typed_op("ExtractGlimpse", infer=_glimpse_infer, context=True,
          types={"input": _dt.float32, "size": _dt.int32, "offsets": _dt.float32})
def _extract_glimpse(ctx, input, size, offsets, *, centered=True, normalized=True,  # noqa: A002
                     uniform_noise=True, noise="uniform"):
    gh, gw = _checked(ctx, input, size, offsets)
    n, h, w, c = input.shape
    y0 = _corner(offsets[:, 0], h, gh, centered, normalized)
    x0 = _corner(offsets[:, 1], w, gw, centered, normalized)
    rows = y0[:, None] + jnp.arange(gh)  # (batch, glimpse height)
    cols = x0[:, None] + jnp.arange(gw)
    inside = ((rows >= 0) & (rows < h))[:, :, None] & ((cols >= 0) & (cols < w))[:, None, :]
    check(ctx, jnp.all(inside) if inside.size else True,
          "ExtractGlimpse: a glimpse reaches outside the image, where TF fills pixels with "
          "unseeded random noise (noise='%s'); scopeflow does not reproduce it. Keep glimpses "
          "inside the image." % noise, exc=UnimplementedError)
    if input.size == 0:
        return jnp.zeros((n, gh, gw, c), jnp.float32)
    rows, cols = jnp.clip(rows, 0, h - 1), jnp.clip(cols, 0, w - 1)
    return input[jnp.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def extract_glimpse(input, size, offsets, centered=True, normalized=True,  # noqa: A002
                    uniform_noise=True, name=None):
    """`tf.compat.v1.image.extract_glimpse`: a (height, width) window of each image."""
    for t, arg in ((input, "input"), (offsets, "offsets")):
        if isinstance(t, Tensor):  # (a value converts to float32, as in TF)
            check_fixed(t, arg, "ExtractGlimpse", "float32")
    return _extract_glimpse(input, size, offsets, name=name or "ExtractGlimpse",
                            centered=attr("bool", centered, "centered"),
                            normalized=attr("bool", normalized, "normalized"),
                            uniform_noise=attr("bool", uniform_noise, "uniform_noise"),
                            noise="uniform")
