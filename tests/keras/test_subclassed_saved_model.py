"""A subclassed tf.keras model's TF 2 SavedModel written by real TF (eager,
`save_format="tf"`), read here in TF1 graph mode: `tf.saved_model.loader.load` inlines its
function calls (serving signature, restore) and gives TF's outputs; `tf.keras.models.
load_model` revives a model of the saved class with the saved variables whose call (and
predict) runs the serving function."""

import json

import numpy as np
import pytest
from oracle import run_tf_script

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
    d = tmp_path_factory.mktemp("subclassed")
    stdout = run_tf_script(WRITE, d)
    return str(d / "sub"), json.loads(stdout.strip().splitlines()[-1])


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


# TF 2.21 + tf_keras in TF1 graph mode, load_model of the same SavedModel: m.summary() prints
SUMMARY = """Model: "m"
_________________________________________________________________
 Layer (type)                Output Shape              Param #   
=================================================================
 dense (Dense)               multiple                  16        
                                                                 
 dense_1 (Dense)             multiple                  10        
                                                                 
=================================================================
Total params: 26 (104.00 Byte)
Trainable params: 26 (104.00 Byte)
Non-trainable params: 0 (0.00 Byte)
_________________________________________________________________"""


@pytest.mark.oracle
def test_revived_model_has_its_layers_as_tf(tf, saved):
    """As tf_keras revives them: the sublayers (Dense from their saved configs) under their
    attribute names, holding the model's variables, callable on their own; an empty config."""
    path, want = saved
    with tf.Graph().as_default():
        m = tf.keras.models.load_model(path)
        assert [(type(x).__name__, x.name) for x in m.layers] == [("Dense", "dense"),
                                                                  ("Dense", "dense_1")]
        assert m.d1 is m.layers[0] and m.d2 is m.layers[1] and m.d1.units == 4
        assert [w.name for w in m.d2.weights] == ["m/dense_1/kernel:0", "m/dense_1/bias:0"]
        assert m.get_config() == {}
        lines = []
        m.summary(print_fn=lines.append)
        assert "\n".join(lines) == SUMMARY
        k0, b0, k1, b1 = m.get_weights()
        h = tf.keras.backend.get_session().run(m.d1(tf.constant(X)))
        np.testing.assert_allclose(h, np.maximum(X @ k0 + b0, 0), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose((h @ k1 + b1) * 2.0, want["out"], rtol=1e-5, atol=1e-6)
