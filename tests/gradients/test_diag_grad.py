"""Gradients of Diag, DiagPart and MatrixBandPart (and the V3 diagonal ops they meet): TF's
graph (names, types, inputs) and values, for static, fed and tensor bands."""

import pytest
from approx import agree, explain
from oracle import run_here

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
    code = (
        "x = tf.constant(np.arange(36.0).reshape(6, 6).astype(np.%s) / 10.0)\n"
        "lower = tf.placeholder(tf.int32, [])\n%s\n"
        "g = tf.gradients(tf.reduce_sum(tf.sin(y)), x)\n"
        "ops = [[o.name, o.type, [i.name for i in o.inputs]]\n"
        "       for o in tf.get_default_graph().get_operations() if '_grad' in o.name]\n"
        "with tf.Session() as s:\n"
        "    result = [ops, s.run(g, {lower: 2})[0].tolist()]\n" % (dtype, case))
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
