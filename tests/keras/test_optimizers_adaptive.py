"""tf.keras Adamax and Nadam (scopeflow/keras/optimizers_adaptive.py) against real TF +
tf_keras in TF1 graph mode: the training graph op for op (slots, `momentum_cache`, the fused
`ResourceApplyAdaMax`), the losses and weights after a few steps, `get_config`, and
`optimizers.get` by name."""

import pytest
from approx import agree, explain
from oracle import run_here
from test_keras_optimizers import STEPS

OPTIMIZERS = [
    "K.optimizers.Adamax(0.05)", "K.optimizers.Adamax(0.05, beta_1=0.5, decay=0.1)",
    "K.optimizers.Nadam(0.05)", "K.optimizers.Nadam(0.05, schedule_decay=0.1, clipnorm=0.5)",
    "'adamax'", "'nadam'", "K.optimizers.Adadelta(0.5)", "K.optimizers.Adadelta(1.0, rho=0.5)",
    "'adadelta'", "K.optimizers.Ftrl(0.1)",
    "K.optimizers.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.1, "
    "beta=0.5, learning_rate_power=-0.3)",
    "K.optimizers.Ftrl(0.1, l2_shrinkage_regularization_strength=0.2, "
    "initial_accumulator_value=0.5)", "'ftrl'",
]
TRAINING = [STEPS.replace("OPT", opt) + "result.append(m.optimizer.get_config())\n"
            for opt in OPTIMIZERS]


CONFIGS = [
    # config before any step (hyperparameters as given), a round trip, Nadam's decay ignored
    ("K = tf.keras\n"
     "a = K.optimizers.Adamax(0.01, beta_2=0.9, epsilon=None, clipvalue=1.0)\n"
     "b = K.optimizers.Adamax.from_config(a.get_config())\n"
     "n = K.optimizers.Nadam(decay=0.5, name='N')\n"
     "result = [a.get_config(), b.get_config(), n.get_config(), "
     "type(K.optimizers.get('Nadam')).__name__]"),
    # Ftrl's argument checks, Adadelta's weights without the step count
    ("K = tf.keras\n"
     "errors = []\n"
     "for kw in ({'initial_accumulator_value': -1.}, {'learning_rate_power': 0.5}, "
     "{'l1_regularization_strength': -1.}, {'l2_regularization_strength': -.1}, "
     "{'l2_shrinkage_regularization_strength': -2.}):\n"
     "    try:\n"
     "        K.optimizers.Ftrl(**kw)\n"
     "    except ValueError as e:\n"
     "        errors.append(str(e))\n"
     "m = K.Sequential([K.layers.Dense(1, input_shape=(2,), kernel_initializer='ones')])\n"
     "m.compile(K.optimizers.Adadelta(1.0), 'mse')\n"
     "m.train_on_batch(np.ones((2, 2), 'float32'), np.zeros((2, 1), 'float32'))\n"
     "o = m.optimizer; o.set_weights([np.full((2, 1), 2., 'float32'), np.ones(1, 'float32'), "
     "np.ones((2, 1), 'float32'), np.ones(1, 'float32')])\n"
     "result = [errors, o.get_weights(), K.optimizers.Ftrl(0.2, beta=0.1).get_config()]"),
    # Adamax's sparse update (an embedding's rows): only the rows seen move
    ("K = tf.keras; L = K.layers\n"
     "m = K.Sequential([L.Embedding(5, 2, input_length=3, embeddings_initializer="
     "tf.constant_initializer(np.arange(10.) / 10)), L.Flatten(), L.Dense(1, "
     "kernel_initializer='ones')])\n"
     "m.compile(K.optimizers.Adamax(0.1), 'mse')\n"
     "xs = np.array([[0, 1, 1], [3, 1, 0]]); ys = np.array([[1.], [-1.]], 'float32')\n"
     "losses = [float(m.train_on_batch(xs, ys)) for _ in range(3)]\n"
     "result = [losses, m.get_weights(), m.optimizer.get_weights()]"),
]
CONFIGS += [CONFIGS[-1].replace("Adamax(0.1)", opt) for opt in (
    "Adadelta(1.0)", "Ftrl(0.5, l1_regularization_strength=0.01)",
    "Ftrl(0.5, l2_shrinkage_regularization_strength=0.1)")]


@pytest.mark.oracle
@pytest.mark.parametrize("code", TRAINING + CONFIGS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)


ROUND_TRIP = """
K = tf.keras; L = K.layers
xs = np.array([[1., 2.], [2., 1.], [0., 1.]], 'float32')
ys = np.array([[1.], [2.], [.5]], 'float32')
out = []
for i, opt in enumerate([K.optimizers.Nadam(0.05), K.optimizers.Adamax(0.05),
                         K.optimizers.Adadelta(1.0), K.optimizers.Ftrl(0.1, beta=0.2)]):
    m = K.Sequential([L.Dense(2, input_shape=(2,), kernel_initializer='ones'), L.Dense(1)])
    m.layers[1].set_weights([np.array([[.5], [-.5]], 'float32'), np.zeros(1, 'float32')])
    m.compile(opt, 'mse')
    m.train_on_batch(xs, ys); m.train_on_batch(xs, ys)
    path = DIR + '/m%d.h5' % i
    m.save(path)
    n = K.models.load_model(path)
    out.append([type(n.optimizer).__name__, n.optimizer.get_config(),
                [w.name for w in n.optimizer.weights], n.optimizer.get_weights(),
                float(n.train_on_batch(xs, ys)), n.get_weights()])
result = out
"""


@pytest.mark.oracle
def test_hdf5_round_trip_matches_tf(oracle, tmp_path):
    """A model saved with its optimizer loads it (class, config, slots and step count) and trains
    on as TF's does."""
    (tmp_path / "tf").mkdir()
    (tmp_path / "here").mkdir()
    there = oracle("DIR = %r\n" % str(tmp_path / "tf") + ROUND_TRIP)
    here = run_here("DIR = %r\n" % str(tmp_path / "here") + ROUND_TRIP)
    assert "ok" in there, there
    assert agree(here, there), explain(ROUND_TRIP, here, there)
