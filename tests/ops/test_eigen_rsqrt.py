"""eigen_rsqrt: TF's float32 rsqrt bit for bit (its CPU kernels' vectorized approximation and
their scalar tail), compared with tf.math.rsqrt, which runs the same Eigen function."""

import jax
import numpy as np
import pytest

from scopeflow.ops.eigen_rsqrt import eigen_rsqrt

SPECIALS = [0.0, -0.0, 1e-40, -1e-40, 1.1754944e-38, 1.1754942e-38, np.inf, -np.inf, np.nan,
            -1.0, 3.4028235e38, 1e-45, 1.0, 2.0, 4.0, 0.25]

CODE = """
x = np.array(%s, np.float32)
result = [np.asarray(sess_run(tf.math.rsqrt(x[:n]))).view(np.uint32).tolist() for n in SIZES]
"""


def _inputs():
    rs = np.random.RandomState(0)
    random = np.exp(rs.uniform(-80, 80, 20000)).astype(np.float32)
    # every special in the vectorized stretch (twice over) and in the scalar tail
    return np.concatenate([np.tile(np.float32(SPECIALS), 2), random, np.float32(SPECIALS)])


SIZES = [1, 7, 9, 15, 16, 17, 20032, 20048]


@pytest.mark.oracle
def test_equals_tf_rsqrt_bit_for_bit(oracle):
    x = _inputs()
    code = CODE % repr(x.tolist()).replace("nan", "np.nan").replace("inf", "np.inf")
    code = code.replace("SIZES", repr(SIZES))
    there = oracle("sess_run = tf.Session().run\n" + code)
    assert "ok" in there, there
    f = jax.jit(eigen_rsqrt)
    for n, want in zip(SIZES, there["ok"]):
        got = np.asarray(f(x[:n])).view(np.uint32)
        want = np.array(want, np.uint32)
        nan = np.isnan(want.view(np.float32)) & np.isnan(got.view(np.float32))
        assert np.array_equal(got[~nan], want[~nan]), (n, np.nonzero(got != want)[0][:10])


def test_differs_from_correctly_rounded_rsqrt():
    # the approximation is TF's, not 1 / sqrt(x) rounded once: a third of values differ
    x = np.exp(np.random.RandomState(1).uniform(-20, 20, 4096)).astype(np.float32)
    exact = (1 / np.sqrt(x.astype(np.float64))).astype(np.float32)
    got = np.asarray(jax.jit(eigen_rsqrt)(x))
    assert 0.2 < np.mean(got != exact) < 0.5
    np.testing.assert_allclose(got, exact, rtol=3e-7)


def test_amd_table_scales_by_the_exponent():
    """AMD's approximation for x * 4**k is the table's for x in [1, 4) with its exponent
    lowered by k (exact power-of-two scaling), for every k a normal float allows."""
    import jax.numpy as jnp
    import numpy as np

    from scopeflow.ops.eigen_rsqrt import _amd_approximation, _amd_table
    rng = np.random.RandomState(0)
    base = np.float32(rng.uniform(1, 4, 64))
    table = _amd_table()
    want_bits = table[((base >= 2).astype(np.uint32) << 12)
                      | ((base.view(np.uint32) >> 11) & 0xFFF)]
    want = want_bits.view(np.float32)
    for k in range(-63, 64):
        x = base * np.float32(4.0) ** k
        got = np.asarray(_amd_approximation(jnp.asarray(x, jnp.float32)))
        np.testing.assert_array_equal(got, want * np.float32(2.0) ** -k)
