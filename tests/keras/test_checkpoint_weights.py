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


def _save_and_load_both_ways(oracle, tmp_path, save, load):
    """`save` run by TF and here alike (same results), then `load` run by both on each's files."""
    dirs = {side: tmp_path / side for side in ("tf", "here")}
    saved = {}
    for side, run in (("tf", oracle), ("here", run_here)):
        dirs[side].mkdir()
        saved[side] = run("DIR = %r\n" % str(dirs[side]) + save)
    assert "ok" in saved["tf"], saved["tf"]
    assert agree(saved["here"], saved["tf"]), explain(save, saved["here"], saved["tf"])
    for written in ("tf", "here"):
        code = "DIR = %r\n" % str(dirs[written]) + load
        there, here = oracle(code), run_here(code)
        assert "ok" in there, (written, there)
        assert agree(here, there), explain(code, here, there)


@pytest.mark.oracle
def test_save_weights_checkpoints_load_both_ways(oracle, tmp_path):
    _save_and_load_both_ways(oracle, tmp_path, SAVE, LOAD)


# After a fit, tf_keras' checkpoint holds the optimizer too: `optimizer/iter`, its
# hyperparameters and each slot under its variable (`.OPTIMIZER_SLOT/optimizer/m`); a subclassed
# model's variables sit under its attribute names (`d1/kernel`, `blocks/1/scale`). A model that
# loads it before its first step gets the optimizer's values once it makes its variables.
TRAINED = """
import os
K = tf.keras; L = K.layers
class Scale(L.Layer):
    def build(self, shape):
        self.s = self.add_weight('scale', shape=(shape[-1],), initializer='ones')
        self.c = self.add_weight('count', shape=(), initializer='zeros', trainable=False)
    def call(self, x):
        return x * self.s
class Sub(K.Model):
    def __init__(self):
        super().__init__()
        self.d1 = L.Dense(4, activation='tanh', kernel_initializer=tf.constant_initializer(0.3))
        self.blocks = [L.Dense(3, kernel_initializer=tf.constant_initializer(-0.2)), Scale()]
        self.d2 = L.Dense(2, kernel_initializer=tf.constant_initializer(0.1))
    def call(self, x):
        h = self.d1(x)
        for b in self.blocks:
            h = b(h)
        return self.d2(h)
def sequential():
    # (BatchNormalization first: after a Dense its bias' gradient is rounding noise)
    return K.Sequential([L.BatchNormalization(input_shape=(4,)),
                         L.Dense(3, kernel_initializer='ones'),
                         L.Dense(2, kernel_initializer=tf.constant_initializer(0.1))])
def compiled(m):
    m.compile(K.optimizers.Adam(0.01), 'mse')
    return m
x = np.linspace(-1, 1, 32).reshape(8, 4).astype('float32'); y = x[:, :2] * 2
paths = [os.path.join(DIR, name, 'w') for name in ('sub', 'seq')]
"""

FIT_SAVE = TRAINED + """
out = []
for m, p in zip([compiled(Sub()), compiled(sequential())], paths):
    m.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    m.save_weights(p)
    r = tf.train.load_checkpoint(p)
    out.append([sorted(r.get_variable_to_shape_map().items()), m.get_weights(),
                m.optimizer.get_weights()])
result = out
"""

LOAD_FIT = TRAINED + """
out = []
for m, p in zip([compiled(Sub()), compiled(sequential())], paths):
    if m.inputs:
        m.load_weights(p)
    else:  # a subclassed model has variables once called
        m.train_on_batch(x[:1], y[:1]); m.load_weights(p)
    before = [m.get_weights()]
    losses = [m.train_on_batch(x, y) for _ in range(3)]
    out.append([before, losses, m.optimizer.get_weights()])
result = out
"""


@pytest.mark.oracle
def test_optimizer_slots_and_subclassed_models_load_both_ways(oracle, tmp_path):
    _save_and_load_both_ways(oracle, tmp_path, FIT_SAVE, LOAD_FIT)
