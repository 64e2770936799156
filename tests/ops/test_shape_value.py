"""constant_value_as_shape (ops/shape_value.py) as TF's: the static shape of a SparseTensor
over a shape tensor built from casts, slices, packs and concatenations."""

import pytest
from oracle import run_here

PROGRAM = """
x = tf.placeholder(tf.float32, [None, 3])
n = tf.placeholder(tf.int64, [])
shapes = [tf.constant([2, 3], tf.int64), tf.cast(tf.shape(x), tf.int64),
          tf.concat([tf.constant([4, 5], tf.int64)[:-1], [tf.cast(7, tf.int64)]], 0),
          tf.stack([n, tf.constant(2, tf.int64)]), tf.constant([-1, 2], tf.int64),
          tf.shape(x, out_type=tf.int64)[1:], tf.shape(x, out_type=tf.int64) + 1,
          tf.concat([tf.shape(x, out_type=tf.int64), [n]], 0)]
result = []
for s in shapes:
    sp = tf.SparseTensor(tf.zeros([0, s.shape[0]], tf.int64), tf.zeros([0]), s)
    result.append(sp.shape.as_list() if sp.shape.ndims is not None else None)
"""


@pytest.mark.oracle
def test_sparse_static_shapes_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there and here == there
