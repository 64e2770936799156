"""`fit` / `evaluate` / `predict` on symbolic tensors (a one-shot iterator's `get_next()`),
as tf_keras' v1 loop runs them against TF: each step evaluates the tensors in the session, the
loss averaged over `steps_per_epoch` steps, the History's params in steps, "Train on N
samples" printed; TF's errors without steps and for an iterator passed as `x`. The model's
initial weights come from the graph seed, so the op seed the one-shot iterator draws counts."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = r"""
import contextlib, io
import numpy as np
K = tf.keras
def err(f):
    try:
        return ["ok", f()]
    except Exception as e:
        return [type(e).__name__, str(e)[:200]]
r = {}
with tf.Graph().as_default():
    tf.set_random_seed(1)
    xs = np.arange(24, dtype=np.float32).reshape(8, 3) / 10.
    ys = xs.sum(1, keepdims=True)
    ds = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(4)
    it = tf.data.make_one_shot_iterator(ds.repeat())
    x, y = it.get_next()
    inp = K.Input(shape=(3,))
    m = K.Model(inp, K.layers.Dense(1)(inp))
    m.compile(tf.train.GradientDescentOptimizer(0.05), "mse", metrics=["mae"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        h = m.fit(x=x, y=y, epochs=2, steps_per_epoch=3, verbose=2)
    r["printed"] = out.getvalue().splitlines()[:2]
    r["fit"] = [sorted(h.history.items()), sorted(h.params.items())]
    r["evaluate"] = [float(v) for v in m.evaluate(x, y, steps=3, verbose=0)]
    r["predict"] = m.predict(x, steps=2).tolist()
    r["dataset"] = m.fit(ds.repeat(), epochs=1, steps_per_epoch=2, verbose=0).history
    r["iterator"] = err(lambda: m.fit(it, epochs=1, steps_per_epoch=2, verbose=0))
    r["no_steps_fit"] = err(lambda: m.fit(x, y, verbose=0))
    r["no_steps_predict"] = err(lambda: m.predict(x))
result = r
"""


@pytest.mark.oracle
def test_fit_evaluate_predict_on_iterator_tensors_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "fit" in there["ok"], there
    assert agree(here, there), explain(PROGRAM, here, there)
