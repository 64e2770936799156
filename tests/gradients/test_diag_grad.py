"""Gradients of Diag, DiagPart and MatrixBandPart (and the V3 diagonal ops they meet): TF's
graph (names, types, inputs) and values, for static, fed and tensor bands."""

import pytest
from approx import check_grad_graph

CASES = [
    "y = tf.linalg.tensor_diag(x[0])",
    "y = tf.linalg.tensor_diag_part(tf.reshape(x, [3, 2, 3, 2]))",
    "y = tf.linalg.band_part(x, 1, 0)",
    "y = tf.linalg.band_part(x, 0, -1) + tf.linalg.band_part(x, -1, 0)",
    "y = tf.linalg.band_part(x, tf.constant(1, tf.int64), tf.size(x, out_type=tf.int64) - 34)",
    "y = tf.linalg.band_part(x, lower, 1)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES)
def test_diag_gradients_match_tf(oracle, case, dtype):
    check_grad_graph(oracle, (
        "def build(dt):\n"
        "    x = tf.constant(np.arange(36.0).reshape(6, 6) / 10.0, dt)\n"
        "    lower = tf.placeholder(tf.int32, [])\n"
        "    %s\n"
        "    return tf.reduce_sum(tf.sin(y)), x, {lower: 2}\n"
        "result = grad_graph(build, (tf.%s,))\n" % (case, dtype)))
