"""Gradients of SparseSegmentSum / Mean / SqrtN: TF's dense SparseSegment*Grad, and with
sparse_gradient (tf.nn.embedding_lookup_sparse) SparseSegment*GradV2's IndexedSlices, vs TF."""

import pytest
from oracle import run_here

_PROGRAM = r'''
g = tf.get_default_graph()
data = tf.constant(np.arange(15.).reshape(5, 3) / 7., tf.float32)
ids = tf.placeholder(tf.int32, [None])
seg = tf.placeholder(tf.int32, [None])
feed = {ids: [1, 3, 1, 4, 0], seg: [0, 0, 1, 3, 3]}
w = tf.constant([[1., -2., 3.]])
n0 = len(g.get_operations())
outs = [f(data, ids, seg) for f in (tf.sparse.segment_sum, tf.sparse.segment_mean,
                                    tf.sparse.segment_sqrt_n)]
grads = tf.gradients([tf.reduce_sum(tf.square(o) * w) for o in outs], data)
sp = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [3, 0], [3, 1]],
                     tf.constant([1, 3, 1, 4, 0], tf.int64), [4, 2])
emb = [tf.nn.embedding_lookup_sparse(data, sp, None, combiner=c) for c in ("sum", "mean",
                                                                          "sqrtn")]
sparse_grads = [tf.gradients(tf.reduce_sum(tf.square(e) * w), data)[0] for e in emb]
ops = [(op.name, op.type) for op in g.get_operations()[n0:]]
result = [ops, [type(s).__name__ for s in sparse_grads]]
with tf.Session() as s:
    result.append(np.round(s.run(grads, feed), 5).tolist())
    for sg in sparse_grads:
        v = s.run(sg)
        result.append([np.round(v.values, 5).tolist(), v.indices.tolist(),
                       v.dense_shape.tolist()])
'''


@pytest.mark.oracle
def test_dense_and_sparse_gradients_match_tf(oracle):
    assert run_here(_PROGRAM) == oracle(_PROGRAM)
