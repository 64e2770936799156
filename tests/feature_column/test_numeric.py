"""numeric_column / bucketized_column vs TF: reprs, argument errors, dense values, bucket ids."""

import pytest
from oracle import ORACLE_HELPERS, outcome, run_here

_ERRORS = ORACLE_HELPERS + r'''
fc = tf.feature_column
n = fc.numeric_column('n')
result = [repr(fc.numeric_column('a', shape=[2, 3], default_value=1, dtype=tf.int64)),
          repr(fc.numeric_column('a', shape=2, default_value=[1., 2.])),
          repr(fc.numeric_column('a', default_value=np.array([3.]))),
          repr(fc.bucketized_column(n, (0, 1.5))),
          err(lambda: fc.numeric_column('a', shape=(0,))),
          err(lambda: fc.numeric_column('a', shape=(1.5,))),
          err(lambda: fc.numeric_column('a', dtype=tf.string)),
          err(lambda: fc.numeric_column('a', shape=2, default_value=[1.])),
          err(lambda: fc.numeric_column('a', default_value='x')),
          err(lambda: fc.numeric_column('a', dtype=tf.int32, default_value=1.5)),
          err(lambda: fc.numeric_column('a', normalizer_fn=3)),
          err(lambda: fc.numeric_column(3)),
          err(lambda: fc.bucketized_column('n', [1.])),
          err(lambda: fc.bucketized_column(fc.numeric_column('m', shape=(2, 2)), [1.])),
          err(lambda: fc.bucketized_column(n, [])),
          err(lambda: fc.bucketized_column(n, [2., 1.])),
          err(lambda: fc.bucketized_column(n, np.array([1., 2.]))),
          n.name, fc.bucketized_column(n, [1.]).name, fc.bucketized_column(n, [1.]).num_buckets]
'''


@pytest.mark.oracle
def test_reprs_and_errors_match_tf(oracle):
    assert outcome(run_here(_ERRORS)) == outcome(oracle(_ERRORS))


_VALUES = r'''
fc = tf.feature_column
b2 = fc.bucketized_column(fc.numeric_column('p', shape=(2,)), [0., 10.])
cols = [fc.numeric_column('x', shape=(2, 2)), fc.numeric_column('r'), b2,
        fc.numeric_column('i', dtype=tf.int64, normalizer_fn=lambda t: t - 1)]
feats = {'x': tf.constant(np.arange(12.).reshape(3, 2, 2)), 'r': tf.constant([1., 2., 3.]),
         'p': tf.constant([[-1., 10.], [5., 11.], [0., -3.]]),
         'i': tf.constant([[4], [5], [6]], tf.int64)}
out = fc.input_layer(feats, cols)
lm = fc.linear_model(feats, [b2], units=3)
with tf.Session() as s:
    s.run([w.assign(tf.reshape(tf.range(w.shape.num_elements(), dtype=tf.float32), w.shape))
           for w in tf.global_variables()])
    result = [out.shape.as_list(), s.run(out).tolist(), s.run(lm).tolist(),
              [(op.name, op.type) for op in tf.get_default_graph().get_operations()]]
'''


@pytest.mark.oracle
def test_values_and_graph_match_tf(oracle):
    assert run_here(_VALUES) == oracle(_VALUES)
