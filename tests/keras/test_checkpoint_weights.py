"""`model.save_weights` in TF's checkpoint format writes tf_keras' object-based checkpoint
(keys `layer_with_weights-0/cell/kernel/.ATTRIBUTES/VARIABLE_VALUE` and the
`_CHECKPOINTABLE_OBJECT_GRAPH`): tf_keras loads what scopeflow wrote and scopeflow loads what
tf_keras wrote, for a functional model with an LSTM (a nested cell), a Dense, a
Bidirectional GRU and a BatchNormalization, and for a Sequential model."""

import pytest
from approx import agree, explain
from oracle import run_here

BUILD = """
import os
K = tf.keras; L = K.layers
def functional():
    x = K.Input((3, 4))
    h = L.LSTM(5, return_sequences=True)(x)
    h = L.Bidirectional(L.GRU(2, return_sequences=True))(h)
    h = L.BatchNormalization()(L.Dropout(0.1)(h))
    return K.Model(x, L.Dense(2)(L.Flatten()(h)))
def sequential():
    return K.Sequential([L.Dense(3, input_shape=(4,)), L.Dense(2, use_bias=False)])
"""

SAVE = BUILD + """
models = [functional(), sequential()]
rng = np.random.RandomState(0)
for m in models:
    m.set_weights([rng.uniform(-1, 1, w.shape.as_list()) for w in m.weights])
paths = [os.path.join(DIR, name, 'w') for name in ('functional', 'sequential')]
for m, p in zip(models, paths):
    m.save_weights(p)
reader = tf.train.load_checkpoint(paths[0])
keys = sorted(k for k in reader.get_variable_to_shape_map() if k != '_CHECKPOINTABLE_OBJECT_GRAPH')
result = [keys, sorted(os.listdir(os.path.dirname(paths[0]))),
          [m.get_weights() for m in models]]
"""

LOAD = BUILD + """
models = [functional(), sequential()]
for m, name in zip(models, ('functional', 'sequential')):
    m.load_weights(os.path.join(DIR, name, 'w'))
data = np.linspace(-1, 1, 24).reshape(2, 3, 4)
result = [[m.get_weights() for m in models], models[0].predict(data),
          models[1].predict(data[:, 0])]
"""


@pytest.mark.oracle
def test_save_weights_checkpoints_load_both_ways(oracle, tmp_path):
    dirs = {side: tmp_path / side for side in ("tf", "here")}
    saved = {}
    for side, run in (("tf", oracle), ("here", run_here)):
        dirs[side].mkdir()
        saved[side] = run("DIR = %r\n" % str(dirs[side]) + SAVE)
    assert "ok" in saved["tf"], saved["tf"]
    assert agree(saved["here"], saved["tf"]), explain(SAVE, saved["here"], saved["tf"])
    for written in ("tf", "here"):
        code = "DIR = %r\n" % str(dirs[written]) + LOAD
        there, here = oracle(code), run_here(code)
        assert "ok" in there, (written, there)
        assert agree(here, there), explain(code, here, there)
