"""Gradients through a tf.while_loop whose body holds a data-dependent host op (tf.boolean_mask,
tf.unique + gather, one-argument tf.where, tf.py_func behind tf.stop_gradient, a nested loop):
the forward loop and its gradient loop run on the host, the stacks between them as host
values (ops/host_stacks.py); values and training steps against TF."""

import pytest
from approx import agree, explain
from oracle import run_here

RUN = ("with tf.Session() as s:\n"
       "    s.run(tf.global_variables_initializer())\n")

PROGRAMS = {
    # boolean_mask of the loop value: a mask of another size each iteration and each run
    "boolean_mask": (
        "x = tf.placeholder(tf.float32, [2, 3])\n"
        "def body(i, a):\n"
        "    return i + 1, a * 1.5 + tf.reduce_sum(tf.boolean_mask(a, a > 2.) ** 2) * 0.1\n"
        "_, y = tf.while_loop(lambda i, a: i < 3, body, [0, x])\n"
        "g = tf.gradients(tf.reduce_sum(y * y), x)\n"
        "with tf.Session() as s:\n"
        "    result = [s.run([y, g], {x: [[1., 2., 3.], [-1., 4., 0.5]]}),"
        " s.run(g, {x: [[3., 3., 3.], [3., 3., 3.]]}), s.run(g, {x: [[0., 0., 0.], [0., 0., 0.]]})]"),
    # unique + gather of a variable: an IndexedSlices gradient accumulated over iterations;
    # two training steps
    "unique_gather": (
        "w = tf.Variable([[1., 2.], [3., -1.], [0.5, 0.5], [2., 1.]])\n"
        "ids = tf.placeholder(tf.int32, [None])\n"
        "def body(i, a):\n"
        "    u, _ = tf.unique(ids + i)\n"
        "    rows = tf.gather(w, tf.minimum(u, 3))\n"
        "    return i + 1, a + tf.reduce_sum(tf.tanh(rows * a), 0)\n"
        "_, y = tf.while_loop(lambda i, a: i < 3, body, [0, tf.ones([2])])\n"
        "loss = tf.reduce_sum(y * y)\n"
        "g = tf.gradients(loss, [w])\n"
        "train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n" + RUN +
        "    r = [s.run([y, tf.convert_to_tensor(g[0])], {ids: [0, 1, 1, 0]})]\n"
        "    s.run(train, {ids: [2, 2, 0]}); s.run(train, {ids: [1]})\n"
        "    result = r + [s.run(w)]"),
    # py_func whose result reaches the loss only through stop_gradient
    "py_func_stop_gradient": (
        "x = tf.placeholder(tf.float32, [3])\n"
        "def body(i, a):\n"
        "    k = tf.py_func(lambda v: np.float32(np.abs(v).max()), [a], tf.float32)\n"
        "    k.set_shape([])\n"
        "    return i + 1, tf.sin(a) * tf.stop_gradient(k) + a\n"
        "_, y = tf.while_loop(lambda i, a: i < 4, body, [0, x])\n"
        "g = tf.gradients(tf.reduce_sum(y), x)\n"
        "with tf.Session() as s:\n"
        "    result = s.run([y, g], {x: [0.5, -1., 2.]})"),
    # one-argument where + scatter_nd, a fed trip count (none, and more than the data has)
    "where_fed_count": (
        "x = tf.placeholder(tf.float32, [None])\n"
        "n = tf.placeholder(tf.int32, [])\n"
        "def body(i, a):\n"
        "    idx = tf.where(a > 0.)[:, 0]\n"
        "    upd = tf.gather(a, idx) ** 2\n"
        "    return i + 1, a - 0.3 * tf.scatter_nd(idx[:, None], upd,"
        " tf.shape(a, out_type=tf.int64))\n"
        "_, y = tf.while_loop(lambda i, a: i < n, body, [0, x])\n"
        "g = tf.gradients(tf.reduce_sum(y * y), x)\n"
        "with tf.Session() as s:\n"
        "    result = [s.run([y, g], {x: [1., -2., 0.5, 2.], n: 3}), s.run(g, {x: [1.], n: 0}),"
        " s.run(g, {x: [0.2, 0.4], n: 5})]"),
    # a masking loop inside a loop: the inner trip counts pushed by the outer loop
    "nested": (
        "x = tf.placeholder(tf.float32, [4])\n"
        "def inner(j, b):\n"
        "    return j + 1, b * 0.9 + tf.reduce_mean(tf.boolean_mask(b, b > 0.))\n"
        "def outer(i, a):\n"
        "    _, b = tf.while_loop(lambda j, b: j < 2, inner, [0, a])\n"
        "    return i + 1, tf.tanh(b) + a\n"
        "_, y = tf.while_loop(lambda i, a: i < 3, outer, [0, x])\n"
        "g = tf.gradients(tf.reduce_sum(y * y), x)\n"
        "with tf.Session() as s:\n"
        "    result = s.run([y, g], {x: [1., -0.5, 0.3, 2.]})"),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_gradient_through_host_loop_matches_tf(oracle, name):
    code = PROGRAMS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)


def test_host_loop_stacks_run_on_host():
    """The stacks between a host-run loop and its gradient loop are host ops; a compiled
    loop's stay compiled."""
    import scopeflow.compat.v1 as tf
    from scopeflow.lowering.stages import is_host_op
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3])
        _, y = tf.while_loop(lambda i, a: i < 2, lambda i, a: (
            i + 1, a * tf.reduce_sum(tf.boolean_mask(a, a > 0.))), [0, x])
        _, z = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, tf.sin(a)), [0, x])
        tf.gradients(y + z, x)
        stacks = [op for op in g.get_operations() if op.type.startswith("Stack")]
    host = {op.name.split("/")[1] for op in stacks if is_host_op(op)}  # gradients/while/...
    compiled = {op.name.split("/")[1] for op in stacks if not is_host_op(op)}
    assert host == {"while"} and compiled == {"while_1"}
