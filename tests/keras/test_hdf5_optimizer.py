"""Keras HDF5 model files with the optimizer, against real TF + tf_keras: `model.save` writes the
optimizer's config (float32 hyperparameters once trained) and state (`optimizer_weights`: step
count and slots by variable name) as tf_keras does; `load_model` restores them so training goes
on with the same slot values; `include_optimizer=False` writes neither. The model configs
(Dense layers with every default argument, InputLayer) equal tf_keras'. Each side loads the
files the other wrote."""

import pytest
from approx import agree, explain
from oracle import run_here

SAVE = """import numpy as np, json, h5py
K = tf.keras; L = tf.keras.layers; C = tf.constant_initializer
xs = (np.arange(12, dtype='float32').reshape(4, 3) - 5) / 4
ys = np.array([[1., 0.], [0., 1.], [.5, .5], [1., 1.]], 'float32')
m1 = K.Sequential([L.Dense(4, activation='relu', input_shape=(3,), kernel_initializer=C(np.linspace(-1, 1, 12))), L.Dense(2, kernel_initializer=C(.3))])
m1.compile(K.optimizers.Adam(0.01), 'mse', metrics=['mae'])
m1.save(DIR + '/fresh.h5')
m1.fit(xs, ys, epochs=2, batch_size=4, shuffle=False, verbose=0)
a = K.Input((3,), name='a')
o = L.Dense(2, kernel_initializer=C(np.linspace(-.5, .5, 6)), name='out')(L.Dense(3, activation='tanh', kernel_initializer=C(.2), name='h')(a))
m2 = K.Model(a, o)
m2.compile(K.optimizers.SGD(0.1, momentum=0.9, nesterov=True), 'mae')
m2.fit(xs, ys, epochs=3, batch_size=2, shuffle=False, verbose=0)
m3 = K.Sequential([L.Dense(2, input_shape=(3,), kernel_initializer=C(.1))])
m3.compile(K.optimizers.RMSprop(0.02, momentum=0.5, centered=True), 'mse')
m3.train_on_batch(xs, ys)
m1.save(DIR + '/adam.h5'); m2.save(DIR + '/sgd.h5'); m3.save(DIR + '/rms.h5')
m1.save(DIR + '/noopt.h5', include_optimizer=False)
def dump(path):
    out = []
    with h5py.File(path, 'r') as f:
        out.append({k: json.loads(v) if k.endswith('config') else v for k, v in f.attrs.items()})
        f.visititems(lambda n, o: out.append([n, {k: list(v) if hasattr(v, 'shape') else v for k, v in o.attrs.items()}, np.asarray(o).tolist() if hasattr(o, 'shape') else None]))
    return out
result = [dump(DIR + '/' + n + '.h5') for n in ('fresh', 'adam', 'sgd', 'rms', 'noopt')]
"""

LOAD = """import numpy as np
K = tf.keras
xs = (np.arange(12, dtype='float32').reshape(4, 3) - 5) / 4
ys = np.array([[1., 0.], [0., 1.], [.5, .5], [1., 1.]], 'float32')
out = []
for name in ('adam', 'sgd', 'rms'):
    m = K.models.load_model(DIR + '/' + name + '.h5')
    opt = m.optimizer
    out.append([type(opt).__name__, opt.get_config(), [w.name for w in opt.weights], opt.get_weights()])
    out.append([m.train_on_batch(xs, ys), m.train_on_batch(xs, ys), m.get_weights(), opt.get_weights()])
fresh = K.models.load_model(DIR + '/fresh.h5')
out.append([fresh.optimizer.weights, fresh.optimizer.get_config()])
noopt = K.models.load_model(DIR + '/noopt.h5')
out.append([noopt.optimizer, noopt.predict(xs)])
result = out
"""


def _program(code, directory):
    return "DIR = %r\n" % str(directory) + code


@pytest.mark.oracle
def test_model_files_with_optimizer(oracle, tmp_path):
    """The files each side writes are alike; each side loads both sides' files alike."""
    (tmp_path / "tf").mkdir()
    (tmp_path / "here").mkdir()
    written_there = oracle(_program(SAVE, tmp_path / "tf"))
    written_here = run_here(_program(SAVE, tmp_path / "here"))
    assert "ok" in written_there, written_there
    assert agree(written_here, written_there), explain(SAVE, written_here, written_there)
    for side in ("tf", "here"):
        load = _program(LOAD, tmp_path / side)
        there, here = oracle(load), run_here(load)
        assert "ok" in there, there
        assert agree(here, there), explain(load, here, there)


@pytest.mark.oracle
def test_optimizer_set_weights_errors(oracle):
    code = """import numpy as np
m = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
m.compile(tf.keras.optimizers.Adam(), 'mse')
opt = m.optimizer
opt._create_all_weights(m.trainable_weights)
out = [err(lambda: opt.set_weights([1, 2]))]
out.append(err(lambda: opt.set_weights([np.array(3)] + [np.zeros((2, 2), 'float32')] * 4)))
opt.set_weights([np.array(3, 'int64'), np.ones((3, 2)), np.ones(2), np.ones((3, 2)), np.ones(2)])
result = out + [tf.keras.backend.get_value(opt.iterations), opt.get_weights()[1].tolist()]
"""
    from oracle import ORACLE_HELPERS
    code = ORACLE_HELPERS + code
    there, here = oracle(code), run_here(code)
    assert agree(here, there), explain(code, here, there)
