"""products_rounded: each product rounded on its own under jit, as NumPy rounds each op."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from scopeflow.lowering.lower import x64
from scopeflow.ops.rounding import products_rounded, round_each


def _axpy(var, lr, grad, scale=1.0):
    return var - jnp.clip(lr * grad, -5.0, 5.0) * scale, var * lr + grad


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_jitted_rule_rounds_each_product(dtype):
    rs = np.random.RandomState(0)
    var, grad = rs.randn(2, 4096).astype(dtype)
    lr = dtype(0.0123)
    with x64():  # as the lowering runs kernels: float64 stays float64
        out = jax.jit(products_rounded(_axpy))(var=var, lr=lr, grad=grad, scale=2.0)
    want = (var - np.clip(lr * grad, -5.0, 5.0) * dtype(2.0), var * lr + grad)
    for got, exp in zip(out, want):
        assert got.dtype == dtype
        np.testing.assert_array_equal(np.asarray(got), exp)


def test_round_each_keeps_every_value():
    x = jnp.array([0.0, -0.0, 1.5, np.inf, -np.inf, np.nan, 1e-45], jnp.float32)
    got = np.asarray(jax.jit(round_each)(x))
    np.testing.assert_array_equal(got.view(np.uint32)[:5], np.asarray(x).view(np.uint32)[:5])
    assert np.isnan(got[5]) and got[6] == np.float32(1e-45)
    ints = jnp.arange(3)
    assert round_each(ints) is ints


def test_round_each_differentiates_as_identity():
    f = jax.grad(lambda x: jnp.sum(round_each(x * 3.0) * x))
    np.testing.assert_allclose(np.asarray(f(jnp.array([1.0, 2.0]))), [6.0, 12.0])
