"""TensorArrays whose values cross the steps of a run split around host ops: a loop run on the
host (its body holds tf.unique, boolean_mask, py_func) writing or reading a TensorArray, and
arrays written before a host op and read after it, compared with TF."""

import pytest
from oracle import run_here

PROGRAMS = [
    # written in a while_loop whose body holds a host op
    ("x = tf.constant([[1, 2, 2, 3], [4, 4, 4, 5], [6, 7, 8, 9]])\n"
     "ta = tf.TensorArray(tf.int32, size=3)\n"
     "def body(i, ta):\n"
     "    return i + 1, ta.write(i, tf.reduce_sum(tf.unique(x[i])[0]))\n"
     "_, ta = tf.while_loop(lambda i, ta: i < 3, body, [0, ta])\n"
     "with tf.Session() as s:\n    result = s.run(ta.stack())"),
    # tf.map_fn and tf.scan over host ops (TensorArrays read and written in the loop)
    ("x = tf.constant([[1, 0, 2], [0, 0, 3]])\n"
     "m = tf.map_fn(lambda r: tf.size(tf.where(r > 0)), x)\n"
     "u = tf.map_fn(lambda r: tf.reduce_sum(tf.unique(r)[0]), x)\n"
     "c = tf.scan(lambda a, r: a + tf.size(tf.unique(r)[0]), x, initializer=0)\n"
     "with tf.Session() as s:\n    result = s.run([m, u, c])"),
    # dynamic_size array, its size and a gather after the loop
    ("x = tf.constant([[1, 2, 2], [3, 3, 3], [4, 5, 6]])\n"
     "ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True, clear_after_read=False)\n"
     "def body(i, ta):\n"
     "    return i + 1, ta.write(i, tf.size(tf.unique(x[i])[0]))\n"
     "_, ta = tf.while_loop(lambda i, ta: i < 3, body, [0, ta])\n"
     "with tf.Session() as s:\n"
     "    result = s.run([ta.stack(), ta.size(), ta.gather([2, 0]), ta.read(1)])"),
    # py_func in the body; the flow fetched is TF's 0.0
    ("ta = tf.TensorArray(tf.float32, size=3)\n"
     "def body(i, ta):\n"
     "    v = tf.py_func(lambda a: np.float32(a * 10), [i], tf.float32)\n"
     "    v.set_shape([])\n"
     "    return i + 1, ta.write(i, v)\n"
     "_, ta = tf.while_loop(lambda i, ta: i < 3, body, [0, ta])\n"
     "with tf.Session() as s:\n    result = s.run([ta.stack(), ta.flow])"),
    # an array written before a host op and after it
    ("ta = tf.TensorArray(tf.int32, size=2, clear_after_read=False)\n"
     "ta = ta.write(0, tf.constant([1, 1, 2]))\n"
     "y, _ = tf.unique(ta.read(0))\n"
     "ta2 = ta.write(1, tf.pad(y, [[0, 1]]))\n"
     "with tf.Session() as s:\n    result = s.run(ta2.stack())"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_tensor_arrays_across_host_steps_match_tf(oracle, code):
    assert run_here(code) == oracle(code)


@pytest.mark.oracle
def test_a_tensor_array_of_strings_in_a_host_loop_runs(oracle):
    code = ("imgs = tf.stack([tf.image.encode_png(tf.fill([2, 2, 1], tf.constant(i, tf.uint8)))"
            " for i in range(2)])\n"
            "out = tf.map_fn(lambda s: tf.image.decode_png(s, channels=1), imgs, dtype=tf.uint8)\n"
            "with tf.Session() as s:\n"
            "    result = s.run(out)")
    assert run_here(code) == oracle(code)
