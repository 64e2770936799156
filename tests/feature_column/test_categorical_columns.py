"""Categorical columns vs TF: reprs, argument errors, ids through indicator columns (dense and
sparse inputs, OOV buckets, default values, vocabulary files, integer hashing, weights)."""

import pytest
from oracle import ORACLE_HELPERS, outcome, run_here

_ERRORS = ORACLE_HELPERS + r'''
fc = tf.feature_column
result = [repr(fc.categorical_column_with_vocabulary_list('k', [3, 1], dtype=tf.int32)),
          repr(fc.categorical_column_with_hash_bucket('h', 4, dtype=tf.int64)),
          repr(fc.categorical_column_with_identity('i', 4, default_value=0)),
          repr(fc.weighted_categorical_column(fc.categorical_column_with_identity('i', 4), 'w')),
          err(lambda: fc.categorical_column_with_vocabulary_list('k', [])),
          err(lambda: fc.categorical_column_with_vocabulary_list('k', ['a', 'a'])),
          err(lambda: fc.categorical_column_with_vocabulary_list('k', ['a'], num_oov_buckets=1,
                                                                 default_value=0)),
          err(lambda: fc.categorical_column_with_vocabulary_list('k', ['a'], num_oov_buckets=-1)),
          err(lambda: fc.categorical_column_with_vocabulary_list('k', ['a'], dtype=tf.int64)),
          err(lambda: fc.categorical_column_with_vocabulary_list('k', [1.5])),
          err(lambda: fc.categorical_column_with_hash_bucket('h', 0)),
          err(lambda: fc.categorical_column_with_hash_bucket('h', None)),
          err(lambda: fc.categorical_column_with_hash_bucket('h', 3, dtype=tf.float32)),
          err(lambda: fc.categorical_column_with_identity('i', 0)),
          err(lambda: fc.categorical_column_with_identity('i', 3, default_value=3)),
          err(lambda: fc.categorical_column_with_vocabulary_file('f', '')),
          err(lambda: fc.categorical_column_with_vocabulary_file('f', '/nonexistent/v.txt')),
          err(lambda: fc.weighted_categorical_column(
              fc.categorical_column_with_identity('i', 4), 'w', dtype=tf.string)),
          ]
'''


@pytest.mark.oracle
def test_reprs_and_errors_match_tf(oracle):
    assert outcome(run_here(_ERRORS)) == outcome(oracle(_ERRORS))


_IDS = r'''
import os, tempfile
fc = tf.feature_column
path = os.path.join(tempfile.mkdtemp(), 'vocab.txt')
open(path, 'w').write('x\ny\nz\n')
ipath = os.path.join(tempfile.mkdtemp(), 'ivocab.txt')
open(ipath, 'w').write('30\n10\n20\n')
sp = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], ['y', 'q', 'x'], [3, 2])
cols = [
    fc.categorical_column_with_vocabulary_list('s', ['x', 'y', 'z'], num_oov_buckets=2),
    fc.categorical_column_with_vocabulary_list('d', ['x', 'y', 'z'], default_value=1),
    fc.categorical_column_with_vocabulary_list('n', [30, 10, 20]),
    fc.categorical_column_with_vocabulary_file('f', path, num_oov_buckets=1),
    fc.categorical_column_with_vocabulary_file('g', ipath, vocabulary_size=2, dtype=tf.int64),
    fc.categorical_column_with_hash_bucket('h', 6),
    fc.categorical_column_with_hash_bucket('hi', 6, dtype=tf.int32),
    fc.categorical_column_with_identity('i', 4, default_value=3),
    fc.categorical_column_with_identity('j', 5),
    fc.weighted_categorical_column(fc.categorical_column_with_identity('j', 5), 'jw'),
]
feats = {'s': sp, 'd': tf.constant([['z', ''], ['q', 'x'], ['y', 'y']]),
         'n': tf.constant([[10], [20], [-1]]), 'f': sp, 'g': tf.constant([[30], [20], [10]],
                                                                         tf.int64),
         'h': tf.constant(['a', 'bb', '']), 'hi': tf.constant([[7], [123456], [-1]]),
         'i': tf.constant([[0, 9], [2, -1], [1, 1]]),
         'j': tf.SparseTensor([[0, 0], [1, 0], [1, 1]], tf.constant([4, 0, 4], tf.int64), [3, 2]),
         'jw': tf.SparseTensor([[0, 0], [1, 0], [1, 1]], [0.5, 2., 3.], [3, 2])}
out = fc.input_layer(feats, [fc.indicator_column(c) for c in cols])
lm = fc.linear_model(feats, cols)
with tf.Session() as s:
    s.run([tf.tables_initializer()])
    s.run([w.assign(tf.reshape(tf.range(w.shape.num_elements(), dtype=tf.float32), w.shape))
           for w in tf.global_variables()])
    result = [[c.name for c in cols], [c.num_buckets for c in cols], out.shape.as_list(),
              s.run(out).tolist(), s.run(lm).tolist(), [w.name for w in tf.global_variables()]]
'''


@pytest.mark.oracle
def test_ids_match_tf(oracle):
    assert run_here(_IDS) == oracle(_IDS)


_INPUT_ERRORS = ORACLE_HELPERS + r'''
fc = tf.feature_column
def build(col, value):
    return lambda: fc.input_layer({'k': value}, [fc.indicator_column(col)])
v = fc.categorical_column_with_vocabulary_list('k', ['a'])
result = [
    err(build(v, tf.constant([[1]]))),
    err(build(fc.categorical_column_with_identity('k', 3), tf.constant([['a']]))),
    err(build(fc.categorical_column_with_hash_bucket('k', 3), tf.constant([[1]]))),
    err(build(fc.weighted_categorical_column(v, 'k', dtype=tf.int32), tf.constant([['a']]))),
]
'''


@pytest.mark.oracle
def test_input_errors_match_tf(oracle):
    assert outcome(run_here(_INPUT_ERRORS)) == outcome(oracle(_INPUT_ERRORS))
