"""A subclassed tf.keras model holding a custom layer that holds a custom layer and a Dense,
and a Sequential holding a Dense and a custom layer, saved by real TF (eager,
`save_format="tf"`) and loaded with `tf.keras.models.load_model` in TF1 graph mode, here and
under TF + tf_keras: the same revived classes, layer names, weights (names, order,
trainability), configs, `inputs`/`outputs`, `signatures`, summary, and values of the model,
its serving signature and each sublayer's call (a sublayer whose call was never traced
raises tf_keras' error)."""

import pytest
from approx import agree, explain
from oracle import run_here, run_tf_script

WRITE = r"""
import os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
class Inner(tf.keras.layers.Layer):
    def __init__(self, units, **kw):
        super().__init__(**kw)
        self.units = units
    def build(self, shape):
        self.w = self.add_weight("w", (shape[-1], self.units), initializer="ones")
        self.b = self.add_weight("b", (self.units,), initializer="zeros", trainable=False)
    def call(self, x):
        return tf.matmul(x, self.w) * 0.5 + self.b
class Outer(tf.keras.layers.Layer):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.a = Inner(4)
        self.d = tf.keras.layers.Dense(3)
    def call(self, x):
        return self.d(tf.nn.relu(self.a(x)))
class M(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.outer = Outer()
        self.seq = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="tanh"), Inner(2)])
    def call(self, x):
        return self.seq(self.outer(x)) + 1.0
tf.random.set_seed(1)
m = M()
m(np.arange(6, dtype=np.float32).reshape(2, 3) / 5)
m.save(os.path.join(sys.argv[1], "nested"), save_format="tf")
"""

LOAD = """
import numpy as np
def err(f):
    try:
        return ["ok", f()]
    except Exception as e:
        return [type(e).__name__, str(e)[:38]]
m = tf.keras.models.load_model(PATH)
x = np.arange(6, dtype=np.float32).reshape(2, 3) / 5
lines = []
m.summary(print_fn=lines.append)
r = {"summary": lines}
def desc(l):
    return [type(l).__name__, l.name, [w.name for w in l.weights],
            [w.name for w in l.trainable_weights], [w.name for w in l.non_trainable_weights]]
r["layers"] = [desc(l) for l in m.layers]
r["nested"] = [desc(m.outer.a), desc(m.outer.d), [desc(l) for l in m.seq.layers]]
r["attrs"] = [m.outer.a.w.name, m.outer.d.kernel.name, m.seq.layers[1].b.name]
r["model"] = desc(m)
r["cfg"] = [m.get_config(), m.outer.get_config(), m.outer.a.get_config(), m.seq.get_config()]
r["sigkeys"] = list(m.signatures.keys())
r["inputs"] = [[t.name, t.shape] for t in m.inputs]
r["outputs"] = [t.shape for t in m.outputs]
r["gv"] = sorted(v.name for v in tf.global_variables())
sess = tf.keras.backend.get_session()
sig = m.signatures["serving_default"](input_1=tf.constant(x))
r["sig"] = sorted(sess.run(sig).items())
r["y"] = sess.run(m(tf.constant(x)))
r["pred"] = m.predict(x)
r["outer_call"] = err(lambda: sess.run(m.outer(tf.constant(x))))
r["inner_call"] = err(lambda: sess.run(m.outer.a(tf.constant(x))))
ones = tf.constant(np.ones((2, 3), np.float32))
r["seq_call"] = err(lambda: sess.run(m.seq(ones)))
r["seq_inner"] = err(lambda: sess.run(m.seq.layers[1](ones)))
result = r
"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("nested")
    run_tf_script(WRITE, d)
    return str(d / "nested")


@pytest.mark.oracle
def test_nested_custom_layers_revive_as_tf(oracle, saved):
    code = LOAD.replace("PATH", repr(saved))
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
