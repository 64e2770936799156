"""tf.feature_column.input_layer / linear_model / make_parse_example_spec vs TF: variables
(names, shapes, collections), the graph op for op, output values, column order, training."""

import pytest
from oracle import ORACLE_HELPERS, outcome, run_here

_MODEL = r'''
fc = tf.feature_column
a = fc.numeric_column('a', shape=(2,))
b = fc.bucketized_column(fc.numeric_column('b'), [0., 1., 2.])
c = fc.categorical_column_with_identity('c', 5)
e = fc.embedding_column(c, 3, combiner=COMBINER,
                        initializer=tf.constant_initializer(np.arange(15).reshape(5, 3) / 10.))
v = fc.categorical_column_with_vocabulary_list('v', ['x', 'y', 'z'], num_oov_buckets=1)
h = fc.categorical_column_with_hash_bucket('h', 10)
x = fc.crossed_column(['h', v], 7)
feats = {'a': tf.placeholder(tf.float32, [None, 2]), 'b': tf.placeholder(tf.float32, [None, 1]),
         'c': tf.sparse.placeholder(tf.int64, shape=[None, None]),
         'v': tf.placeholder(tf.string, [None, 1]), 'h': tf.placeholder(tf.string, [None, 2])}
out = fc.input_layer(feats, [fc.indicator_column(h), a, b, e, fc.indicator_column(v),
                             fc.indicator_column(x)])
cols = {}
lm = fc.linear_model(feats, [a, b, c, v, h, x], units=2, sparse_combiner=COMBINER,
                     cols_to_vars=cols)
fd = {feats['a']: [[1., 2.], [3., 4.], [5, 6]], feats['b']: [[-1.], [1.5], [7]],
      feats['c']: tf.SparseTensorValue([[0, 0], [0, 1], [2, 0]], [1, 4, 2], [3, 2]),
      feats['v']: [['x'], ['q'], ['']], feats['h']: [['p', 'q'], ['', 'r'], ['s', '']]}
ops = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
with tf.Session() as s:
    s.run([tf.global_variables_initializer(), tf.tables_initializer()])
    s.run([w.assign(tf.reshape(tf.range(w.shape.num_elements(), dtype=tf.float32), w.shape) / 7.)
           for w in tf.global_variables() if 'linear_model' in w.name])
    values = [np.round(t, 5).tolist() for t in s.run([out, lm], fd)]
result = [[(w.name, w.shape.as_list()) for w in tf.global_variables()],
          [w.name for w in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)],
          [w.name for w in tf.trainable_variables()],
          sorted((k if isinstance(k, str) else k.name, [w.name for w in vs])
                 for k, vs in cols.items()),
          out.shape.as_list(), lm.name, ops, values]
'''


@pytest.mark.oracle
@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_input_layer_and_linear_model_match_tf(oracle, combiner):
    code = "COMBINER = %r\n" % combiner + _MODEL
    assert run_here(code) == oracle(code)


_TRAIN = r'''
fc = tf.feature_column
tf.set_random_seed(3)
ids = fc.categorical_column_with_vocabulary_list('w', ['a', 'b', 'c', 'd'])
cols = [fc.numeric_column('x', shape=(3,)), fc.embedding_column(ids, 4, combiner='sqrtn'),
        fc.indicator_column(fc.categorical_column_with_identity('k', 3))]
feats = {'x': tf.constant(np.linspace(-1, 1, 12).reshape(4, 3), tf.float32),
         'w': tf.SparseTensor([[0, 0], [0, 1], [1, 0], [3, 1]], ['a', 'c', 'zz', 'b'], [4, 2]),
         'k': tf.constant([[0], [2], [1], [2]]),
         'kw': tf.constant([[0.5], [2.], [1.], [-1.]])}
net = fc.input_layer(feats, cols)
hidden = tf.layers.dense(net, 5, activation=tf.nn.relu, name='hidden',
                         kernel_initializer=tf.constant_initializer(
                             np.cos(np.arange(50)).reshape(10, 5) / 3.))
logits = tf.layers.dense(hidden, 1, name='logits',
                         kernel_initializer=tf.constant_initializer(0.3))
y = tf.constant([[1.], [0.], [1.], [0.]])
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
lin = fc.linear_model(feats, [cols[0], ids, fc.weighted_categorical_column(
    fc.categorical_column_with_identity('k', 3), 'kw')], sparse_combiner='mean')
loss = loss + tf.reduce_mean(tf.square(lin - y))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
losses = []
with tf.Session() as s:
    s.run([tf.global_variables_initializer(), tf.tables_initializer()])
    s.run(tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, 'input_layer')[0].assign(
        np.sin(np.arange(16)).reshape(4, 4)))
    for _ in range(4):
        losses.append(round(float(s.run([loss, train])[0]), 5))
    emb = np.round(s.run(tf.global_variables()[0]), 4).tolist()
result = [losses, emb, [w.name for w in tf.trainable_variables()]]
'''


@pytest.mark.oracle
def test_a_small_model_trains_as_tf(oracle):
    here = run_here(_TRAIN)
    assert "ok" in here, here
    assert here == oracle(_TRAIN)


_ORDER = r'''
fc = tf.feature_column
cols = [fc.numeric_column('zeta'), fc.numeric_column('alpha', shape=(2,)),
        fc.numeric_column('mid', normalizer_fn=lambda t: t * 10, dtype=tf.int32)]
feats = {'zeta': tf.constant([[1.]]), 'alpha': tf.constant([[2., 3.]]), 'mid': tf.constant([4])}
to_out = {}
out = fc.input_layer(feats, cols, cols_to_output_tensors=to_out)
out2 = fc.input_layer(feats, cols[:1])
with tf.Session() as s:
    result = [s.run(out).tolist(), out.name, out2.name,
              sorted((k.name, t.name) for k, t in to_out.items())]
'''


@pytest.mark.oracle
def test_columns_are_visited_by_name(oracle):
    assert run_here(_ORDER) == oracle(_ORDER)


_ERRORS = ORACLE_HELPERS + r'''
fc = tf.feature_column
n = fc.numeric_column('n')
ids = fc.categorical_column_with_identity('k', 3)
f = {'n': tf.constant([[1.]]), 'k': tf.constant([[1]]), 'm': tf.constant([[1.], [2.]])}
result = [
    err(lambda: fc.input_layer(f, [])),
    err(lambda: fc.input_layer(f, {'a': n})),
    err(lambda: fc.input_layer(f, [n, n])),
    err(lambda: fc.input_layer(f, [ids])),
    err(lambda: fc.input_layer(f, ['n'])),
    err(lambda: fc.input_layer(f, [fc.numeric_column('q')])),
    err(lambda: fc.input_layer(f, [n, fc.numeric_column('m')])),
    err(lambda: fc.input_layer({'n': tf.constant(1.)}, [n])),
    err(lambda: fc.input_layer({'n': tf.SparseTensor([[0, 0]], [1.], [1, 1])}, [n])),
    err(lambda: fc.linear_model(f, [])),
    err(lambda: fc.make_parse_example_spec(['n'])),
    err(lambda: fc.make_parse_example_spec([n, fc.numeric_column('n', shape=2)])),
]
'''


@pytest.mark.oracle
def test_errors_match_tf(oracle):
    assert outcome(run_here(_ERRORS)) == outcome(oracle(_ERRORS))


_SPEC = r'''
fc = tf.feature_column
ids = fc.categorical_column_with_vocabulary_list('w', ['a', 'b'])
cols = [fc.numeric_column('x', shape=(2,), default_value=0.5), fc.embedding_column(ids, 2),
        fc.weighted_categorical_column(fc.categorical_column_with_identity('k', 4), 'kw'),
        fc.crossed_column(['s', ids], 5), fc.bucketized_column(fc.numeric_column('y'), [1.])]
spec = fc.make_parse_example_spec(cols)
ex = tf.train.Example(features=tf.train.Features(feature={
    'x': tf.train.Feature(float_list=tf.train.FloatList(value=[1., 2.])),
    'w': tf.train.Feature(bytes_list=tf.train.BytesList(value=[b'b', b'q'])),
    'k': tf.train.Feature(int64_list=tf.train.Int64List(value=[3, 1])),
    'kw': tf.train.Feature(float_list=tf.train.FloatList(value=[.5, 2.])),
    's': tf.train.Feature(bytes_list=tf.train.BytesList(value=[b'u'])),
    'y': tf.train.Feature(float_list=tf.train.FloatList(value=[3.]))}))
parsed = tf.io.parse_example(tf.constant([ex.SerializeToString()] * 2), spec)
out = fc.input_layer(parsed, [cols[0], fc.indicator_column(cols[2]),
                              fc.indicator_column(cols[3]), cols[4]])
with tf.Session() as s:
    s.run(tf.tables_initializer())
    result = [sorted((k, repr(v)) for k, v in spec.items()), s.run(out).tolist()]
'''


@pytest.mark.oracle
def test_parse_example_spec_feeds_parse_example(oracle):
    assert run_here(_SPEC) == oracle(_SPEC)
