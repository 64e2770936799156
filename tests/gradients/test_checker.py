"""tf.test.compute_gradient / compute_gradient_error (TF1's gradient checker) against TF."""

import numpy as np
import pytest
from oracle import explain, run_here, same

# Jacobians rounded to 4 significant digits; x_init_value fixes the point
PROGRAMS = [
    ("x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\ny = tf.tanh(x) * x\n"
     "with tf.Session():\n"
     "  jt, jn = tf.test.compute_gradient(x, [2, 2], y, [2, 2], "
     "x_init_value=np.array([[0.1, -0.2], [0.3, 0.5]], np.float32))\n"
     "result = [jt.shape, str(jt.dtype), str(jn.dtype), r(jt), r(jn)]"),
    ("a = tf.constant([1.0, 2.0, 3.0], tf.float64); b = tf.constant([[2.0], [1.0]], tf.float64)\n"
     "y = tf.reduce_sum(a * b, axis=1)\n"
     "with tf.Session():\n"
     "  out = tf.test.compute_gradient([a, b], [[3], [2, 1]], y, [2], "
     "x_init_value=[np.array([1., 2., 3.]), np.array([[2.], [1.]])])\n"
     "result = [[r(jt), r(jn), jt.shape] for jt, jn in out]"),
    ("p = tf.placeholder(tf.float32, [3]); w = tf.constant([1.0, 2.0, 3.0])\n"
     "y = tf.gather(w * p, [0, 2])\n"
     "with tf.Session():\n"
     "  err = tf.test.compute_gradient_error(w, [3], y, [2], "
     "x_init_value=np.array([1., 2., 3.], np.float32), extra_feed_dict={p: [1., 1., 2.]})\n"
     "result = bool(err < 1e-2)"),
    ("x = tf.constant([1., 2., 3.]); y = tf.reduce_sum(x * x)\n"
     "with tf.Session():\n"
     "  err = tf.test.compute_gradient_error(x, [3], y, [], "
     "x_init_value=np.array([1., 2., 3.], np.float32))\n"
     "result = [type(err).__name__, '%.3g' % err]"),  # a float32 scalar, as TF's
    ("x = tf.constant([1.0, 2.0]); y = tf.constant([3.0])\n"
     "with tf.Session():\n  jt, jn = tf.test.compute_gradient(x, [2], y, [1])\n"
     "result = [r(jt), r(jn)]"),  # y independent of x: TF's "dx = None"
    ("x = tf.constant([1, 2]); y = tf.cast(x, tf.float32)\n"
     "with tf.Session():\n  tf.test.compute_gradient(x, [2], y, [2])"),
]
PRELUDE = "r = lambda a: [float('%.4g' % t) for t in np.ravel(a)]\n"


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_gradient_checker_matches_tf(oracle, code):
    code = PRELUDE + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


def test_gradient_error_of_a_correct_gradient_is_small(tf):
    x = tf.constant(np.linspace(0.1, 1.0, 6).reshape(2, 3))  # float64
    y = tf.nn.softmax(x) * tf.sin(x)
    with tf.Session():
        err = tf.test.compute_gradient_error(x, [2, 3], y, [2, 3])
    assert err < 1e-6


def test_indexed_slices_gradient_is_scattered(tf):
    w = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = tf.gather(w, [2, 0, 2])  # gradient of w: IndexedSlices with a repeated index
    with tf.Session():
        jt, jn = tf.test.compute_gradient(w, [3, 2], y, [3, 2],
                                          x_init_value=np.ones([3, 2], np.float32))
    np.testing.assert_allclose(jt, jn, atol=1e-3)
    assert jt.sum() == 6.0
