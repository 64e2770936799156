"""shared_embedding_columns vs TF: names, errors, the one shared table, values, a GD step."""

import pytest
from oracle import ORACLE_HELPERS, outcome, run_here

_SHARED = r'''
fc = tf.feature_column
a = fc.categorical_column_with_identity('a', 5)
b = fc.categorical_column_with_vocabulary_list('b', ['x', 'y', 'z', 'w', 'v'])
c = fc.categorical_column_with_identity('c', 5)
init = tf.constant_initializer(np.cos(np.arange(10)).reshape(5, 2))
sa, sc = fc.shared_embedding_columns([c, a], 2, initializer=init, combiner='sum')
feats = {'a': tf.constant([[1, 3], [0, -1]]), 'c': tf.SparseTensor([[1, 0]], tf.constant(
    [4], tf.int64), [2, 1]), 'n': tf.constant([[1.], [2.]])}
out = fc.input_layer(feats, [sa, fc.numeric_column('n'), sc])
out2 = fc.input_layer(feats, [sc])
train = tf.train.GradientDescentOptimizer(0.5).minimize(tf.reduce_sum(out * out))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    before = s.run(out).tolist()
    s.run(train)
    after = [np.round(v, 5).tolist() for v in s.run([out, out2])]
result = [sa.name, sc.name, sa.shared_embedding_collection_name, sa._var_scope_name,
          [(v.name, v.shape.as_list()) for v in tf.global_variables()],
          [v.name for v in tf.get_collection(sa.shared_embedding_collection_name)],
          before, after, out.shape.as_list(),
          [(op.name, op.type) for op in tf.get_default_graph().get_operations()
           if not op.name.startswith('gradients')]]
'''


@pytest.mark.oracle
def test_shared_table_matches_tf(oracle):
    assert run_here(_SHARED) == oracle(_SHARED)


_ERRORS = ORACLE_HELPERS + r'''
fc = tf.feature_column
a = fc.categorical_column_with_identity('a', 5)
result = [
    err(lambda: fc.shared_embedding_columns([a], 0)),
    err(lambda: fc.shared_embedding_columns([a], 2, initializer=1)),
    err(lambda: fc.shared_embedding_columns([a, fc.categorical_column_with_identity('b', 4)], 2)),
    err(lambda: fc.shared_embedding_columns(
        [a, fc.categorical_column_with_hash_bucket('b', 5)], 2)),
    [c.name for c in fc.shared_embedding_columns(
        [a, fc.weighted_categorical_column(fc.categorical_column_with_identity('b', 5), 'w')],
        3, shared_embedding_collection_name='mine')],
]
'''


@pytest.mark.oracle
def test_errors_match_tf(oracle):
    assert outcome(run_here(_ERRORS)) == outcome(oracle(_ERRORS))
