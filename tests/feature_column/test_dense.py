"""embedding_column / indicator_column vs TF: reprs, errors, variables, values for sparse,
dense, rank-1 and rank-3 inputs, weights, max_norm, the unsafe lookup, trainable=False."""

import pytest
from oracle import ORACLE_HELPERS, outcome, run_here

_ERRORS = ORACLE_HELPERS + r'''
fc = tf.feature_column
ids = fc.categorical_column_with_identity('k', 4)
e = fc.embedding_column(ids, 2, initializer=tf.zeros_initializer())
result = [e.name, e.variable_shape.as_list(), fc.indicator_column(ids).name,
          fc.indicator_column(ids).variable_shape.as_list(),
          repr(fc.indicator_column(ids)),
          err(lambda: fc.embedding_column(ids, 0)),
          err(lambda: fc.embedding_column(ids, 2, initializer=3)),
          err(lambda: fc.embedding_column(ids, 2, ckpt_to_load_from='x')),
          err(lambda: fc.indicator_column(fc.numeric_column('n'))),
          err(lambda: fc.indicator_column('k'))]
'''


@pytest.mark.oracle
def test_reprs_and_errors_match_tf(oracle):
    assert outcome(run_here(_ERRORS)) == outcome(oracle(_ERRORS))


_VALUES = r'''
fc = tf.feature_column
init = tf.constant_initializer(np.sin(np.arange(18)).reshape(6, 3))
k = fc.categorical_column_with_identity('k', 6)
r = fc.categorical_column_with_identity('r', 6)
t = fc.categorical_column_with_identity('t', 6)
wk = fc.weighted_categorical_column(fc.categorical_column_with_identity('u', 6), 'uw')
cols = [fc.embedding_column(k, 3, combiner='sqrtn', initializer=init, max_norm=0.5),
        fc.embedding_column(r, 3, initializer=init, trainable=False),
        fc.embedding_column(t, 3, combiner='sum', initializer=init,
                            use_safe_embedding_lookup=False),
        fc.embedding_column(wk, 3, initializer=init),
        fc.indicator_column(wk), fc.indicator_column(t)]
feats = {'k': tf.SparseTensor([[0, 0], [0, 2], [2, 1]], tf.constant([1, 5, 2], tf.int64),
                              [3, 3]),
         'r': tf.constant([3, 0, 5]),
         't': tf.constant([[1, -1], [-1, -1], [4, 4]]),
         'u': tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, 2, 3], tf.int64), [3, 2]),
         'uw': tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [0.5, 2., -1.], [3, 2])}
out = fc.input_layer(feats, cols)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [out.shape.as_list(), np.round(s.run(out), 5).tolist(),
              [(v.name, v.shape.as_list()) for v in tf.global_variables()],
              [v.name for v in tf.trainable_variables()],
              [(op.name, op.type) for op in tf.get_default_graph().get_operations()]]
'''


@pytest.mark.oracle
def test_values_and_graph_match_tf(oracle):
    assert run_here(_VALUES) == oracle(_VALUES)


_UNKNOWN_RANK = r'''
fc = tf.feature_column
ids = fc.categorical_column_with_identity('k', 4)
sp = tf.sparse.placeholder(tf.int64)
out = fc.input_layer({'k': sp}, [fc.embedding_column(
    ids, 2, initializer=tf.constant_initializer(np.arange(8).reshape(4, 2)))])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [out.shape.as_list()] + [s.run(out, {sp: v}).tolist() for v in [
        tf.SparseTensorValue([[0], [2]], [1, 3], [3]),
        tf.SparseTensorValue([[0, 0], [0, 1], [1, 0]], [1, 3, 2], [2, 2])]]
'''


@pytest.mark.oracle
def test_sparse_input_of_unknown_rank_gives_tf_values(oracle):
    """TF picks rank 1 or not with a tf.cond (its graph differs); the values are TF's."""
    assert run_here(_UNKNOWN_RANK) == oracle(_UNKNOWN_RANK)
