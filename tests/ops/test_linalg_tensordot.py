"""tf.tensordot with dims known only at run time (and tf.layers.dense on rank >= 3 inputs,
which calls it) builds TF's subgraph op for op: Shape, GatherV2, Prod, transpose, Reshape,
MatMul, the final Reshape (ListDiff when even the rank is unknown); graphs and values vs TF."""

import pytest
from oracle import ORACLE_HELPERS, explain, run_here, snippet_matches

PROGRAM = ORACLE_HELPERS + """
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [None, 4, 3])
y = tf.layers.dense(x, 5, activation=tf.nn.relu)
x2 = tf.placeholder(tf.float32, [2, None, 4, 3])
y2 = tf.layers.dense(x2, 2, use_bias=False)
x3 = tf.placeholder(tf.float32, None)
d = tf.layers.Dense(2)
d.build(tf.TensorShape([None, 3]))
y3 = d(x3)
u = tf.placeholder(tf.float32, None)
t1 = tf.tensordot(u, tf.ones([3, 2]), 1)
t2 = tf.tensordot(u, tf.ones([3, 2]), [[-1], [0]])
t3 = tf.tensordot(tf.placeholder(tf.float32, [None, 3, 4]), tf.ones([4, 3, 2]), [[1, 2], [1, 0]])
t4 = tf.tensordot(tf.ones([2, 3]), tf.placeholder(tf.float32, [3, None]), 1)
feed = {x: np.cos(np.arange(24.0)).reshape(2, 4, 3), x2: np.sin(np.arange(72.0)).reshape(2, 3, 4, 3),
        x3: np.ones([2, 2, 3]), u: np.cos(np.arange(12.0)).reshape(2, 2, 3)}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    v = s.run([y, y2, y3, t1, t2], feed)
result = [graph(), [t.shape for t in (y, y2, y3, t1, t2, t3, t4)], v]
"""


@pytest.mark.oracle
def test_dynamic_tensordot_and_dense_are_tfs(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert here == there, explain(PROGRAM, here, there)


@pytest.mark.oracle
@pytest.mark.parametrize("code", [
    "r = tf.tensordot(tf.constant(2.), tf.zeros([3]), 1)",
    "r = tf.tensordot(tf.zeros([2, 3]), tf.zeros([3, 2, 3]), 3)",
    "r = tf.tensordot(tf.zeros([2, 3]), tf.zeros([3]), -1)",
    "result = tf.tensordot(tf.constant(2.), tf.ones([3]), 0).shape",
])
def test_integer_axes_past_the_rank_fail_as_tf(oracle, code):
    snippet_matches(oracle, code)
