"""tf.SparseTensor / SparseTensorValue against real TF: names, shapes, fetches."""

from oracle import run_here

CODE = """
s = tf.SparseTensor([[0, 1], [2, 3]], [1.0, 2.0], [3, 4])
with tf.name_scope("x"):
    s2 = tf.SparseTensor(indices=tf.constant([[0]], tf.int64), values=tf.constant(["a"]),
                         dense_shape=tf.constant([2], tf.int64))
ph = tf.placeholder(tf.int64, [None])
s3 = tf.SparseTensor([[0]], [1.], ph)
try:
    tf.SparseTensor([[0]], [1.], [2.5])
    bad = None
except Exception as e:
    bad = type(e).__name__
with tf.Session() as sess:
    v = sess.run(s)
    both = sess.run({"a": s, "b": s.values})
    fed = sess.run(s3, {ph: [4]})
result = [[op.name for op in tf.get_default_graph().get_operations()],
          [s.indices.name, s.values.name, s.dense_shape.name, s.dtype.name, s.shape, s.op.name],
          [s2.shape, s2.dtype.name], s3.get_shape().ndims, bad, type(v).__name__, list(v._fields),
          v, both, fed, tf.SparseTensorValue([[0]], [1], [2])]
"""


def test_sparse_tensor_matches_tf(oracle):
    assert run_here(CODE) == oracle(CODE)


def test_a_sparse_placeholder_is_fed_a_sparse_tensor_value(tf):
    import numpy as np
    sp = tf.sparse_placeholder(tf.float32, shape=[2, 3])
    dense = tf.sparse_tensor_to_dense(sp)
    value = tf.SparseTensorValue(indices=[[0, 1], [1, 2]], values=[5.0, 7.0], dense_shape=[2, 3])
    with tf.Session() as s:
        got = s.run(dense, {sp: value})
    np.testing.assert_array_equal(got, [[0, 5, 0], [0, 0, 7]])
