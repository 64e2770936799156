"""tf.gradients through a cond or a loop whose branch or body holds an op without a gradient
(tf.unique): TF's LookupError when the gradient graph is built, as TF's walk meets it."""

import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAMS = [
    ("w = tf.Variable([1., 2., 2., 3.])\n"
     "y = tf.cond(tf.constant(True), lambda: tf.reduce_sum(tf.unique(w)[0] * 2.),"
     " lambda: tf.reduce_sum(w))\n"
     "result = err(lambda: tf.gradients(y, [w]))"),
    ("w = tf.Variable([1., 2., 2., 3.])\n"
     "def body(i, a):\n"
     "    return i + 1, a + tf.reduce_sum(tf.unique(w * tf.cast(i, tf.float32))[0])\n"
     "_, y = tf.while_loop(lambda i, a: i < 2, body, [0, 0.])\n"
     "result = err(lambda: tf.gradients(y, [w]))"),
    # the unique's indices only (not on the gradient's path): no error
    ("w = tf.Variable([1., 2., 2., 3.])\n"
     "y = tf.cond(tf.constant(True), lambda: tf.reduce_sum(w * tf.cast(tf.size(tf.unique("
     "tf.constant([1, 1]))[0]), tf.float32)), lambda: tf.reduce_sum(w))\n"
     "result = [err(lambda: tf.gradients(y, [w]))]"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_no_gradient_inside_a_construct_is_tfs_lookup_error(oracle, code):
    code = ORACLE_HELPERS + code
    assert run_here(code) == oracle(code)
