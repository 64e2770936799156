"""slim regularizers against real tf_slim: names, values, errors, REGULARIZATION_LOSSES."""

import pytest
from approx import agree, explain
from oracle import run_here

SLIM = "slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"
RUN = "\nwith tf.Session() as s:\n  result = [t.name for t in r] + s.run(r)"

PROGRAMS = [
    SLIM + "x = tf.constant([[1., -2.], [3., 4.]])\n"
    "r = [slim.l1_l2_regularizer(0.0, 1.0)(x), slim.l1_l2_regularizer(0.5, 0.0)(x), "
    "slim.l1_l2_regularizer(0.5, 0.25)(x), slim.l1_l2_regularizer(0.5, 0.25, scope='s')(x)]"
    + RUN,
    SLIM + "x = tf.constant([[1., -2.], [3., 4.]])\n"
    "r = [slim.sum_regularizer([slim.l1_regularizer(0.5), None, slim.l2_regularizer(1.0)])(x),"
    " slim.sum_regularizer([slim.l2_regularizer(0.5)], scope='sr')(x)]" + RUN,
    SLIM + "result = [slim.sum_regularizer([]), slim.sum_regularizer([None]), "
    "slim.l1_l2_regularizer(0.0, 0.0)(tf.ones([2])), "
    "slim.sum_regularizer([slim.l1_regularizer(0.0)])(tf.ones([2]))]",
    SLIM + "result = slim.l1_l2_regularizer(1, 0.5)",
    SLIM + "result = slim.l1_l2_regularizer(0.5, 2)",
    SLIM + "result = slim.l1_regularizer(-0.5)",
    SLIM + "result = slim.l2_regularizer(-0.5)",
    SLIM + "result = slim.l1_regularizer(3)",
    SLIM + "a = tf.constant([1., 2.]); b = tf.constant([[3.]])\n"
    "r = [slim.apply_regularization(slim.l2_regularizer(0.5), [a, b]), "
    "slim.apply_regularization(slim.l1_regularizer(0.0), [a])]\n"
    "with tf.Session() as s:\n  result = [[t.name for t in r], s.run(r), "
    "[t.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)]]",
    SLIM + "result = slim.apply_regularization(slim.l2_regularizer(0.5))",
    SLIM + "tf.add_to_collection(tf.GraphKeys.WEIGHTS, tf.ones([2]))\n"
    "r = [slim.apply_regularization(slim.l1_regularizer(0.5))]" + RUN,
    SLIM + "result = slim.apply_regularization(lambda w: w * 2.0, [tf.ones([2])])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_regularizer_matches_tf_slim(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
