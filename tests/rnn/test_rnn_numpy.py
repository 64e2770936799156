"""dynamic_rnn / static_rnn against a NumPy LSTM (runs without TensorFlow)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _numpy_lstm(x, kernel, bias, lengths):
    """BasicLSTMCell over (batch, time, depth) with TF's gate order i, j, f, o."""
    batch, steps, _ = x.shape
    units = bias.shape[0] // 4
    c, h = np.zeros((batch, units)), np.zeros((batch, units))
    outs = np.zeros((batch, steps, units))
    for t in range(steps):
        z = np.concatenate([x[:, t], h], 1) @ kernel + bias
        i, j, f, o = np.split(z, 4, axis=1)
        nc = c * _sigmoid(f + 1.0) + _sigmoid(i) * np.tanh(j)
        nh = np.tanh(nc) * _sigmoid(o)
        live = (t < lengths)[:, None]
        c, h = np.where(live, nc, c), np.where(live, nh, h)
        outs[:, t] = np.where(live, nh, 0.0)
    return outs, c, h


@settings(max_examples=5, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_dynamic_rnn_matches_numpy_lstm(batch, steps, seed):
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    rng = np.random.RandomState(seed)
    x = rng.randn(batch, steps, 2).astype(np.float32)
    lengths = rng.randint(0, steps + 1, size=batch)
    kernel = rng.randn(5, 12).astype(np.float32) * 0.5
    bias = rng.randn(12).astype(np.float32) * 0.1
    xp = tf.placeholder(tf.float32, [None, None, 2])
    cell = tf.nn.rnn_cell.BasicLSTMCell(3)
    out, state = tf.nn.dynamic_rnn(cell, xp, sequence_length=lengths, dtype=tf.float32)
    assert [v.name for v in cell.variables] == ["rnn/basic_lstm_cell/kernel:0",
                                                "rnn/basic_lstm_cell/bias:0"]
    with tf.Session() as s:
        s.run([tf.assign(cell.variables[0], kernel), tf.assign(cell.variables[1], bias)])
        got = s.run([out, state.c, state.h], {xp: x})
    want = _numpy_lstm(x.astype(np.float64), kernel, bias, lengths)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


def test_static_and_dynamic_rnn_agree(tf):
    x = np.arange(12, dtype=np.float32).reshape(2, 3, 2) / 10
    with tf.variable_scope("d", initializer=tf.constant_initializer(0.2)):
        dyn, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(3), x, dtype=tf.float32)
    with tf.variable_scope("s", initializer=tf.constant_initializer(0.2)):
        outs, _ = tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(3), tf.unstack(x, axis=1),
                                   dtype=tf.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        a, b = s.run([dyn, tf.stack(outs, axis=1)])
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_dynamic_rnn_needs_dtype_or_initial_state(tf):
    x = tf.zeros([2, 3, 2])
    try:
        tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(3), x)
    except ValueError as e:
        assert str(e) == "If no initial_state is provided, argument `dtype` must be specified"
    else:
        raise AssertionError("no error")
