"""Gradients through a tf.while_loop whose values grow (a shape invariant with None dims,
`tf.concat` adding to a loop value each iteration): the forward loop and its gradient loop run
on the host (gradients/loop_state.py `record`, lowering/stages.py `may_grow`), each iteration
its own shapes; so do loops growing by tf.pad and loops whose body slices a size that changes
per iteration (`x[i:]`). Values and gradients against TF."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAMS = {
    # a vector growing by one element computed from its last one
    "vector": (
        "x = tf.placeholder(tf.float32, [2])\n"
        "w = tf.constant(3.0)\n"
        "def body(i, v):\n"
        "    return i + 1, tf.concat([v, v[-1:] * w + x[:1]], 0)\n"
        "_, out = tf.while_loop(lambda i, v: i < 3, body, [0, x],\n"
        "                       shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])\n"
        "loss = tf.reduce_sum(out * out)\n"
        "g = tf.gradients(loss, [x, w])\n"
        "with tf.Session() as s:\n"
        "    result = [s.run([out, loss] + g, {x: [1.5, 2.0]}), s.run(g, {x: [-1., 0.5]})]"),
    # rows of a variable appended under a fed trip count (0: no iteration), a training step
    "rows_fed_count": (
        "w = tf.Variable([[1., 2.], [3., -1.]])\n"
        "n = tf.placeholder(tf.int32, [])\n"
        "def body(i, acc):\n"
        "    row = tf.tanh(acc[-1:] * w[i % 2:i % 2 + 1] + 0.1)\n"
        "    return i + 1, tf.concat([acc, row], 0)\n"
        "_, acc = tf.while_loop(lambda i, a: i < n, body, [0, w[:1] * 2.],\n"
        "                       shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 2])])\n"
        "loss = tf.reduce_sum(acc * acc)\n"
        "g = tf.gradients(loss, w)[0]\n"
        "train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
        "with tf.Session() as s:\n"
        "    s.run(tf.global_variables_initializer())\n"
        "    r = [s.run([acc, g], {n: k}) for k in (0, 1, 4)]\n"
        "    s.run(train, {n: 3})\n"
        "    result = r + [s.run(w)]"),
    # the value enters with an unknown length: its body's concat grows it
    "unknown_length": (
        "x = tf.placeholder(tf.float32, [None])\n"
        "def body(i, v):\n"
        "    return i + 1, tf.concat([v, tf.tanh(v[-2:]) * v[:1]], 0)\n"
        "_, out = tf.while_loop(lambda i, v: i < 3, body, [0, x],\n"
        "                       shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])\n"
        "g = tf.gradients(tf.reduce_sum(out * out), x)\n"
        "with tf.Session() as s:\n"
        "    result = [s.run([out, g], {x: [1.5, 2.0, -0.5]}), s.run(g, {x: [0.5, 1.]})]"),
    # a value growing next to one that keeps its shape
    "two_values": (
        "x = tf.placeholder(tf.float32, [3])\n"
        "def body(i, v, s):\n"
        "    return i + 1, tf.concat([v, tf.sin(v[:1]) * s], 0), s * 1.5 + tf.reduce_sum(v)\n"
        "_, v, s = tf.while_loop(lambda i, v, s: i < 2, body, [0, x, tf.constant(0.5)],\n"
        "                        shape_invariants=[tf.TensorShape([]), tf.TensorShape([None]),\n"
        "                                          tf.TensorShape([])])\n"
        "g = tf.gradients(tf.reduce_sum(v) * s, x)\n"
        "with tf.Session() as sess:\n"
        "    result = sess.run([v, s, g], {x: [0.5, -1., 2.]})"),
    # a fed [None] start grown by tf.pad each iteration (detected as a concat is)
    "pad_unknown_length": (
        "x = tf.placeholder(tf.float64, [None])\n"
        "_, out = tf.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, tf.pad(tf.sin(s) * 2.,"
        " [[1, 0]], constant_values=1.)), [0, x])\n"
        "g = tf.gradients(tf.reduce_sum(out * out), x)\n"
        "with tf.Session() as s:\n"
        "    result = [str(out.shape), s.run([out, g], {x: [1.5, -2., 3.]}), s.run(g, {x: [.5]})]"),
}

# slices whose size changes per iteration (x[i:], x[:i], x[i:2 * i], tf.slice(x, [i], [-1]),
# tf.range(i)): the loop runs on the host, each iteration compiled with its own sizes
SLICE_BODIES = {
    "from_i": "s + tf.reduce_sum(x[i:] * x[i:])",
    "to_i": "s + tf.reduce_sum(tf.sin(x[:i]) * 2.)",
    "i_to_2i_strided": "s + tf.reduce_sum(tf.square(x[i:i + i])) * tf.reduce_sum(x[i::2])",
    "negative": "s + tf.reduce_sum(x[:-i - 1]) * tf.reduce_sum(x[-i - 1:])",
    "tf_slice": "s + tf.reduce_sum(tf.square(tf.slice(x, [i], [-1])))",
    "range": "s + tf.reduce_sum(tf.cast(tf.range(i), tf.float64) * x[:i])",
    "padded": "s + tf.pad(x[i:] * x[i:], [[i, 0]])",
}
for _name, _next in SLICE_BODIES.items():
    PROGRAMS["slice_" + _name] = (
        "x = tf.placeholder(tf.float64, [7])\n"
        "s0 = tf.zeros([7], tf.float64) if %r == 'padded' else tf.constant(0., tf.float64)\n"
        "_, out = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, %s), [0, s0])\n"
        "g = tf.gradients(tf.reduce_sum(out * out), x)\n"
        "with tf.Session() as s:\n"
        "    result = [s.run([out, g], {x: np.arange(1., 8.) / 3.}), s.run(g, {x: -np.ones(7)})]"
        % (_name, _next))
PROGRAMS["slice_concat"] = (
    "x = tf.placeholder(tf.float64, [None])\n"
    "_, out = tf.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, tf.concat([s, x[i:i * 2]"
    " * 2.], 0)), [0, x[:0]], shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])\n"
    "g = tf.gradients(tf.reduce_sum(tf.sin(out)), x)\n"
    "with tf.Session() as s:\n"
    "    result = [s.run([out, g], {x: np.arange(1., 8.)}), s.run([out, g], {x: np.ones(9)})]")


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_growing_loop_gradient_matches_tf(oracle, name):
    code = PROGRAMS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
