"""`tf.keras.models.load_model` of TF2 Keras SavedModel directories written by real tf_keras
(eager mode, `save_format="tf"`): Sequential and functional Dense/Conv2D models, compiled or
not, and recurrent ones (whose variables TF keys `variables/N`), rebuilt from keras_metadata.pb
with their weights; predictions equal TF's. Directories without Keras metadata raise TF's
errors."""

import json

import numpy as np
import pytest
from oracle import run_tf_script

WRITE = r"""
import json, os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
K = tf.keras; L = K.layers
D = sys.argv[1]
C = K.initializers.Constant
x2 = np.array([[1., 2.], [-1., .5], [0., 3.]], "float32")
img = np.cos(np.arange(3 * 6 * 6 * 2, dtype="float32")).reshape(3, 6, 6, 2)
seq = K.Sequential([L.Dense(3, activation="relu", input_shape=(2,), kernel_initializer=C(.3)),
                    L.Dense(1, bias_initializer=C(.1))])
seq.compile(K.optimizers.SGD(0.1), "mse")
i = K.Input((6, 6, 2), name="img")
a = L.Conv2D(3, 3, activation="relu", kernel_initializer=C(.1), name="conv")(i)
a = L.MaxPooling2D(name="pool")(a)
a = L.Flatten(name="flat")(a)
b = L.GlobalAveragePooling2D(name="gap")(i)
o = L.Dense(2, activation="softmax", kernel_initializer=C(-.2), name="out")(
    L.Concatenate(name="cat")([a, b]))
fn = K.Model(i, o)
ids = np.arange(12).reshape(2, 6) % 10
rnn = K.Sequential([L.Embedding(10, 4, input_length=6), L.LSTM(5, return_sequences=True),
                    L.Bidirectional(L.GRU(2, return_sequences=True)),
                    L.RNN([L.SimpleRNNCell(3), L.SimpleRNNCell(5)])])
out = {}
for name, model, x in (("seq", seq, x2), ("fn", fn, img), ("rnn", rnn, ids)):
    model.save(os.path.join(D, name), save_format="tf")
    out[name] = model.predict(x, verbose=0).tolist()
print(json.dumps(out))
"""


@pytest.mark.oracle
def test_tf_keras_saved_models_load_here(tf, tmp_path):
    want = json.loads(run_tf_script(WRITE, tmp_path).strip().splitlines()[-1])
    x2 = np.array([[1., 2.], [-1., .5], [0., 3.]], "float32")
    img = np.cos(np.arange(3 * 6 * 6 * 2, dtype="float32")).reshape(3, 6, 6, 2)
    seq = tf.keras.models.load_model(str(tmp_path / "seq"))
    np.testing.assert_allclose(seq.predict(x2), want["seq"], rtol=1e-5, atol=1e-6)
    assert [layer.name for layer in seq.layers] == ["dense", "dense_1"]
    assert type(seq.optimizer).__name__ == "SGD"  # compiled as saved
    fn = tf.keras.models.load_model(str(tmp_path / "fn"), compile=False)
    np.testing.assert_allclose(fn.predict(img), want["fn"], rtol=1e-5, atol=1e-6)
    assert [layer.name for layer in fn.layers] == ["img", "conv", "pool", "flat", "gap", "cat",
                                                   "out"]
    rnn = tf.keras.models.load_model(str(tmp_path / "rnn"))
    ids = np.arange(12).reshape(2, 6) % 10
    np.testing.assert_allclose(rnn.predict(ids), want["rnn"], rtol=1e-5, atol=1e-6)


SIMPLE = r"""
import os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
for name in ("simple", "empty"):
    try:
        tf.keras.models.load_model(os.path.join(sys.argv[1], name))
    except Exception as e:
        print(type(e).__name__, str(e).replace(sys.argv[1], "DIR"))
"""


@pytest.mark.oracle
def test_saved_models_without_keras_metadata_raise_tfs_errors(tf, tmp_path):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    with tf.Session() as sess:
        tf.saved_model.simple_save(sess, str(tmp_path / "simple"), {"x": x}, {"y": x * 2.})
    (tmp_path / "empty").mkdir()
    want = run_tf_script(SIMPLE, tmp_path).strip().splitlines()
    got = []
    for name in ("simple", "empty"):
        with pytest.raises((IndexError, OSError)) as e:
            tf.keras.models.load_model(str(tmp_path / name))
        got.append("%s %s" % (e.type.__name__, str(e.value).replace(str(tmp_path), "DIR")))
    assert got == want[-2:]
