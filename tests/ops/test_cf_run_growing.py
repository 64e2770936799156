"""A tf.while_loop value that grows (`tf.concat` under a relaxed shape invariant) runs: the
loop runs on the host step by step (lowering/stages.py grow_on_host); TF's values, shapes."""

import pytest
from oracle import explain, run_here

FED_ROWS = """
x = tf.placeholder(tf.float32, [None, 3], name="x")
def body(i, acc):
    return i + 1, tf.concat([acc, x[i:i + 1] * 2.], 0)
_, acc = tf.while_loop(lambda i, acc: i < tf.shape(x)[0], body, [0, x[:0]],
                       shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 3])])
_, const = tf.while_loop(
    lambda i, a: i < 4,
    lambda i, a: (i + 1, tf.concat([a, tf.fill([1, 3], tf.cast(i, tf.float32))], 0)),
    [0, tf.zeros([0, 3])], shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 3])])
total = tf.reduce_sum(acc) + tf.reduce_sum(const)
with tf.Session() as s:
    out = [s.run([acc, const, total], {x: np.arange(12.).reshape(4, 3)}),
           s.run([acc, total], {x: np.ones([2, 3])}),
           s.run(acc, {x: np.ones([0, 3])}).shape]
result = [[str(acc.shape), str(const.shape)], out]
"""

# a 1-D value doubling each step, a loop counter fed, the grown value used after the loop
DOUBLING = """
n = tf.placeholder(tf.int32, [])
_, v = tf.while_loop(lambda i, v: i < n, lambda i, v: (i + 1, tf.concat([v, v + 1], 0)),
                     [0, tf.constant([1])],
                     shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
with tf.Session() as s:
    out = [s.run([v, tf.size(v), tf.reduce_max(v) * 2], {n: k}) for k in (0, 1, 3)]
result = [str(v.shape), out]
"""

# nested: the inner loop grows; the outer loop (compiled before) carries its sum
NESTED = """
def outer(j, s):
    _, r = tf.while_loop(lambda i, r: i < j, lambda i, r: (i + 1, tf.concat([r, [i]], 0)),
                         [0, tf.zeros([0], tf.int32)],
                         shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    return j + 1, s + tf.reduce_sum(r) + tf.size(r)
_, s = tf.while_loop(lambda j, s: j < 4, outer, [0, 0])
with tf.Session() as sess:
    result = sess.run(s)
"""

# the loop's input comes from a tf.data iterator (a run in host steps already): each run
# takes one element, not two
ITERATOR = """
it = tf.data.Dataset.from_tensor_slices(np.arange(12.).reshape(3, 2, 2)).make_one_shot_iterator()
x = it.get_next()
_, acc = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, tf.concat([a, x[i:i + 1]], 0)),
                       [0, x[:0]], shape_invariants=[tf.TensorShape([]),
                                                     tf.TensorShape([None, 2])])
with tf.Session() as s:
    result = [s.run(acc) for _ in range(3)]
"""


# no gradient: a slice of a size that changes per iteration is found when the body is traced
# (lower.learn_static: the loop value it reads), then the loop runs on the host; nested loops
SLICES = """
x = tf.constant(np.arange(1., 8.))
_, a = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + tf.reduce_sum(x[i:])),
                     [0, tf.constant(0., tf.float64)])
def outer(j, t):
    _, r = tf.while_loop(lambda i, r: i < j, lambda i, r: (i + 1, r + tf.reduce_sum(x[:i + j])),
                         [0, tf.constant(0., tf.float64)])
    return j + 1, t + r * tf.reduce_sum(x[j:])
_, b = tf.while_loop(lambda j, t: j < 4, outer, [1, tf.constant(0., tf.float64)])
with tf.Session() as s:
    result = s.run([a, b])
"""


@pytest.mark.oracle
@pytest.mark.parametrize("program", [FED_ROWS, DOUBLING, NESTED, ITERATOR, SLICES],
                         ids=["fed_rows", "doubling", "nested", "iterator", "slices"])
def test_growing_loop_value_matches_tf(oracle, program):
    here, there = run_here(program), oracle(program)
    assert "ok" in there, there
    assert here == there, explain(program, here, there)
