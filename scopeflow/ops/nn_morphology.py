"""Grayscale morphology: TF's Dilation2D and its two gradient ops, tf.nn.dilation2d and
tf.nn.erosion2d (TF's composition: the negated dilation of the negated input by the
mirrored kernel).

Dilation2D is a max-plus "convolution": out[b, y, x, c] = max over the (kh, kw) taps in the
input of input[b, y*sh + ky*rh - top, x*sw + kx*rw - left, c] + filter[ky, kx, c]. TF's
kernels keep the first maximum in tap order (a strictly larger value replaces it); the
gradients send each output's gradient to that tap's input element and filter weight.

    >>> import scopeflow as tf
    >>> tf.nn.dilation2d(tf.zeros([1, 5, 5, 2]), tf.zeros([3, 3, 2]), [1, 1, 1, 1],
    ...                  [1, 1, 1, 1], "SAME").shape.as_list()
    [1, 5, 5, 2]
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.core.shape import TensorShape
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.image_patches import _check_attrs, _out_size
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.math_unary import negative
from scopeflow.ops.op_util import name_scope, tensor, typed_op
from scopeflow.ops.registry import ShapeError
from scopeflow.ops.slicing import reverse
from scopeflow.ops.value_checks import failed

__all__ = ["dilation2d", "erosion2d"]

_REAL = ("float32", "float64", "int32", "uint8", "int16", "int8", "int64", "bfloat16", "uint16",
         "float16", "uint32", "uint64")
ALLOWED.update({t: ((0, "input", _REAL),) for t in
                ("Dilation2D", "Dilation2DBackpropInput", "Dilation2DBackpropFilter")})


# ---- shapes ---------------------------------------------------------------------------------
def _geometry(in_dims, f_dims, strides, rates, padding):
    """((out rows, pad top), (out cols, pad left)) for known sizes, None entries otherwise."""
    out = []
    for i in (0, 1):
        size, k = in_dims[1 + i], f_dims[i]
        if size is None or k is None:
            out.append((None, None))
            continue
        out.append(_out_size(size, k + (k - 1) * (rates[1 + i] - 1), strides[1 + i], padding))
    return out


def _dilation_shape(input, filter, *, strides, rates, padding):  # noqa: A002
    _check_attrs("Dilation2D", 4, None, strides, rates, padding)
    check_rank(input, 4)
    check_rank(filter, 3)
    x = input.shape._dims or (None,) * 4
    f = filter.shape._dims or (None,) * 3
    if x[3] is not None and f[2] is not None and x[3] != f[2]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (x[3], f[2]))
    (rows, _), (cols, _) = _geometry(x, f, strides, rates, padding)
    depth = x[3] if x[3] is not None else f[2]
    return TensorShape._of((x[0], rows, cols, depth)), input.dtype.base_dtype


def _backprop_shape(which):
    def infer(input, filter, out_backprop, *, strides, rates, padding):  # noqa: A002
        _check_attrs(which, 4, None, strides, rates, padding)
        check_rank(input, 4)
        check_rank(filter, 3)
        check_rank(out_backprop, 4)
        kept = input if which == "Dilation2DBackpropInput" else filter
        return kept.shape, input.dtype.base_dtype
    return infer


# ---- the max-plus windows -------------------------------------------------------------------
def _run_error(x, f, strides, rates):
    if np.ndim(x) != 4:
        return "input must be 4-dimensional[%s]" % ",".join(map(str, np.shape(x)))
    if np.ndim(f) != 3:
        return "filter must be 3-dimensional: %s" % list(np.shape(f))
    if strides[0] != 1 or strides[3] != 1:
        return "Current implementation does not yet support strides in the batch and depth " \
               "dimensions."
    if rates[0] != 1 or rates[3] != 1:
        return "Current implementation does not yet support rates in the batch and depth " \
               "dimensions."
    if np.shape(x)[3] != np.shape(f)[2]:
        return "input and filter must have the same depth: %d vs %d" % (np.shape(x)[3],
                                                                         np.shape(f)[2])
    return ""


def _taps(x, f, strides, rates, padding):
    """Per tap in TF's order (ky, kx): (input values, in bounds) at the tap's position for
    every output, each (b, out rows, out cols, c); plus the padding and output sizes."""
    (oh, top), (ow, left) = _geometry(x.shape, f.shape, strides, rates, padding)
    kh, kw = f.shape[:2]
    sh, sw, rh, rw = strides[1], strides[2], rates[1], rates[2]
    need_h = max(x.shape[1] + top, (oh - 1) * sh + (kh - 1) * rh + 1 if oh else 0)
    need_w = max(x.shape[2] + left, (ow - 1) * sw + (kw - 1) * rw + 1 if ow else 0)
    pads = ((0, 0), (top, need_h - x.shape[1] - top), (left, need_w - x.shape[2] - left), (0, 0))
    xp = jnp.pad(x, pads)
    inside = np.pad(np.ones(x.shape[1:3], bool), pads[1:3])
    taps = []
    for ky in range(kh):
        for kx in range(kw):
            rows = slice(ky * rh, ky * rh + sh * (oh - 1) + 1 if oh else 0, sh)
            cols = slice(kx * rw, kx * rw + sw * (ow - 1) + 1 if ow else 0, sw)
            taps.append((xp[:, rows, cols, :], inside[rows, cols][None, :, :, None]))
    return taps, pads, (oh, ow)


def _lowest(dtype):
    return jnp.finfo(dtype).min if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).min


def _argmax(x, f, attrs):
    """(max, index of the first maximal tap; 0 where no tap beats TF's `lowest()` start)."""
    taps, pads, out_hw = _taps(x, f, *attrs)
    kw = f.shape[1]
    best = jnp.full((x.shape[0], *out_hw, x.shape[3]), _lowest(x.dtype), x.dtype)
    arg = jnp.zeros(best.shape, jnp.int32)
    for k, (values, inside) in enumerate(taps):
        val = values + f[k // kw, k % kw]
        better = inside & (val > best)
        best = jnp.where(better, val, best)
        arg = jnp.where(better, k, arg)
    return best, arg, pads


def _checked(ctx, input, filter, attrs):  # noqa: A002
    """(max, first maximal tap, pads), or None after recording TF's run-time error."""
    if failed(ctx, _run_error(input, filter, *attrs[:2])):
        return None
    return _argmax(input, filter, attrs)


@typed_op("Dilation2D", infer=_dilation_shape, context=True)
def _dilation2d(ctx, input, filter, *, strides, rates, padding):  # noqa: A002
    found = _checked(ctx, input, filter, (strides, rates, padding))
    return input if found is None else found[0]


def _to_input(found, input, filter, out_backprop, attrs):  # noqa: A002
    """Each output's gradient added at its tap's input element."""
    _, arg, pads = found
    strides, rates, _ = attrs
    kh, kw = filter.shape[:2]
    oh, ow = arg.shape[1:3]
    buf = jnp.zeros([n + a + b for n, (a, b) in zip(input.shape, pads)], out_backprop.dtype)
    zero = jnp.zeros((), out_backprop.dtype)
    # TF adds in output order (b, y, x): one input element is reached by later outputs
    # through earlier taps, so the taps go last to first
    for k in reversed(range(kh * kw)):
        r0, c0 = (k // kw) * rates[1], (k % kw) * rates[2]
        part = jnp.where(arg == k, out_backprop, zero)
        buf = buf.at[:, r0:r0 + strides[1] * (oh - 1) + 1:strides[1],
                     c0:c0 + strides[2] * (ow - 1) + 1:strides[2], :].add(part)
    (_, _), (top, _), (left, _), _ = pads
    return buf[:, top:top + input.shape[1], left:left + input.shape[2], :]


def _to_filter(found, input, filter, out_backprop, attrs):  # noqa: A002
    """Each output's gradient added to its tap's filter weight, in TF's order (b, y, x)."""
    kh, kw, c = filter.shape
    taps = jnp.arange(kh * kw)[None, :, None]
    zero = jnp.zeros((), out_backprop.dtype)

    def step(acc, row):
        k, g = row
        return acc + jnp.where(taps == k[None, None, :], g[None, None, :], zero)[0], None

    rows = (found[1].reshape(-1, c), out_backprop.reshape(-1, c))
    total = jax.lax.scan(step, jnp.zeros((kh * kw, c), out_backprop.dtype), rows)[0]
    return total.reshape(kh, kw, c)


def _backprop_op(op_type, gradient_of):
    """One of TF's two gradient ops: `gradient_of` over the forward op's first maxima."""
    @typed_op(op_type, infer=_backprop_shape(op_type), context=True)
    def kernel(ctx, input, filter, out_backprop, *, strides, rates, padding):  # noqa: A002
        attrs = (strides, rates, padding)
        found = _checked(ctx, input, filter, attrs)
        if found is None:
            return input if gradient_of is _to_input else filter
        return gradient_of(found, input, filter, out_backprop, attrs)
    return kernel


_backprop_input = _backprop_op("Dilation2DBackpropInput", _to_input)
_backprop_filter = _backprop_op("Dilation2DBackpropFilter", _to_filter)


# ---- TF's wrappers --------------------------------------------------------------------------
def dilation2d(input=None, filter=None, strides=None, rates=None,  # noqa: A002
               padding=None, name=None, filters=None, dilations=None):
    """`tf.nn.dilation2d` (TF1): grayscale dilation of a 4-D input by a 3-D structuring
    function."""
    filter = filters if filter is None else filter
    rates = dilations if rates is None else rates
    return _dilation2d(input, filter, strides=list(strides), rates=list(rates),
                       padding=padding, name=name)


def erosion2d(value, kernel, strides, rates, padding, name=None):
    """`tf.nn.erosion2d`: -dilation2d(-value, kernel mirrored in rows and columns)."""
    with name_scope(name, "erosion2d", [value, kernel]) as scope:
        negated = negative(tensor(value, name="value"))
        mirrored = reverse(tensor(kernel, name="kernel"), [0, 1])
        return negative(_dilation2d(negated, mirrored, strides=list(strides),
                                    rates=list(rates), padding=padding, name=scope))
