"""function.Defun in a TF1 graph: call ops typed by the function's name, values, gradients
(python_grad_func, grad_func, the body's own), the library on export, TF's import of it."""

import pytest

from oracle import explain, run_here, same

_PRELUDE = (
    "if tf.__name__.startswith('scopeflow'):\n"
    "    from scopeflow.ops.defun import Defun\n"
    "else:\n"
    "    from tensorflow.python.framework.function import Defun\n"
    "@Defun(tf.float32, tf.float32)\n"
    "def Foo(x, y):\n"
    "    return x * y + 1.0\n"
    "def pg(op, dz):\n"
    "    return dz * 10.0, dz * 100.0\n"
    "@Defun(tf.float32, tf.float32, python_grad_func=pg)\n"
    "def Bar(x, y):\n"
    "    return x * y\n"
    "@Defun(tf.float32, tf.float32, tf.float32)\n"
    "def BazGrad(x, y, dz):\n"
    "    return dz * 3.0, dz * 4.0\n"
    "@Defun(tf.float32, tf.float32, grad_func=BazGrad)\n"
    "def Baz(x, y):\n"
    "    return x * y\n"
    "@Defun(tf.float32)\n"
    "def Two(x):\n"
    "    return x + 1.0, tf.square(x)\n"
    "a = tf.placeholder(tf.float32, [], name='a'); b = tf.constant(3.0)\n"
)

CASES = [
    # names: the op is named and typed by the function (the hash suffix differs from TF's)
    "c = Foo(a, b); c2 = Foo(a, b, name='again'); t1, t2 = Two(a)\n"
    "base = lambda s: s.rsplit('_', 1)[0] if s.count('_') else s\n"
    "result = [c.op.type == c.op.name == Foo.name, base(Foo.name), c2.op.name, "
    "c.shape.ndims, t2.name == Two.name + ':1', [t.name for t in c.op.inputs], "
    "sorted(c.op.node_def.attr)]",
    # values and gradients: the body's (SymbolicGradient), python_grad_func, grad_func
    "c, d, e = Foo(a, b), Bar(a, b), Baz(a, b); t1, t2 = Two(a)\n"
    "ys = [c, d, e, t2, c + d * e]\n"
    "gs = [g for y in ys for g in tf.gradients(y, [a, b]) if g is not None]\n"
    "s = tf.Session(); result = [v.tolist() for v in s.run(ys + gs, {a: 2.0})]",
    # inside a while loop: TF's loop gradient keeps the call's input on one stack
    "r = tf.while_loop(lambda i, v: i < 2, lambda i, v: [i + 1, Two(v)[1]], "
    "[tf.constant(0), a])\n"
    "g = tf.gradients(r[1], a)[0]\n"
    "stacks = [o for o in tf.get_default_graph().get_operations() if o.type == 'StackV2']\n"
    "result = [len(stacks), [v.tolist() for v in tf.Session().run([r[1], g], {a: 2.0})]]",
    # a tensor of the caller read inside: an extra input of the call
    "k = tf.constant(5.0, name='k')\n"
    "@Defun(tf.float32)\n"
    "def Cap(x):\n"
    "    return x * k\n"
    "y = Cap(a); g = tf.gradients(y, a)[0]\n"
    "result = [[t.name for t in y.op.inputs], tf.Session().run([y, g], {a: 2.0})]",
    # the library: one FunctionDef per function, gradient functions included
    "c = Baz(a, b); g = tf.gradients(c, a)\n"
    "lib = tf.get_default_graph().as_graph_def().library\n"
    "fd = [f for f in lib.function if f.signature.name == Baz.name][0]\n"
    "result = [sorted(f.signature.name.split('_')[0] for f in lib.function), "
    "[x.name for x in fd.signature.input_arg], [x.name for x in fd.signature.output_arg], "
    "sorted(fd.attr), sorted(n.op for n in fd.node_def)]",
    # wrong number of arguments
    "Foo(a)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES)
def test_defun_matches_tf(oracle, case):
    code = _PRELUDE + case
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


def test_tf_runs_exported_defun_graph(oracle):
    """A scopeflow graph with Defun calls and their gradients, loaded and run by TF."""
    code = _PRELUDE + (
        "c = tf.identity(Foo(a, b), name='c'); g = tf.identity(tf.gradients(c, a)[0], "
        "name='g'); gd = tf.get_default_graph().as_graph_def().SerializeToString()\n")
    import numpy as np

    import scopeflow.compat.v1 as sf
    sf.reset_default_graph()
    env = {"tf": sf, "np": np}
    exec(code, env)
    load = ("gd = tf.GraphDef(); gd.ParseFromString(bytes.fromhex(%r))\n"
            "tf.import_graph_def(gd, name='')\n"
            "result = tf.Session().run(['c:0', 'g:0'], {'a:0': 2.0})" % env["gd"].hex())
    assert oracle(load) == {"ok": [7.0, 3.0]}


def test_scopeflow_runs_tf_defun_graph(oracle):
    """TF's GraphDef of Defun calls and SymbolicGradient ops, imported and run here."""
    code = _PRELUDE + (
        "c = tf.identity(Foo(a, b), name='c'); g = tf.identity(tf.gradients(c, a)[0], "
        "name='g'); result = tf.get_default_graph().as_graph_def().SerializeToString().hex()")
    there = oracle(code)["ok"]
    load = ("gd = tf.GraphDef(); gd.ParseFromString(bytes.fromhex(%r))\n"
            "tf.import_graph_def(gd, name='')\n"
            "result = tf.Session().run(['c:0', 'g:0'], {'a:0': 2.0})" % there)
    assert run_here(load) == {"ok": [7.0, 3.0]}
