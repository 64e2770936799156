"""Keras RNN layers against TF + tf_keras: the graph under the layer (Keras' own time loop,
`lstm/while/...`, the first step outside it as `lstm/lstm_cell_1/...`), dropout and
recurrent dropout masks (made once per call, applied only in training) and their values;
stateful layers (state variables made at build from the batch size, carried across
Session.run, fit, evaluate and predict batches, zeroed or set by reset_states).

Seeded dropout masks are TF's bits (graph seed + op seed, TF's Philox stream), so values
compare directly, in training and not."""

import numpy as np
import pytest
from oracle import ORACLE_HELPERS, explain, run_here

L = "L = tf.keras.layers\n"
X = "x = tf.placeholder(tf.float32, [None, 3, 2])\n"
GRAPH = "result = [graph(), [v.name for v in tf.trainable_variables()]]"

LAYERS = [
    "L.LSTM(2)(x)",
    "L.GRU(2)(x)",
    "L.SimpleRNN(2, return_state=True)(x)",
    "L.SimpleRNN(2, dropout=0.5, recurrent_dropout=0.25)(x)",
    "L.LSTM(3, dropout=0.5, recurrent_dropout=0.25, return_sequences=True)(x)",
    "L.LSTM(2, implementation=2, dropout=0.3)(x)",
    "L.GRU(2, reset_after=True, dropout=0.1, recurrent_dropout=0.2)(x)",
    "L.GRU(2, implementation=2, reset_after=True, recurrent_dropout=0.2)(x)",
    "L.GRU(2, implementation=2)(x)",
    "L.RNN([L.LSTMCell(2, dropout=0.2), L.GRUCell(3)], return_state=True)(x)",
    "L.RNN(L.SimpleRNNCell(2), go_backwards=True)(x)",
    "L.LSTM(2, time_major=True, return_sequences=True)(x)",
    "L.LSTM(2, unroll=True, return_sequences=True, dropout=0.5)(x)",
    "L.SimpleRNN(2, dropout=0.5)(x, training=True)",
    "L.GRU(2, recurrent_dropout=0.5)(x, training=False)",
]


# a mask made by an explicit `not_equal` (the loop's masked steps, not the Masking layer's ops)
MASK = "x._keras_mask = tf.reduce_any(tf.not_equal(x, 0.), -1)\n"
LAYERS += [MASK + "L.SimpleRNN(2, return_sequences=True)(x)",
           MASK + "L.GRU(2, go_backwards=True, zero_output_for_mask=True)(x)",
           MASK + "L.LSTM(2, unroll=True, return_sequences=True, zero_output_for_mask=True)(x)"]
# the Masking layer's mask (one NotEqual/Any, squeezed) and Bidirectional's two loops
LAYERS += ["L.Bidirectional(L.GRU(2, return_sequences=True))(L.Masking()(x))",
           "L.LSTM(2, unroll=True, zero_output_for_mask=True)(L.Masking(mask_value=1.)(x))",
           "L.Bidirectional(L.LSTM(2, dropout=0.5, return_sequences=True))(x)"]
# stateful: state variables (trainable, as Keras' backend.variable makes them) read before the
# loop, assigned after it
BATCH = "x = tf.placeholder(tf.float32, [4, 3, 2])\n"
LAYERS += [BATCH + "L.LSTM(2, stateful=True)(x)",
           BATCH + "L.GRU(2, stateful=True, return_state=True, dropout=0.5)(x)",
           BATCH + "L.RNN([L.SimpleRNNCell(2), L.LSTMCell(3)], stateful=True)(x)",
           BATCH + "L.SimpleRNN(2, stateful=True)(x, initial_state=[tf.ones([4, 2])])"]


@pytest.mark.oracle
@pytest.mark.parametrize("layer", LAYERS)
def test_graph_matches_tf(oracle, layer):
    head, _, call = layer.rpartition("\n")
    code = ORACLE_HELPERS + L + X + (head + "\n" if head else "") + "y = " + call + "\n" + GRAPH
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)


VALUES = (
    "tf.set_random_seed(3)\n" + L +
    "x = tf.placeholder(tf.float32, [None, 4, 3])\n"
    "feed = {x: np.cos(np.arange(24.)).reshape(2, 4, 3)}\n"
    "ys = [L.SimpleRNN(3, dropout=0.5, recurrent_dropout=0.3, return_sequences=True)(x),\n"
    "      L.LSTM(2, dropout=0.4, recurrent_dropout=0.2)(x),\n"
    "      L.GRU(2, dropout=0.25, recurrent_dropout=0.5, reset_after=True)(x),\n"
    "      L.LSTM(2, dropout=0.5, implementation=2)(x, training=True)]\n"
    "lp = tf.keras.backend.learning_phase()\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.global_variables_initializer())\n"
    "    a = s.run(ys, feed); feed[lp] = True; b = s.run(ys, feed); c = s.run(ys, feed)\n"
    "result = [a, b, c]\n")

FIT = (
    "tf.set_random_seed(5)\n" + L +
    "m = tf.keras.Sequential([L.LSTM(3, dropout=0.5, recurrent_dropout=0.5,"
    " input_shape=(4, 2)), L.Dense(1)])\n"
    "m.compile('sgd', 'mse')\n"
    "xs = np.sin(np.arange(48.)).reshape(6, 4, 2); ys = np.cos(np.arange(6.)).reshape(6, 1)\n"
    "h = m.fit(xs, ys, batch_size=2, epochs=2, shuffle=False, verbose=0)\n"
    "result = [h.history['loss'], m.get_weights(), m.predict(xs)]\n")


ADAM = (  # a TF1 program: Keras layers trained by a tf.train optimizer, dropout on
    "tf.set_random_seed(7); L = tf.keras.layers\n"
    "x = tf.placeholder(tf.float32, [None, 4, 3])\n"
    "h = L.GRU(3, dropout=0.3, recurrent_dropout=0.3, return_sequences=True)(x)\n"
    "y = L.LSTM(2, recurrent_dropout=0.4, go_backwards=True)(h)\n"
    "loss = tf.reduce_mean(tf.square(y - 0.5))\n"
    "step = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
    "feed = {x: np.cos(np.arange(24.)).reshape(2, 4, 3),"
    " tf.keras.backend.learning_phase(): True}\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.global_variables_initializer())\n"
    "    ls = [s.run([loss, step], feed)[0] for _ in range(3)]\n"
    "    result = [ls, s.run(tf.trainable_variables())]\n")

LB = "L = tf.keras.layers\nx = tf.placeholder(tf.float32, [4, 3, 2])\n"

STATEFUL_SESSION = (
    "tf.set_random_seed(2)\n" + LB +
    "layer = L.LSTM(2, stateful=True, return_sequences=True)\ny = layer(x)\n"
    "feed = {x: np.cos(np.arange(24.)).reshape(4, 3, 2)}\n"
    "with tf.Session() as s:\n"
    "    tf.keras.backend.set_session(s)\n"
    "    s.run(tf.global_variables_initializer())\n"
    "    a = [s.run([y] + layer.updates, feed)[0] for _ in range(3)]\n"
    "    st = s.run(layer.states)\n"
    "    layer.reset_states(); b = s.run(y, feed)\n"
    "    layer.reset_states([np.ones((4, 2)), np.full((4, 2), 0.5)]); c = s.run(y, feed)\n"
    "    d = [s.run(v) for v in layer.states]\n"
    "result = [a, st, b, c, d, len(layer.updates)]\n")

STATEFUL_FIT = (
    "tf.set_random_seed(4); L = tf.keras.layers\n"
    "m = tf.keras.Sequential([L.GRU(3, stateful=True, batch_input_shape=(2, 4, 2)),"
    " L.Dense(1)])\n"
    "m.compile('sgd', 'mse')\n"
    "xs = np.sin(np.arange(48.)).reshape(6, 4, 2); ys = np.cos(np.arange(6.)).reshape(6, 1)\n"
    "h = m.fit(xs, ys, batch_size=2, epochs=2, shuffle=False, verbose=0)\n"
    "s = tf.keras.backend.get_session()\n"
    "st = s.run(m.layers[0].states)\n"
    "p1 = m.predict(xs, batch_size=2); p2 = m.predict(xs, batch_size=2)\n"
    "m.reset_states(); p3 = m.predict(xs, batch_size=2)\n"
    "e = m.evaluate(xs, ys, batch_size=2, verbose=0)\n"
    "result = [h.history['loss'], st, p1, p2, p3, e, m.get_weights()]\n")


STATEFUL_ERRORS = [
    "L.LSTM(2, stateful=True)(tf.placeholder(tf.float32, [None, 3, 2]))",
    "l = L.LSTM(2); l(x); l.reset_states()",
    "l = L.SimpleRNN(2, stateful=True); l(x); l.reset_states([np.zeros((3, 2))])",
    "l = L.SimpleRNN(2, stateful=True); l(x); l.reset_states([np.zeros((4, 2))] * 2)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", STATEFUL_ERRORS)
def test_stateful_errors_match_tf(oracle, code):
    code = LB + code + "\nresult = 1"
    here, there = run_here(code), oracle(code)
    assert "raises" in there and "raises" in here, explain(code, here, there)
    assert there["raises"] in here["mro"], explain(code, here, there)
    assert here["msg"].split(":")[0] == there["msg"].split(":")[0], explain(code, here, there)


def _flat(x):
    if isinstance(x, list):
        return [v for item in x for v in _flat(item)]
    return [float(x)]


@pytest.mark.oracle
@pytest.mark.parametrize("code", [VALUES, FIT, ADAM, STATEFUL_SESSION, STATEFUL_FIT],
                         ids=["session", "fit", "adam", "stateful_session", "stateful_fit"])
def test_values_match_tf(oracle, code):
    """Learning phase off: no dropout; on: TF's masks, fresh each run; fit: trains with them.
    Stateful: the states carry from run to run until reset_states."""
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    np.testing.assert_allclose(_flat(here["ok"]), _flat(there["ok"]), rtol=1e-4, atol=1e-5)


def test_dropout_only_in_training():
    import scopeflow.compat.v1 as tf
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 5, 4])
        layer = tf.keras.layers.SimpleRNN(8, dropout=0.9, recurrent_dropout=0.9,
                                          kernel_initializer="ones")
        y = layer(x)
        lp = tf.keras.backend.learning_phase()
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            # 64 rows: with 3, two training runs saturated alike about one time in 5
            feed = {x: np.ones((64, 5, 4), np.float32)}
            test = [s.run(y, feed) for _ in range(2)]
            feed[lp] = True
            train = [s.run(y, feed) for _ in range(2)]
    np.testing.assert_array_equal(test[0], test[1])
    assert not np.allclose(train[0], train[1])
    assert not np.allclose(train[0], test[0])
