"""Faster CPU paths for two 2-D convolutions XLA:CPU runs slowly: the 1x1 convolution's filter
gradient (one matmul) and the one-channel convolution's forward pass (a sum of shifted slices).

1x1 filters.

A 1x1 convolution (zero padding, any strides) is a matmul over the strided input's pixels, yet
XLA:CPU takes its filter gradient as a convolution whose window is the whole image, which
measured 2.2x the CPU of the matmul (input (batch*h*w, in) contracted with the output gradient
(batch*h*w, out)) on resnet_v1_50's 56x56 layers and the same on its small ones (README,
issue 14). For wider kernels XLA's convolution gradient is the faster one (the same sum taken
tap by tap as kh*kw matmuls cost 2-4x its CPU), so only 1x1 kernels take this path. The
forward pass and the input gradient stay XLA's convolutions.

One input channel (MNIST's first layers, 1-D convolutions of raw signals). XLA:CPU's
convolution (Eigen's, scopeflow's default: lowering/lower.py CPU_OPTIONS) packs a
contraction of length kh*kw for it; the same output as kh*kw shifted (strided) slices of the
padded input, each times its tap's row of filter values, summed in one loop fusion, measured
2-8x faster (ms wall, both cores, median of 7 x 10; Eigen / taps): 128x28x28x1 -> 32 (5x5)
3.30 / 1.38; 3x3 2.21 / 0.37; -> 64 (5x5) 4.87 / 3.61; 5x5 stride 2 1.43 / 0.56; 64x48x48x1 ->
32 (7x7) 8.03 / 6.67; 8x1x16000x1 -> 32 (1x3) 2.98 / 0.49. With more work a pixel it loses:
-> 128 (5x5) 18.8 / 17.1, 1x25 -> 64 3.02 / 3.94, 1x80 -> 64 6.1 / 25.6, 11x11 -> 32 4.0 / 7.3,
two channels 5.1 / 4.8, three 9.2 / 24.9; so it is taken for one channel where kh*kw*out is at
most 1600. Only the forward pass: the gradients stay XLA's (they do not recompute it). The
sum is the branch of a conditional so that XLA computes it once (`_materialized_taps`).
"""

import functools
import itertools

import jax
import jax.numpy as jnp
from jax import lax

_DN = ("NHWC", "HWIO", "NHWC")


def eligible(x, w, strides, dilations, data_format, groups, pads):
    """Whether `conv2d_1x1` applies: NHWC, a 1x1 filter, no padding, one group, float32."""
    del dilations  # a 1x1 filter has no gaps to dilate
    return (data_format == "NHWC" and x.ndim == 4 and groups == 1
            and w.shape[:2] == (1, 1) and all(p == (0, 0) for p in map(tuple, pads))
            and jnp.result_type(x) == jnp.float32)


def _conv(x, w, strides):
    return lax.conv_general_dilated(x, w, strides, "VALID", dimension_numbers=_DN)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def conv2d_1x1(x, w, strides):
    """`conv_general_dilated(x, w)` (NHWC, HWIO 1x1, `strides` (sh, sw), no padding)."""
    return _conv(x, w, strides)


def _fwd(x, w, strides):
    return _conv(x, w, strides), (x, w)


def _bwd(strides, res, dy):
    x, w = res
    ci, co = w.shape[2:]
    dx = jax.vjp(lambda v: _conv(v, w, strides), x)[1](dy)[0]
    xs = x[:, ::strides[0], ::strides[1], :]  # the pixels the filter saw: dy's (h, w)
    dw = lax.dot_general(xs.reshape(-1, ci), dy.reshape(-1, co), (((0,), (0,)), ((), ())))
    return dx, dw.reshape(w.shape).astype(w.dtype)


conv2d_1x1.defvjp(_fwd, _bwd)


_TAPS_WORK = 1600  # kh * kw * out channels a pixel, at most (measurements above)


def taps_eligible(x, w, groups, pads):
    """Whether `conv2d_taps` applies: on CPU, NHWC float32 with one input channel and group, at
    most _TAPS_WORK multiply-adds an output pixel."""
    if jax.default_backend() != "cpu" or x.ndim != 4 or groups != 1:
        return False
    if w.shape[2] != 1 or x.shape[3] != 1:
        return False
    if jnp.result_type(x) != jnp.float32 or jnp.result_type(w) != jnp.float32:
        return False
    kh, kw, _, co = w.shape
    return 0 < kh * kw * co <= _TAPS_WORK and all(lo >= 0 and hi >= 0 for lo, hi in pads)


def _taps(x, w, strides, pads, dilations):
    kh, kw, _, co = w.shape
    (sh, sw), (dh, dw) = strides, dilations
    xp = jnp.pad(x, ((0, 0), tuple(pads[0]), tuple(pads[1]), (0, 0)))
    oh = (xp.shape[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1
    if oh <= 0 or ow <= 0:
        return jnp.zeros((x.shape[0], max(oh, 0), max(ow, 0), co), x.dtype)
    taps = []
    for i in range(kh):
        for j in range(kw):
            r, c = i * dh, j * dw
            taps.append(xp[:, r:r + (oh - 1) * sh + 1:sh, c:c + (ow - 1) * sw + 1:sw, :]
                        * w[i, j, 0])
    return functools.reduce(jnp.add, taps)


def _materialized_taps(x, w, strides, pads, dilations):
    """`_taps` as the branch of a conditional: its output is then a buffer computed once; an
    elementwise sum alone is fused into, and recomputed by, each of its consumers (the max
    pool, the ReLU gradient: the CNN of benchmarks/train.py took 85 ms a step instead of 70).
    Both branches are the same sum; the predicate (one filter value is NaN) is one XLA cannot
    fold."""
    def run(operands):
        return _taps(*operands, strides, pads, dilations)
    return lax.cond(jnp.isnan(w[0, 0, 0, 0]), run, run, (x, w))


def _xla_conv(x, w, strides, pads, dilations):
    return lax.conv_general_dilated(x, w, strides, [tuple(p) for p in pads],
                                    rhs_dilation=dilations, dimension_numbers=_DN)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3, 4))
def conv2d_taps(x, w, strides, pads, dilations):
    """`conv_general_dilated(x, w)` (NHWC with one channel, HWIO, `strides`, `pads` ((lo, hi),
    (lo, hi)), `dilations`), as a sum of shifted slices; XLA's convolution gradients."""
    return _materialized_taps(x, w, strides, pads, dilations)


def _taps_fwd(x, w, strides, pads, dilations):
    return _materialized_taps(x, w, strides, pads, dilations), (x, w)


def _taps_bwd(strides, pads, dilations, res, dy):
    x, w = res
    return jax.vjp(lambda a, b: _xla_conv(a, b, strides, pads, dilations), x, w)[1](dy)


conv2d_taps.defvjp(_taps_fwd, _taps_bwd)


# ---- the input gradient of a strided convolution --------------------------------------------
# JAX transposes a strided convolution into one over the output gradient dilated by the
# strides (zeros between its pixels), which XLA:CPU runs 10-20x slower than the convolution
# itself (CapsNet's 9x9 stride-2 layer: 0.88 s against TF's 0.05). Split by the input pixel's
# position modulo the stride instead: the pixels of one phase take the filter taps of one
# phase only, a stride-1 convolution of the undilated gradient with that sub-filter (flipped,
# its in and out channels swapped); the phases' results interleave into the input's grid.
def strided_input_grad_eligible(shape, w, strides, dilations, data_format, groups):
    """Whether `strided_input_grad` applies: 2-D NHWC or 3-D NDHWC, one group, undilated,
    strided."""
    nd = len(shape) - 2
    return (data_format == ("NHWC", "NDHWC")[nd - 2] if nd in (2, 3) else False) and (
        groups == 1 and all(r == 1 for r in dilations[1:1 + nd])
        and max(strides[1:1 + nd]) > 1 and w.shape[nd] == shape[-1])


def strided_input_grad(dy, w, shape, strides, pads, conv=None):
    """The gradient with respect to the channels-last input `shape` ((N, H, W, C) or
    (N, D, H, W, C)) of the convolution of filter `w` ((kh, kw, C, O) or (kd, kh, kw, C, O))
    with `strides` (one a spatial dim) and `pads` ((low, high) a spatial dim), given its output
    gradient `dy`. The phases' stride-1 convolutions are `conv(x, w, strides, pads,
    dilations)` (channels last), XLA's by default."""
    n, spatial, c = shape[0], tuple(shape[1:-1]), shape[-1]
    nd = len(spatial)
    big = tuple(-(-size // st) for size, st in zip(spatial, strides))  # input pixels a phase
    # phase (b_0, ..., b_nd-1) is the input pixels (a_0 * s_0 + b_0, ...): (n, *big, c) each;
    # interleaved one axis at a time from the last, phase index k after axis k's pixel index
    parts = {b: _phase(dy, w, b, strides, pads, big, c, conv or _lax_conv)
             for b in itertools.product(*(range(st) for st in strides))}
    for k in reversed(range(nd)):
        parts = {b: jnp.stack([parts[b + (j,)] for j in range(strides[k])], axis=2 + k)
                 for b in itertools.product(*(range(st) for st in strides[:k]))}
    out = parts[()].reshape((n,) + tuple(a * st for a, st in zip(big, strides)) + (c,))
    return out[(slice(None),) + tuple(slice(0, size) for size in spatial)]


def _lax_conv(x, w, strides, pads, dilations):
    dn = _DN if x.ndim == 4 else ("NDHWC", "DHWIO", "NDHWC")
    return lax.conv_general_dilated(x, w, strides, pads, rhs_dilation=dilations,
                                    dimension_numbers=dn)


def _phase(dy, w, b, s, pads, big, c, conv):
    """The input pixels at (a_0 * s_0 + b_0, ...): (n, *big, c)."""
    nd = len(s)
    taps, conv_pads = [], []
    for axis in range(nd):
        p, k = pads[axis][0], w.shape[axis]
        r = (b[axis] + p) % s[axis]  # the first tap of this phase
        if r >= k:
            return jnp.zeros((dy.shape[0],) + big + (c,), dy.dtype)
        count = -(-(k - r) // s[axis])
        shift = (b[axis] + p) // s[axis]
        low = count - 1 - shift
        high = big[axis] - dy.shape[1 + axis] - low + count - 1
        taps.append(slice(r, None, s[axis]))
        conv_pads.append((low, high))
    flip = (slice(None, None, -1),) * nd
    sub = jnp.swapaxes(w[tuple(taps)][flip], nd, nd + 1)  # (J_0, ..., o, c), flipped
    # a negative pad (explicit paddings above the kernel's size) is a crop of the gradient:
    # XLA:CPU's convolution read memory outside its input for a negative low pad with a
    # positive high one (garbage values, 2026-12-08)
    crop = tuple(slice(-min(lo, 0), dy.shape[1 + a] + min(hi, 0))
                 for a, (lo, hi) in enumerate(conv_pads))
    dy = dy[(slice(None),) + crop]
    conv_pads = tuple((max(lo, 0), max(hi, 0)) for lo, hi in conv_pads)
    return conv(dy, sub, (1,) * nd, conv_pads, (1,) * nd)
