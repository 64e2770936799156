"""Sums over leading (or middle) dims in a form XLA:CPU reduces fast.

Where TF's order is not reproduced (`ops/eigen_sum.py`: columns of more than MAX_COLUMN rows,
float64), a sum keeps XLA's order. XLA:CPU reduces the leading dims of an NHWC tensor to its
channels slowly: a bias gradient, a batch norm statistic. The CNN of `benchmarks/train.py`
spent 10-16 ms a step summing its first convolution's bias gradient (128x28x28x32 -> 32),
against about 50 ms for all its convolutions. Taken in two reductions, it is fast:

- fewer than 512 channels: the batch dim first (a sum over rows as wide as an image, as many
  outputs as values in an image), then the rest (a small array); an optimization barrier
  keeps XLA from merging the two back into one reduction;
- 512 channels or more: rows summed two at a time as one row of 2 * C values, then the two
  halves.

Either is the same sum in another order (XLA's is no closer to TF's). Measured on 2 cores
(a ReLU gradient's select feeding the sum, median of 5 rounds, ms, plain / this):
128x28x28x32 10.4 / 2.2, 32x56x56x64 27.6 / 2.4, 32x56x56x256 97.7 / 10.6,
32x28x28x512 67.9 / 18.5, 32x14x14x1024 55.5 / 4.4, 8x17x17x768 10.8 / 0.8 (README, issue 14).
Other backends and dtypes keep the plain reduce.
"""

import jax
import jax.numpy as jnp

WIDE = 512  # channels from which rows are paired instead of the batch dim summed first


def columns(shape, axes):
    """(outer, reduced, inner) when reducing `axes` of `shape` sums the middle dim of a 3-D
    view (outer 1: the leading dims), or None."""
    runs = []
    for i, d in enumerate(shape):
        if d == 1:
            continue
        if runs and runs[-1][0] == (i in axes):
            runs[-1][1] *= d
        else:
            runs.append([i in axes, d])
    pattern = [r for r, _ in runs]
    if pattern == [True, False]:
        runs.insert(0, [False, 1])
    elif pattern != [False, True, False]:
        return None
    return tuple(d for _, d in runs)


def column_sum(x, axes, keepdims=False):
    """jnp.sum(x, axes, keepdims=keepdims), in the form XLA:CPU reduces fastest."""
    axes = tuple(sorted(a % x.ndim for a in axes)) if x.ndim else ()
    s = _staged(x, axes)
    if s is None:
        return jnp.sum(x, axis=axes, keepdims=keepdims)
    shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape)) if keepdims else \
        tuple(d for i, d in enumerate(x.shape) if i not in axes)
    return s.reshape(shape)


def _staged(x, axes):
    if x.dtype not in (jnp.float32, jnp.float64) or jax.default_backend() != "cpu":
        return None
    cols = columns(x.shape, axes) if axes else None
    if cols is None:
        return None
    outer, reduced, inner = cols
    if inner >= WIDE:
        if reduced < 4:
            return None
        m = x.reshape(outer, reduced, inner)
        whole = reduced // 2 * 2
        s = m[:, :whole].reshape(outer, whole // 2, 2 * inner).sum(1)
        s = s[:, :inner] + s[:, inner:]
        return s + m[:, whole] if whole < reduced else s
    big = [a for a in axes if x.shape[a] > 1]
    if len(big) < 2:
        return None
    first = jax.lax.optimization_barrier(jnp.sum(x, axis=big[0]))
    return jnp.sum(first, axis=tuple(a - 1 for a in big[1:]))
