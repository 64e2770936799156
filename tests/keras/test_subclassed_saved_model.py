"""A subclassed tf.keras model's TF 2 SavedModel written by real TF (eager,
`save_format="tf"`), read here in TF1 graph mode: `tf.saved_model.loader.load` inlines its
function calls (serving signature, restore) and gives TF's outputs; `tf.keras.models.
load_model` revives a model of the saved class with the saved variables whose call (and
predict) runs the serving function."""

import json
import os
import subprocess

import numpy as np
import pytest
from oracle import tf_python

WRITE = r"""
import json, os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
class M(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.d1 = tf.keras.layers.Dense(4, activation="relu")
        self.d2 = tf.keras.layers.Dense(2)
    def call(self, x):
        return self.d2(self.d1(x)) * 2.0
tf.random.set_seed(1)
m = M()
x = np.arange(6, dtype=np.float32).reshape(2, 3) / 5
out = m(x).numpy().tolist()
m.save(os.path.join(sys.argv[1], "sub"), save_format="tf")
print(json.dumps({"out": out, "weights": [w.name for w in m.weights]}))
"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    py = tf_python()
    if py is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    d = tmp_path_factory.mktemp("subclassed")
    proc = subprocess.run([py, "-c", WRITE, str(d)], capture_output=True, text=True,
                          check=False, timeout=600,
                          env=dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return str(d / "sub"), json.loads(proc.stdout.strip().splitlines()[-1])


X = np.arange(6, dtype=np.float32).reshape(2, 3) / 5


@pytest.mark.oracle
def test_serving_signature_runs_as_in_tf(tf, saved):
    path, want = saved
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], path)
        sig = meta.signature_def["serving_default"]
        got = sess.run(sig.outputs["output_1"].name, {sig.inputs["input_1"].name: X})
    np.testing.assert_allclose(got, want["out"], rtol=1e-5, atol=1e-6)


@pytest.mark.oracle
def test_load_model_revives_the_subclassed_model(tf, saved):
    path, want = saved
    m = tf.keras.models.load_model(path)
    assert type(m).__name__ == "M"
    assert [w.name for w in m.weights] == ["m/dense/kernel:0", "m/dense/bias:0",
                                           "m/dense_1/kernel:0", "m/dense_1/bias:0"]
    y = m(tf.constant(X))
    np.testing.assert_allclose(tf.keras.backend.get_session().run(y), want["out"],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(m.predict(X), want["out"], rtol=1e-5, atol=1e-6)
