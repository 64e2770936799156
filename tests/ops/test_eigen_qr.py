"""TF's Qr values bit for bit (Eigen's HouseholderQR order), and the orthogonal initializer."""

import numpy as np
import pytest

from scopeflow.ops.eigen_qr import exact_for, householder_qr, on_host


@pytest.mark.parametrize("shape", [(1, 1), (6, 1), (1, 6), (5, 5), (9, 4), (4, 9), (130, 20)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_qr_factorization(shape, dtype):
    a = np.random.RandomState(sum(shape)).randn(*shape).astype(dtype)
    q, r = householder_qr(a)
    p = min(shape)
    assert q.shape == (shape[0], p) and r.shape == (p, shape[1]) and q.dtype == dtype
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(q @ r, a, atol=tol * 10)
    np.testing.assert_allclose(q.T @ q, np.eye(p), atol=tol * 10)
    assert np.all(np.tril(r, -1) == 0)


def test_exact_sizes_stop_at_eigens_block_size():
    assert exact_for((200, 47), np.float32) and exact_for((3, 60, 47), np.float64)
    assert not exact_for((48, 48), np.float32) and not exact_for((5, 5), np.float16)
    # wide: R's trailing columns get Eigen's blocked update; computed here all the same
    assert not exact_for((3, 47, 60), np.float64) and on_host((3, 47, 60), np.float64)


@pytest.mark.parametrize("shape", [(7, 4), (5, 5), (3, 8)])
def test_full_matrices(shape):
    a = np.random.RandomState(1).randn(*shape)
    q, r = householder_qr(a, full_matrices=True)
    m = shape[0]
    assert q.shape == (m, m) and r.shape == shape
    np.testing.assert_allclose(q @ r, a, atol=1e-12)
    np.testing.assert_allclose(q.T @ q, np.eye(m), atol=1e-12)


# seeded orthogonal initializers and tf.linalg.qr: their float bits, under TF and scopeflow
_BITS = r"""
out = []
bits = lambda x: np.asarray(x).view(np.uint32 if x.dtype == np.float32 else np.uint64).ravel().tolist()
for dt in (tf.float32, tf.float64):
    for shape, seed in [((3, 3), 1), ((10, 4), 2), ((4, 10), 3), ((47, 47), 4), ((200, 47), 5),
                        ((5, 3, 8), 6), ((2, 2, 6, 9), 7), ((1, 5), 8), ((5, 1), 9)]:
        tf.reset_default_graph()
        v = tf.get_variable("v", shape, dt, tf.orthogonal_initializer(1.3, seed=seed, dtype=dt))
        a = tf.random_normal([3, 12, 7], seed=seed, dtype=dt)
        qr = list(tf.linalg.qr(a)) + list(tf.linalg.qr(a, full_matrices=True))
        q2, r2 = tf.linalg.qr(tf.random_normal([2, 6, 9], seed=seed, dtype=dt), True)
        with tf.Session() as s:
            s.run(v.initializer)
            out.append([bits(s.run(v))] + [bits(x) for x in s.run(qr + [q2, r2[..., :6]])])
result = out
"""


@pytest.mark.oracle
def test_orthogonal_initializer_and_qr_are_tfs_bits(oracle):
    from oracle import run_here
    here, there = run_here(_BITS), oracle(_BITS)
    assert "ok" in there, there
    assert "ok" in here, here
    for i, (mine, theirs) in enumerate(zip(here["ok"], there["ok"])):
        assert mine == theirs, i


_GRAD = r"""
a = tf.constant(np.random.RandomState(0).randn(2, 5, 4))
q, r = tf.linalg.qr(a[:, :4], full_matrices=True)  # (TF: full Q of a tall matrix has none)
q2, r2 = tf.linalg.qr(a[:, :3])
grads = [tf.gradients(tf.reduce_sum(q * 1.5) + tf.reduce_sum(r), a)[0],
         tf.gradients(tf.reduce_sum(q2 * 1.5) + tf.reduce_sum(r2 * r2), a)[0]]
with tf.Session() as s:
    result = [g.tolist() for g in s.run(grads)]
"""


@pytest.mark.oracle
def test_qr_gradients_at_tfs_values(oracle):
    from oracle import run_here
    here, there = run_here(_GRAD), oracle(_GRAD)
    assert "ok" in there, there
    assert "ok" in here, here
    np.testing.assert_allclose(here["ok"], there["ok"], rtol=1e-6, atol=1e-9)
