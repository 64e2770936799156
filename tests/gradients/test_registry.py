"""The gradient registry: one entry per op type, user gradients through RegisterGradient and
gradient_override_map, and the SymbolicGradient safety net where no graph gradient exists."""

import pytest
from approx import agree, explain
from oracle import run_here

OVERRIDE = '''
@tf.RegisterGradient("ClipSquareGrad_%(tag)s")
def _clip(op, grad):
    return tf.clip_by_value(grad * 2.0 * op.inputs[0], -1.0, 1.0)
x = tf.constant([0.1, 3.0], name="x")
with tf.get_default_graph().gradient_override_map({"Square": "ClipSquareGrad_%(tag)s"}):
    y = tf.square(x)
g = tf.gradients(tf.reduce_sum(y * 2.0), x)
with tf.Session() as s:
    result = [sorted([op.name, op.type] for op in tf.get_default_graph().get_operations()
                     if op.name.startswith("gradients")), g[0].name, s.run(g)[0].tolist()]
'''

CUSTOM = '''
@tf.custom_gradient
def f(x):
    return x * x, lambda dy: dy * 10.0
x = tf.constant(3.0, name="x")
g = tf.gradients(f(x) + x, x)
with tf.Session() as s:
    result = [g[0].name, g[0].op.type, s.run(g)]
'''


@pytest.mark.oracle
def test_override_map_uses_registered_function_like_tf(oracle):
    code = OVERRIDE % {"tag": "a"}
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


@pytest.mark.oracle
def test_custom_gradient_like_tf(oracle):
    here, there = run_here(CUSTOM), oracle(CUSTOM)
    assert agree(here, there), explain(CUSTOM, here, there)


def test_one_entry_per_op_type(tf):
    from scopeflow.gradients import registry
    with pytest.raises(KeyError, match="Registering two gradient with name 'MatMul'"):
        tf.RegisterGradient("MatMul")(lambda op, grad: None)
    assert registry.GRADIENTS["MatMul"].fn.__module__ == "scopeflow.gradients.math_grad"


def test_no_graph_gradient_falls_back_to_symbolic_gradient(tf, monkeypatch):
    # an op without a graph gradient (SelfAdjointEigV2's taken out of the table): the call
    # still differentiates it, by jax.vjp
    from scopeflow.gradients import registry
    monkeypatch.delitem(registry.GRADIENTS, "SelfAdjointEigV2")
    a = tf.constant([[4.0, 2.0], [2.0, 3.0]])
    g = tf.gradients(tf.reduce_sum(tf.linalg.eigh(a)[0]), a)[0]
    assert [op.type for op in tf.get_default_graph().get_operations()
            if op.type == "SymbolicGradient"] == ["SymbolicGradient"]
    with tf.Session() as s:
        assert s.run(g).shape == (2, 2)


def test_graph_path_adds_no_symbolic_gradient(tf):
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(tf.ones([3, 2]))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
    tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert "SymbolicGradient" not in types and "MatMul" in types
