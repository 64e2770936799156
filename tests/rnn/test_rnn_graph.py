"""dynamic_rnn builds TF's graph op for op: TensorArrays, the while loop, the Selects."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ops"))
from array_oracle import check_graph  # noqa: E402

GRAPHS = [
    "x = tf.placeholder(tf.float32, [None, 5, 3])\nout, st = tf.nn.dynamic_rnn("
    "tf.nn.rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32)\n"
    "result = [out.name, st.c.name, st.h.name]",
    "x = tf.placeholder(tf.float32, [None, 5, 3])\nout, st = tf.nn.dynamic_rnn("
    "tf.nn.rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32, sequence_length=[2, 3])\n"
    "result = [out.name, out.shape.as_list(), st.c.name]",
    "x = tf.placeholder(tf.float32, [4, 2, 3])\nout, st = tf.nn.dynamic_rnn("
    "tf.nn.rnn_cell.GRUCell(2), x, dtype=tf.float32, time_major=True)\nresult = out.name",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)
