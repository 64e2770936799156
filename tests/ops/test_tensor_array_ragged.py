"""TensorArrays with infer_shape=False whose elements differ in shape: read, gather, stack's
error, concat and split of pieces of different lengths, outside loops and in loops run on the
host (a py_func in the body), against TF; a compiled loop gives a clear UnimplementedError."""

import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAMS = [
    ("ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)\n"
     "ta = ta.write(0, [1., 2.]).write(1, [3.])\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(ta.concat()), s.run(ta.read(0)), s.run(ta.read(1))]"),
    ("ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)\n"
     "ta = ta.write(0, [1., 2.]).write(1, [3.])\n"
     "with tf.Session() as s:\n"
     "    result = [err(lambda: s.run(ta.stack()))]"),
    ("ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)\n"
     "ta = ta.split([1., 2., 3.], [2, 1])\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(ta.concat()), s.run(ta.read(1))]"),
    ("a = tf.placeholder(tf.float32, [None]); b = tf.placeholder(tf.float32, [None])\n"
     "ta = tf.TensorArray(tf.float32, size=3, infer_shape=False)\n"
     "ta = ta.write(0, a).write(1, b).write(2, a * 2.)\n"
     "c = ta.concat()\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(c, {a: [1., 2.], b: [5.]}),\n"
     "              s.run(ta.read(1), {a: [1.], b: [7., 8., 9.]}),\n"
     "              s.run(ta.gather([0, 2]), {a: [1., 4.], b: [7.]}),\n"
     "              err(lambda: s.run(ta.stack(), {a: [1.], b: [2., 3.]}))]"),
    ("ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True, infer_shape=False)\n"
     "ta = ta.write(0, [[1, 2]]).write(1, [[3, 4], [5, 6]]).write(2, tf.zeros([0, 2], tf.int32))\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(ta.concat()), s.run(ta.size()), s.run(ta.read(1))]"),
    ("ta = tf.TensorArray(tf.float32, size=3, infer_shape=False)\n"
     "ta = ta.write(0, [1., 2.]).write(1, [3.]).write(2, [4., 5., 6.])\n"
     "def body(i, acc):\n"
     "    v = tf.py_func(lambda x: np.float32(x.sum()), [ta.read(i)], tf.float32)\n"
     "    v.set_shape([])\n"
     "    return i + 1, acc + v\n"
     "out = tf.while_loop(lambda i, acc: i < 3, body, [0, 0.])[1]\n"
     "with tf.Session() as s:\n"
     "    result = s.run(out)"),
    ("ta = tf.TensorArray(tf.float32, size=3, infer_shape=False)\n"
     "def body(i, ta):\n"
     "    v = tf.py_func(lambda n: np.arange(n, dtype=np.float32), [i + 1], tf.float32)\n"
     "    return i + 1, ta.write(i, v)\n"
     "_, ta = tf.while_loop(lambda i, ta: i < 3, body, [0, ta])\n"
     "with tf.Session() as s:\n"
     "    result = s.run(ta.concat())"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_arrays_of_elements_of_different_shapes_are_tfs(oracle, code):
    code = ORACLE_HELPERS + code
    assert run_here(code) == oracle(code)


def test_a_compiled_loop_reading_them_says_why_it_cannot():
    # TF reads each element; a compiled (XLA) loop body has one element shape
    code = ORACLE_HELPERS + (
        "ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)\n"
        "ta = ta.write(0, [1., 2.]).write(1, [3.])\n"
        "def body(i, acc):\n"
        "    return i + 1, acc + tf.reduce_sum(ta.read(i))\n"
        "out = tf.while_loop(lambda i, acc: i < 2, body, [0, 0.])[1]\n"
        "with tf.Session() as s:\n"
        "    result = [err(lambda: s.run(out))]")
    got = run_here(code)["ok"][0]
    assert got[0] == "UnimplementedError"
    assert "holds elements of different shapes (infer_shape=False)" in got[1]
