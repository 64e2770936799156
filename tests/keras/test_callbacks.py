"""Keras callbacks in graph-mode fit / evaluate / predict against TF + tf_keras: every hook
called with tf_keras' arguments (positional `(batch, logs)`, `logs` dicts at begin/end),
the batch logs' keys, value types and values (train, fit's validation, evaluate, predict's
`outputs`), `on_train_batch_end` falling back on `on_batch_end`, each loop's params; and
fit's validation loss summed as tf_keras sums it (float32 over shuffled batches), to the
last bit."""

import pytest
from approx import agree, assert_agree_in_dirs, explain
from oracle import run_here

HOOKS = """
np.random.seed(5)
K = tf.keras; L = K.layers
calls = []
def rec(name):
    def f(*args, **kwargs):
        logs = args[-1] if args and isinstance(args[-1], dict) else kwargs.get("logs") or {}
        calls.append([name, len(args), sorted(kwargs), [type(a).__name__ for a in args],
                      {k: [type(v).__name__, v] for k, v in logs.items()}])
    return f
r = K.callbacks.Callback()
for h in ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_batch_begin",
          "on_batch_end", "on_train_batch_begin", "on_train_batch_end", "on_test_begin",
          "on_test_end", "on_test_batch_begin", "on_test_batch_end", "on_predict_begin",
          "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"]:
    setattr(r, h, rec(h))
class B(K.callbacks.Callback):
    def on_batch_end(self, batch, logs=None):
        calls.append(["B.on_batch_end", batch, list(logs)])
class P(K.callbacks.Callback):
    def set_params(self, p):
        calls.append(["params", p])
i = K.Input((3,)); m = K.Model(i, L.Dense(1, kernel_initializer=tf.constant_initializer(0.1))(i))
m.compile("sgd", "mse", metrics=["mae"])
x = np.arange(15.).reshape(5, 3) / 10; y = np.ones((5, 1))
m.fit(x, y, batch_size=2, epochs=1, verbose=0, callbacks=[r, B(), P()],
      validation_data=(x[:3], y[:3]))
m.evaluate(x, y, batch_size=4, verbose=0, callbacks=[r, P()])
m.predict(x, batch_size=4, callbacks=[r, P()])
result = calls
"""

# the validation metrics are float32 means of the batches' values, as TF's (each a float32
# value widened to a Python float); the values to 1e-6: after a few Adam steps the weights
# differ from TF's in last bits (MatMul's summation order), so no value is TF's to the bit
VAL_LOSS = """
np.random.seed(0); tf.set_random_seed(1)
K = tf.keras; L = K.layers
i = K.Input((6,)); h = L.Dense(16, activation="relu")(i)
m = K.Model(i, L.Dense(3, activation="softmax")(h))
m.compile(K.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
x = np.sin(np.arange(576.) * 0.37).reshape(96, 6).astype("float32"); y = np.arange(96) % 3
xv = np.cos(np.arange(288.) * 0.11).reshape(48, 6).astype("float32"); yv = np.arange(48) % 3
h = m.fit(x, y, batch_size=16, epochs=3, verbose=0, validation_data=(xv, yv))
result = [{k: [[v, float(np.float32(v)) == v] for v in vs] for k, vs in h.history.items()
           if k.startswith("val_")},
          h.history["loss"], m.evaluate(xv, yv, batch_size=16, verbose=0)]
"""

# ModelCheckpoint (best only, formatted names; weights only), EarlyStopping's state and its
# stop, TensorBoard's scalar tags (epoch_<name>)
SAVING = """
import os, glob
np.random.seed(0); tf.set_random_seed(0)
K = tf.keras; L = K.layers
m = K.Sequential([L.Dense(8, activation="relu", input_shape=(4,)), L.Dense(1)])
m.compile("adam", "mse", metrics=["mae"])
x = np.sin(np.arange(160.)).reshape(40, 4); y = np.cos(np.arange(40.)).reshape(40, 1)
cbs = [K.callbacks.ModelCheckpoint(os.path.join(DIR, "w.{epoch:02d}-{val_loss:.2f}.h5"),
                                   save_best_only=True),
       K.callbacks.EarlyStopping(monitor="val_loss", patience=1, min_delta=0.5),
       K.callbacks.TensorBoard(log_dir=os.path.join(DIR, "tb")),
       K.callbacks.ModelCheckpoint(os.path.join(DIR, "ck"), save_weights_only=True)]
h = m.fit(x, y, batch_size=8, epochs=6, verbose=0, validation_split=0.2, callbacks=cbs)
tags = []
for f in glob.glob(os.path.join(DIR, "tb", "events*")):
    for e in tf.train.summary_iterator(f):
        tags += [[e.step, v.tag] for v in e.summary.value]
result = [h.history, h.epoch, sorted(os.listdir(DIR)), sorted(tags), cbs[1].stopped_epoch,
          cbs[1].wait, cbs[1].best]
"""


@pytest.mark.oracle
def test_saving_callbacks_as_tf(oracle, tmp_path):
    assert_agree_in_dirs(oracle, tmp_path, SAVING)


@pytest.mark.oracle
@pytest.mark.parametrize("code", [HOOKS, VAL_LOSS])
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=1e-6), explain(code, here, there)
