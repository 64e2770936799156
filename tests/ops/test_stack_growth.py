"""Stacks whose size is known only at run time (a gradient loop over a fed number of steps)
grow together (ops/stack_ops.py `grow`): a long fed sequence trains as TF's."""

import numpy as np
import pytest
from oracle import run_here

PROGRAM = """
import numpy as np
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [None, None, 3])
n = tf.placeholder(tf.int32, [None])
cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(4), tf.nn.rnn_cell.LSTMCell(4)])
h, _ = tf.nn.dynamic_rnn(cell, x, n, dtype=tf.float32)
loss = tf.reduce_mean(tf.square(h))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
X = np.cos(np.arange(2 * 300 * 3) * 0.1).reshape(2, 300, 3).astype(np.float32)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [float(s.run([loss, train], {x: X, n: [300, 170]})[0]) for _ in range(2)]
"""


@pytest.mark.oracle
def test_long_fed_sequence_trains_as_tf(oracle):
    """300 fed steps through two LSTM layers: 26 gradient stacks outgrow their first 64 slots
    (one at a time, the run gave up after 16 retries)."""
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there and "ok" in here, here
    np.testing.assert_allclose(here["ok"], there["ok"], rtol=1e-5)
