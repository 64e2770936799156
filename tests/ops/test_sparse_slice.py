"""tf.sparse.slice: graph, entries and shape for boxes in and past the bounds, gradient
(SparseSliceGrad) and TF's run-time errors, vs TF."""

import pytest
from oracle import RUN_OR_ERROR, run_here

_PROGRAM = RUN_OR_ERROR + r'''
g = tf.get_default_graph()
sp = tf.SparseTensor([[0, 0], [0, 2], [1, 1], [2, 3]], [1., 2., 3., 4.], [3, 4])
n0 = len(g.get_operations())
s = tf.sparse.slice(sp, [0, 1], [2, 2])
gr = tf.gradients(tf.reduce_sum(s.values * [3., 5.]), sp.values)
ops = [(op.name, op.type) for op in g.get_operations()[n0:]]
st = tf.placeholder(tf.int64, [None])
sz = tf.placeholder(tf.int64, [None])
s2 = tf.sparse_slice(sp, st, sz, name="cut")
g2 = tf.gradients(tf.reduce_sum(tf.square(s2.values)), sp.values)
parts = [s2.indices, s2.values, s2.dense_shape, g2[0]]
result = [ops, [t.shape.as_list() for t in parts], s.shape.as_list(), s2.values.name]
with tf.Session() as sess:
    result.append(sess.run(gr)[0].tolist())
    for a, b in [([0, 1], [2, 2]), ([2, 3], [5, 5]), ([4, 0], [1, 1]), ([1, 1], [0, 3]),
                 ([0, 0], [3, 4]), ([0], [1]), ([0, 0], [1]), ([-1, 0], [2, 2]),
                 ([0, 0], [-1, 2])]:
        result.append(_run(sess, parts, {st: a, sz: b}))
'''


@pytest.mark.oracle
def test_slice_entries_shapes_gradient_and_errors_match_tf(oracle):
    assert run_here(_PROGRAM) == oracle(_PROGRAM)
