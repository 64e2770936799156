"""tf.sparse.from_dense and tf.sparse.retain: graphs, values, gradients and errors, vs TF."""

import pytest
from oracle import RUN_OR_ERROR, outcome, run_here

_PROGRAM = r'''
g = tf.get_default_graph()
sp = tf.SparseTensor([[0, 0], [0, 2], [1, 1], [2, 3]], [1., 2., 3., 4.], [3, 4])
n0 = len(g.get_operations())
d = tf.sparse.from_dense(tf.constant([[0, 1.], [2, 0]]))
r = tf.sparse.retain(sp, [True, False, True, False])
r2 = tf.sparse_retain(tf.SparseTensorValue([[1], [3]], [5, 6], [4]), np.array([False, True]))
grad = tf.gradients(tf.reduce_sum(r.values * 3), sp.values)
ops = [(op.name, op.type) for op in g.get_operations()[n0:]]
parts = lambda s: [s.indices, s.values, s.dense_shape]
result = [ops, [[t.shape.as_list() for t in parts(s)] for s in (d, r, r2)], r.shape.as_list()]
with tf.Session() as s:
    result += [[x.tolist() for x in s.run(parts(t))] for t in (d, r, r2)]
    result.append(s.run(tf.convert_to_tensor(grad[0])).tolist())
'''


@pytest.mark.oracle
def test_from_dense_and_retain_match_tf(oracle):
    assert run_here(_PROGRAM) == oracle(_PROGRAM)


@pytest.mark.oracle
@pytest.mark.parametrize("call", [
    "tf.sparse.retain(sp, [True])", "tf.sparse.retain(sp, [[True]])",
    "tf.sparse.retain(tf.ones([2]), [True])", "tf.sparse.retain(sp, [True, False]).shape",
])
def test_retain_errors_match_tf(oracle, call):
    code = "sp = tf.SparseTensor([[0, 0], [1, 1]], [1., 2.], [3, 4])\nresult = " + call
    assert outcome(run_here(code)) == outcome(oracle(code))


_UNKNOWN_RANK_MASK = RUN_OR_ERROR + r'''
sp = tf.sparse_placeholder(tf.float32)
n = tf.placeholder(tf.int32)
keep = tf.cast(tf.floor(0.5 + tf.random_uniform(n, seed=1)), tf.bool)  # gcn's sparse dropout
r = tf.sparse_retain(sp, keep)
feed = {sp: tf.SparseTensorValue([[0, 0], [1, 1], [2, 3]], [1., 2., 3.], [3, 4])}
with tf.Session() as s:
    result = [keep.shape.dims, r.values.shape.as_list(), _run(s, r.values, {**feed, n: [3]}),
              _run(s, r.values, {**feed, n: 3})]
'''


@pytest.mark.oracle
def test_retain_by_a_mask_of_unknown_rank_matches_tf(oracle):
    assert run_here(_UNKNOWN_RANK_MASK) == oracle(_UNKNOWN_RANK_MASK)
