"""TensorArrays with infer_shape=False whose elements differ in shape: read, gather, stack's
error, concat and split of pieces of different lengths, outside loops and in loops run on the
host (a py_func in the body) or, without host ops, moved to the host, against TF."""

import pytest
from approx import agree, explain
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


# loops without host ops reading such an array at the loop index: they run on the host (each
# iteration a compiled step), so every element keeps its own shape; gradients too
LOOPS = [
    ("ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)\n"
     "ta = ta.write(0, [1., 2.]).write(1, [3.])\n"
     "def body(i, acc):\n"
     "    return i + 1, acc + tf.reduce_sum(ta.read(i))\n"
     "out = tf.while_loop(lambda i, acc: i < 2, body, [0, 0.])[1]\n"
     "with tf.Session() as s:\n"
     "    result = s.run(out)"),
    ("x = tf.placeholder(tf.float32, [6])\n"
     "ta = tf.TensorArray(tf.float32, size=3, infer_shape=False).split(x * 2., [1, 3, 2])\n"
     "def body(i, acc, out):\n"
     "    e = ta.read(i)\n"
     "    return i + 1, acc + tf.reduce_sum(tf.sin(e) * tf.cast(tf.size(e), tf.float32)),"
     " out.write(i, tf.tanh(e) * x[i])\n"
     "_, acc, out = tf.while_loop(lambda i, a, o: i < 3, body,\n"
     "    [0, 0., tf.TensorArray(tf.float32, size=3, infer_shape=False)])\n"
     "y = out.concat()\n"
     "g = tf.gradients([acc, tf.reduce_sum(y * y)], x)\n"
     "with tf.Session() as s:\n"
     "    result = s.run([acc, y, g], {x: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]})"),
    ("a = tf.placeholder(tf.float32, [None, 2]); b = tf.placeholder(tf.float32, [None, 2])\n"
     "ta = tf.TensorArray(tf.float32, size=2, infer_shape=False, element_shape=[None, 2])\n"
     "ta = ta.write(0, a).write(1, b * b)\n"
     "def body(i, acc):\n"
     "    return i + 1, acc + tf.reduce_sum(ta.read(i), 0)\n"
     "out = tf.while_loop(lambda i, acc: i < 2, body, (0, tf.zeros([2])), maximum_iterations=5)[1]\n"
     "g = tf.gradients(out, [a, b])\n"
     "with tf.Session() as s:\n"
     "    result = [s.run([out, g], {a: [[1., 2.]], b: [[3., 4.], [5., 6.], [1., 0.]]}),\n"
     "              s.run(out, {a: [[1., 2.], [0., 1.]], b: [[3., 4.]]})]"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", LOOPS)
def test_a_loop_reading_them_at_its_index_is_tfs(oracle, code):
    code = ORACLE_HELPERS + code
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)


def test_such_a_loop_runs_on_the_host_a_full_element_shape_compiled():
    import scopeflow.compat.v1 as tf
    from scopeflow.lowering.stages import on_host
    with tf.Graph().as_default():
        loops = []
        for shape in (None, [2]):
            ta = tf.TensorArray(tf.float32, size=2, infer_shape=False, element_shape=shape)
            ta = ta.write(0, [1., 2.]).write(1, [3., 4.])
            def body(i, a, ta=ta):
                return i + 1, a + tf.reduce_sum(ta.read(i))
            _, y = tf.while_loop(lambda i, a: i < 2, body, [0, 0.])
            loops.append(y.op._inputs[0]._op._ctx)
    assert [on_host(c) for c in loops] == [True, False]
