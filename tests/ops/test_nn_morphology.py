"""tf.nn.dilation2d / erosion2d against real TF: the graph (Dilation2D, erosion2d's Neg /
ReverseV2 composition, TF's Dilation2DBackpropInput / Filter gradient ops), values and
gradients bit for bit (ties included: TF's first maximum), graph-time and run-time errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here, unknown_rank_matches

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
rng = np.random.RandomState(0)
X = rng.randint(-4, 5, (2, 9, 8, 3)).astype(np.float32)  # small integers: many ties
F = rng.randint(-2, 3, (3, 2, 3)).astype(np.float32)
x = tf.placeholder(tf.float32, [None, 9, 8, 3], name="x")
f = tf.constant(F, name="f")
def run(outs):
    with tf.Session() as s:
        vals = s.run(outs, {x: X})
    return [[t.name, t.shape.as_list(), np.asarray(v).ravel().tolist()]
            for t, v in zip(outs, vals)]
"""

SNIPPETS = {
    "values_and_gradients": """
outs = []
for strides, rates, padding in [([1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
                                ([1, 2, 1, 1], [1, 1, 2, 1], "SAME"),
                                ([1, 2, 3, 1], [1, 2, 1, 1], "VALID"),
                                ([1, 1, 1, 1], [1, 3, 3, 1], "SAME")]:
    d = tf.nn.dilation2d(x, f, strides, rates, padding)
    e = tf.nn.erosion2d(x * 0.5, f, strides, rates, padding)
    w = tf.constant(rng.randn(*d.shape.as_list()[1:]).astype(np.float32))
    outs += [d, e, *tf.gradients(tf.reduce_sum(d * w) + tf.reduce_sum(e), [x, f])]
xi = tf.constant(X.astype(np.int32)); fi = tf.constant(F.astype(np.int32))
outs.append(tf.nn.dilation2d(xi, fi, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"))
result = [run(outs), graph()]
""",
    "errors": """
result = [err(lambda: tf.nn.dilation2d(x, f, [1, 1, 1], [1, 1, 1, 1], "SAME")),
          err(lambda: tf.nn.dilation2d(x, tf.zeros([2, 2, 4]), [1, 1, 1, 1], [1] * 4, "SAME")),
          err(lambda: tf.nn.dilation2d(x[0], f, [1, 1, 1, 1], [1, 1, 1, 1], "SAME")),
          err(lambda: tf.nn.dilation2d(x, f[0], [1, 1, 1, 1], [1, 1, 1, 1], "SAME")),
          err(lambda: tf.nn.dilation2d(x, tf.zeros([10, 2, 3]), [1] * 4, [1] * 4, "VALID")),
          err(lambda: tf.nn.dilation2d(x, f, [1, 1, 1, 1], [1, 1, 1, 1], "FOO")),
          err(lambda: tf.nn.dilation2d(tf.zeros([1, 3, 3, 1], tf.bool),
                                       tf.zeros([1, 1, 1], tf.bool), [1] * 4, [1] * 4, "SAME")),
          err(lambda: tf.nn.erosion2d(x, f, [1, 1, 1], [1, 1, 1, 1], "SAME"))]
ph = tf.placeholder(tf.float32, [None, None, None, None])
pf = tf.placeholder(tf.float32, [None, None, None])
dd = tf.nn.dilation2d(ph, pf, [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
result.append(dd.shape.as_list() if dd.shape.ndims else None)
with tf.Session() as s:
    result.append(err(lambda: s.run(dd, {ph: np.zeros([1, 2, 2, 1]),
                                         pf: np.zeros([3, 1, 1])}).shape))
    result.append(err(lambda: s.run(dd, {ph: np.zeros([1, 2, 2, 1]),
                                         pf: np.zeros([1, 1, 2])})))
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_nn_morphology_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=0), explain(code, here, there)


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)
@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.nn.dilation2d(p, tf.ones([1, 1, 1]), [1, 1, 1, 1], [1, 1, 1, 1], "VALID")',
])
def test_unknown_rank_fed_dilation2d_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)
