"""`tf.contrib.rnn`: the core cells and loops are tf.nn's own objects; the stacked
bidirectional loops and static_state_saving_rnn build TF's graph and values."""

import numpy as np
import pytest
from oracle import ORACLE_HELPERS, explain, run_here

import scopeflow.compat.v1 as tf
from scopeflow.ops import nest

CORE = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell",
        "LSTMStateTuple", "MultiRNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper"]


@pytest.mark.parametrize("name", CORE)
def test_core_cells_are_rnn_cell_objects(name):
    assert getattr(tf.contrib.rnn, name) is getattr(tf.nn.rnn_cell, name)


@pytest.mark.parametrize("name", ["static_rnn", "static_bidirectional_rnn",
                                  "static_state_saving_rnn"])
def test_loops_are_nn_functions(name):
    assert getattr(tf.contrib.rnn, name) is getattr(tf.nn, name)


# TF 1.15's contrib stacked loops, written out over tf.nn for the oracle (TF 2 has no contrib)
REFERENCE = r"""
def _stack(dynamic):
    def run(cells_fw, cells_bw, inputs, dtype=None, sequence_length=None, scope=None):
        states_fw, states_bw, layer = [], [], inputs
        with tf.variable_scope(scope or "stack_bidirectional_rnn"):
            for i, (fw, bw) in enumerate(zip(cells_fw, cells_bw)):
                with tf.variable_scope("cell_%d" % i) as cs:
                    if dynamic:
                        outs, (sf, sb) = tf.nn.bidirectional_dynamic_rnn(
                            fw, bw, layer, sequence_length=sequence_length, dtype=dtype)
                        layer = tf.concat(outs, 2)
                    else:
                        layer, sf, sb = tf.nn.static_bidirectional_rnn(
                            fw, bw, layer, sequence_length=sequence_length, dtype=dtype,
                            scope=cs)
                states_fw.append(sf)
                states_bw.append(sb)
        return layer, tuple(states_fw), tuple(states_bw)
    return run
if hasattr(tf, "contrib"):
    stack_static = tf.contrib.rnn.stack_bidirectional_rnn
    stack_dynamic = tf.contrib.rnn.stack_bidirectional_dynamic_rnn
else:
    stack_static, stack_dynamic = _stack(False), _stack(True)
"""
DATA = ("tf.set_random_seed(3)\n"
        "x = tf.constant(np.cos(np.arange(2 * 4 * 3) * 0.7).reshape(2, 4, 3), tf.float32)\n"
        "cells = lambda: [tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.BasicLSTMCell(2)]\n")
RECORD = ("with tf.Session() as s:\n"
          "  s.run(tf.global_variables_initializer())\n"
          "  vals = s.run([out, fw, bw])\n"
          "result = {'graph': [g[:2] for g in graph()], 'vals': vals,\n"
          "          'vars': [(v.name, v.shape.as_list()) for v in tf.global_variables()]}\n")

PROGRAMS = [
    DATA + "out, fw, bw = stack_static(cells(), cells(), tf.unstack(x, axis=1),"
    " dtype=tf.float32)\n" + RECORD,
    DATA + "out, fw, bw = stack_static(cells(), cells(), tf.unstack(x, axis=1),"
    " dtype=tf.float32, sequence_length=[2, 4], scope='deep')\n" + RECORD,
    DATA + "out, fw, bw = stack_dynamic(cells(), cells(), x, dtype=tf.float32)\n" + RECORD,
    DATA + "out, fw, bw = stack_dynamic(cells(), cells(), x, dtype=tf.float32,"
    " sequence_length=[3, 1])\n" + RECORD,
]


@pytest.mark.oracle
@pytest.mark.parametrize("i", range(len(PROGRAMS)))
def test_stack_bidirectional_like_tf(oracle, i):
    code = "import numpy as np\n" + ORACLE_HELPERS + REFERENCE + PROGRAMS[i]
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    mine, theirs = here["ok"], there["ok"]
    assert mine["graph"] == theirs["graph"], explain(code, mine["graph"], theirs["graph"])
    assert mine["vars"] == theirs["vars"]
    flat_m, flat_t = nest.flatten(mine["vals"]), nest.flatten(theirs["vals"])
    np.testing.assert_allclose(flat_m, flat_t, rtol=1e-4, atol=1e-5)


@pytest.mark.oracle
@pytest.mark.parametrize("bad", [
    "stack_static([], [tf.nn.rnn_cell.GRUCell(2)], xs)",
    "stack_static([tf.nn.rnn_cell.GRUCell(2)], [], xs)",
    "stack_static(tf.nn.rnn_cell.GRUCell(2), [tf.nn.rnn_cell.GRUCell(2)], xs)",
    "stack_static([tf.nn.rnn_cell.GRUCell(2)] * 2, [tf.nn.rnn_cell.GRUCell(2)], xs)",
])
def test_stack_bidirectional_bad_arguments(oracle, bad):
    # TF's own function is not there to ask, so its wording is pinned from TF 1.15's source
    code = REFERENCE + "xs = [tf.zeros([2, 3])]\n" + bad
    here = run_here(code)
    assert here.get("raises") == "ValueError", here
    assert "cell" in here["msg"] or "depth" in here["msg"]


SAVER = r"""
import numpy as np
class Saver:
    def __init__(self, sizes):
        self.vars = {n: tf.Variable(np.full([2, k], 0.5, np.float32), name=n)
                     for n, k in sizes.items()}
    def state(self, name):
        return self.vars[name].value()
    def save_state(self, name, value):
        return tf.assign(self.vars[name], value)
xs = [tf.constant(np.cos(np.arange(6) * 0.3 + t).reshape(2, 3), tf.float32) for t in range(3)]
with tf.variable_scope("v", initializer=tf.constant_initializer(0.1)):
"""


@pytest.mark.oracle
@pytest.mark.parametrize("body", [
    ("  saver = Saver({'s': 4})\n"
     "  outs, st = tf.nn.static_state_saving_rnn(tf.nn.rnn_cell.GRUCell(4), xs, saver, 's')\n"),
    ("  saver = Saver({'c': 2, 'h': 2})\n"
     "  outs, st = tf.nn.static_state_saving_rnn(tf.nn.rnn_cell.BasicLSTMCell(2), xs, saver,"
     " ('c', 'h'), sequence_length=[1, 3])\n"),
])
def test_static_state_saving_rnn_like_tf(oracle, body):
    code = ORACLE_HELPERS + SAVER + body + (
        "with tf.Session() as s:\n"
        "  s.run(tf.global_variables_initializer())\n"
        "  first = s.run([outs, st])\n"
        "  second = s.run([outs[-1]])\n"
        "  saved = s.run(list(saver.vars.values()))\n"
        "result = {'graph': [g[:2] + [g[2]] for g in graph()], 'vals': [first, second, saved],"
        " 'ctrl': [[c.name for c in outs[-1].op.control_inputs] if hasattr(outs[-1], 'op')"
        " else None]}\n")
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    assert here["ok"]["graph"] == there["ok"]["graph"]
    assert here["ok"]["ctrl"] == there["ok"]["ctrl"]
    np.testing.assert_allclose(nest.flatten(here["ok"]["vals"]),
                               nest.flatten(there["ok"]["vals"]), rtol=1e-5, atol=1e-6)


@pytest.mark.oracle
def test_static_state_saving_rnn_name_mismatch(oracle):
    code = (SAVER + "  saver = Saver({'s': 4})\n"
            "  tf.nn.static_state_saving_rnn(tf.nn.rnn_cell.BasicLSTMCell(2), xs, saver, 's')\n")
    here, there = run_here(code), oracle(code)
    assert here["raises"] == there["raises"] == "ValueError"
    assert "state_name" in here["msg"] and "state_name" in there["msg"]
