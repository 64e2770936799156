"""tf.keras loss objects with sample weights, and the loss functions by name (hinge losses
turning 0/1 labels into -1/1, percentage, logarithmic, KL, Poisson, log-cosh, cosine) with
their graphs and values, against real TF + tf_keras."""

import pytest
from approx import agree, explain
from oracle import run_here

WEIGHTED = """L = tf.keras.losses
t = [[1., 2.], [3., 4.], [0., 1.]]; p = [[0., 2.], [1., 1.], [.5, .5]]
result = []
for loss in (L.MeanSquaredError(), L.MeanAbsoluteError()):
    for w in ([[2.], [0.5], [0.]], [1., 2., 3.], 3., None):
        v = loss(t, p, sample_weight=w) if w is not None else loss(t, p)
        with tf.Session() as s:
            result.append(float(s.run(v)))
"""


@pytest.mark.oracle
def test_weighted_losses_match_tf(oracle):
    here, there = run_here(WEIGHTED), oracle(WEIGHTED)
    assert agree(here, there, 1e-6), explain(WEIGHTED, here, there)


FUNCTIONS = """
import re
Lo = tf.keras.losses
t = tf.placeholder(tf.float32, [None, 3], name='t'); p = tf.placeholder(tf.float32, [None, 3], name='p')
names = ['hinge', 'squared_hinge', 'categorical_hinge', 'mape', 'msle', 'kld', 'poisson', 'logcosh', 'cosine_similarity', 'MAPE', 'KLD']
ys = []
for n in names:
    with tf.name_scope(n):
        ys.append(Lo.get(n)(t, p))
objs = [Lo.SquaredHinge(), Lo.CategoricalHinge(), Lo.MeanAbsolutePercentageError(), Lo.MeanSquaredLogarithmicError(), Lo.KLDivergence(), Lo.Poisson(), Lo.LogCosh(), Lo.CosineSimilarity()]
zs = [o(t, p) for o in objs]
g = [[o.name, o.type, [i.name for i in o.inputs]] for o in tf.get_default_graph().get_operations() if o.name.split('/')[0] in names]
rng = np.random.RandomState(0)
feeds = [{t: rng.randint(0, 2, (4, 3)).astype('float32'), p: rng.uniform(0.05, 1, (4, 3))},
         {t: rng.uniform(-1, 1, (4, 3)), p: rng.uniform(0.05, 1, (4, 3))}]
with tf.Session() as s:
    values = [s.run(ys + zs, f) for f in feeds]
result = [[y.name for y in ys], [f.__name__ for f in map(Lo.get, names)], g, values]
"""


@pytest.mark.oracle
def test_loss_functions_and_objects_match_tf(oracle):
    here, there = run_here(FUNCTIONS), oracle(FUNCTIONS)
    assert "ok" in there, there
    assert agree(here, there), explain(FUNCTIONS, here, there)


ALIASES = """
M = tf.keras.metrics; Lo = tf.keras.losses
names = ['mape', 'MAPE', 'msle', 'MSLE', 'kld', 'KLD', 'kl_divergence', 'kullback_leibler_divergence', 'log_cosh', 'logcosh', 'poisson', 'squared_hinge', 'cosine_proximity', 'mean_absolute_percentage_error', 'mean_squared_logarithmic_error']
result = [[getattr(M, n).__name__ for n in names], [getattr(M, 'cosine').__name__], [getattr(Lo, n).__name__ for n in names]]
"""


@pytest.mark.oracle
def test_loss_and_metric_aliases_match_tf(oracle):
    here, there = run_here(ALIASES), oracle(ALIASES)
    assert "ok" in there, there
    assert agree(here, there), explain(ALIASES, here, there)


HUBER = """
Lo = tf.keras.losses; K = tf.keras; L = K.layers
t = tf.placeholder(tf.float32, [None, 3], name='t')
p = tf.placeholder(tf.float32, [None, 3], name='p')
with tf.name_scope('huber'):
    ys = [Lo.get('huber')(t, p), Lo.get('huber')(t, p, delta=0.3)]
ys += [Lo.Huber()(t, p), Lo.Huber(0.5)(t, p, sample_weight=[1., 0., 2., 1.])]
g = [[o.name, o.type, [i.name for i in o.inputs]] for o in tf.get_default_graph().get_operations()
     if o.name.startswith('huber/')]
rng = np.random.RandomState(0)
feed = {t: rng.uniform(-1, 1, (4, 3)), p: rng.uniform(-2, 2, (4, 3))}
with tf.Session() as s:
    values = s.run(ys, feed)
xs = np.array([[1., 2.], [2., 1.], [0., 1.], [1., 0.]], 'float32')
ts = np.array([[1.], [3.], [.5], [0.]], 'float32')
fits = []
for loss in ('huber', Lo.Huber(delta=0.5)):
    m = K.Sequential([L.Dense(1, input_shape=(2,), kernel_initializer='ones')])
    m.compile('sgd', loss)
    fits.append([float(m.train_on_batch(xs, ts)) for _ in range(3)] + m.get_weights())
result = [g, values, fits, Lo.Huber().name, Lo.Huber(name='h').name,
          Lo.get('huber_loss').__name__, hasattr(Lo, 'huber_loss'), hasattr(Lo, 'huber')]
"""


@pytest.mark.oracle
def test_huber_matches_tf(oracle):
    here, there = run_here(HUBER), oracle(HUBER)
    assert "ok" in there, there
    assert agree(here, there), explain(HUBER, here, there)
