"""Unary math ops' values against TF's CPU kernels, bit for bit where TF's are reproducible."""

import pytest

from oracle import run_here

# tf.math.rsqrt (and what is built on it: tf.nn.batch_normalization, layer norm) is Eigen's
# approximation on x86 (ops/eigen_rsqrt.py); a third of XLA's correctly rounded values differ
RSQRT = """
rs = np.random.RandomState(3)
x = tf.placeholder(tf.float32, [None])
y = tf.math.rsqrt(x)
v = tf.Variable(np.float32([0.5, 2.0, 3.0]))
g = tf.gradients(tf.reduce_sum(tf.math.rsqrt(v)), v)[0]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [np.asarray(s.run(y, {x: np.exp(rs.uniform(-40, 40, n)).astype(np.float32)}),
                         np.float32).view(np.uint32).tolist() for n in (5, 8, 37, 1000)]
    result.append(np.asarray(s.run(g), np.float32).view(np.uint32).tolist())
"""


@pytest.mark.oracle
def test_rsqrt_equals_tf_bit_for_bit(oracle):
    assert run_here(RSQRT) == oracle(RSQRT)
