"""tf.keras.layers.DenseFeatures (TF1 graph mode) vs TF: its resource embedding tables, the
graph of two calls op for op, values, errors and a few training steps."""

import pytest
from oracle import ORACLE_HELPERS, outcome, run_here

_LAYER = r'''
fc = tf.feature_column
ids = fc.categorical_column_with_identity('k', 4)
cols = [fc.numeric_column('x', shape=(2,)), fc.embedding_column(
            ids, 3, initializer=tf.constant_initializer(np.arange(12).reshape(4, 3) / 10.)),
        fc.indicator_column(ids)]
layer = tf.keras.layers.DenseFeatures(cols)
feats = {'x': tf.constant([[1., 2.], [3, 4]]), 'k': tf.constant([[1], [3]])}
out = layer(feats)
out2 = layer({'x': tf.constant([[5., 6.]]), 'k': tf.SparseTensor([[0, 0], [0, 1]],
                                                                  tf.constant([0, 2]), [1, 2])})
loss = tf.reduce_sum(tf.square(out)) + tf.reduce_sum(out2)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
ops = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    values = [np.round(v, 5).tolist() for v in s.run([out, out2])]
    for _ in range(3):
        s.run(train)
    values.append(np.round(s.run(loss), 4).tolist())
result = [layer.name, out.name, out2.name, out.shape.as_list(),
          [(v.name, type(v).__name__) for v in tf.global_variables()],
          [v.name for v in layer.trainable_weights], ops, values]
'''


@pytest.mark.oracle
def test_layer_matches_tf(oracle):
    assert run_here(_LAYER) == oracle(_LAYER)


_ERRORS = ORACLE_HELPERS + r'''
fc = tf.feature_column
ids = fc.categorical_column_with_identity('k', 4)
n = fc.numeric_column('n')
result = [err(lambda: tf.keras.layers.DenseFeatures([ids])),
          err(lambda: tf.keras.layers.DenseFeatures([])),
          err(lambda: tf.keras.layers.DenseFeatures([n, n])),
          err(lambda: tf.keras.layers.DenseFeatures([n])(tf.constant([[1.]])))]
'''


@pytest.mark.oracle
def test_errors_match_tf(oracle):
    assert outcome(run_here(_ERRORS)) == outcome(oracle(_ERRORS))
