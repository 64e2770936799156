"""Loops built in TF's XLAControlFlowContext: their gradient stacks are bounded by the loops'
`maximum_iterations` (TF's ValueErrors where no bound is known), and shapes of forward values
are taken in the gradient loop; against TF."""

import pytest
from oracle import run_here

_PRELUDE = (
    "if tf.__name__.startswith('scopeflow'):\n"
    "    from scopeflow.ops.cf_xla import XLAControlFlowContext\n"
    "else:\n"
    "    from tensorflow.python.ops.control_flow_ops import XLAControlFlowContext\n"
    "v = tf.constant(1.0)\n"
    "def attempt(f):\n"
    "    try:\n"
    "        f()\n"
    "        return 'ok'\n"
    "    except ValueError as e:\n"
    "        return str(e)\n"
    "def nested(maximum_iterations=None):\n"
    "    def inner_body(i, x):\n"
    "        return tf.while_loop(lambda i, _: i < 3, lambda i, j: [i + 1, j * v], [0, x],\n"
    "                             maximum_iterations=i)\n"
    "    return tf.while_loop(lambda i, _: i < 3, inner_body, [0, 1.0],\n"
    "                         maximum_iterations=maximum_iterations)\n"
    "xla = XLAControlFlowContext()\n")

PROGRAMS = {
    # no bound on the outer loop; the inner loop's bound is the outer loop's variable
    "unbounded": _PRELUDE + (
        "xla.Enter()\n"
        "a, b = nested(), nested(2)\n"
        "xla.Exit()\n"
        "result = [attempt(lambda: tf.gradients(a, v)), attempt(lambda: tf.gradients(b, v))]\n"),
    # a bound from a cond branch the loop is not in
    "bound_in_cond": _PRELUDE + (
        "xla.Enter()\n"
        "held = []\n"
        "def make():\n"
        "    held.append(tf.placeholder(tf.int32, shape=()))\n"
        "    return 1.0\n"
        "tf.cond(tf.constant(True), make, make)\n"
        "r = tf.while_loop(lambda i, _: i < 3, lambda i, x: (i + 1, v * x), (0, 1.0),\n"
        "                  maximum_iterations=held[0])\n"
        "xla.Exit()\n"
        "result = attempt(lambda: tf.gradients(r, v))\n"),
    # static bounds: the stacks' sizes, the gradient's value; the loop's Exit ops (and its
    # gradient loop's) cannot be fetched
    "bounded": _PRELUDE + (
        "xla.Enter()\n"
        "r = tf.while_loop(lambda i, x: i < 3, lambda i, x: [i + 1, x * v], [0, 2.0],\n"
        "                  maximum_iterations=4)\n"
        "xla.Exit()\n"
        "g = tf.gradients(r[1], v)\n"
        "sizes = [op.inputs[0] for op in tf.get_default_graph().get_operations()\n"
        "         if op.type == 'StackV2']\n"
        "f = tf.get_default_graph().is_fetchable\n"
        "with tf.Session() as s:\n"
        "    result = [s.run([sizes, tf.identity(g[0])]), f(r[1]), f(g[0])]\n"),
    # the shapes a gradient needs are taken in the gradient loop (no stack for them)
    "shapes": _PRELUDE + (
        "x1 = tf.placeholder(tf.float32, [None, None])\n"
        "x2 = tf.placeholder(tf.float32, [None, None])\n"
        "xla.Enter()\n"
        "out, _ = tf.while_loop(lambda a, b: False, lambda a, b: (a + b, a + b), (x1, x2),\n"
        "                       maximum_iterations=2)\n"
        "tf.gradients(out, [x1])\n"
        "xla.Exit()\n"
        "result = sorted([i.op.type for i in op.inputs]\n"
        "                for op in tf.get_default_graph().get_operations()\n"
        "                if op.type == 'BroadcastGradientArgs')\n"),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_like_tf(oracle, name):
    code = PROGRAMS[name]
    assert run_here(code) == oracle(code)


def test_messages():
    got = run_here(PROGRAMS["unbounded"])["ok"]
    assert got[0].startswith("Cannot create a gradient accumulator for tensor ")
    assert "because maximum_iterations was not passed to the tf.while_loop call" in got[0]
    assert "must be statically known (e.g. a constant value or known shape dimension)" in got[1]
