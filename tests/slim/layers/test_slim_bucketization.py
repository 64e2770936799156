"""tf_slim.layers.bucketization_op.bucketize (the Bucketize op) against TF: names, attrs,
values, errors, no gradient."""

import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + r"""
x = tf.constant([[-5, 0, 3], [10, 4, 12]])
from_slim = __import__("scopeflow.slim.layers.bucketization_op" if tf.__name__.startswith("scopeflow") else "tf_slim.layers.bucketization_op", fromlist=["bucketize"])
y = from_slim.bucketize(x, boundaries=[0, 3, 8, 11])
z = from_slim.bucketize(tf.constant([0.5, 2.0, 1e10], tf.float64), boundaries=(1, 2.0), name="bk")
w = from_slim.bucketize(tf.constant([3, 2], tf.int64), boundaries=[2.5])
with tf.Session() as s:
    vals = [v.tolist() for v in s.run([y, z, w])]
result = [[t.name, t.dtype.name, t.shape.as_list(), t.op.get_attr("boundaries")] for t in (y, z, w)] + [vals,
          err(lambda: from_slim.bucketize(tf.constant([True]), boundaries=[1.])),
          err(lambda: tf.Session().run(from_slim.bucketize(x, boundaries=[3., 1.]))),
          tf.gradients(from_slim.bucketize(tf.constant([1.]), boundaries=[0.]), [])]
"""


@pytest.mark.oracle
def test_bucketize_matches_tf(oracle):
    there = oracle(PROGRAM)
    assert "ok" in there, there
    assert run_here(PROGRAM) == there
