"""eigen_softmax: TF's float32 LogSoftmax and (sparse) softmax cross-entropy kernels bit for
bit, compared with TF through the same TF1 program; their derivatives stay the smooth
formulas'."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from scopeflow.lowering.lower import x64
from scopeflow.ops import eigen_reciprocal, nn_jax
from scopeflow.ops.eigen_softmax import log_softmax
from tests.oracle import bit_mismatches, run_here

SHAPES = [(64, 10), (7, 13), (3, 8), (1, 1), (5, 3), (33, 100), (1, 17), (9, 1000)]

CODE = """
rs = np.random.RandomState(0)
p = tf.placeholder(tf.float32, [None, None])
labels = tf.placeholder(tf.int64, [None])
soft = tf.placeholder(tf.float32, [None, None])
sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=p)
dense = tf.nn.softmax_cross_entropy_with_logits_v2(labels=soft, logits=p)
ys = [tf.nn.log_softmax(p), sparse, dense,
      tf.gradients(sparse, p)[0], tf.gradients(dense, p)[0]]
result = []
with tf.Session() as s:
    for shape in %r:
        x = (rs.randn(*shape) * 3).astype(np.float32)
        x[0, 0] = 30.0  # a row predicted with near certainty
        y = rs.uniform(0, 1, shape).astype(np.float32)
        feed = {p: x, labels: rs.randint(0, shape[1], shape[0]),
                soft: y / y.sum(1, keepdims=True)}
        result.append([np.asarray(v).view(np.uint32).tolist() for v in s.run(ys, feed)])
"""


@pytest.mark.oracle
def test_softmax_kernels_equal_tf_bit_for_bit(oracle):
    there, here = oracle(CODE % SHAPES), run_here(CODE % SHAPES)
    assert "ok" in there and "ok" in here, (there, here)
    names = ["log_softmax", "sparse loss", "loss", "sparse grad", "grad"]
    for shape, want_n, got_n in zip(SHAPES, there["ok"], here["ok"]):
        for name, want, got in zip(names, want_n, got_n):
            assert bit_mismatches(np.uint32(got), np.uint32(want)).size == 0, (name, shape)


SOFTMAX = """
rs = np.random.RandomState(1)
p = tf.placeholder(tf.float32, [None, None])
q = tf.placeholder(tf.float32, [None, None, None])
result = []
with tf.Session() as s:
    for shape in %r:
        x = (rs.randn(*shape) * 3).astype(np.float32)
        x[0, 0] = 30.0
        result.append(s.run(tf.nn.softmax(p), {p: x}).view(np.uint32).tolist())
    x = rs.randn(4, 3, 6).astype(np.float32)
    result.append(s.run(tf.nn.softmax(q), {q: x}).view(np.uint32).tolist())
    result.append(s.run(tf.nn.softmax(q, axis=1), {q: x}).view(np.uint32).tolist())
"""


@pytest.mark.skipif(not eigen_reciprocal.modelled(),
                    reason="Softmax's reciprocals are this host's vrcpps, not measured here")
@pytest.mark.oracle
def test_softmax_equals_tfs_eigen_kernel_bit_for_bit(eigen_oracle):
    """Softmax as TF computes it with its Eigen kernel (its default without AVX-512; TF's
    oneDNN softmax rounds otherwise, and differs from XLA's as much)."""
    code = SOFTMAX % SHAPES
    there, here = eigen_oracle(code), run_here(code)
    assert "ok" in there and "ok" in here, (there, here)
    for i, (want, got) in enumerate(zip(there["ok"], here["ok"])):
        assert bit_mismatches(np.uint32(got), np.uint32(want)).size == 0, i


def test_derivatives_are_the_smooth_formulas():
    x = np.float32([[1.0, 2.0, 3.5], [0.5, -1.0, 2.0]])
    t = np.float32([[0.1, -0.2, 0.3], [1.0, 0.0, -1.0]])
    from scopeflow.ops.nn import _LOG_SOFTMAX, _softmax_f32
    with x64():
        for ours, smooth in [(_LOG_SOFTMAX, nn_jax.log_softmax), (_softmax_f32, nn_jax.softmax)]:
            _, got = jax.jvp(ours, (x,), (t,))
            _, want = jax.jvp(smooth, (x,), (t,))
            np.testing.assert_allclose(got, want, rtol=1e-6)
            g = jax.grad(lambda v: jnp.sum(ours(v) * t))(x)
            np.testing.assert_allclose(g, jax.grad(lambda v: jnp.sum(smooth(v) * t))(x),
                                       rtol=1e-6)


def test_values_near_the_smooth_formulas():
    x = (np.random.RandomState(2).randn(16, 24) * 5).astype(np.float32)
    with x64():
        np.testing.assert_allclose(jax.jit(log_softmax)(x), nn_jax.log_softmax(x),
                                   rtol=1e-6, atol=1e-6)
