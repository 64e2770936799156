"""Gradients of SparseSegmentSum / Mean / SqrtN: TF's dense SparseSegment*Grad, and with
sparse_gradient (tf.nn.embedding_lookup_sparse) SparseSegment*GradV2's IndexedSlices, vs TF."""

import pytest
from oracle import run_here

_PROGRAM = r'''
g = tf.get_default_graph()
# (a run-time value: the kernels run traced, as in a training step)
data = tf.constant(np.arange(15.).reshape(5, 3) / 7., tf.float32) * tf.placeholder_with_default(
    1., [])
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
fed = tf.sparse_placeholder(tf.int64, [None, None])  # segment ids computed in the run
computed = [f(data, fed.values, fed.indices[:, 0]) for f in (tf.sparse.segment_mean,
                                                              tf.sparse.segment_sqrt_n)]
computed_grads = tf.gradients([tf.reduce_sum(tf.square(o) * w) for o in computed], data)
ops = [(op.name, op.type) for op in g.get_operations()[n0:]]
result = [ops, [type(s).__name__ for s in sparse_grads]]
with tf.Session() as s:
    result.append(np.round(s.run(grads, feed), 5).tolist())
    fed_value = tf.SparseTensorValue([[0, 0], [0, 1], [2, 0]], [4, 1, 4], [3, 2])
    result.append(np.round(s.run(computed_grads, {fed: fed_value}), 5).tolist())
    for sg in sparse_grads:
        v = s.run(sg)
        result.append([np.round(v.values, 5).tolist(), v.indices.tolist(),
                       v.dense_shape.tolist()])
'''


@pytest.mark.oracle
def test_dense_and_sparse_gradients_match_tf(oracle):
    assert run_here(_PROGRAM) == oracle(_PROGRAM)


_TRAIN = r'''
ids = tf.sparse_placeholder(tf.int64, [None, None])
table = tf.get_variable("t", [6, 2], initializer=tf.truncated_normal_initializer(seed=1))
x = tf.sparse.segment_sqrt_n(table, ids.values, ids.indices[:, 0])
train = tf.train.AdagradOptimizer(0.5).minimize(tf.reduce_sum(tf.square(x - 1.)))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for v in ([1, 5, 1], [0, 2, 3]):
        s.run(train, {ids: tf.SparseTensorValue([[0, 0], [0, 1], [1, 0]], v, [2, 2])})
    result = np.round(s.run(table), 5).tolist()
'''


@pytest.mark.oracle
def test_dense_gradient_trains_a_table_as_tf(oracle):
    assert run_here(_TRAIN) == oracle(_TRAIN)
