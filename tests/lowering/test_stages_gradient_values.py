"""A gradient in a step after a host op (py_func) re-runs its forward ops: they keep the values
the earlier step made (carried across), so masks computed there meet the same values (sqrt of
an exact 0 on a distance matrix's diagonal gives finite gradients, as in TF)."""

import pytest
from oracle import explain, run_here

# tf_slim metric_learning's pairwise_distance, written out for both libraries
DISTANCES = """
rng = np.random.RandomState(3)
centers = rng.normal(size=(6, 4)); labels = np.repeat(np.arange(6), 4)
points = (centers[labels] + rng.normal(size=(24, 4))).astype(np.float32)
def pairwise(f):
    norms = tf.reduce_sum(tf.square(f), axis=[1], keepdims=True)
    sq = tf.maximum(tf.add(norms, tf.transpose(norms)) - 2.0 * tf.matmul(f, tf.transpose(f)),
                    0.0)
    zero = tf.less_equal(sq, 0.0)
    out = tf.sqrt(sq + tf.cast(zero, tf.float32) * 1e-16)
    out = out * tf.cast(tf.logical_not(zero), tf.float32)
    return out * (tf.ones_like(out) - tf.diag(tf.ones([tf.shape(f)[0]])))
pick = lambda dist: np.array([20, 11, 5, 12, 6, 0], np.int32)
"""

# what the py_func reads: the distances themselves, or a copy cut from the gradient
PY_FUNC = DISTANCES + """
x = tf.constant(points)
d = pairwise(x)
ids = tf.py_func(pick, [%s], tf.int32)
g = tf.gradients(tf.reduce_sum(tf.reduce_min(tf.gather(d, ids), axis=0)), x)[0]
with tf.Session() as s:
    result = np.round(s.run(g), 4)
"""

# a variable, two training steps, the loss fetched with the gradient
VARIABLE_STEPS = DISTANCES + """
x = tf.Variable(points)
d = pairwise(x)
ids = tf.py_func(pick, [d], tf.int32)
loss = tf.reduce_sum(tf.reduce_min(tf.gather(d, ids), axis=0))
step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    seen = [s.run([loss, step])[0] for _ in range(2)]
    result = [np.round(seen, 4), np.round(s.run(x), 4)]
"""

# no host op: the same values in one compiled program
PLACEHOLDER = DISTANCES + """
x = tf.constant(points)
d = pairwise(x)
ids = tf.placeholder(tf.int32, [6])
g = tf.gradients(tf.reduce_sum(tf.reduce_min(tf.gather(d, ids), axis=0)), x)[0]
with tf.Session() as s:
    result = np.round(s.run(g, {ids: pick(None)}), 4)
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [PY_FUNC % "d", PY_FUNC % "tf.stop_gradient(d) * 1.0", VARIABLE_STEPS, PLACEHOLDER],
                         ids=["py_func", "py_func_of_copy", "variable_steps", "placeholder"])
def test_gradients_after_a_host_op_match_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert "nan" not in str(here), explain(code, here, there)
    assert here == there, explain(code, here, there)
