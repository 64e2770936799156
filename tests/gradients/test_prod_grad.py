"""Prod's, Cumprod's and Roll's gradients: TF's graph (names, types, inputs, devices) and
values, with zeros in the product's input (one zero, two zeros in a reduced group, all zeros;
Cumprod's DivNoNan gives 0 at a zero where the exact derivative is not)."""

import pytest
from approx import agree, explain
from oracle import run_here

RECORD = (
    "def record(grads, feed):\n"
    "    ops = [[o.name, o.type, [i.name for i in o.inputs], o.device]\n"
    "           for o in tf.get_default_graph().get_operations() if '_grad' in o.name]\n"
    "    with tf.Session() as s:\n"
    "        return [ops, [v.tolist() for v in s.run(grads, feed)]]\n")

X = "np.array([[1., 0., 3.], [2., 0., 0.], [4., 5., 6.], [0., 0., 0.]], np.float32)"

CASES = [
    "x = tf.constant(%s); y = tf.reduce_prod(x, axis=1)" % X,
    "x = tf.constant(%s); y = tf.reduce_prod(x * x, axis=[0, 1], keepdims=True)" % X,
    "x = tf.constant(%s); y = tf.reduce_prod(x)" % X,
    "x = tf.placeholder(tf.float32, [None, 3]); y = tf.reduce_prod(x, axis=-2)",
    "x = tf.placeholder(tf.float32); y = tf.reduce_prod(tf.reshape(x, [2, 2, 3]), "
    "axis=tf.constant([2, 0], tf.int64), keepdims=True)",
    "x = tf.constant(%s); y = tf.cumprod(x * 0.5 + x, axis=1)" % X,
    "x = tf.placeholder(tf.float32, [None, 3]); y = tf.cumprod(x, exclusive=True, reverse=True)",
    "x = tf.constant(%s); y = tf.roll(x * x, shift=[1, -2], axis=[0, 1])" % X,
    "x = tf.placeholder(tf.float32, [None, 3]); y = tf.roll(x, tf.constant(5), tf.constant(-1))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES)
def test_prod_and_roll_gradients_match_tf(oracle, case):
    code = RECORD + case + (
        "\ng = tf.gradients(tf.sin(y), x)  # (a gradient of many values)\n"
        "result = record(g, {x: %s} if x.op.type == 'Placeholder' else None)\n" % X)
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
