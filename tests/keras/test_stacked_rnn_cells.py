"""tf.keras RNN over a list of cells (StackedRNNCells) and GRU with reset_after=True (TF 2's
variant) in TF1 graphs against real TF + tf_keras: variable names and shapes, state sizes,
returned states, configs (a model rebuilt from its config), outputs and the values after
training with a Keras optimizer."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAMS = [
    # three kinds of cells in one stack, states returned per cell; a StackedRNNCells object
    ("tf.set_random_seed(1)\nL = tf.keras.layers\n"
    "x = tf.placeholder(tf.float32, [None, 4, 2])\n"
    "cells = [L.LSTMCell(3), L.GRUCell(2), L.SimpleRNNCell(4)]\n"
    "r = L.RNN(cells, return_sequences=True, return_state=True)\nout = r(x)\n"
    "st = L.StackedRNNCells([L.SimpleRNNCell(2), L.SimpleRNNCell(3)])\n"
    "r2 = L.RNN(st)\ny2 = r2(x)\n"
    "xs = np.cos(np.arange(2 * 4 * 2)).reshape(2, 4, 2).astype(np.float32)\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.global_variables_initializer())\n"
    "    vals = s.run(tf.nest.flatten(out) + [y2], {x: xs})\n"
    "result = [[t.shape.as_list() for t in tf.nest.flatten(out)], [len(t) if isinstance(t, list) else 0 for t in out], [[v.name, v.shape.as_list()] for v in "
    "tf.global_variables()], vals, [v.name for v in r.trainable_weights], r.cell.state_size, "
    "r.cell.output_size, st.state_size, r2.get_config()]"),
    # a model with a stack rebuilt from its config
    ("L = tf.keras.layers\nx = tf.keras.Input((4, 2))\n"
    "y = L.RNN(L.StackedRNNCells([L.SimpleRNNCell(2), L.LSTMCell(3)]))(x)\n"
    "m = tf.keras.Model(x, y)\nm2 = tf.keras.Model.from_config(m.get_config())\n"
    "result = [m2.get_config(), [v.name for v in m2.weights]]"),
    # time-major inputs (time, batch, features): sequences and states as TF returns them
    ("L = tf.keras.layers\nx = tf.placeholder(tf.float32, [4, 3, 2])\n"
     "xs = np.cos(np.arange(24)).reshape(4, 3, 2).astype(np.float32)\n"
     "one = dict(kernel_initializer='ones', recurrent_initializer='ones', time_major=True)\n"
     "outs = [L.SimpleRNN(2, **one)(x), L.LSTM(2, return_sequences=True, **one)(x)]\n"
     "outs += L.GRU(2, return_sequences=True, return_state=True, **one)(x)\n"
     "with tf.Session() as s:\n"
     "    s.run(tf.global_variables_initializer())\n"
     "    result = [[o.shape.as_list() for o in outs], s.run(outs, {x: xs})]"),
    # GRU cells of both variants: bias shapes and configs
    ("L = tf.keras.layers\nx = tf.placeholder(tf.float32, [None, 3, 2])\n"
    "a = L.GRU(2, reset_after=True); b = L.GRU(2); c = L.RNN(L.GRUCell(3, reset_after=True, "
    "use_bias=False))\n"
    "ys = [a(x), b(x), c(x)]\n"
    "result = [[[v.name, v.shape.as_list()] for v in tf.global_variables()], a.get_config(), "
    "b.get_config(), c.get_config(), [y.shape.as_list() for y in ys]]"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_stacked_cells_and_gru_match_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


TRAINING = (
    "tf.set_random_seed(5)\nL = tf.keras.layers\n"
    "rng = np.random.RandomState(0)\n"
    "xs = rng.randn(32, 5, 3).astype(np.float32)\n"
    "ys = xs.sum(axis=(1, 2))[:, None].astype(np.float32) * 0.1\n"
    "inp = tf.keras.Input((5, 3))\n"
    "h = L.GRU(4, reset_after=True, return_sequences=True)(inp)\n"
    "h = L.GRU(3, reset_after=True, use_bias=False, implementation=2, "
    "recurrent_activation='sigmoid', return_sequences=True)(h)\n"
    "h = L.RNN([L.GRUCell(3, reset_after=True), L.LSTMCell(2), L.GRUCell(2)])(h)\n"
    "m = tf.keras.Model(inp, L.Dense(1)(h))\n"
    "m.compile(tf.keras.optimizers.Adam(0.01), 'mse')\n"
    "hist = m.fit(xs, ys, batch_size=8, epochs=2, verbose=0, shuffle=False)\n"
    "result = [hist.history['loss'], m.get_weights(), m.predict(xs[:3]), "
    "[v.name for v in m.weights]]"
)


@pytest.mark.oracle
def test_stacked_gru_training_values_match_tf(oracle):
    here, there = run_here(TRAINING), oracle(TRAINING)
    assert agree(here, there, 1e-3), explain(TRAINING, here, there)
