"""Keras-in-TF1 training loops against TF + tf_keras: `fit` with validation_split,
class_weight (which weighs validation_split's samples too), sample_weight,
initial_epoch, the callbacks ReduceLROnPlateau, CSVLogger (its
val_ columns and float64 losses), LearningRateScheduler and LambdaCallback (History last, so
it records their `lr`), the History's epochs, values and params; `evaluate`/`predict` with
`steps` (each step all of the arrays, as tf_keras); fit/evaluate/predict_generator over a
Python generator and a `keras.utils.Sequence`."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = r"""
import numpy as np, os, tempfile
K = tf.keras; L = K.layers
C = K.initializers.Constant
def err(f):
    try:
        return ["ok", f()]
    except Exception as e:
        return [type(e).__name__, str(e)[:200]]
def model(loss="mse", metrics=("mae",)):
    m = K.Sequential([L.Dense(3, activation="tanh", input_shape=(4,), kernel_initializer=C(0.1)),
                      L.Dense(2, kernel_initializer=C(-0.2))])
    m.compile(K.optimizers.SGD(0.1), loss, metrics=list(metrics))
    return m
x = np.cos(np.arange(40, dtype="float32")).reshape(10, 4)
y = np.sin(np.arange(20, dtype="float32")).reshape(10, 2)
yc = (np.arange(10) % 2).astype("int32")
r = {}
def hist(h):
    return [sorted(h.history.items()), h.epoch, sorted(h.params.items())]
m = model()
r["vsplit"] = err(lambda: hist(m.fit(x, y, batch_size=3, epochs=2, validation_split=0.3, verbose=0, shuffle=False)))
m = model("sparse_categorical_crossentropy", ("accuracy",))
r["cw"] = err(lambda: hist(m.fit(x, yc, batch_size=4, epochs=2, class_weight={0: 1.0, 1: 3.0}, verbose=0, shuffle=False)))
m = model("sparse_categorical_crossentropy", ("accuracy",))
r["cw_split"] = err(lambda: hist(m.fit(x, yc, batch_size=4, epochs=2, class_weight={0: 1.0, 1: 3.0},
                                        validation_split=0.4, verbose=0, shuffle=False)))
m = model("sparse_categorical_crossentropy", ("accuracy",))
r["cw_sw_split"] = err(lambda: hist(m.fit(x, yc, batch_size=4, epochs=1,
                                           class_weight={0: 2.0, 1: 0.5},
                                           sample_weight=np.linspace(0.1, 1, 10),
                                           validation_split=0.3, verbose=0, shuffle=False)))
m = model()
r["sw"] = err(lambda: hist(m.fit(x, y, batch_size=4, epochs=2, sample_weight=np.linspace(0.1, 1, 10), verbose=0, shuffle=False)))
m = model()
r["init_epoch"] = err(lambda: hist(m.fit(x, y, batch_size=5, epochs=3, initial_epoch=1, verbose=0, shuffle=False)))
LOGS = []
d = tempfile.mkdtemp()
cbs = [K.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0, verbose=0)]
cbs += [K.callbacks.CSVLogger(os.path.join(d, "log.csv")),
       K.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.9),
       K.callbacks.LambdaCallback(on_epoch_end=lambda e, logs=None: LOGS.append([e, sorted(logs)]),
                                  on_batch_end=lambda b, logs=None: LOGS.append(["b", b, sorted(logs)]))]
m = model()
r["cbs"] = err(lambda: hist(m.fit(x, y, batch_size=5, epochs=3, callbacks=cbs, verbose=0, shuffle=False)))
r["cblogs"] = LOGS
r["csv"] = [[c if c in ("NA", "epoch") or c.isalpha() or "_" in c else float(c) for c in row.split(",")]
            for row in open(os.path.join(d, "log.csv")).read().splitlines()]
r["lr"] = err(lambda: float(K.backend.get_value(m.optimizer.lr)))
r["eval_steps"] = err(lambda: m.evaluate(x, y, steps=2, verbose=0))
r["eval_bs"] = err(lambda: m.evaluate(x, y, batch_size=3, verbose=0))
r["pred_steps"] = err(lambda: m.predict(x, steps=2).shape)
def gen():
    while True:
        for i in range(0, 10, 5):
            yield x[i:i + 5], y[i:i + 5]
class Seq(K.utils.Sequence):
    def __len__(self):
        return 2
    def __getitem__(self, i):
        return x[i * 5:i * 5 + 5], y[i * 5:i * 5 + 5]
m = model()
r["fitgen"] = err(lambda: hist(m.fit_generator(gen(), steps_per_epoch=2, epochs=2, verbose=0)))
r["evalgen"] = err(lambda: m.evaluate_generator(gen(), steps=2))
r["predgen"] = err(lambda: m.predict_generator(gen(), steps=2))
m = model()
r["fitseq"] = err(lambda: hist(m.fit_generator(Seq(), epochs=2, verbose=0, shuffle=False)))
r["evalseq"] = err(lambda: m.evaluate_generator(Seq()))
r["predseq"] = err(lambda: m.predict_generator(Seq()))
r["fitseq2"] = err(lambda: hist(m.fit(Seq(), epochs=1, verbose=0, shuffle=False, validation_data=Seq())))
import shutil
shutil.rmtree(d)
result = r

"""


@pytest.mark.oracle
def test_fit_evaluate_predict_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
