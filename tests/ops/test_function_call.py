"""tf.function called while building a TF1 graph: (Stateful)PartitionedCall ops of the traced
function, values and gradients as TF's, the library on export, TF running the export."""

import pytest

from oracle import explain, run_here, same

_PRELUDE = (
    "v = tf.Variable(3.0, use_resource=True, name='v')\n"
    "a = tf.placeholder(tf.float32, [], name='a')\n"
    "@tf.function\n"
    "def f(x):\n"
    "    return x * v + 1.0\n"
    "@tf.function\n"
    "def h(x, k=2.0):\n"
    "    return x * k\n"
)

CASES = [
    # op types and names: stateful when the body reads a variable
    "c = f(a); d = h(a); d2 = h(a); d3 = h(a, 5.0)\n"
    "result = [c.name, c.op.type, d.op.type, d2.name, d3.name, c.shape.as_list(), "
    "[t.name for t in c.op.inputs], sorted(c.op.node_def.attr), "
    "type(c.op.get_attr('f')).__name__, c.op.get_attr('f').name.rsplit('_', 1)[0], "
    "c.op.get_attr('_read_only_resource_inputs')]",
    # values and gradients, to the input and to the variable
    "c = f(a); d = h(a, 5.0); gs = tf.gradients(c * d, [a, v])\n"
    "s = tf.Session(); s.run(v.initializer)\n"
    "result = [x.tolist() for x in s.run([c, d] + gs, {a: 2.0})]",
    # a structure in and out; a call inside a while loop
    "@tf.function\n"
    "def g2(p):\n"
    "    return {'s': p[0] + p[1], 'd': p[0] - p[1]}\n"
    "o = g2((a, tf.constant(1.0)))\n"
    "r = tf.while_loop(lambda x: x < 10.0, lambda x: h(x), [a])\n"
    "result = [sorted(o), tf.Session().run([o['s'], o['d'], r], {a: 2.0})]",
    # a call inside another function
    "@tf.function\n"
    "def outer(x):\n"
    "    return h(x) + 1.0\n"
    "y = outer(a); gy = tf.gradients(y, a)[0]\n"
    "result = [y.op.type, tf.Session().run([y, gy], {a: 2.0})]",
    # a variable passed in; tf.gradients inside the function (to the variable: its handle);
    # an IndexedSlices output
    "w = tf.Variable([1., 2., 3., 4.], use_resource=True, name='w')\n"
    "@tf.function\n"
    "def inner(x, var):\n"
    "    return x + tf.reduce_sum(var.sparse_read([1, 3]))\n"
    "@tf.function\n"
    "def bar(var):\n"
    "    r = tf.while_loop(lambda i, _: i < 2, lambda i, x: (i + 1, inner(x, var)), [0, 0.0])\n"
    "    return tf.gradients(r[1], var)[0]\n"
    "g = bar(w); s = tf.Session(); s.run(w.initializer)\n"
    "v = s.run(g)\n"
    "dense = np.zeros(4, np.float32); np.add.at(dense, v.indices, v.values)\n"
    "result = [type(g).__name__, dense.tolist()]",
    # state changes inside run with every call; outer control inputs become the call's
    "w = tf.Variable(1.0, use_resource=True, name='w'); t = tf.identity(1.0, name='t')\n"
    "@tf.function\n"
    "def bump():\n"
    "    w.assign_add(10.0)\n"
    "    with tf.control_dependencies([t]):\n"
    "        return tf.identity(2.0)\n"
    "y = bump(); s = tf.Session(); s.run(w.initializer)\n"
    "result = [[c.name for c in y.op.control_inputs], s.run(y), s.run(w.read_value()), "
    "[o.name for o in bump.get_concrete_function().outputs]]",
    # a method: one trace per instance and signature; jit_compile's FunctionDef attrs
    "class M:\n"
    "    @tf.function(jit_compile=True)\n"
    "    def go(self, x):\n"
    "        return x * 2.0\n"
    "m, m2 = M(), M(); y = m.go(a) + m.go(a * 3.0) + m2.go(a)\n"
    "z = tf.function(lambda x: x + 1.0, jit_compile=False)(a) + h(a)\n"
    "lib = tf.get_default_graph().as_graph_def().library.function\n"
    "result = [len(lib), sorted(sorted((k, str(v).strip()) for k, v in fd.attr.items()) "
    "for fd in lib), tf.Session().run([y, z], {a: 2.0})]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES)
def test_function_matches_tf(oracle, case):
    code = _PRELUDE + case
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


def test_tf_runs_exported_function_graph(oracle):
    """The call ops and their library functions, loaded and run by TF."""
    import numpy as np

    import scopeflow.compat.v1 as sf
    sf.reset_default_graph()
    env = {"tf": sf, "np": np}
    exec(_PRELUDE + "c = tf.identity(f(a), name='c'); d = tf.identity(h(a), name='d')\n"
         "g = tf.identity(tf.gradients(c + d, a)[0], name='g')\n"
         "gd = tf.get_default_graph().as_graph_def().SerializeToString()\n",
         env)
    load = ("gd = tf.GraphDef(); gd.ParseFromString(bytes.fromhex(%r))\n"
            "tf.import_graph_def(gd, name='')\n"
            "s = tf.Session(); s.run('v/Assign')\n"
            "result = s.run(['c:0', 'd:0', 'g:0'], {'a:0': 2.0})" % env["gd"].hex())
    assert oracle(load) == {"ok": [7.0, 4.0, 5.0]}


def test_tf_runs_exported_function_with_cond(oracle):
    """A tf.cond in the function: its FunctionDef lists the cond's capture Switch, made after
    the op that reads it (the export failed there), and TF runs the call on both branches."""
    import scopeflow.compat.v1 as sf
    sf.reset_default_graph()
    env = {"tf": sf}
    exec("a = tf.placeholder(tf.float32, [], name='a')\n"
         "@tf.function\n"
         "def f(x):\n"
         "    return tf.cond(x > 1.0, lambda: x * x, lambda: x + 1.0)\n"
         "c = tf.identity(f(a), name='c')\n"
         "gd = tf.get_default_graph().as_graph_def().SerializeToString()\n", env)
    load = ("gd = tf.GraphDef(); gd.ParseFromString(bytes.fromhex(%r))\n"
            "tf.import_graph_def(gd, name='')\n"
            "s = tf.Session()\n"
            "result = [s.run('c:0', {'a:0': x}) for x in (3.0, 0.5)]" % env["gd"].hex())
    assert oracle(load) == {"ok": [9.0, 1.5]}
