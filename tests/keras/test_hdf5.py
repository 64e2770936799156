"""Keras HDF5 files against real TF + tf_keras: weights files (`save_weights('w.h5')`) and whole
model files (`model.save('m.h5')`, `load_model`) written by one and read by the other, for a
Sequential model, a functional model with a merge, and a masked Embedding + Bidirectional(LSTM) +
BatchNormalization stack: the reader's predictions equal the writer's."""

import pytest
from approx import agree, assert_agree_in_dirs, explain
from oracle import run_here

SAVE = """import numpy as np
K = tf.keras; L = tf.keras.layers
C = tf.constant_initializer
xs = np.array([[1., 2., 0.], [2., 1., -1.], [0., 1., 3.]], 'float32')
ids = np.array([[1, 2, 0, 3], [0, 4, 4, 1], [2, 2, 2, 0]])
m1 = K.Sequential([L.Dense(4, activation='relu', input_shape=(3,), kernel_initializer=C(np.linspace(-1, 1, 12))), L.Dropout(0.2), L.Dense(2, kernel_initializer=C(.3), bias_initializer=C(.1))])
m1.compile(K.optimizers.Adam(0.01), 'mse', metrics=['mae'])

a = K.Input((3,), name='a')
b1 = L.Dense(2, activation='tanh', kernel_initializer=C(np.linspace(-1, 1, 6)), name='b1')(a)
b2 = L.Dense(3, kernel_initializer=C(.2), name='b2')(a)
c = L.Concatenate()([b1, b2])
o = L.Dense(1, activation='sigmoid', kernel_initializer=C(-.4), name='out')(c)
m2 = K.Model(a, o)
m3 = K.Sequential([L.Embedding(5, 3, mask_zero=True, input_length=4, embeddings_initializer=C(np.linspace(-1, 1, 15))),
                   L.Bidirectional(L.LSTM(2, kernel_initializer=C(.2), recurrent_initializer=C(.1))),
                   L.BatchNormalization(beta_initializer=C(.5), moving_mean_initializer=C(.1)), L.Dense(1)])
m3.layers[-1].set_weights([np.ones((4, 1), 'float32'), np.zeros(1, 'float32')])
for i, m in enumerate((m1, m2, m3)):
    m.save_weights(DIR + '/w%d.h5' % i)
    m.save(DIR + '/m%d.h5' % i)
result = [m1.predict(xs), m2.predict(xs), m3.predict(ids)]
"""

LOAD = """import numpy as np
K = tf.keras; L = tf.keras.layers
xs = np.array([[1., 2., 0.], [2., 1., -1.], [0., 1., 3.]], 'float32')
ids = np.array([[1, 2, 0, 3], [0, 4, 4, 1], [2, 2, 2, 0]])
m1 = K.Sequential([L.Dense(4, activation='relu', input_shape=(3,)), L.Dropout(0.2), L.Dense(2)])
a = K.Input((3,), name='a')
c = L.Concatenate()([L.Dense(2, activation='tanh', name='b1')(a), L.Dense(3, name='b2')(a)])
m2 = K.Model(a, L.Dense(1, activation='sigmoid', name='out')(c))
m3 = K.Sequential([L.Embedding(5, 3, mask_zero=True, input_length=4), L.Bidirectional(L.LSTM(2)), L.BatchNormalization(), L.Dense(1)])
out = []
for i, (m, x) in enumerate(((m1, xs), (m2, xs), (m3, ids))):
    m.load_weights(DIR + '/w%d.h5' % i)
    out.append(m.predict(x))
for i, x in enumerate((xs, xs, ids)):
    lm = K.models.load_model(DIR + '/m%d.h5' % i)
    out.append([lm.predict(x), [l.name for l in lm.layers], type(lm.optimizer).__name__ if getattr(lm, 'optimizer', None) else None])
result = out
"""


def _programs(directory):
    prefix = "DIR = %r\n" % str(directory)
    return prefix + SAVE, prefix + LOAD


@pytest.mark.oracle
def test_tf_files_load_here(oracle, tmp_path):
    save, load = _programs(tmp_path)
    written = oracle(save)
    assert "ok" in written, written
    here = run_here(load)
    assert "ok" in here, here
    assert agree(here["ok"][:3], written["ok"]), explain(load, here, written)
    assert agree([x[0] for x in here["ok"][3:]], written["ok"]), explain(load, here, written)
    assert [x[1:] for x in here["ok"][3:]] == [
        [["dense", "dropout", "dense_1"], "Adam"], [["a", "b1", "b2", "concatenate", "out"], None],
        [["embedding", "bidirectional", "batch_normalization", "dense_2"], None]]


@pytest.mark.oracle
def test_files_written_here_load_in_tf(oracle, tmp_path):
    save, load = _programs(tmp_path)
    written = run_here(save)
    assert "ok" in written, written
    there = oracle(load)
    mine = run_here(load)
    assert agree(there, mine), explain(load, mine, there)
    assert agree(there["ok"][:3], written["ok"]), explain(load, there, written)


def test_weights_file_errors(tf, tmp_path):
    K = tf.keras
    m = K.Sequential([K.layers.Dense(2, input_shape=(3,))])
    m.save_weights(str(tmp_path / "w.h5"))
    two = K.Sequential([K.layers.Dense(2, input_shape=(3,)), K.layers.Dense(1)])
    with pytest.raises(ValueError, match="Layer count mismatch"):
        two.load_weights(str(tmp_path / "w.h5"))
    two.load_weights(str(tmp_path / "w.h5"), by_name=True)  # no layer of that name: no-op


# the files' attributes as h5py reads them back: names as variable-length strings (str), an
# empty name list as an empty float64 array, as tf_keras writes them
ATTRS = """import h5py, os
import numpy as np
K = tf.keras; L = K.layers
i = K.Input((5,)); h = L.BatchNormalization(name='bn')(L.Dense(6, name='h')(i))
m = K.Model(i, L.Dense(2, name='o')(h))
m.save_weights(DIR + '/a.h5')
def attrs(g):
    out = {}
    for k in g.attrs:
        v = np.atleast_1d(g.attrs[k])
        out[k] = [type(x).__name__ for x in v] + [str(x) for x in v] + [v.dtype.kind]
    return out
with h5py.File(DIR + '/a.h5', 'r') as f:
    result = [attrs(f)] + [attrs(f[n]) for n in ('input_1', 'h', 'bn', 'o')]
"""


@pytest.mark.oracle
def test_weights_file_attributes_as_tf(oracle, tmp_path):
    assert_agree_in_dirs(oracle, tmp_path, ATTRS)
