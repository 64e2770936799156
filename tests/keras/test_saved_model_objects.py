"""A subclassed tf.keras model holding a functional model and a Dense, saved by real TF
(eager, `save_format="tf"`) and loaded with `tf.keras.models.load_model` in TF1 graph mode,
here and under TF + tf_keras: the functional sublayer is rebuilt on the saved variables
(names, values, its own inputs and outputs, class Functional), and the revived model's call
is tf_keras' cond on the learning phase between its two traced calls (`m/cond/Merge`)."""

import pytest
from approx import agree, explain
from oracle import run_here, run_tf_script

WRITE = r"""
import os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
tf.random.set_seed(1)
i = tf.keras.Input((3,), name="fin")
h = tf.keras.layers.Dense(4, activation="relu", name="fd")(i)
f = tf.keras.Model(i, tf.keras.layers.Dense(2, name="fo")(h), name="func")
class M(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.f = f
        self.d = tf.keras.layers.Dense(1)
    def call(self, x):
        return self.d(self.f(x)) * 2.0
m = M()
m(np.arange(6, dtype=np.float32).reshape(2, 3) / 5)
m.save(os.path.join(sys.argv[1], "nf"), save_format="tf")
"""

LOAD = """
import numpy as np
m = tf.keras.models.load_model(PATH)
x = np.arange(6, dtype=np.float32).reshape(2, 3) / 5
def desc(l):
    return [type(l).__name__, l.name, [w.name for w in l.weights]]
r = {"layers": [desc(l) for l in m.layers], "f": [desc(l) for l in m.f.layers]}
r["f_io"] = [[t.name for t in m.f.inputs], [t.name for t in m.f.outputs]]
r["io"] = [[t.name for t in m.inputs], [t.name for t in m.outputs]]
sess = tf.keras.backend.get_session()
y, fy = m(tf.constant(x)), m.f(tf.constant(x))
lp = tf.keras.backend.learning_phase()
r["names"] = [y.name, y.op.type, fy.name]
r["y"] = sess.run([y, fy])
r["y_training"] = sess.run(y, {lp: True})
r["pred"] = [m.predict(x), m.f.predict(x)]
r["gv"] = sorted(v.name for v in tf.global_variables())
lines = []
m.summary(print_fn=lines.append)
r["summary"] = lines
result = r
"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("functional_in_subclassed")
    run_tf_script(WRITE, d)
    return str(d / "nf")


@pytest.mark.oracle
def test_functional_inside_subclassed_revives_as_tf(oracle, saved):
    code = LOAD.replace("PATH", repr(saved))
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
