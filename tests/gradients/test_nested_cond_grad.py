"""Gradients through tf.cond nested in tf.cond: TF's Switch / Merge gradient graph, op for op
(`gradients/cond/cond/Merge_grad/cond_grad`, _ZerosLikeV1's `gradients/Switch_N`), and TF's
values on every pair of predicates."""

import numpy as np
import pytest
from oracle import explain, run_here


def _same(code, here, there):
    """The same ops (names, types, inputs); values equal to float32 rounding."""
    assert "ok" in here and "ok" in there, explain(code, here, there)
    mine, theirs = here["ok"], there["ok"]
    assert mine["ops"] == theirs["ops"], explain(code, mine["ops"], theirs["ops"])
    for a, b in zip(mine["values"], theirs["values"], strict=True):
        np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), atol=1e-4)

PROGRAM = r"""
x = tf.placeholder(tf.float32, [3], name="x")
w = tf.get_variable("w", initializer=np.array([0.5, -1.0, 2.0], np.float32))
p = tf.placeholder(tf.bool, [], name="p")
q = tf.placeholder(tf.bool, [], name="q")
def inner():
    return tf.cond(q, lambda: x * w, lambda: tf.sin(x * w) + tf.cond(q, lambda: w, lambda: x))
y = tf.cond(p, inner, lambda: w * w)
loss = tf.reduce_sum(y * x)
before = set(op.name for op in tf.get_default_graph().get_operations())
grads = tf.gradients(loss, [w, x])
ops = sorted([o.name, o.type, [i.name for i in o.inputs],
              sorted(c.name for c in o.control_inputs)]
             for o in tf.get_default_graph().get_operations() if o.name not in before)
values = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for pv in (True, False):
        for qv in (True, False):
            values.append(s.run(grads, {x: [1.0, 2.0, 3.0], p: pv, q: qv}))
result = {"ops": ops, "values": [np.concatenate([np.ravel(v) for v in vs]) for vs in values]}
"""


@pytest.mark.oracle
def test_nested_cond_gradient_matches_tf(oracle):
    _same(PROGRAM, run_here(PROGRAM), oracle(PROGRAM))


RNN = r"""
x = tf.placeholder(tf.float32, [2, 3], name="x")
xs = [x * float(k + 1) for k in range(3)]
cell = tf.nn.rnn_cell.BasicRNNCell(2)
with tf.variable_scope("rnn", initializer=tf.constant_initializer(0.3)):
    outs, state = tf.nn.static_rnn(cell, xs, dtype=tf.float32, sequence_length=[1, 3])
loss = tf.reduce_sum(state) + tf.reduce_sum(outs[-1] * outs[0])
before = set(op.name for op in tf.get_default_graph().get_operations())
grads = tf.gradients(loss, [x] + tf.trainable_variables())
ops = sorted([o.name, o.type, [i.name for i in o.inputs]]
             for o in tf.get_default_graph().get_operations() if o.name not in before)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    values = s.run(grads, {x: np.linspace(-1.0, 1.0, 6).reshape(2, 3)})
result = {"ops": ops, "values": [np.ravel(v) for v in values]}
"""


@pytest.mark.oracle
def test_static_rnn_sequence_length_gradient_matches_tf(oracle):
    """static_rnn(sequence_length=) builds two nested conds per step: its gradient graph is
    TF's, down to the copied concat axis (`concat_grad/Const`) of the cell inside a cond."""
    _same(RNN, run_here(RNN), oracle(RNN))
