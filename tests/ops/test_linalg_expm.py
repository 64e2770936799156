"""tf.linalg.expm against real TF: the graph op by op (Padé approximants, the tf.cond over
MatrixSolve, the squaring while loop), values in float32 / float64 over norms that pick every
Padé degree and several squarings, a gradient through the loop, NaN for non-finite input,
the empty matrix and the dtype error."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
rng = np.random.RandomState(0)
x = tf.placeholder(tf.float32, [3, 3], name="x")
x64 = tf.placeholder(tf.float64, [2, None, 4, 4], name="x64")
A = rng.randn(3, 3).astype(np.float32)
B = (rng.randn(2, 6, 4, 4) * np.array([0.005, 0.1, 0.5, 1.5, 4, 30])[None, :, None, None])
def run(outs, feed):
    with tf.Session() as s:
        return [np.asarray(v).ravel().tolist() for v in s.run(outs, feed)]
"""

SNIPPETS = {
    "graph_values": """
ys = [tf.linalg.expm(x), tf.linalg.expm(x64, name="e64"), tf.linalg.expm(x * 10.)]
result = [run(ys, {x: A, x64: B}), [[y.name, y.shape.as_list() if y.shape.ndims else None]
                                    for y in ys], graph()]
""",
    "gradient_nan_errors": """
v = tf.constant(A * 0.7)
y = tf.linalg.expm(v)
g = tf.gradients(tf.reduce_sum(y * y), v)[0]
bad = tf.linalg.expm(tf.constant([[np.inf, 0.], [0., 1.]], tf.float64))
empty = tf.linalg.expm(tf.zeros([2, 0, 0]))
result = [run([y, g, bad], {}), empty.name, empty.shape.as_list(),
          err(lambda: tf.linalg.expm(tf.zeros([2, 2], tf.int32)))]
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_linalg_expm_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=1e-5), explain(code, here, there)
