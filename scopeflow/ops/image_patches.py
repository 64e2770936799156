"""ExtractImagePatches and ExtractVolumePatches: each output position's window, flattened in
TF's (rows, cols[, planes], depth) order, SAME windows reading zeros past the edges; and the
functions over them (tf.image.extract_patches / extract_image_patches,
tf.extract_image_patches, tf.extract_volume_patches).

    >>> import scopeflow as tf
    >>> x = tf.zeros([2, 10, 9, 3])
    >>> tf.image.extract_patches(x, [1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 1, 1], "VALID").shape
    TensorShape([Dimension(2), Dimension(4), Dimension(3), Dimension(18)])

Values are copies, so they are TF's bit for bit; the kernel is plain JAX (strided slices).
tf.gradients builds TF's own gradient graphs (gradients/array_grad.py: an UnsortedSegmentSum
for image patches, a SparseTensor product for volume patches).
"""

import jax.numpy as jnp
import numpy as np

from scopeflow.errors import OutOfRangeError, UnimplementedError
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import ShapeError, spec
from scopeflow.ops.value_checks import failed

__all__ = ["extract_image_patches", "extract_patches", "extract_volume_patches"]

_TYPES = ("bfloat16", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
          "uint8", "uint16", "uint32", "uint64", "complex64", "complex128", "bool")
ALLOWED["ExtractImagePatches"] = ((0, "images", _TYPES),)
ALLOWED["ExtractVolumePatches"] = ((0, "input", _TYPES[:11]),)


def _out_size(size, window, stride, padding):
    """TF's GetWindowedOutputSize: (output size, padding before)."""
    if padding == "VALID":
        span = size - window + stride
        out = span // stride if span >= 0 else -(-span // stride)  # (C++ truncates)
        if out < 0:
            raise ShapeError("Computed output size would be negative: %d [input_size: %d, "
                             "effective_filter_size: %d, stride: %d]"
                             % (out, size, window, stride))
        return out, 0
    out = (size + stride - 1) // stride
    return out, max(0, (out - 1) * stride + window - size) // 2


def _check_attrs(op_type, n, ksizes, strides, rates, padding):
    for attr, v in (("ksizes", ksizes), ("strides", strides), ("rates", rates)):
        if v is not None and len(v) < n:
            raise ValueError("Attr '%s' of '%s' Op passed list of length %d less than minimum "
                             "%d." % (attr, op_type, len(v), n))
    if padding not in ("SAME", "VALID"):
        raise ValueError("Attr 'padding' of '%s' Op passed string '%s' not in: \"SAME\", "
                         "\"VALID\"." % (op_type, padding))


def _patches_shape(op_type, x, ksizes, strides, rates, padding):
    n = 4 if op_type == "ExtractImagePatches" else 5
    _check_attrs(op_type, n, ksizes, strides, rates, padding)
    check_rank(x, n)
    d = x.shape._dims
    if d is None:
        return spec([None] * n, x.dtype)
    out = [d[0]]
    for i in range(1, n - 1):
        window = ksizes[i] + (ksizes[i] - 1) * (rates[i] - 1)
        out.append(None if d[i] is None else _out_size(d[i], window, strides[i], padding)[0])
    depth = d[-1]
    out.append(None if depth is None else depth * _prod(ksizes[1:-1]))
    return spec(out, x.dtype)


def _prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def _image_shape(images, *, ksizes, strides, rates, padding, **_):
    return _patches_shape("ExtractImagePatches", images, ksizes, strides, rates, padding)


def _volume_shape(input, *, ksizes, strides, padding, **_):  # noqa: A002 - TF's name
    return _patches_shape("ExtractVolumePatches", input, ksizes, strides, [1] * len(ksizes),
                          padding)


def _run_checks(ctx, x, ksizes, strides, rates):
    """TF's kernel checks: windows only across space, of positive size."""
    from scopeflow.ops.value_checks import check
    n = len(ksizes)
    for attr, v in (("ksizes", ksizes), ("strides", strides), ("rates", rates)):
        if v[0] != 1 or v[n - 1] != 1:
            check(ctx, False, "Only support %s across space." % attr, exc=UnimplementedError)
            return False
    if min(ksizes) <= 0 or min(strides) <= 0 or min(rates) <= 0:
        attr = "ksizes" if min(ksizes) <= 0 else "strides" if min(strides) <= 0 else "rates"
        check(ctx, False, "%s is out of range." % attr, exc=OutOfRangeError)
        return False
    return True


def _patches(ctx, x, ksizes, strides, rates, padding):
    """(batch, *out spatial, prod(ksizes) * depth): windows flattened row-major, depth last."""
    n = x.ndim
    if not _run_checks(ctx, x, ksizes, strides, rates):
        return jnp.zeros([0] * n, x.dtype)
    outs, pads, windows = [], [(0, 0)], []
    for i in range(1, n - 1):
        window = ksizes[i] + (ksizes[i] - 1) * (rates[i] - 1)
        out, before = _out_size(x.shape[i], window, strides[i], padding)
        after = max(0, (out - 1) * strides[i] + window - x.shape[i] - before)
        outs.append(out)
        pads.append((before, after))
        windows.append(window)
    x = jnp.pad(jnp.asarray(x), pads + [(0, 0)])
    taps = [[]]
    for i in range(1, n - 1):  # every tap offset, first axis slowest
        taps = [t + [k * rates[i]] for t in taps for k in range(ksizes[i])]
    pieces = []
    for tap in taps:
        index = (slice(None),) + tuple(
            slice(o, o + (m - 1) * s + 1, s) if m > 0 else slice(0, 0)
            for o, m, s in zip(tap, outs, strides[1:-1])) + (slice(None),)
        pieces.append(x[index])
    out = jnp.stack(pieces, axis=-2)  # (batch, *outs, taps, depth)
    return out.reshape(out.shape[:-2] + (-1,))


@typed_op("ExtractImagePatches", infer=_image_shape, context=True)
def _extract_image_patches(ctx, images, *, ksizes, strides, rates, padding):
    if failed(ctx, "" if np.ndim(images) == 4 else "input must be 4-dimensional[%s]"
              % ",".join(map(str, np.shape(images)))):
        return images
    return _patches(ctx, images, list(ksizes), list(strides), list(rates), padding)


@typed_op("ExtractVolumePatches", infer=_volume_shape, context=True)
def _extract_volume_patches(ctx, input, *, ksizes, strides, padding):  # noqa: A002
    return _patches(ctx, input, list(ksizes), list(strides), [1] * len(ksizes), padding)


def extract_image_patches(images, ksizes=None, strides=None, rates=None, padding=None,
                          name=None, sizes=None):
    """`tf.image.extract_image_patches` (TF1's, `sizes` or the deprecated `ksizes`)."""
    ksizes = sizes if ksizes is None else ksizes
    return _extract_image_patches(images, ksizes=ksizes, strides=strides, rates=rates,
                                  padding=padding, name=name)


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """`tf.image.extract_patches`: the windows at each output position, flattened."""
    return _extract_image_patches(images, ksizes=sizes, strides=strides, rates=rates,
                                  padding=padding, name=name)


def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002
    """`tf.extract_volume_patches`: 3-D windows of a 5-D input, flattened."""
    return _extract_volume_patches(input, ksizes=ksizes, strides=strides, padding=padding,
                                   name=name)
