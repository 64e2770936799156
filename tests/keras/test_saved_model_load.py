"""`tf.keras.models.load_model` of TF2 Keras SavedModel directories written by real tf_keras
(eager mode, `save_format="tf"`): Sequential and functional Dense/Conv2D models, compiled or
not, rebuilt from keras_metadata.pb with their weights; predictions equal TF's."""

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
out = {}
for name, model, x in (("seq", seq, x2), ("fn", fn, img)):
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


def test_directory_without_keras_metadata_says_how_to_load(tf, tmp_path):
    with pytest.raises(NotImplementedError, match="tf.saved_model.loader.load"):
        tf.keras.models.load_model(str(tmp_path))
