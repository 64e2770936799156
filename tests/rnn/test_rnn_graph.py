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
    # static_rnn with sequence_length: TF's conds per step (skip the cell past the longest
    # length, the Selects before the shortest), the cell inside them
    "xs = [tf.placeholder(tf.float32, [None, 2]) for _ in range(3)]\nouts, st = tf.nn.static_rnn("
    "tf.nn.rnn_cell.LSTMCell(4), xs, sequence_length=tf.placeholder(tf.int32, [None]), "
    "dtype=tf.float32)\nresult = [o.name for o in outs] + [st.c.name, st.h.name]",
    "xs = [tf.placeholder(tf.float32, [3, 2]) for _ in range(2)]\nouts, st = tf.nn.static_rnn("
    "tf.nn.rnn_cell.GRUCell(2), xs, sequence_length=[2, 1, 2], dtype=tf.float32)\n"
    "result = [o.name for o in outs] + [o.shape.as_list() for o in outs] + [st.name]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


_CELL_TWICE = r"""
cell = tf.nn.rnn_cell.BasicLSTMCell(4)
try:
    tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell([cell] * 2), tf.zeros([2, 3, 5]),
                      dtype=tf.float32)
    result = "ok"
except ValueError as e:
    result = [type(e).__name__, str(e).split("\n")[0]]
"""


@pytest.mark.oracle
def test_cell_reused_on_unfitting_input_keeps_tfs_first_line(oracle):
    from oracle import run_here
    assert run_here(_CELL_TWICE) == oracle(_CELL_TWICE)


def test_cell_reused_on_unfitting_input_names_both_calls(tf):
    cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
    with pytest.raises(ValueError) as e:
        tf.nn.dynamic_rnn(stack, tf.zeros([2, 3, 5]), dtype=tf.float32)  # both calls
    lines = str(e.value).split("\n")
    assert lines[0].startswith("Dimensions must be equal, but are 8 and 9")
    lesson = lines[1]
    where = "%s:%d" % (__file__, _line_of("# both calls"))
    assert lesson.count(where) == 2
    assert "'rnn/multi_rnn_cell/cell_0'" in lesson and "'rnn/multi_rnn_cell/cell_1'" in lesson
    assert "MultiRNNCell([BasicLSTMCell(n) for _ in range(k)])" in lesson


def _line_of(marker):
    with open(__file__) as f:
        return next(i for i, line in enumerate(f, 1) if line.rstrip().endswith(marker))


def test_second_cell_in_one_scope_names_the_first_cell(tf):
    x = tf.zeros([2, 3, 5])
    tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32)  # first cell
    with pytest.raises(ValueError) as e:
        tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32)  # second cell
    msg = str(e.value)
    assert msg.startswith("Variable rnn/basic_lstm_cell/kernel already exists, disallowed.")
    lesson = msg.split("\n")[-1]
    assert "first called at %s:%d under variable scope 'rnn'" % (
        __file__, _line_of("# first cell")) in lesson
    assert "called at %s:%d" % (__file__, _line_of("# second cell")) in lesson
    assert "scope='rnn_2'" in lesson
