"""Gradients of tf.function calls in a TF1 graph as TF builds them (ops/function_grad.py): the
call rewritten to a forward function with extra outputs, the gradient a call of a backward
function (`gradients/PartitionedCall_grad/PartitionedCall`) whose body is the gradient graph
op by op; against TF, and the graphs exported to TF and imported from it."""

import pytest
from oracle import explain, run_here

PROGRAMS = {
    "capture": (
        "x = tf.placeholder_with_default(0.3, [], name='x')\n"
        "w = tf.Variable(0.7, name='w')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    return tf.tanh(a * w) + a\n"
        "y = f(x)\n"
        "fetch = [y, tf.gradients(y, [x, w])]\n"),
    "resource_variable": (
        "x = tf.placeholder_with_default([[0.3, -0.2]], [1, 2], name='x')\n"
        "w = tf.Variable([[0.7, 0.1], [0.2, 0.5]], use_resource=True, name='w')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    return tf.reduce_sum(tf.nn.relu(tf.matmul(a, w)))\n"
        "y = f(x)\n"
        "fetch = [y, tf.gradients(y, [x, w])]\n"),
    # a second gradient of a rewritten call: gradients of all its outputs (zeros for the
    # extra ones) and the values its backward function reads, taken from its outputs
    "two_calls_two_gradients": (
        "x = tf.placeholder_with_default(0.3, [], name='x')\n"
        "@tf.function\n"
        "def f(a, b):\n"
        "    return a * b, tf.sin(a) + b\n"
        "y1, y2 = f(x, 2.0)\n"
        "z1, z2 = f(y1, x)\n"
        "fetch = [y1, y2, z1, z2, tf.gradients(z1 + y2, x), tf.gradients(z2, x)]\n"),
    "second_order": (
        "x = tf.placeholder_with_default(0.3, [], name='x')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    return tf.sin(a) * a\n"
        "y = f(x)\n"
        "g = tf.gradients(y, x)[0]\n"
        "fetch = [y, g, tf.gradients(g, x)]\n"),
    "integer_input": (
        "x = tf.placeholder_with_default(0.3, [], name='x')\n"
        "n = tf.placeholder_with_default(3, [], name='n')\n"
        "@tf.function\n"
        "def f(a, k):\n"
        "    return a * tf.cast(k, tf.float32), k + 1\n"
        "y, m = f(x, n)\n"
        "g = tf.gradients(y, [x, n])\n"
        "fetch = [y, m, g[0], tf.constant(g[1] is None)]\n"),
    "nested_calls": (
        "x = tf.placeholder_with_default(0.3, [], name='x')\n"
        "@tf.function\n"
        "def inner(a):\n"
        "    return tf.exp(a) * 2.0\n"
        "@tf.function\n"
        "def outer(a):\n"
        "    return inner(a) + tf.square(a)\n"
        "y = outer(x)\n"
        "fetch = [y, tf.gradients(y, x)]\n"),
    "training": (
        "x = tf.placeholder_with_default([[0.3, -0.2]], [1, 2], name='x')\n"
        "w = tf.Variable([[0.7, 0.1], [0.2, 0.5]], use_resource=True, name='w')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    return tf.reduce_sum(tf.square(tf.matmul(a, w)))\n"
        "loss = f(x)\n"
        "train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
        "with tf.control_dependencies([train]):\n"
        "    fetch = [tf.identity(loss), w.read_value()]\n"),
}
GRAPH_AND_VALUES = """
graph = sorted([op.name, op.type, [t.name for t in op.inputs],
                sorted(c.name for c in op.control_inputs)]
               for op in tf.get_default_graph().get_operations())
backward = sorted([n.name, n.op] for f in tf.get_default_graph().as_graph_def().library.function
                  if f.signature.name.startswith('__inference___backward') for n in f.node_def)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [graph, backward, s.run(fetch), s.run(fetch)]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_call_gradient_graph_matches_tf(oracle, name):
    """The caller's graph node for node, the backward functions' nodes (a capture's
    placeholder named for the scope of the op reading it and the captured op, as TF's: in
    `nested_calls` an inner call's extra outputs take `..._grad/PartitionedCall` and
    `..._1`, the backward call `..._2`), two runs' values."""
    code = PROGRAMS[name] + GRAPH_AND_VALUES
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there, explain(code, here, there)


EXPORT = """
%s
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    want = s.run(fetch)
fetched = [t.name for t in tf.nest.flatten(fetch)]
open(path, 'wb').write(tf.get_default_graph().as_graph_def().SerializeToString())
result = [want, fetched]
"""
IMPORT = """
gd = tf.GraphDef()
gd.ParseFromString(open(path, 'rb').read())
tf.import_graph_def(gd, name='')
inits = [op for op in tf.get_default_graph().get_operations() if op.type in
         ('Assign', 'AssignVariableOp') and op.name.startswith('w/')]
with tf.Session() as s:
    s.run(inits)
    result = s.run(fetched)
"""


@pytest.mark.oracle
@pytest.mark.parametrize("maker", ["tf", "scopeflow"])
@pytest.mark.parametrize("name", ["capture", "resource_variable", "second_order"])
def test_call_gradient_round_trip(oracle, tmp_path, maker, name):
    """A graph with forward and backward functions, made by one and run by the other."""
    path = "path = %r\n" % str(tmp_path / "g.pb")
    build, load = (oracle, run_here) if maker == "tf" else (run_here, oracle)
    made = build(path + EXPORT % PROGRAMS[name])
    assert "ok" in made, made
    want, fetched = made["ok"]
    got = load(path + "fetched = %r\n" % fetched + IMPORT)
    flat = [v for x in want for v in (x if isinstance(x, list) else [x])]
    assert got == {"ok": flat}, explain(IMPORT, got, made)


LOOP_IN_FUNCTION = """
x = tf.placeholder_with_default(3.0, [], name='x')
@tf.function
def f(a):
    b = tf.cond(a > 0, lambda: a * 2.0, lambda: a - 1.0)
    _, c = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * b), [0, b])
    return c
y = f(x)
g = tf.gradients(y, x)
nodes = len(tf.get_default_graph().as_graph_def().node) > 0  # (a FileWriter writes it)
with tf.Session() as s:
    result = [s.run([y, g]), s.run([y, g], {x: -2.0}), nodes]
"""


@pytest.mark.oracle
def test_gradient_of_loop_in_function(oracle):
    """A while loop inside a tf.function differentiates (its TF1 loop's gradient reads the
    loop's values through stacks the backward function cannot reach, so the call keeps a
    SymbolicGradient: TF's own graph has StatelessWhile there) with TF's values, and the
    graph still serializes."""
    here, there = run_here(LOOP_IN_FUNCTION), oracle(LOOP_IN_FUNCTION)
    assert "ok" in there and here == there, explain(LOOP_IN_FUNCTION, here, there)
