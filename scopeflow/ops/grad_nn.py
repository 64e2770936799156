"""Gradient op types of pooling and normalization: MaxPoolGrad(V2), MaxPoolGradGrad(V2),
AvgPoolGrad, the 3-D pool gradients, FusedBatchNormGrad(V2, V3) and LRNGrad; also TF1's
FusedBatchNorm / FusedBatchNormV2 (older graphs use them).

    >>> import scopeflow as tf
    >>> from scopeflow.ops.grad_nn import avg_pool_grad
    >>> avg_pool_grad([1, 4, 4, 1], tf.ones([1, 2, 2, 1]), ksize=[1, 2, 2, 1],
    ...               strides=[1, 2, 2, 1], padding="VALID").shape.as_list()
    [1, 4, 4, 1]

Max pooling gradients route each window's gradient to the element TF's CPU kernels pick
(`_max_positions`: the first maximum in row-major order, NaNs never winning for float32; ties
after a ReLU are common). Windows that tile the input compare strided slices position by
position (VALID ones over the part they reach); overlapping or padded windows (3x3 stride 2)
add, for each window position, the gradients of the windows whose maximum is there, placed by
an interior-padded `lax.pad`, in the order of the windows (XLA's select-and-scatter, used
before, cost 10x and gave NaN windows' gradients elsewhere).
"""

import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.errors import InvalidArgumentError
from scopeflow.ops.array_base import partial_shape, static_value
from scopeflow.ops.column_sum import column_sum
from scopeflow.ops.eigen_lrn import eigen_lrn_grad
from scopeflow.ops.nn_conv import check_attr
from scopeflow.ops.nn_norm import _fbn_shape, _fused_batch_norm
from scopeflow.ops.eigen_sum import computed_once
from scopeflow.ops.nn_pool import (_pool_infer, _window, avg_pool_kernel, head, pool_floor,
                                   pool_keys, tiled_extent, window_axes, window_parts)
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import ANY, ShapeError, spec

_POOL = ("float32", "float64", "int32", "uint8", "int16", "int8", "int64", "bfloat16", "uint16",
         "float16", "uint32", "uint64")
_HALF_FLOAT = ("float16", "bfloat16", "float32")
_FLOATS = ("float16", "bfloat16", "float32", "float64")

ALLOWED.update({
    **{t: ((0, "orig_input", _POOL),) for t in ("MaxPoolGrad", "MaxPoolGradV2",
                                                "MaxPoolGradGrad", "MaxPoolGradGradV2")},
    "AvgPoolGrad": ((1, "grad", _FLOATS),), "AvgPool3DGrad": ((1, "grad", _FLOATS),),
    "MaxPool3DGrad": ((0, "orig_input", _HALF_FLOAT), (2, "grad", _HALF_FLOAT)),
    "MaxPool3DGradGrad": ((0, "orig_input", _POOL),),
    "FusedBatchNormGrad": ((0, "y_backprop", ("float32",)),),
    "FusedBatchNormGradV2": ((0, "y_backprop", _HALF_FLOAT), (3, "reserve_space_1",
                                                               ("float32",))),
    "FusedBatchNormGradV3": ((0, "y_backprop", _HALF_FLOAT), (3, "reserve_space_1",
                                                               ("float32",))),
    "FusedBatchNorm": ((0, "x", ("float32",)),),
    "FusedBatchNormV2": ((0, "x", _HALF_FLOAT), (1, "scale", ("float32",))),
    "LRNGrad": ((0, "input_grads", _HALF_FLOAT),),
})


# ---- max pooling ----------------------------------------------------------------------------
def _first_max(x, ksize):
    """(mask of each tiling window's first maximum in row-major order, window view shape)."""
    view, win = [], []
    for i, (s, k) in enumerate(zip(x.shape, ksize)):
        view += [s // k, k]
        if k > 1:
            win.append(2 * i + 1)
    xr = x.reshape(view)
    eq = xr == jnp.max(xr, axis=tuple(win), keepdims=True)
    earlier = jnp.zeros_like(eq)
    for j, a in enumerate(win):
        # a tie at a smaller index along window axis `a` with equal outer window indices
        inner = jnp.any(eq, axis=tuple(win[j + 1:]), keepdims=True) if win[j + 1:] else eq
        seen = jnp.cumsum(inner.astype(jnp.int32), axis=a) - inner.astype(jnp.int32)
        earlier = earlier | (seen > 0)
    return eq & ~earlier, view


def _reduce_max(x, ksize, strides, pads):
    # a Python -inf makes JAX's reduce_window_max, which has a gradient (select-and-scatter:
    # the first maximum of a window gets it); a JAX array init makes a generic reduce_window
    return jax.lax.reduce_window(x, -np.inf, jax.lax.max, tuple(ksize), tuple(strides), pads)


def _as_float(x):
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(jnp.float64)


def _tiled_backprop(x, grad, ksize):
    """`max_pool_backprop` for windows that tile `x`: every element of `x` takes its window's
    gradient where it is at the window's maximum (`_max_positions`): one compare per element.
    The result is made in the window view of `x` (each window axis split in (windows, k)) by
    broadcasting and reshaped back, which XLA compiles as one plain loop; stacking the
    per-position results and transposing them into place (as before) made a fusion that took
    LLVM about a third of a CNN training step's compile."""
    win = [a for a, k in enumerate(ksize) if k > 1]
    first = _max_positions(x, ksize, ksize, [(0, 0)] * x.ndim)
    outer, place = _window_places(x.shape, ksize, win)
    hit = first.reshape(outer) == place  # (windows, k) per window axis, broadcast
    out = jnp.where(hit, grad.reshape(outer), jnp.zeros((), grad.dtype))
    return _no_negative_zeros(out.reshape(x.shape))


def _no_negative_zeros(g):
    """TF's gradients add into zeros: a -0 arriving alone is +0 there."""
    if not jnp.issubdtype(g.dtype, jnp.floating):
        return g
    return jnp.where(g == 0, jnp.zeros((), g.dtype), g)


def _max_positions(x, ksize, strides, pads):
    """For each window of `x` (the pooled shape, int32), the row-major position in the window
    (padding counted) of the element TF's MaxPoolGrad gives the window's gradient.

    Its float32 and bfloat16 kernels (oneDNN) take a value only when it is greater than the
    maximum so far, which starts at `pool_floor` at the window's first position: the first
    maximum of `pool_keys`, or the window's first position (padding too: the gradient is then
    lost) when nothing is above the floor. Its other kernels (Eigen's) start from the first
    element inside the input, whatever it is (a NaN there stays), then take greater ones: the
    first maximum among the elements in the input that are not NaN."""
    win = window_axes(ksize, strides, pads)
    outs = [(x.shape[a] + pads[a][0] + pads[a][1] - ksize[a]) // strides[a] + 1 for a in win]
    floor = pool_floor(x.dtype)

    def inside(pos):  # whether position `pos` of each window is in `x` (NumPy, broadcasting)
        mask = np.ones([1] * x.ndim, bool)
        for a, i, n in zip(win, pos, outs):
            at = np.arange(n) * strides[a] + i - pads[a][0]
            shape = [1] * x.ndim
            shape[a] = n
            mask = mask & ((at >= 0) & (at < x.shape[a])).reshape(shape)
        return mask

    positions = list(itertools.product(*(range(ksize[a]) for a in win)))
    floating = jnp.issubdtype(x.dtype, jnp.floating)
    if np.dtype(x.dtype) in (np.dtype(np.float32), np.dtype(jnp.bfloat16)):
        # (the forward pass's own parts: XLA computes the padded keys once for both)
        keys = parts = window_parts(pool_keys(x), ksize, strides, pads)
        valid = [True] * len(parts)
    else:
        parts = window_parts(x, ksize, strides, pads)
        low = np.asarray(-np.inf if floating else floor, x.dtype)
        valid = [inside(pos) for pos in positions]
        keys = [jnp.where(v & ~jnp.isnan(p), p, low) if floating else jnp.where(v, p, low)
                for p, v in zip(parts, valid)]
    top = functools.reduce(jnp.maximum, keys)
    first = jnp.full(top.shape, -1, jnp.int32)
    for i in reversed(range(len(parts))):
        first = jnp.where((keys[i] == top) & valid[i], np.int32(i), first)
    if floating and valid[0] is not True:  # Eigen's: a NaN first inside the input stays
        lead, lead_at = jnp.full(top.shape, np.nan, x.dtype), np.full(valid[0].shape, -1)
        for i in reversed(range(len(parts))):
            lead = jnp.where(valid[i], parts[i], lead)
            lead_at = np.where(valid[i], i, lead_at)
        first = jnp.where(jnp.isnan(lead), lead_at.astype(np.int32), first)
    return first


def _window_places(shape, ksize, win):
    """(the shape of a pooled array with a 1 after each window axis, the row-major position of
    each element in its window as a NumPy array broadcasting against the window view: k after
    each window axis)."""
    outer, axes = [], []
    for a, s in enumerate(shape):
        if a in win:
            outer += [s // ksize[a], 1]
            axes.append(len(outer) - 1)
        else:
            outer.append(s)
    place, stride = np.zeros([1] * len(outer), np.int32), 1
    for a, ax in zip(reversed(win), reversed(axes)):
        dims = [1] * len(outer)
        dims[ax] = ksize[a]
        place = place + np.arange(ksize[a], dtype=np.int32).reshape(dims) * stride
        stride *= ksize[a]
    return outer, place


def max_pool_backprop(x, grad, ksize, strides, padding, explicit=()):
    """d(max_pool(x)) / dx applied to `grad`, as TF's CPU kernels: each window's gradient to
    its maximum (`_max_positions`), added into zeros in the windows' row-major order."""
    extent = tiled_extent(x, ksize, strides, padding)
    if extent is not None:  # (the rows and columns no window reaches get no gradient)
        out = _tiled_backprop(head(x, extent), grad, ksize)
        return jnp.pad(out, [(0, s - n) for s, n in zip(x.shape, extent)])
    pads = [tuple(p) for p in _window(x, ksize, strides, padding, explicit)]
    first = computed_once(_max_positions(x, ksize, strides, pads))  # (read by every term)
    win = window_axes(ksize, strides, pads)
    positions = list(itertools.product(*(range(ksize[a]) for a in win)))
    zero = jnp.zeros((), grad.dtype)
    grad = computed_once(grad)  # (read by every term: XLA would fuse its producer into each)
    total = None
    # An element's windows in row-major order hold it at decreasing positions: the terms in
    # reverse position order add each element's gradients in the order TF's kernel does.
    for i in reversed(range(len(positions))):
        config = [(0, 0, 0)] * x.ndim
        for a, at in zip(win, positions[i]):
            n = grad.shape[a]
            lo = at - pads[a][0]
            config[a] = (lo, x.shape[a] - lo - (n - 1) * strides[a] - 1, strides[a] - 1)
        term = jax.lax.pad(jnp.where(first == i, grad, zero), zero, config)
        total = term if total is None else total + term
    return _no_negative_zeros(total)


def max_pool_forward_grad(x, grad, ksize, strides, padding):
    """Each window's `grad` value at the window's first maximum of `x` (MaxPoolGradGrad)."""
    extent = tiled_extent(x, ksize, strides, padding)
    if extent is not None:
        first, view = _first_max(head(x, extent), ksize)
        picked = jnp.where(first, head(grad, extent).reshape(view), jnp.zeros((), grad.dtype))
        return jnp.sum(picked, axis=tuple(range(1, len(view), 2)))
    pads = _window(x, ksize, strides, padding, ())
    xf = _as_float(x)
    _, out = jax.jvp(lambda v: _reduce_max(v, ksize, strides, pads), (xf,),
                     (grad.astype(xf.dtype),))
    return out.astype(grad.dtype)


def _rank_of(t, rank):
    d = t.shape._dims
    if d is not None and len(d) != rank:
        raise ShapeError("Shape must be rank %d but is rank %d" % (rank, len(d)))
    return d if d is not None else (None,) * rank


def _pool_attrs(op_type, padding, data_format, formats):
    check_attr(op_type, "padding", padding, ("SAME", "VALID", "EXPLICIT")
               if op_type == "MaxPoolGrad" else ("SAME", "VALID"))
    check_attr(op_type, "data_format", data_format, formats)


_FORMATS_2D = ("NHWC", "NCHW", "NCHW_VECT_C")


def _pool_grad_infer(op_type, rank=4, formats=_FORMATS_2D):
    def infer(orig_input, orig_output, grad, *rest, padding, data_format=formats[0], **attrs):
        _pool_attrs(op_type, padding, data_format, formats)
        return spec(_rank_of(orig_input, rank), grad.dtype.base_dtype)

    return infer


@typed_op("MaxPoolGrad", infer=_pool_grad_infer("MaxPoolGrad"))
def max_pool_grad(orig_input, orig_output, grad, *, ksize, strides, padding,
                  explicit_paddings=(), data_format="NHWC"):
    return max_pool_backprop(orig_input, grad, ksize, strides, padding, explicit_paddings)


def _grad_with_argmax_infer(input, grad, argmax, **attrs):  # noqa: A002
    return spec(_rank_of(input, 4), grad.dtype.base_dtype)


@typed_op("MaxPoolGradWithArgmax", infer=_grad_with_argmax_infer,
          types={"argmax": ANY}, context=True)
def max_pool_grad_with_argmax(ctx, input, grad, argmax, *, ksize, strides, padding,  # noqa: A002
                              include_batch_in_index=False, Targmax=None):  # noqa: N803
    """Each output's gradient added to the input position its argmax names (flat in the
    image, or in the batch with `include_batch_in_index`), in output order as TF's kernel."""
    n, per = input.shape[0], int(np.prod(input.shape[1:]))
    where = argmax.reshape(n, -1).astype(jnp.int64)
    if not include_batch_in_index:
        where = where + (jnp.arange(n, dtype=jnp.int64) * per)[:, None]
    where = where.reshape(-1)
    ctx.check(jnp.all((where >= 0) & (where < n * per)), InvalidArgumentError,
              "Invalid output gradient index: argmax out of the input's range")
    flat = jnp.zeros((n * per,), grad.dtype).at[where].add(grad.reshape(-1), mode="drop")
    return flat.reshape(input.shape)


@typed_op("MaxPoolGradV2", infer=_pool_grad_infer("MaxPoolGradV2"),
          types={"ksize": _dt.int32, "strides": _dt.int32})
def max_pool_grad_v2(orig_input, orig_output, grad, ksize, strides, *, padding,
                     data_format="NHWC"):
    return max_pool_backprop(orig_input, grad, _ints(ksize), _ints(strides), padding)


def _ints(v):
    return [int(a) for a in np.asarray(v).reshape(-1)]


def _grad_grad_infer(op_type, rank=4, formats=_FORMATS_2D, forward="MaxPool"):
    def infer(orig_input, orig_output, grad, *rest, padding, data_format=formats[0], **attrs):
        _pool_attrs(op_type, padding, data_format, formats)
        dt = grad.dtype.base_dtype
        ksize, strides = attrs.get("ksize"), attrs.get("strides")
        if rest:  # V2: ksize and strides are tensors
            ksize, strides = (static_value(t) for t in rest)
        _rank_of(orig_input, rank)
        if ksize is None or strides is None or orig_input.shape._dims is None:
            return spec((None,) * rank, dt)
        s = _pool_infer(forward)(orig_input, ksize=list(ksize), strides=list(strides),
                                   padding=padding, data_format=data_format)
        return s[0], dt

    return infer


@typed_op("MaxPoolGradGrad", infer=_grad_grad_infer("MaxPoolGradGrad"))
def max_pool_grad_grad(orig_input, orig_output, grad, *, ksize, strides, padding,
                       data_format="NHWC"):
    return max_pool_forward_grad(orig_input, grad, ksize, strides, padding)


@typed_op("MaxPoolGradGradV2", infer=_grad_grad_infer("MaxPoolGradGradV2"),
          types={"ksize": _dt.int32, "strides": _dt.int32})
def max_pool_grad_grad_v2(orig_input, orig_output, grad, ksize, strides, *, padding,
                          data_format="NHWC"):
    return max_pool_forward_grad(orig_input, grad, _ints(ksize), _ints(strides), padding)


@typed_op("MaxPool3DGrad", infer=_pool_grad_infer("MaxPool3DGrad", 5, ("NDHWC", "NCDHW")),
          types={"orig_input": ANY, "orig_output": ANY})
def max_pool3d_grad(orig_input, orig_output, grad, *, ksize, strides, padding,
                    data_format="NDHWC", TInput=None):  # noqa: N803 - TF's attr name
    return max_pool_backprop(orig_input, grad, ksize, strides, padding)


@typed_op("MaxPool3DGradGrad", infer=_grad_grad_infer("MaxPool3DGradGrad", 5, ("NDHWC", "NCDHW"),
                                                      "MaxPool3D"))
def max_pool3d_grad_grad(orig_input, orig_output, grad, *, ksize, strides, padding,
                         data_format="NDHWC"):
    """MaxPool3DGrad's gradient: each window's `grad` at its first maximum."""
    return max_pool_forward_grad(orig_input, grad, ksize, strides, padding)


# ---- average pooling ------------------------------------------------------------------------
def _avg_grad_infer(op_type, rank, formats):
    def infer(orig_input_shape, grad, *, padding, data_format=formats[0], **attrs):
        check_attr(op_type, "padding", padding, ("SAME", "VALID"))
        check_attr(op_type, "data_format", data_format, formats)
        dims = partial_shape(orig_input_shape)
        if dims is not None and len(dims) != rank:
            raise ShapeError("Shape must be rank %d but is rank %d" % (rank, len(dims)))
        return spec(dims if dims is not None else (None,) * rank, grad.dtype.base_dtype)

    return infer


def avg_pool_backprop(orig_input_shape, grad, ksize, strides, padding):
    shape = tuple(int(s) for s in np.asarray(orig_input_shape))  # must be static
    _, vjp = jax.vjp(lambda x: avg_pool_kernel(x, ksize, strides, padding),
                     jnp.zeros(shape, grad.dtype))
    return vjp(grad)[0]


@typed_op("AvgPoolGrad", infer=_avg_grad_infer("AvgPoolGrad", 4, ("NHWC", "NCHW")),
          types={"orig_input_shape": _dt.int32})
def avg_pool_grad(orig_input_shape, grad, *, ksize, strides, padding, data_format="NHWC"):
    return avg_pool_backprop(orig_input_shape, grad, ksize, strides, padding)


@typed_op("AvgPool3DGrad", infer=_avg_grad_infer("AvgPool3DGrad", 5, ("NDHWC", "NCDHW")),
          types={"orig_input_shape": _dt.int32})
def avg_pool3d_grad(orig_input_shape, grad, *, ksize, strides, padding, data_format="NDHWC"):
    return avg_pool_backprop(orig_input_shape, grad, ksize, strides, padding)


# ---- FusedBatchNorm (TF1's V1 / V2 forward ops) ---------------------------------------------
def _fbn5_shape(x, scale, offset, mean, variance, **attrs):
    return _fbn_shape(x, scale, offset, mean, variance, **attrs)[:5]


def _fbn5(x, scale, offset, mean, variance, *, epsilon=1e-4, exponential_avg_factor=1.0,
          data_format="NHWC", is_training=True, U=None):  # noqa: N803 - TF's attr name
    return _fused_batch_norm.op_def.kernel(
        x, scale, offset, mean, variance, epsilon=epsilon, data_format=data_format,
        exponential_avg_factor=exponential_avg_factor, is_training=is_training)[:5]


fused_batch_norm_v1 = typed_op("FusedBatchNorm", infer=_fbn5_shape, multi=True)(_fbn5)
fused_batch_norm_v2 = typed_op(
    "FusedBatchNormV2", infer=_fbn5_shape, multi=True,
    types={"scale": ANY, "offset": ANY, "mean": ANY, "variance": ANY})(_fbn5)


# ---- FusedBatchNormGrad ---------------------------------------------------------------------
def _fbn_grad_shape(y_backprop, x, scale, reserve_space_1, reserve_space_2, *rest,
                    epsilon=1e-4, data_format="NHWC", is_training=True, U=None):  # noqa: N803
    check_attr("FusedBatchNormGrad", "data_format", data_format,
               ("NHWC", "NCHW", "NDHWC", "NCDHW"))
    rank = 5 if "D" in data_format else 4
    dy = _rank_of(y_backprop, rank)
    xd = _rank_of(x, rank)
    dims = []
    for a, b in zip(dy, xd):
        if a is not None and b is not None and a != b:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
        dims.append(a if a is not None else b)
    c = dims[1 if data_format.startswith("NC") else -1]
    for t in (scale, reserve_space_1, reserve_space_2):
        s = _rank_of(t, 1)[0]
        if s is not None:
            if c is not None and c != s:
                raise ShapeError("Dimensions must be equal, but are %d and %d" % (c, s))
            c = s
    u = reserve_space_1.dtype.base_dtype
    return [spec(dims, y_backprop.dtype.base_dtype), spec((c,), u), spec((c,), u),
            spec((0,), u), spec((0,), u)]


def _fbn_grad(y_backprop, x, scale, reserve_space_1, reserve_space_2, *rest, epsilon=1e-4,
              data_format="NHWC", is_training=True, U=None):  # noqa: N803 - TF's attr name
    """TF's CPU formula: x_scaled = (x - mean) * rsqrt(var + eps) over the batch axes."""
    axis = 1 if data_format.startswith("NC") else x.ndim - 1
    red = tuple(i for i in range(x.ndim) if i != axis)
    bshape = [1] * x.ndim
    bshape[axis] = -1
    u = reserve_space_1.dtype
    dy, xf = y_backprop.astype(u), x.astype(u)
    inv = jax.lax.rsqrt(reserve_space_2 + jnp.asarray(epsilon, u))
    x_scaled = (xf - reserve_space_1.reshape(bshape)) * inv.reshape(bshape)
    scale_bp = column_sum(dy * x_scaled, red)
    offset_bp = column_sum(dy, red)
    coef = (scale.astype(u) * inv).reshape(bshape)
    if is_training:
        n = jnp.asarray(x.size // x.shape[axis], u)
        centered = dy - (offset_bp / n).reshape(bshape)
        x_bp = coef * (centered - x_scaled * (scale_bp / n).reshape(bshape))
    else:
        x_bp = dy * coef
    empty = jnp.zeros((0,), u)
    return x_bp.astype(y_backprop.dtype), scale_bp, offset_bp, empty, empty


fused_batch_norm_grad = typed_op("FusedBatchNormGrad", infer=_fbn_grad_shape,
                                 multi=True)(_fbn_grad)
_U = {"scale": _dt.float32, "reserve_space_1": ANY, "reserve_space_2": ANY}
fused_batch_norm_grad_v2 = typed_op("FusedBatchNormGradV2", infer=_fbn_grad_shape, multi=True,
                                    types=_U)(_fbn_grad)


@typed_op("FusedBatchNormGradV3", infer=_fbn_grad_shape, multi=True,
          types={**_U, "reserve_space_3": ANY})
def fused_batch_norm_grad_v3(y_backprop, x, scale, reserve_space_1, reserve_space_2,
                             reserve_space_3, *, epsilon=1e-4, data_format="NHWC",
                             is_training=True, U=None):  # noqa: N803 - TF's attr name
    return _fbn_grad(y_backprop, x, scale, reserve_space_1, reserve_space_2,
                     epsilon=epsilon, data_format=data_format, is_training=is_training)


# ---- LRNGrad --------------------------------------------------------------------------------
def _lrn_grad_shape(input_grads, input_image, output_image, **attrs):
    dims = None
    for t in (input_grads, input_image, output_image):
        d = _rank_of(t, 4)
        dims = d if dims is None else tuple(
            a if a is not None else b for a, b in zip(dims, d))
        for a, b in zip(dims, d):
            if a is not None and b is not None and a != b:
                raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
    return TensorShape._of(dims), input_grads.dtype.base_dtype


def _depth_window_sum(v, r):
    """Per depth j, the sum of v over depths [j - r, j + r] (clipped at the edges)."""
    c = v.shape[-1]
    padded = jnp.pad(v, [(0, 0)] * (v.ndim - 1) + [(r, r)])
    return sum(padded[..., i:i + c] for i in range(2 * r + 1))


@typed_op("LRNGrad", infer=_lrn_grad_shape)
def lrn_grad(input_grads, input_image, output_image, *, depth_radius=5, bias=1.0, alpha=1.0,
             beta=0.5):
    # TF's CPU formula, which reads output_image: with norm_j = bias + alpha * sum of squares
    # around j, d_k = g_k * norm_k^-beta + in_k * sum_j(-2 alpha beta out_j g_j / norm_j)
    r = int(depth_radius)
    dt = input_grads.dtype
    if dt == jnp.float32:  # TF's kernel's arithmetic (ops/eigen_lrn.py)
        return eigen_lrn_grad(input_grads, input_image, output_image, r, bias, alpha, beta)
    norm = jnp.asarray(bias, dt) + jnp.asarray(alpha, dt) * _depth_window_sum(
        jnp.square(input_image), r)
    a = jnp.asarray(-2 * alpha * beta, dt) * output_image * input_grads / norm
    return input_image * _depth_window_sum(a, r) + input_grads * jnp.power(
        norm, jnp.asarray(-beta, dt))
