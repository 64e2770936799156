"""TensorArrays of strings (write, read, stack, unstack, gather, scatter, split, concat, in and
out of while loops and tf.map_fn) and clear_after_read (a second read of an index is TF's
InvalidArgumentError; clear_after_read=False allows it), against TF."""

import re

import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAMS = [
    ("ta = tf.TensorArray(tf.string, size=3)\n"
     "ta = ta.write(0, 'a').write(1, 'bc').write(2, '')\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(ta.read(1)), s.run(ta.stack()), s.run(ta.gather([2, 0])),"
     " s.run(ta.size())]"),
    ("ta = tf.TensorArray(tf.string, size=0, dynamic_size=True)\n"
     "ta = ta.unstack(tf.constant(['x', 'yy', 'zzz']))\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(ta.stack()), s.run(ta.read(2)), s.run(ta.size())]"),
    ("ta = tf.TensorArray(tf.string, size=3).scatter([2, 0, 1], tf.constant(['c', 'a', 'b']))\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(ta.gather([1, 2])), s.run(ta.stack())]"),
    ("ta = tf.TensorArray(tf.string, size=2, element_shape=[2])\n"
     "ta = ta.split(tf.constant(['a', 'b', 'c', 'd']), [2, 2])\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(ta.concat()), s.run(ta.read(1))]"),
    # written in a while loop
    ("words = tf.constant(['a', 'b', 'c'])\n"
     "ta = tf.TensorArray(tf.string, size=3)\n"
     "def body(i, ta):\n"
     "    return i + 1, ta.write(i, tf.strings.join([words[i], '!']))\n"
     "_, ta = tf.while_loop(lambda i, ta: i < 3, body, [0, ta])\n"
     "with tf.Session() as s:\n"
     "    result = s.run(ta.stack())"),
    # read in a while loop with a string loop value, fed arrays of new sizes
    ("p = tf.placeholder(tf.string, [None])\n"
     "ta = tf.TensorArray(tf.string, size=0, dynamic_size=True).unstack(p)\n"
     "def body(i, acc):\n"
     "    return i + 1, tf.strings.join([acc, ta.read(i)])\n"
     "_, out = tf.while_loop(lambda i, acc: i < ta.size(), body, [0, tf.constant('')])\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(out, {p: ['x', 'y', 'z']}), s.run(out, {p: ['q']})]"),
    # tf.map_fn over strings, and making strings
    ("words = tf.placeholder(tf.string, [None])\n"
     "out = tf.map_fn(lambda w: tf.strings.join([w, w]), words)\n"
     "lens = tf.map_fn(lambda w: tf.strings.length(w), words, dtype=tf.int32)\n"
     "with tf.Session() as s:\n"
     "    result = [s.run([out, lens], {words: ['a', 'bc']}), s.run(out, {words: ['xyz']})]"),
    ("out = tf.map_fn(lambda v: tf.strings.as_string(v * 2), tf.constant([1, 2, 3]),"
     " dtype=tf.string)\n"
     "with tf.Session() as s:\n"
     "    result = s.run(out)"),
    # clear_after_read: a second read of an index, a stack after a read, in a loop
    ("ta = tf.TensorArray(tf.float32, size=2).write(0, 1.).write(1, 2.)\n"
     "r = ta.read(0)\n"
     "with tf.control_dependencies([r]):\n"
     "    r2 = ta.read(0)\n"
     "with tf.Session() as s:\n"
     "    result = [err(lambda: s.run(r2)), s.run(r), s.run(ta.read(1))]"),
    ("ta = tf.TensorArray(tf.string, size=2).write(0, 'p').write(1, 'q')\n"
     "r = ta.read(1)\n"
     "with tf.control_dependencies([r]):\n"
     "    r2 = ta.stack()\n"
     "with tf.Session() as s:\n"
     "    result = [err(lambda: s.run(r2)), s.run(ta.stack())]"),
    ("ta = tf.TensorArray(tf.float32, size=3).write(0, 1.).write(1, 2.).write(2, 3.)\n"
     "def body(i, ta, acc):\n"
     "    return i + 1, ta, acc + ta.read(0)\n"
     "loop = lambda n: tf.while_loop(lambda i, ta, acc: i < n, body, [0, ta, 0.])[2]\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(loop(1)), err(lambda: s.run(loop(2)))]"),
    ("ta = tf.TensorArray(tf.float32, size=2, clear_after_read=False).write(0, 1.).write(1, 2.)\n"
     "r = ta.read(0)\n"
     "with tf.control_dependencies([r]):\n"
     "    r2 = ta.read(0)\n"
     "def body(i, acc):\n"
     "    return i + 1, acc + ta.read(1)\n"
     "out = tf.while_loop(lambda i, acc: i < 3, body, [0, 0.])[1]\n"
     "with tf.Session() as s:\n"
     "    result = [s.run([r, r2]), s.run(out), s.run(ta.stack())]"),
    # clear_after_read on dynamic_size arrays (the read mask grows with the array)
    ("ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(0, 1.).write(1, 2.)\n"
     "r = ta.read(0)\n"
     "with tf.control_dependencies([r]):\n"
     "    r2 = ta.read(0)\n"
     "with tf.control_dependencies([r]):\n"
     "    r3 = ta.read(1)\n"
     "with tf.Session() as s:\n"
     "    result = [err(lambda: s.run(r2)), s.run([r, r3]), s.run(ta.read(1))]"),
    ("ta = tf.TensorArray(tf.float32, size=1, dynamic_size=True).unstack([1., 2., 3.])\n"
     "r = ta.gather([2, 0])\n"
     "with tf.control_dependencies([r]):\n"
     "    r2 = ta.stack()\n"
     "with tf.Session() as s:\n"
     "    result = [err(lambda: s.run(r2)), s.run(r)]"),
    ("ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(0, 1.).write(1, 2.)\n"
     "def body(i, ta, acc):\n"
     "    return i + 1, ta, acc + ta.read(0)\n"
     "loop = lambda n: tf.while_loop(lambda i, ta, acc: i < n, body, [0, ta, 0.])[2]\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(loop(1)), err(lambda: s.run(loop(2)))]"),
    # tf.gradients' kernel re-runs the forward reads (dynamic_rnn's stack): not second reads
    ("tf.set_random_seed(1)\n"
     "x = tf.placeholder(tf.float32, [2, 4, 3])\n"
     "out, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(5), x, dtype=tf.float32)\n"
     "loss = tf.reduce_sum(out * out)\n"
     "g = tf.gradients(loss, tf.trainable_variables())\n"
     "opt = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
     "with tf.Session() as s:\n"
     "    s.run(tf.global_variables_initializer())\n"
     "    v = np.cos(np.arange(24)).reshape(2, 4, 3)\n"
     "    a = s.run([loss] + g, {x: v})\n"
     "    s.run(opt, {x: v})\n"
     "    result = [a, s.run(loss, {x: v})]"),
]

# TF names an array in its errors by the op's name and a counter of the arrays its process
# made ("TensorArray_12"): the counter depends on what ran before
_COUNTER = re.compile(r"(TensorArray \w+?)_\d+:")


def _no_counter(x):
    if isinstance(x, str):
        return _COUNTER.sub(r"\1:", x)
    if isinstance(x, list):
        return [_no_counter(v) for v in x]
    if isinstance(x, dict):
        return {k: _no_counter(v) for k, v in x.items()}
    return x


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_string_arrays_and_clear_after_read_are_tfs(oracle, code):
    code = ORACLE_HELPERS + code
    assert _no_counter(run_here(code)) == _no_counter(oracle(code))
