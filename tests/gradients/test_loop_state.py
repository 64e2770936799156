"""Gradients of while loops nested in a loop that runs on the host (one whose body writes a
dynamic_size TensorArray): the nested loops run on the host too, their stacks host stacks
(gradients/loop_state.py's record); values and training steps against TF. A nested loop in a
tf.cond of the outer body runs once per iteration whose branch takes it, outside the cond's
record (TF pushes its counter in the branch), in host-run and compiled outer loops; in a
compiled one, neither it nor the branch's ops that tf.gradients' pushes read raise or run
long in an iteration that does not take the branch."""

import pytest
from approx import assert_matches_tf

# an outer loop writing a dynamic_size TensorArray (run on the host) around `INNER`'s loop,
# the gradient of `LOSS` run with `RUN`
HEAD = (
    'x = tf.placeholder(tf.float32, [2])\n'
    'V = tf.Variable([0.5, -0.25])\n'
    'ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)\n'
    'def body(i, h, ta):\n'
    '%s'
    '    return i + 1, h, ta.write(i, h)\n'
    '_, h, ta = tf.while_loop(lambda i, h, ta: i < 3, body, (0, x, ta))\n'
    'y = ta.stack()\n'
    'loss = tf.reduce_sum(y ** 2)\n')
INIT = ('with tf.Session() as s:\n'
        '    s.run(tf.global_variables_initializer())\n')
GRAD_X_V = 'g = tf.gradients(loss, [x, V])\n' + INIT + \
    '    result = s.run([y] + g, {x: [0.3, -1.2]})\n'

PROGRAMS = {
    # a fixed inner trip count
    "inner_fixed": HEAD % (
        '    _, h = tf.while_loop(lambda j, v: j < 2,\n'
        '                         lambda j, v: (j + 1, tf.tanh(v * 1.5 + V)), (0, h))\n'
    ) + GRAD_X_V,
    "inner_maximum_iterations": HEAD % (
        '    _, h = tf.while_loop(lambda j, v: j < 10,\n'
        '                         lambda j, v: (j + 1, tf.tanh(v * 1.5 + V)), (0, h),\n'
        '                         maximum_iterations=2)\n'
    ) + GRAD_X_V,
    # the inner trip count is the outer index (none in the first iteration)
    "inner_count_outer_index": HEAD % (
        '    _, h = tf.while_loop(lambda j, v: j < i,\n'
        '                         lambda j, v: (j + 1, tf.sin(v) * V + v), (0, h))\n'
    ) + GRAD_X_V,
    # V read in both loops; the gradient of one output row only
    "variable_both_loops_part": HEAD % (
        '    h = h * V\n'
        '    _, h = tf.while_loop(lambda j, v: j < 2,\n'
        '                         lambda j, v: (j + 1, tf.tanh(v + V)), (0, h))\n'
    ) + 'g = tf.gradients(tf.reduce_sum(y[1]), [x, V])\n' + INIT +
    '    result = s.run(g, {x: [0.3, -1.2]})\n',
    # batch unknown; the inner loop writes a TensorArray made in the outer body (its handle
    # pushed and popped by the host stacks, then static in the compiled steps)
    "inner_tensor_array": HEAD.replace("[2]", "[None]") % (
        '    _, h, a = tf.while_loop(\n'
        '        lambda j, v, a: j < 2,\n'
        '        lambda j, v, a: (j + 1, tf.tanh(v * 1.5 + V), a.write(j, v)),\n'
        '        (0, h, tf.TensorArray(tf.float32, 2)))\n'
        '    h = h + tf.reduce_sum(a.stack(), 0) * 0.1\n'
    ) + GRAD_X_V,
    # three levels: host loop, loop, loop
    "two_nested_levels": HEAD % (
        '    def mid(j, v):\n'
        '        _, v = tf.while_loop(lambda k, w: k < 2,\n'
        '                             lambda k, w: (k + 1, tf.sin(w) + V), (0, v))\n'
        '        return j + 1, v * 0.7\n'
        '    _, h = tf.while_loop(lambda j, v: j < 2, mid, (0, h))\n'
    ) + GRAD_X_V,
    # three GradientDescent steps, the loss and the variable after each
    "train_three_steps": HEAD % (
        '    _, h = tf.while_loop(lambda j, v: j < 2,\n'
        '                         lambda j, v: (j + 1, tf.tanh(v * 1.5 + V)), (0, h))\n'
    ) + 'train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n' + INIT +
    '    result = [s.run([loss, train], {x: [0.3, -1.2]})[0] for _ in range(3)]'
    ' + [s.run(V)]\n',
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_nested_in_host_loop_matches_tf(oracle, name):
    assert_matches_tf(oracle, PROGRAMS[name])


# an outer loop of `n` (fed) iterations, its body a tf.cond `COND` around nested loops
# (`inner(h, f, k)`: k iterations of h = f(h)); with `TA` a dynamic_size TensorArray written per
# iteration (the loop runs on the host), else compiled; the gradients for several `n`, so both
# branches are taken
COND_HEAD = (
    'x = tf.placeholder(tf.float32, [2])\n'
    'n = tf.placeholder(tf.int32, [])\n'
    'V = tf.Variable([0.5, -0.25])\n'
    'def even(i):\n'
    '    return tf.equal(i %% 2, 0)\n'
    'def inner(h, f, k, **kw):\n'
    '    return tf.while_loop(lambda j, v: j < k, lambda j, v: (j + 1, f(v)), (0, h), **kw)[1]\n'
    'ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)\n'
    'def body(i, h, ta):\n'
    '    h = tf.cond(%s)\n'
    '    return i + 1, h, %s\n'
    '_, h, ta = tf.while_loop(lambda i, h, ta: i < n, body, (0, x, ta))\n'
    'loss = tf.reduce_sum(h ** 2)%s\n')
COND_RUN = ('g = tf.gradients(loss, [x, V])\n' + INIT +
            '    result = [s.run([h] + g, {x: [0.3, -1.2], n: k}) for k in (1, 2, 4)]\n')
TANH = 'lambda v: tf.tanh(v * x + V)'


def _cond(cond, host=True, run=COND_RUN):
    return COND_HEAD % ((cond, 'ta.write(i, h)', ' + tf.reduce_sum(ta.stack())') if host
                        else (cond, 'ta', '')) + run


COND_PROGRAMS = {
    # the shape: the loop in the true branch from the second iteration on
    "true_branch": _cond('i > 0, lambda: inner(h, lambda v: tf.tanh(v + V), 2), '
                         'lambda: h * V'),
    "false_branch": _cond('even(i), lambda: h * 0.5, lambda: inner(h, %s, 2)'
                          % TANH),
    "maximum_iterations": _cond('even(i), lambda: inner(h, %s, 10, '
                                'maximum_iterations=2), lambda: h * 0.5' % TANH),
    "both_branches": _cond('even(i), lambda: inner(h, %s, 2), '
                           'lambda: inner(h, lambda v: tf.sin(v) * V, 3)' % TANH),
    # the trip count is the outer index; two loops in a row
    "count_outer_index": _cond('~even(i), lambda: inner(h, %s, i), '
                               'lambda: h * 0.5' % TANH),
    "two_loops": _cond('~even(i), lambda: inner(inner(h, %s, 2), '
                       'lambda v: v * V, 2), lambda: h * 0.5' % TANH),
    # the cond in another cond's branch; a loop in the nested loop
    "nested_cond": _cond('i > 0, lambda: tf.cond(even(i), lambda: inner(h, %s, 2), '
                         'lambda: h * V), lambda: h * 0.5' % TANH),
    "loop_in_loop": _cond('~even(i), lambda: inner(h, lambda v: inner(v, %s, 2), 2), '
                          'lambda: h * 0.5' % TANH),
    # a host op beside it (the cond runs on the host, its taken branch step by step)
    "with_host_op": _cond('even(i), lambda: inner(h, %s, 2) + tf.reduce_sum(tf.boolean_mask('
                          'h, h > 0)), lambda: h * 0.5' % TANH),
    # three GradientDescent steps, the loss and the variable after each
    "train_three_steps": _cond(
        'even(i), lambda: inner(h, %s, 2), lambda: h * 0.5' % TANH,
        run='train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n' + INIT +
        '    result = [s.run([loss, train], {x: [0.3, -1.2], n: 3})[0] for _ in range(3)]'
        ' + [s.run(V)]\n'),
    # the outer loop compiled (no TensorArray): the nested loop ran a second time inside
    # the cond's lax.cond and pushed its values twice (wrong gradients)
    "compiled_true_branch": _cond('even(i), lambda: inner(h, %s, 2), '
                                  'lambda: h * 0.5' % TANH, host=False),
    "compiled_both_branches": _cond('even(i), lambda: inner(h, %s, 2), '
                                    'lambda: inner(h, lambda v: tf.sin(v) * V, 3)' % TANH,
                                    host=False),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(COND_PROGRAMS))
def test_nested_in_a_cond_of_a_loop_matches_tf(oracle, name):
    assert_matches_tf(oracle, COND_PROGRAMS[name])


# a compiled outer loop of `n` (fed 1, 2, 4) iterations whose body is `BODY`, a tf.cond
# around nested loops (`inner(z, f, k)`: k iterations of z = f(z)) or around ops of its own;
# the loop's value and its gradient. In a branch not taken, an index out of range (x[i] of a
# two-element x) must not raise and a nested loop must not run: tf.gradients' pushes read
# the branch's values outside the cond's lax.cond (lowering/lower.py `_run_in_branch`).
# tf.gather's gradient (IndexedSlices whose rows differ per branch) runs the loop on the host
COMPILED_HEAD = (
    'x = tf.placeholder(tf.float32, [2])\n'
    'n = tf.placeholder(tf.int32, [])\n'
    'def inner(z, f, k=2):\n'
    '    return tf.while_loop(lambda j, z: j < k, lambda j, z: (j + 1, f(z)), (0, z))[1]\n'
    'def body(i, y):\n'
    '    return i + 1, tf.cond(%s)\n'
    '_, y = tf.while_loop(lambda i, y: i < n, body, (0, tf.reduce_sum(x)))\n'
    'g = tf.gradients(y, x)[0]\n'
    'with tf.Session() as s:\n'
    '    result = [s.run([y, g], {x: [0.7, 1.3], n: k}) for k in (1, 2, 4)]\n')
GATHER = 'lambda z: z * tf.gather(x, i)'

UNTAKEN_PROGRAMS = {
    # the program; the loop in the false branch; loops in both
    "gather_true_branch": 'i < 1, lambda: inner(y, %s), lambda: y * 0.5' % GATHER,
    "gather_false_branch": 'i >= 1, lambda: y * 0.5, lambda: inner(y, %s)' % GATHER,
    "gather_both_branches": ('i < 2, lambda: inner(y, %s), lambda: inner(y, lambda z: '
                             'tf.sin(z) * tf.gather(x, i - 2))' % GATHER),
    "gather_no_inner_loop": 'i < 1, lambda: y * tf.gather(x, i), lambda: y * 0.5',
    # dense gradients: the outer loop stays compiled
    "slice_true_branch": 'i < 2, lambda: inner(y, lambda z: z * x[i]), lambda: y * 0.5',
    "slice_no_inner_loop": 'i < 2, lambda: y * x[i], lambda: y * 0.5',
    # in the branch not taken (i == 0) the nested loop would run 10**9 iterations
    "long_loop_not_taken": ('i > 0, lambda: inner(y, lambda z: tf.tanh(z * x[0]), 2 + '
                            '10 ** 9 * tf.cast(tf.equal(i, 0), tf.int32)), lambda: y * 0.5'),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(UNTAKEN_PROGRAMS))
def test_branch_not_taken_in_a_compiled_loop_matches_tf(oracle, name):
    assert_matches_tf(oracle, COMPILED_HEAD % UNTAKEN_PROGRAMS[name])
