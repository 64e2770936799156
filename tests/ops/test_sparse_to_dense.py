"""tf.sparse_tensor_to_dense / tf.sparse.to_dense / tf.sparse_to_dense against real TF."""

import pytest
from oracle import ORACLE_HELPERS, run_here, unknown_rank_matches

CODE = ORACLE_HELPERS + r"""
ser = tf.placeholder(tf.string, [None])
sp = tf.parse_example(ser, {"v": tf.VarLenFeature(tf.int64)})["v"]
d = tf.sparse_tensor_to_dense(sp)
d2 = tf.sparse.to_dense(sp, default_value=-1, name="dd")
d3 = tf.sparse_tensor_to_dense(tf.SparseTensor([[0, 1], [0, 0]], [1., 2.], [2, 2]))
d4 = tf.sparse_tensor_to_dense(tf.SparseTensor([[0, 1], [0, 0]], [1., 2.], [2, 2]),
                               validate_indices=False)
d5 = tf.sparse_tensor_to_dense(tf.SparseTensor([[0, 5]], [1.], [2, 2]))
d6 = tf.sparse_tensor_to_dense(tf.SparseTensor([[0, 1], [0, 1]], [1., 2.], [2, 2]))
d7 = tf.sparse_to_dense([1, 3], [5], 7)
d8 = tf.sparse.to_dense(tf.sparse.reorder(tf.SparseTensor([[1, 0], [0, 2]], ["a", "b"], [2, 3])),
                        default_value="z")
def ex(v):
    return tf.train.Example(features=tf.train.Features(feature={"v": tf.train.Feature(
        int64_list=tf.train.Int64List(value=v))})).SerializeToString()
with tf.Session() as sess:
    result = [[[op.name, op.type, [i.name for i in op.inputs], [o.shape for o in op.outputs]]
               for op in tf.get_default_graph().get_operations()],
              sess.run([d, d2], {ser: [ex([1, 2]), ex([3])]}), err(lambda: sess.run(d3)),
              sess.run(d4), err(lambda: sess.run(d5)), err(lambda: sess.run(d6)),
              sess.run(d7), sess.run(d8), sess.run(d, {ser: [ex([])]})]
"""


def test_sparse_to_dense_matches_tf(oracle):
    assert run_here(CODE) == oracle(CODE)


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)
@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.sparse_to_dense([[0, 0]], [2, 2], p)',
])
def test_unknown_rank_fed_sparse_to_dense_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)
