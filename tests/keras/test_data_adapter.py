"""tf.keras fit / evaluate / predict on tf.data datasets, Python generators and with
validation_split, in TF1 graph mode, against real TF + tf_keras (values and the loss averaged
as Keras averages it: over steps for datasets, over samples for a generator in fit)."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = "K = tf.keras; L = tf.keras.layers\nC = tf.constant_initializer\nxs = np.array([[1., 2.], [2., 1.], [0., 1.], [1., 0.], [3., 1.], [-1., 2.]], 'float32')\nys = np.array([[1.], [2.], [.5], [0.], [1.5], [-.5]], 'float32')\ndef model():\n    m = K.Sequential([L.Dense(3, activation='relu', input_shape=(2,), kernel_initializer=C([.1, -.2, .3, .4, .5, -.6])), L.Dense(1, kernel_initializer=C(.5))])\n    m.compile(K.optimizers.SGD(0.1), loss='mse', metrics=['mae'])\n    return m\nout = []\nm = model()\nds = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(4)\nh = m.fit(ds, epochs=2, verbose=0)\nout.append(h.history)\nout.append(m.evaluate(ds, verbose=0))\nout.append(m.predict(tf.data.Dataset.from_tensor_slices(xs).batch(4)))\nm = model()\nh = m.fit(ds.repeat(), epochs=2, steps_per_epoch=3, verbose=0)\nout.append(h.history)\nout.append(m.evaluate(ds.repeat(), steps=2, verbose=0))\ndef gen():\n    while True:\n        for i in range(0, 6, 4):\n            yield xs[i:i+4], ys[i:i+4]\nm = model()\nh = m.fit(gen(), epochs=2, steps_per_epoch=3, verbose=0, validation_data=gen(), validation_steps=2)\nout.append(h.history)\nout.append(m.evaluate(gen(), steps=2, verbose=0))\nout.append(m.predict((a for a, b in gen()), steps=2))\nm = model()\nh = m.fit(xs, ys, epochs=2, batch_size=2, validation_split=0.34, verbose=0, shuffle=False)\nout.append(h.history)\ndef e(f):\n    try:\n        f(); return 'ok'\n    except Exception as ex:\n        return [type(ex).__name__, str(ex)[:300]]\nout.append(e(lambda: m.fit(ds, epochs=1, verbose=0, validation_split=0.5)))\nout.append(e(lambda: m.fit(gen(), epochs=1, verbose=0)))\nout.append(e(lambda: m.fit(ds, ys, epochs=1, verbose=0)))\nout.append(e(lambda: m.fit(ds.repeat(), epochs=1, verbose=0)))\nresult = out\n"


@pytest.mark.oracle
def test_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert agree(here, there), explain(PROGRAM, here, there)


def test_sequence_and_three_tuples(tf):
    import numpy as np
    K = tf.keras
    xs, ys = np.ones((6, 2), "float32"), np.zeros((6, 1), "float32")

    class Batches(K.utils.Sequence):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return xs[2 * i:2 * i + 2], ys[2 * i:2 * i + 2], np.array([1.0, 0.0], "float32")

    m = K.Sequential([K.layers.Dense(1, input_shape=(2,))])
    m.compile("sgd", "mse")
    h = m.fit(Batches(), epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2
    ds = tf.data.Dataset.from_tensor_slices((xs, ys, np.ones(6, "float32"))).batch(3)
    assert np.isfinite(m.evaluate(ds, verbose=0))


SHUFFLE = """import numpy as np
K = tf.keras; L = tf.keras.layers
xs = np.arange(14, dtype='float32').reshape(7, 2)
order = []
seen = K.callbacks.LambdaCallback(on_batch_end=lambda b, logs: order.append(logs['loss']))
m = K.Sequential([L.Dense(1, input_shape=(2,), kernel_initializer='zeros')])
m.compile(K.optimizers.SGD(0.0), 'mae')
out = []
for shuffle in ('batch', 1, True, False):
    np.random.seed(3)
    del order[:]
    m.fit(xs, xs[:, :1], batch_size=2, epochs=2, shuffle=shuffle, verbose=0, callbacks=[seen])
    out.append(list(order))
out.append(np.random.randint(1000))
result = out
"""


@pytest.mark.oracle
def test_batch_shuffle_draws_tf_keras_order(oracle):
    # the mae of a zero model over a batch is the mean of its targets: which rows it held
    here, there = run_here(SHUFFLE), oracle(SHUFFLE)
    assert agree(here, there), explain(SHUFFLE, here, there)


SEQUENCE_ORDER = """
import random
K = tf.keras
xs = np.zeros((8, 1), 'float32'); ys = np.repeat(np.arange(1., 5.), 2)[:, None].astype('float32')
class Batches(K.utils.Sequence):
    def __len__(self):
        return 4
    def __getitem__(self, i):
        return xs[2 * i:2 * i + 2], ys[2 * i:2 * i + 2]
m = K.Sequential([K.layers.Dense(1, input_shape=(1,), kernel_initializer='zeros')])
m.compile(K.optimizers.SGD(0.0), 'mae')
losses = []
cb = K.callbacks.LambdaCallback(on_batch_end=lambda b, logs: losses.append(float(logs['loss'])))
out = []
for call in [lambda: m.fit_generator(Batches(), epochs=3, verbose=0, callbacks=[cb]),
             lambda: m.fit_generator(Batches(), steps_per_epoch=3, epochs=3, verbose=0,
                                     callbacks=[cb]),
             lambda: m.fit(Batches(), epochs=2, verbose=0, callbacks=[cb]),
             lambda: m.fit(Batches(), epochs=2, verbose=0, callbacks=[cb], shuffle=False)]:
    random.seed(5)
    del losses[:]
    call()
    out.append(list(losses))
result = out
"""


@pytest.mark.oracle
def test_sequence_batches_in_tf_keras_order(oracle):
    # a zero model's mae over a batch is its target: which batch each step trained on; each
    # pass over a Sequence reshuffled in place by Python's random, passes run on across epochs
    here, there = run_here(SEQUENCE_ORDER), oracle(SEQUENCE_ORDER)
    assert agree(here, there), explain(SEQUENCE_ORDER, here, there)
