"""A tf.cond whose branches give values of different shapes (TF allows it: the Merge's shape
is their common relaxation) runs with its predicate compiled in when that is fed or computed
before the cond, so only the taken branch is traced; vs TF."""

import pytest
from oracle import explain, run_here

PROGRAM = """p = tf.placeholder(tf.bool, [])
x = tf.placeholder(tf.float32, [None, 3])
r = tf.cond(p, lambda: tf.reduce_mean(x, 0, keepdims=True), lambda: x * 2.0)
q = tf.placeholder(tf.float32, [])
s2 = tf.cond(q > 0.5, lambda: tf.zeros([2]), lambda: tf.ones([3])) + 1.0
v = tf.Variable(True)
w = tf.cond(v, lambda: tf.range(4), lambda: tf.range(2))
feed = np.arange(6.0).reshape(2, 3)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    out = [s.run(r, {p: b, x: feed}) for b in (True, False, True)]
    out += [s.run(s2, {q: f}) for f in (1.0, 0.0)]
    out.append(s.run(w))
    s.run(v.assign(False))
    out.append(s.run(w))
result = [[r.shape, s2.shape, w.shape], out]"""


@pytest.mark.oracle
def test_branches_of_different_shapes_run_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert here == there, explain(PROGRAM, here, there)
