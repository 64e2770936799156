"""scopeflow's `model.save(path, save_format="tf")` as tf_keras' `load_model` reads it (TF 2.21,
TF1 graph mode): keras_metadata.pb, the object graph and the object-keyed checkpoint give back
the model with its layers, weights and compile settings; its predictions are scopeflow's.
Also scopeflow's own load_model of it, and the checkpoint keys beside TF's."""

import json

import numpy as np
import pytest
from oracle import run_tf_script

XS = np.array([[1., 2., 0.], [2., 1., -1.]], "float32")
IDS = np.arange(12).reshape(2, 6) % 10

READ = r"""
import json, os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
D = sys.argv[1]
xs = np.array([[1., 2., 0.], [2., 1., -1.]], "float32")
ids = np.arange(12).reshape(2, 6) % 10
out = {}
for name, x in (("fn", xs), ("seq", ids)):
    m = tf.keras.models.load_model(os.path.join(D, name))
    out[name] = [m.predict(x).tolist(), [layer.name for layer in m.layers],
                 type(m.optimizer).__name__]
r = tf.train.load_checkpoint(os.path.join(D, "fn", "variables", "variables"))
out["keys"] = sorted(k for k in r.get_variable_to_shape_map() if k.startswith("layer"))
print(json.dumps(out))
"""


def _models(tf):
    K, L, C = tf.keras, tf.keras.layers, tf.constant_initializer
    a = K.Input((3,), name="a")
    h = L.Dense(4, activation="relu", kernel_initializer=C(np.linspace(-1, 1, 12)),
                name="h")(a)
    fn = K.Model(a, L.Dense(2, kernel_initializer=C(.3), bias_initializer=C(.1),
                            name="out")(h))
    fn.compile(K.optimizers.SGD(0.1), "mse")
    fn.train_on_batch(XS, np.ones((2, 2)))
    seq = K.Sequential([L.Embedding(10, 4, input_length=6), L.LSTM(5, return_sequences=True),
                        L.Bidirectional(L.GRU(2, return_sequences=True)),
                        L.TimeDistributed(L.Dense(5)), L.BatchNormalization(),
                        L.RNN([L.SimpleRNNCell(3), L.SimpleRNNCell(5)])])
    seq.compile("adam", "mse")
    seq.fit(IDS, np.ones((2, 5)), verbose=0)
    return fn, seq


@pytest.mark.oracle
def test_tf_keras_loads_what_scopeflow_saved(tf, tmp_path):
    fn, seq = _models(tf)
    fn.save(str(tmp_path / "fn"), save_format="tf")
    seq.save(str(tmp_path / "seq"), save_format="tf")
    want = {"fn": fn.predict(XS), "seq": seq.predict(IDS)}
    got = json.loads(run_tf_script(READ, tmp_path).strip().splitlines()[-1])
    for name, model in (("fn", fn), ("seq", seq)):
        np.testing.assert_allclose(got[name][0], want[name], rtol=1e-5, atol=1e-6)
        assert got[name][1] == [layer.name for layer in model.layers]
    assert got["fn"][2] == "SGD" and got["seq"][2] == "Adam"
    assert got["keys"] == sorted("layer_with_weights-%d/%s/.ATTRIBUTES/VARIABLE_VALUE" % (i, w)
                                 for i in (0, 1) for w in ("kernel", "bias"))


def test_scopeflow_loads_what_it_saved(tf, tmp_path):
    fn, seq = _models(tf)
    for name, model, x in (("fn", fn, XS), ("seq", seq, IDS)):
        model.save(str(tmp_path / name), save_format="tf")
        loaded = tf.keras.models.load_model(str(tmp_path / name))
        np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
        assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
        assert type(loaded.optimizer) is type(model.optimizer)
    assert (tmp_path / "fn" / "keras_metadata.pb").exists()


def test_saving_again_replaces_the_metadata(tf, tmp_path):
    fn, seq = _models(tf)
    fn.save(str(tmp_path / "m"), save_format="tf")
    seq.save(str(tmp_path / "m"), save_format="tf")
    loaded = tf.keras.models.load_model(str(tmp_path / "m"), compile=False)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in seq.layers]
