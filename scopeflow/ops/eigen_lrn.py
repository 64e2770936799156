"""TF's float32 CPU `LRN` and `LRNGrad` kernels (lrn_op.cc), reproduced in their arithmetic.

LRN: for each depth j, s_j = the sum of x_k^2 over k in [j - r, j + r]; n = s * alpha + bias
(two roundings); out = x * n^-beta, taken as Eigen's packet reciprocal of n for beta 1
(ops/eigen_reciprocal.py), its packet rsqrt for beta 0.5 (ops/eigen_rsqrt.py) and
exp(log(n) * -beta) otherwise (ops/eigen_exp.py), with the scalar tail of the flat tensor.
TF sums the window as a contraction with a band matrix of ones (its GEMM kernel's order, in
ascending k: `_window_sums`); for depth > 384 and beta 0.5 or 1 it runs a sliding sum
instead, (x^2 alpha) added at the window's front and subtracted at its back
(`_sliding_scales`). The GEMM kernel's order is not always ascending: measured on TF 2.21
(AMD Zen 2, 2 threads, tests/ops/test_eigen_lrn.py), rows (batch x height x width) of 3
sum even and odd k apart, and some row counts and depths not multiples of 16 (200, 300,
385) or above 256 take still other orders: a few values in a thousand differ there.

LRNGrad is a scalar loop in TF: per (row, j) with a nonzero incoming gradient g_j, the window
norm n_j = alpha * (sum of x_k^2) + bias, glibc's powf(n_j, -beta), and for each k in the
window ((x_k * (-2 alpha beta) y_j) / n_j [+ powf(n_j, -beta) where k = j]) * g_j added to
the result at k in ascending j. Each product is rounded before the sum it feeds (no fused
multiply-adds in TF's x86 build); glibc's powf computes in double: call under x64.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops.eigen_exp import eigen_exp, eigen_log
from scopeflow.ops.eigen_pow import _scalar_powf
from scopeflow.ops.eigen_reciprocal import eigen_reciprocal
from scopeflow.ops.eigen_sum import materialized
from scopeflow.ops.eigen_rsqrt import eigen_rsqrt
from scopeflow.ops.rounding import round_against

SLIDING_DEPTH = 384  # TF's kSingleThreadedLRNDepthCutoff


def _padded(v, r, fill=0):
    """v with r values `fill` before and after each depth row: v[..., j + s] is then the
    static slice [..., r + s : r + s + depth]."""
    return jnp.pad(v, [(0, 0)] * (v.ndim - 1) + [(r, r)], constant_values=fill)


def _window_sums(sq, r):
    """Per depth j, sq[j - r] + ... + sq[j + r] added in ascending order (the zeros beyond the
    edges change nothing: sq >= 0)."""
    c, padded = sq.shape[-1], _padded(sq, r)
    acc = jnp.zeros_like(sq)
    for i in range(2 * r + 1):
        acc = acc + padded[..., i:i + c]
    return acc


def _scaled_window(x, r, alpha):
    """alpha times the window sums of x^2, each product rounded (the two ties on different
    partners: XLA cancels two xors with one flag where r = 0 and alpha = 1 leave no sum)."""
    sums = _window_sums(round_against(x * x, x), r)
    return round_against(sums * alpha, sums)


def _sliding_scales(x, r, bias, alpha):
    """TF's single-threaded LRN scales: a running sum over depth of (x^2 alpha), the front
    added and the back subtracted, bias + the sum at each depth."""
    c = x.shape[-1]
    flat = x.reshape(-1, c).T  # (depth, rows)
    scaled = round_against((flat * flat) * alpha, flat)
    zeros = jnp.zeros((r,) + scaled.shape[1:], scaled.dtype)
    padded = jnp.concatenate([zeros, scaled, zeros])  # (depth + 2r, rows)
    acc = jnp.zeros(scaled.shape[1:], scaled.dtype)
    for i in range(min(2 * r, c + 2 * r)):
        acc = acc + padded[i]

    def step(acc, pair):
        front, back = pair
        acc = acc + front
        return acc - back, bias + acc

    _, out = jax.lax.scan(step, acc, (padded[2 * r:], padded[:c]))
    return out.T.reshape(x.shape)


def eigen_lrn(x, r, bias, alpha, beta):
    """TF's CPU LRN of a float32 (batch, height, width, depth) array."""
    bias, alpha, beta = np.float32(bias), np.float32(alpha), np.float32(beta)
    if x.shape[-1] > SLIDING_DEPTH and beta in (0.5, 1):
        norm = _sliding_scales(x, r, bias, alpha)
    else:
        norm = _scaled_window(x, r, alpha) + bias
    if beta == 1:
        scale = eigen_reciprocal(norm)
    elif beta == 0.5:
        scale = eigen_rsqrt(norm)
    else:
        scale = eigen_exp(eigen_log(norm) * -beta)
    # (rounded: a consumer's sum would fuse it; computed once: XLA fused the whole LRN into the
    # transposed copy of a following convolution's input for its filter gradient, and into
    # LRNGrad, recomputing it there: the cifar10 tutorial's step 43 ms)
    return materialized(round_against(x * scale, x))


def eigen_lrn_grad(g, x, y, r, bias, alpha, beta):
    """TF's CPU LRNGrad of float32 (batch, height, width, depth) arrays: the incoming
    gradient g, the LRN's input x and its output y."""
    bias, alpha, beta = np.float32(bias), np.float32(alpha), np.float32(beta)
    c = x.shape[-1]
    norm = _scaled_window(x, r, alpha) + bias
    pre = _scalar_powf(norm.reshape(-1), jnp.full(norm.size, -beta, jnp.float32))
    pre = pre.reshape(norm.shape)
    ab2 = (np.float32(-2) * alpha * beta) * y
    # the terms of depth j = k + s read as static slices of padded buffers (shifted by
    # concatenation, XLA fused the forward LRN producing y into each of the 2r + 1 reads:
    # measured 270 ms a step against 50)
    norms, ab2s, gs = _padded(norm, r, 1), _padded(ab2, r), _padded(g, r)
    acc = jnp.zeros_like(x)
    for i in range(2 * r + 1):  # j = k + i - r, ascending
        g_j = gs[..., i:i + c]
        term = x * ab2s[..., i:i + c] / norms[..., i:i + c]
        if i == r:
            term = term + pre
        acc = jnp.where(g_j == 0, acc, acc + round_against(term * g_j, x))
    return acc
