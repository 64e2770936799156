"""true_divide under XLA: one IEEE division per element (NumPy's quotient bit for bit), where
XLA's simplifier would multiply by a reciprocal."""

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeflow.ops.true_div import host_reciprocal, true_divide

# divisor shapes against a (rows, cols) numerator: scalar, row, column, full
_DIVISORS = [lambda r, c: (), lambda r, c: (c,), lambda r, c: (r, 1), lambda r, c: (r, c)]


def _bits(a):
    return np.asarray(a, np.float32).view(np.int32)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.sampled_from(range(4)), st.integers(0, 2**31))
def test_quotients_are_numpys_whatever_the_divisor_shape(rows, cols, which, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    y = rng.uniform(0.1, 10, _DIVISORS[which](rows, cols)).astype(np.float32)
    want = x / y
    assert np.array_equal(_bits(jax.jit(true_divide)(x, y)), _bits(want))
    # a known divisor (a constant in the program) and a chain of divisions
    assert np.array_equal(_bits(jax.jit(lambda a: true_divide(a, y))(x)), _bits(want))
    chained = jax.jit(lambda a, b: true_divide(true_divide(a, b), b + 1))(x, y)
    assert np.array_equal(_bits(chained), _bits(want / (y + np.float32(1))))


def test_divisor_behind_sqrt_or_exp_is_not_rewritten():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(1000).astype(np.float32), rng.uniform(0.5, 4, 1000)
    y = y.astype(np.float32)
    s, e = jax.jit(jnp.sqrt)(y), jax.jit(jnp.exp)(y)
    got = jax.jit(lambda a, b: (true_divide(a, jnp.sqrt(b)), true_divide(a, jnp.exp(b))))(x, y)
    assert np.array_equal(_bits(got[0]), _bits(x / np.asarray(s)))
    assert np.array_equal(_bits(got[1]), _bits(x / np.asarray(e)))


def test_broadcast_numerator_and_gradient():
    y = np.float32([2.0, 3.0, 7.0])
    assert np.array_equal(_bits(jax.jit(true_divide)(np.float32(1), y)), _bits(1 / y))
    grad = jax.grad(lambda b: jnp.sum(true_divide(np.float32(6), b)))(y)
    np.testing.assert_allclose(grad, -6 / y**2, rtol=1e-6)


def test_host_reciprocal_keeps_the_dtype():
    r = host_reciprocal(np.float32(3))
    assert r.dtype == np.float32 and r == np.float32(1) / np.float32(3)
