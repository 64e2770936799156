"""Gradient stacks of conds nested in a loop run on the host (its body writes a dynamic_size
TensorArray): a push in a cond branch runs as a host step (stages.BranchValue) on the value
its Switch ops pass on, which an earlier compiled step of the iteration must hand on, also
where the branch's own Switch output is what the compiled ops read. Values and training
steps against TF, batch unknown."""

import pytest
from approx import assert_matches_tf

# a loop of conds around a nested cond whose true branch reads e, its false branch `%s`
PROGRAM = (
    'x = tf.placeholder(tf.float32, [None])\n'
    'V = tf.Variable([0.5, -0.25])\n'
    'ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)\n'
    'def body(i, h, ta):\n'
    '    def outer():\n'
    '        e = tf.sin(h) * 2. + V\n'
    '        return tf.cond(i > 0, lambda: tf.tanh(e / (2. + V * V)),\n'
    '                       lambda: %s)\n'
    '    h = tf.cond(i < 2, outer, lambda: h * 1.5)\n'
    '    return i + 1, h, ta.write(i, h)\n'
    '_, h, ta = tf.while_loop(lambda i, h, ta: i < 4, body, (0, x, ta))\n'
    'y = ta.stack()\n'
    'loss = tf.reduce_sum(y * y)\n')
GRADS = ('g = tf.gradients(loss, [x, V])\n'
         'with tf.Session() as s:\n'
         '    s.run(tf.global_variables_initializer())\n'
         '    result = s.run([y] + g, {x: [0.3, -1.2]})\n')
TRAIN = ('train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)\n'
         'with tf.Session() as s:\n'
         '    s.run(tf.global_variables_initializer())\n'
         '    feed, result = {x: [0.3, -1.2]}, []\n'
         '    for _ in range(3):\n'
         '        result.append(s.run(loss, feed)); s.run(train, feed)\n'
         '    result.append(s.run(V))\n')


@pytest.mark.oracle
@pytest.mark.parametrize("false_branch, run", [
    ("tf.sin(h * V)", GRADS), ("e * h", GRADS), ("tf.sin(h * V)", TRAIN)])
def test_cond_stacks_in_host_loop_match_tf(oracle, false_branch, run):
    assert_matches_tf(oracle, PROGRAM % false_branch + run)
