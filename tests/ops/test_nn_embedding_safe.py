"""tf.nn.safe_embedding_lookup_sparse: graph, values (pruned ids, weights, empty rows,
default_id, rank 3) and training, vs TF."""

import pytest
from oracle import run_here

_CASE = r'''
w = tf.get_variable("w", [5, 4], initializer=tf.constant_initializer(
    np.arange(20).reshape(5, 4) / 10.))
idx = [[0, 0], [0, 1], [1, 0], [3, 0], [3, 1]]
ids = tf.SparseTensor(idx, tf.constant([1, 3, -1, 2, 4], tf.int64), [4, 2])
wt = tf.SparseTensor(idx, [2.0, 0.5, 1.0, -1.0, 3.0], [4, 2]) if WEIGHTS else None
out = tf.nn.safe_embedding_lookup_sparse(w, ids, wt, COMBINER)
ops = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(out * out))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    before = np.round(s.run(out), 5).tolist()
    s.run(train)
    after = np.round(s.run(w), 5).tolist()
result = [out.shape.as_list(), ops, before, after]
'''


@pytest.mark.oracle
@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("weights", [False, True])
def test_graph_values_and_training_match_tf(oracle, combiner, weights):
    code = "WEIGHTS = %s; COMBINER = %r\n" % (weights, combiner) + _CASE
    assert run_here(code) == oracle(code)


_MORE = r'''
w = tf.constant(np.arange(20, dtype=np.float32).reshape(5, 4))
ids = tf.SparseTensor([[0, 0], [3, 1]], tf.constant([1, 4], tf.int64), [4, 2])
ids3 = tf.SparseTensor([[0, 0, 0], [0, 1, 1], [1, 0, 0]], tf.constant([1, 3, 2], tf.int64),
                       [2, 2, 2])
a = tf.nn.safe_embedding_lookup_sparse(w, ids, None, default_id=2)
b = tf.nn.safe_embedding_lookup_sparse(w, ids3)
with tf.Session() as s:
    result = [a.name, b.name, b.shape.as_list()] + [v.tolist() for v in s.run([a, b])]
'''


@pytest.mark.oracle
def test_default_id_and_rank_3_match_tf(oracle):
    assert run_here(_MORE) == oracle(_MORE)
