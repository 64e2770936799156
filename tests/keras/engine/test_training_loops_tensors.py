"""`fit` / `evaluate` / `predict` on symbolic tensors (a one-shot iterator's `get_next()`),
as tf_keras' v1 loop runs them against TF: each step evaluates the tensors in the session, the
loss averaged over `steps_per_epoch` steps, the History's params in steps, "Train on N
samples" printed; TF's errors without steps and for an iterator passed as `x`. The model's
initial weights come from the graph seed, so the op seed the one-shot iterator draws counts."""

import pytest
from approx import agree, explain
from oracle import run_here

PRELUDE = r"""
import contextlib, io
import numpy as np
K = tf.keras
def err(f):
    try:
        return ["ok", f()]
    except Exception as e:
        return [type(e).__name__, str(e)[:200]]
r = {}
"""

PROGRAM = PRELUDE + r"""
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


WIRED = PRELUDE + r"""
for kind in ("input", "tensor", "deferred"):
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        xs = np.arange(24, dtype=np.float32).reshape(8, 3) / 10.
        ys = xs.sum(1, keepdims=True)
        ds = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(4).repeat()
        x, y = tf.data.make_one_shot_iterator(ds).get_next()
        g = K.initializers.glorot_uniform
        layers = [K.layers.Dense(4, kernel_initializer=g(seed=1)),
                  K.layers.Dense(1, kernel_initializer=g(seed=2))]
        if kind == "deferred":  # no input shape: built on the tensor, as tf_keras
            m = K.Sequential(layers)
        else:
            inp = K.Input(shape=(3,)) if kind == "input" else K.Input(tensor=x)
            m = K.Model(inp, layers[1](layers[0](inp)))
        m.compile(tf.train.GradientDescentOptimizer(0.05), "mse", metrics=["mae"])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            h = m.fit(x, y, epochs=3, steps_per_epoch=3, verbose=2)
        r[kind] = {
            "printed": [[p for p in line.split(" - ") if ":" in p] if "loss" in line else line
                        for line in out.getvalue().splitlines()],
            "history": h.history,
            "inputs": [t.name for t in m.inputs], "outputs": [t.name for t in m.outputs],
            "weights": [(w.name, w.shape.as_list()) for w in m.weights],
            "values": [v.tolist() for v in m.get_weights()],
            "evaluate": [float(v) for v in m.evaluate(x, y, steps=2, verbose=0)],
            "predict": m.predict(x, steps=2).tolist(),
            "arrays": err(lambda: float(m.evaluate(xs, ys, verbose=0)[0])),
        }
        sizes = []  # (steps mode: each batch logged with size 1, as tf_keras)
        grab = K.callbacks.Callback()
        grab.on_test_batch_end = lambda b, logs=None: sizes.append(["test", logs["size"]])
        grab.on_predict_batch_end = lambda b, logs=None: sizes.append(["predict", logs["size"]])
        m.evaluate(x, y, steps=2, verbose=0, callbacks=[grab])
        m.predict(x, steps=1, callbacks=[grab])
        r[kind]["sizes"] = sizes
        if kind == "deferred":
            r[kind]["layers"] = [c["class_name"] for c in m.get_config()["layers"]]
            r[kind]["n_inputs"] = len(m.inputs)
result = r
"""


@pytest.mark.oracle
def test_fit_wires_iterator_tensors_for_each_kind_of_model_as_tf(oracle):
    """A Keras Input model (tensors wired to its placeholders), an `Input(tensor=x)` model and
    a Sequential without an input shape (built on the tensor): TF's printed losses, history,
    input and weight names, values after training, evaluate and predict."""
    here, there = run_here(WIRED), oracle(WIRED)
    assert "deferred" in there["ok"], there
    assert agree(here, there), explain(WIRED, here, there)


# float64 features and int64 targets for a float32 model: tf_keras' callable wires each through
# a Cast it makes once per function (train, test, predict), named at the graph's root
OTHER_DTYPES = PRELUDE + r"""
tf.set_random_seed(1)
xs = np.arange(24, dtype=np.float64).reshape(8, 3) / 10.
ys = xs.sum(1, keepdims=True).astype(np.int64)
ds = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(4).repeat()
x, y = tf.data.make_one_shot_iterator(ds).get_next()
inp = K.Input(shape=(3,))
m = K.Model(inp, K.layers.Dense(1, kernel_initializer="ones")(inp))
m.compile(tf.train.GradientDescentOptimizer(0.01), "mse")
g = tf.get_default_graph()
before = len(g.get_operations())
r["fit"] = m.fit(x, y, epochs=2, steps_per_epoch=3, verbose=0).history
r["fit_ops"] = [(o.name, o.type) for o in g.get_operations()[before:] if o.type == "Cast"]
n = len(g.get_operations())
r["refit"] = [m.fit(x, y, epochs=1, steps_per_epoch=2, verbose=0).history,
              len(g.get_operations()) - n]
r["evaluate"] = float(m.evaluate(x, y, steps=2, verbose=0))
r["predict"] = m.predict(x, steps=1).tolist()
r["casts"] = [(o.name, o.inputs[0].name) for o in g.get_operations()[n:] if o.type == "Cast"]
result = r
"""


@pytest.mark.oracle
def test_tensors_of_other_dtypes_are_cast_once_per_function_as_tf(oracle):
    here, there = run_here(OTHER_DTYPES), oracle(OTHER_DTYPES)
    assert "casts" in there["ok"], there
    assert agree(here, there), explain(OTHER_DTYPES, here, there)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_each_fit_step_is_one_session_run(dtype):
    """The tensors are wired into the train step: one Session run per step (the iterator's
    host steps, then one compiled program), nothing fetched and fed back; float64 features
    for a float32 model too (through a Cast)."""
    import numpy as np

    import scopeflow as tf
    from scopeflow.session import BaseSession

    K, calls = tf.keras, []
    run, connected = BaseSession.run, BaseSession._run_connected

    def count(fn, name):
        def wrapped(self, *a, **k):
            calls.append(name)
            return fn(self, *a, **k)
        return wrapped

    with tf.Graph().as_default(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(BaseSession, "run", count(run, "run"))
        mp.setattr(BaseSession, "_run_connected", count(connected, "connected"))
        xs = np.arange(24, dtype=dtype).reshape(8, 3)
        ds = tf.data.Dataset.from_tensor_slices((xs, xs[:, :1])).batch(4).repeat()
        x, y = tf.data.make_one_shot_iterator(ds).get_next()
        inp = K.Input(shape=(3,))
        m = K.Model(inp, K.layers.Dense(1)(inp))
        m.compile(tf.train.GradientDescentOptimizer(0.01), "mse")
        m.fit(x, y, epochs=1, steps_per_epoch=2, verbose=0)
        del calls[:]
        m.fit(x, y, epochs=1, steps_per_epoch=4, verbose=0)
        assert calls == ["connected"] * 4
        plans = [p for p in K.backend.get_session()._plans.values() if p.connect]
        kinds = [k for k, _ in plans[0].prog[1].steps]
        # (float64: the Cast is computed in a small compiled step of its own before the alias)
        assert kinds.count("compiled") == 1 + (dtype == "float64")
        assert kinds[-2:] == ["alias", "compiled"]
