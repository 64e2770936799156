"""Gradients of a while loop built in a tf.cond branch (TF's control_flow_ops_py_test
testCondWhile_3 and testNestedWhileCondWhileGrad): the backward loop is built in the forward
cond's branch (its `b_count` waits for `cond/switch_t`, its stacks enter through the cond's
Switch), a nested loop's counter in the enclosing loop; TF's graph, op for op, and values."""

import numpy as np
import pytest
from oracle import explain, run_here

RECORD = r"""
ops = sorted([o.name, o.type, [i.name for i in o.inputs], sorted(c.name for c in o.control_inputs)]
             for o in tf.get_default_graph().get_operations() if o.name not in before)
"""

COND_WHILE_3 = r"""
p = tf.placeholder(tf.bool)
n = tf.constant(0.0)
def b(x):
    with tf.device("/cpu:0"):
        return tf.add(x, 1.0)
r = tf.cond(p, lambda: tf.while_loop(lambda x: tf.less(x, 10.0), b, [n]),
            lambda: tf.multiply(n, 2.0))
before = set(op.name for op in tf.get_default_graph().get_operations())
r1 = tf.gradients(r, [n])
""" + RECORD + r"""
with tf.Session() as s:
    values = [s.run([r, r1], {p: True}), s.run([r, r1], {p: False})]
result = {"ops": ops, "values": values}
"""

STACKS = r"""
p = tf.placeholder(tf.bool, [])
n = tf.constant(1.0)
w = tf.placeholder(tf.float32, [])
r = tf.cond(p, lambda: tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 1.5 * w),
                                     [0, n])[1],
            lambda: tf.multiply(n, 2.0))
before = set(op.name for op in tf.get_default_graph().get_operations())
r1 = tf.gradients(r, [n, w])
""" + RECORD + r"""
with tf.Session() as s:
    values = [s.run([r, r1], {p: True, w: 0.5}), s.run([r, r1], {p: False, w: 0.5})]
result = {"ops": ops, "values": values}
"""

NESTED = r"""
v = tf.constant(1.0)
def inner_loop(s):
    return tf.while_loop(lambda i, x: tf.less(i, 4),
                         lambda i, x: [tf.add(i, 1), tf.multiply(x, 2.0)], [tf.constant(0), s])
def body(x):
    return tf.cond(tf.constant(True), lambda: tf.square(inner_loop(x)[1]),
                   lambda: tf.multiply(x, 2.0))
r = tf.while_loop(lambda x: tf.less(x, 128.0), body, [v])
before = set(op.name for op in tf.get_default_graph().get_operations())
g = tf.gradients(r, v)[0]
""" + RECORD + r"""
with tf.Session() as s:
    values = s.run([r, g])
result = {"ops": ops, "values": values}
"""


def _flat(x):
    if isinstance(x, list):
        return [v for e in x for v in _flat(e)]
    return [float(x)]


@pytest.mark.oracle
@pytest.mark.parametrize("code", [COND_WHILE_3, STACKS, NESTED],
                         ids=["cond_while_3", "stacks", "nested_while_cond_while"])
def test_loop_in_cond_gradient_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    assert here["ok"]["ops"] == there["ok"]["ops"], explain(code, here, there)
    np.testing.assert_allclose(_flat(here["ok"]["values"]), _flat(there["ok"]["values"]),
                               rtol=1e-6)
