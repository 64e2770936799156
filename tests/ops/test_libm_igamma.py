"""Float32 Igamma, Igammac, IgammaGradA and RandomGammaGrad against TF's kernels bit for bit
(Eigen's Cephes series and continued fraction over glibc's logf, expf and lgammaf)."""

import numpy as np
import pytest

import scopeflow.compat.v1 as tf
from oracle import assert_float32_bits_equal, run_here

PROGRAM = """
rng = np.random.default_rng(7)
n = 2500
a1 = np.exp(rng.uniform(-5, 6, n)); x1 = a1 * np.exp(rng.uniform(-3, 3, n))
a2 = np.exp(rng.uniform(-3, 3, n)); x2 = np.exp(rng.uniform(-3, 3, n))
a3 = rng.uniform(0.5, 30, n); x3 = a3 * rng.uniform(0.9, 1.1, n)  # slow convergence near a
edge_a = [0, -1, 1, 1, 0.5, np.inf, np.nan, 1, 2, 1e-40, 3, 1e30, 5, 5, 1, 100, 100, 1e4,
          1e4, 1e-8, 1, 0.5, 2, 1e-30, 50, 87, 88, 1]
edge_x = [1, 1, 0, -0., np.inf, 1, 1, np.nan, 1e-40, 1, 1e30, 1e30, 5, 5.0000005, 1e-30, 99.5,
          100.5, 1e4, 1.001e4, 1e-8, 1.0000001, 0.9999999, 1, 1e-30, 1e-3, 200, 200, 90]
a = np.concatenate([a1, a2, a3, edge_a]).astype(np.float32)
x = np.concatenate([x1, x2, x3, edge_x]).astype(np.float32)
A, X = tf.constant(a), tf.placeholder(tf.float32, [None])
outs = [tf.math.igamma(A, X), tf.math.igammac(A, X), tf.raw_ops.IgammaGradA(a=A, x=X),
        tf.raw_ops.RandomGammaGrad(alpha=A, sample=X)]
with tf.Session() as s:
    vals = s.run(outs, {X: x})
result = [v.view(np.int32).tolist() for v in vals]
"""


@pytest.mark.oracle
def test_igamma_family_is_tfs_bits(oracle):
    assert_float32_bits_equal(["Igamma", "Igammac", "IgammaGradA", "RandomGammaGrad"],
                              run_here(PROGRAM), oracle(PROGRAM))


def test_float64_and_edges():
    a = tf.constant([0.5, 2.0, -1.0, 1.0, 3.0], tf.float64)
    x = tf.constant([0.25, 3.0, 1.0, 0.0, np.inf], tf.float64)
    with tf.Session() as sess:
        p, q = sess.run([tf.math.igamma(a, x), tf.math.igammac(a, x)])
    np.testing.assert_allclose(p[:2], [0.5204998778130465, 0.8008517265285442], rtol=1e-14)
    np.testing.assert_allclose(p[:2] + q[:2], [1, 1], rtol=1e-14)
    assert np.isnan(p[2]) and np.isnan(q[2])
    assert p[3] == 0 and q[3] == 1 and p[4] == 1 and q[4] == 0


def test_half_types_refused_as_tf():
    with pytest.raises(TypeError, match="float16 not in list of allowed values: float32, "
                                        "float64"):
        tf.raw_ops.IgammaGradA(a=tf.constant(1., tf.float16), x=tf.constant(1., tf.float16))
    with pytest.raises(TypeError, match="bfloat16 not in list of allowed values"):
        tf.raw_ops.RandomGammaGrad(alpha=tf.constant(1., tf.bfloat16),
                                   sample=tf.constant(1., tf.bfloat16))
