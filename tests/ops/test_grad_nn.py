"""Tiling max-pool gradients: the position-by-position kernel gives each window's gradient to
its first maximum in row-major order, bit for bit as the cumulative-sum mask does."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from scopeflow.ops import grad_nn


def _by_mask(x, grad, ksize):
    first, _ = grad_nn._first_max(x, ksize)
    g = grad.reshape([d for s in grad.shape for d in (s, 1)])
    return jnp.where(first, g, jnp.zeros((), grad.dtype)).reshape(x.shape)


@pytest.mark.parametrize("shape,ksize", [
    ((4, 8, 6, 3), [1, 2, 2, 1]), ((4, 6, 9, 4), [1, 3, 3, 1]), ((4, 6, 9, 4), [2, 3, 1, 2]),
    ((2, 4, 6, 8, 3), [1, 2, 3, 2, 1]), ((3, 4), [1, 1])])
def test_tiled_backprop_is_first_maximum(shape, ksize):
    rng = np.random.RandomState(0)
    x = np.round(np.maximum(rng.randn(*shape), 0), 1).astype(np.float32)  # ReLU ties at 0
    x.flat[0], x.flat[5], x.flat[7] = np.nan, np.inf, -0.0
    grad = rng.randn(*[s // k for s, k in zip(shape, ksize)]).astype(np.float32)
    got = jax.jit(lambda x, g: grad_nn._tiled_backprop(x, g, ksize))(x, grad)
    want = jax.jit(lambda x, g: _by_mask(x, g, ksize))(x, grad)
    assert np.array_equal(np.asarray(got).view(np.int32), np.asarray(want).view(np.int32))


@pytest.mark.parametrize("dtype", [np.float16, np.int32, np.uint8])
def test_tiled_backprop_keeps_dtype_and_first_maximum(dtype):
    rng = np.random.RandomState(1)
    x = rng.randint(0, 3, (2, 6, 4, 3)).astype(dtype)  # many ties
    grad = rng.randint(1, 9, (2, 3, 2, 3)).astype(dtype)
    got = jax.jit(lambda x, g: grad_nn._tiled_backprop(x, g, [1, 2, 2, 1]))(x, grad)
    want = jax.jit(lambda x, g: _by_mask(x, g, [1, 2, 2, 1]))(x, grad)
    assert got.dtype == want.dtype == dtype
    assert np.asarray(got).tobytes() == np.asarray(want).tobytes()
