"""products_rounded: each product rounded on its own under jit, as NumPy rounds each op."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from scopeflow.lowering.lower import x64
from scopeflow.ops.rounding import _tie_bits, _tie_int, products_rounded, round_each


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


@pytest.mark.parametrize("dtype", [np.float16, jnp.bfloat16, np.float32, np.float64])
def test_tie_by_bits_is_the_float_tie_bit_for_bit(dtype):
    """The NaN test on the bits gives the float test's flags: every value, NaN payloads,
    signed zeros and subnormals alike."""
    uint = np.dtype("uint%d" % (8 * np.dtype(dtype).itemsize))
    bits = np.array([0, 1, 2, 0x3C, 0x7F, 0x80, 0xFF], uint)
    top = np.iinfo(uint).max
    bits = np.concatenate([bits, top - bits, top // 2 - bits, top // 2 + 1 + bits,
                           np.asarray(np.inf, dtype).view(uint) + bits[:4],
                           np.asarray(np.inf, dtype).view(uint) - bits[:4]])
    with x64():
        x = jnp.asarray(bits.view(dtype))
        got = np.asarray(jax.jit(lambda v: round_each(v, _tie_int))(x)).view(uint)
        want = np.asarray(jax.jit(lambda v: round_each(v, _tie_bits))(x)).view(uint)
    np.testing.assert_array_equal(got, want)
    assert np.any(got != bits)  # (NaNs among them: the tie flips their lowest bit)


def test_rounded_quotient_and_root_fuse_into_their_consumer():
    """A rounded rule's quotient and root are tied through their bits, used once: XLA fuses
    them into the update (a NaN test on the float used the quotient twice, and XLA kept
    it in a fusion of its own: Adam's update was five loops a variable, now four)."""
    rule = products_rounded(lambda var, a, b, lr: var - lr * a / jnp.sqrt(b))
    rs = np.random.RandomState(1)
    var, a, b = rs.rand(3, 64, 8).astype(np.float32)
    lr = np.float32(0.01)
    f = jax.jit(rule)
    compiled = f.lower(var=var, a=a, b=b, lr=lr).compile().as_text()
    assert compiled[compiled.index("ENTRY"):].count(" fusion(") == 1
    want = var - (lr * a) / np.sqrt(b)
    np.testing.assert_array_equal(np.asarray(f(var=var, a=a, b=b, lr=lr)), want)
