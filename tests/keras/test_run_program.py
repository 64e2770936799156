"""A TF1 program mixing tf.keras layers with tf.train.AdamOptimizer and a Session runs unchanged
under `scopeflow run`, printing what it prints under real TF (names, shapes, losses)."""

import os
import subprocess
import sys

import pytest
from oracle import tf_python

PROGRAM = '''
import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.compat.v1.keras import layers
tf.disable_v2_behavior()
tf.set_random_seed(0)
init = tf.keras.initializers.glorot_uniform

x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
labels = tf.placeholder(tf.int64, [None], name="labels")
h = layers.Conv2D(4, 3, activation="relu", kernel_initializer=init(seed=1))(x)
h = layers.MaxPooling2D()(h)
h = tf.keras.layers.BatchNormalization()(h, training=True)
h = layers.Flatten()(h)
h = layers.Dense(16, activation="relu", kernel_initializer=init(seed=2))(h)
logits = layers.Dense(3, kernel_initializer=init(seed=3))(h)
loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
step = tf.train.get_or_create_global_step()
train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=step)
rng = np.random.RandomState(0)
xs = rng.rand(16, 8, 8, 1).astype("float32")
ys = rng.randint(0, 3, size=16)
print(logits.name, logits.shape.as_list(), len(update_ops))
print(" ".join(v.name for v in tf.trainable_variables()))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(6):
        value, _ = sess.run([loss, train], {x: xs, labels: ys})
        print("%d %.4f" % (step, value))
    print("%.4f" % sess.run(loss, {x: xs, labels: ys}))
'''


def _run(cmd, cwd, env):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900, env=env,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.splitlines()


def test_keras_layers_with_adam_under_scopeflow_run(tmp_path):
    python = tf_python()
    if python is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    (tmp_path / "prog.py").write_text(PROGRAM)
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3")
    here = _run([sys.executable, "-m", "scopeflow", "run", "prog.py"], tmp_path, env)
    there = _run([python, "prog.py"], tmp_path, env)
    assert here[:2] == there[:2]
    for a, b in zip(here[2:], there[2:]):
        assert a.split()[:-1] == b.split()[:-1]
        assert abs(float(a.split()[-1]) - float(b.split()[-1])) <= 2e-4, (here, there)
    assert len(here) == len(there)


FIT_PROGRAM = '''
import os
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
tf.set_random_seed(0)
L = tf.keras.layers
rng = np.random.RandomState(0)
x = rng.rand(128, 12, 12, 1).astype("float32")
y = (x[:, 4:8, 4:8, 0].mean(axis=(1, 2)) * 10).astype("int64") % 10
model = tf.keras.Sequential([
    L.Conv2D(4, 3, activation="relu", input_shape=(12, 12, 1)), L.MaxPooling2D(),
    L.BatchNormalization(), L.Flatten(), L.Dense(16, activation="relu"),
    L.Dense(10, activation="softmax")])
model.compile(tf.keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", ["accuracy"])
cbs = [tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=1),
       tf.keras.callbacks.ModelCheckpoint("best.h5", save_best_only=True),
       tf.keras.callbacks.CSVLogger("log.csv")]
h = model.fit(x, y, batch_size=32, epochs=2, validation_split=0.25, callbacks=cbs, verbose=0,
              shuffle=False)
for k in sorted(h.history):
    print(k, " ".join("%.4f" % v for v in h.history[k]))
print(" ".join("%.4f" % v for v in model.evaluate(x[:64], y[:64], verbose=0)))
best = tf.keras.models.load_model("best.h5")
print(" ".join("%.4f" % v for v in best.predict(x[:2]).ravel()))
print(open("log.csv").read().splitlines()[0])

L = tf.keras.layers
a = rng.rand(96, 5).astype("float32"); b = rng.randint(0, 20, size=(96, 4))
y1 = (a.sum(1) > 2.5).astype("float32")[:, None]; y2 = (a[:, :3] * 2).astype("float32")
ia = L.Input((5,), name="num"); ib = L.Input((4,), name="tok", dtype="int32")
e = L.GlobalAveragePooling1D()(L.Embedding(20, 3, name="emb")(ib))
shared = L.Dense(8, activation="tanh", name="shared")
h = L.concatenate([shared(ia), e])
m = tf.keras.Model([ia, ib], [L.Dense(1, activation="sigmoid", name="cls")(h),
                              L.Dense(3, name="reg")(h)])
m.compile(tf.keras.optimizers.RMSprop(0.01), loss={"cls": "binary_crossentropy", "reg": "mse"},
          loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"], "reg": ["mae"]})
h = m.fit({"num": a, "tok": b}, {"cls": y1, "reg": y2}, batch_size=16, epochs=2, verbose=0,
          shuffle=False, validation_data=([a[:32], b[:32]], [y1[:32], y2[:32]]))
print(" ".join(m.metrics_names))
for k in sorted(h.history):
    print(k, " ".join("%.4f" % v for v in h.history[k]))
print(" ".join("%.4f" % v for v in np.concatenate([p.ravel() for p in m.predict([a[:3], b[:3]])])))
print(" ".join(w.name for w in m.weights))
'''


def _same_numbers(here, there):
    assert len(here) == len(there), (here, there)
    for a, b in zip(here, there):
        wa, wb = a.split(), b.split()
        assert len(wa) == len(wb), (a, b)
        for u, v in zip(wa, wb):
            try:
                assert abs(float(u) - float(v)) <= 2e-3, (a, b)
            except ValueError:
                assert u == v, (a, b)


def test_keras_fit_programs_under_scopeflow_run(tmp_path):
    """A Sequential CNN fit with callbacks (EarlyStopping, best-only ModelCheckpoint to .h5,
    CSVLogger), the checkpoint reloaded; a functional model with two inputs and two named
    outputs (loss and metric dicts, loss_weights), shared layer, Embedding: TF's output."""
    python = tf_python()
    if python is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    (tmp_path / "fit.py").write_text(FIT_PROGRAM)
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3")
    here = _run([sys.executable, "-m", "scopeflow", "run", "fit.py"], tmp_path, env)
    there = _run([python, "fit.py"], tmp_path, env)
    _same_numbers(here, there)
