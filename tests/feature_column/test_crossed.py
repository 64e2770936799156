"""crossed_column vs TF: names, errors, parse spec and the hashed ids of string, integer and
column keys (nested crosses, hash_key)."""

import pytest
from oracle import ORACLE_HELPERS, outcome, run_here

_ERRORS = ORACLE_HELPERS + r'''
fc = tf.feature_column
v = fc.categorical_column_with_vocabulary_list('v', ['a', 'b'])
x = fc.crossed_column(['s', v], 5)
result = [x.name, repr(x), fc.crossed_column([x, 'b'], 3).name,
          sorted((k, repr(s)) for k, s in x._parse_example_spec.items()),
          err(lambda: fc.crossed_column(['a'], 5)),
          err(lambda: fc.crossed_column(['a', 'b'], 0)),
          err(lambda: fc.crossed_column(['a', 3], 5)),
          err(lambda: fc.crossed_column(['a', fc.numeric_column('n')], 5)),
          err(lambda: fc.crossed_column(['a', fc.categorical_column_with_hash_bucket('h', 3)],
                                        5))]
'''


@pytest.mark.oracle
def test_names_and_errors_match_tf(oracle):
    assert outcome(run_here(_ERRORS)) == outcome(oracle(_ERRORS))


_IDS = r'''
fc = tf.feature_column
v = fc.categorical_column_with_vocabulary_list('v', ['a', 'b', 'c'])
i = fc.categorical_column_with_identity('i', 5)
b = fc.bucketized_column(fc.numeric_column('n'), [0.])
x1 = fc.crossed_column(['s', v], 11)
x2 = fc.crossed_column([x1, i, 'd'], 13, hash_key=7)
x3 = fc.crossed_column([b, 'd'], 4)
w = fc.weighted_categorical_column(i, 'iw')
feats = {'s': tf.SparseTensor([[0, 0], [0, 1], [2, 0]], ['p', 'q', 'r'], [3, 2]),
         'v': tf.constant([['a', 'c'], ['b', ''], ['c', 'c']]),
         'i': tf.constant([[4], [0], [2]]), 'd': tf.constant([[10, 20], [30, 40], [50, 60]]),
         'n': tf.constant([[-1.], [1.], [0.]]), 'iw': tf.constant([[1.], [2.], [3.]])}
out = fc.input_layer(feats, [fc.indicator_column(c) for c in (x1, x2, x3)])
with tf.Session() as s:
    s.run(tf.tables_initializer())
    result = [s.run(out).tolist(), out.shape.as_list(),
              err(lambda: fc.input_layer(feats, [fc.indicator_column(
                  fc.crossed_column([w, 's'], 3))]))]
'''


@pytest.mark.oracle
def test_ids_match_tf(oracle):
    code = ORACLE_HELPERS + _IDS
    assert outcome(run_here(code)) == outcome(oracle(code))
