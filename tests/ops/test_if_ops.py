"""If / StatelessIf (TF2's functional cond, what tf.cond builds in a tf.function) in graphs TF
made: imported with their branch functions and run here, both branches, gradients (TF's
cond_grad If over the branches' gradient functions, a branch's intermediates held in
Optional variants: OptionalFromValue where made, OptionalNone in the other branch); against
TF's own run."""

import pytest
from oracle import explain, run_here

PROGRAMS = {
    "stateless": (
        "x = tf.placeholder_with_default(2.0, [], name='x')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    return tf.cond(a > 1.0, lambda: tf.tanh(a * a), lambda: a + 1.0)\n"
        "y = f(x)\n"
        "fetch = [y, tf.gradients(y, x)[0]]\n"),
    # a branch reading a resource variable: If (stateful); two outputs
    "stateful": (
        "x = tf.placeholder_with_default([1.0, 2.0], [2], name='x')\n"
        "w = tf.Variable([0.5, 3.0], use_resource=True, name='w')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    return tf.cond(tf.reduce_sum(a) > 0.0, lambda: (a * w, tf.reduce_sum(w)),\n"
        "                   lambda: (a - 1.0, tf.constant(0.0)))\n"
        "y, z = f(x)\n"
        "fetch = [y, z, tf.gradients(y, [x, w])]\n"),
}
EXPORT = """
%s
types = sorted({n.op for f in tf.get_default_graph().as_graph_def().library.function
                for n in f.node_def if n.op.endswith('If')})
fetched = [t.name for t in tf.nest.flatten(fetch)]
open(path, 'wb').write(tf.get_default_graph().as_graph_def().SerializeToString())
result = [types, fetched]
"""
RUN = """
gd = tf.GraphDef()
gd.ParseFromString(open(path, 'rb').read())
tf.import_graph_def(gd, name='')
inits = [op for op in tf.get_default_graph().get_operations() if op.type == 'AssignVariableOp'
         and op.name.startswith('w/')]
with tf.Session() as s:
    s.run(inits)
    result = [s.run(fetched), s.run(fetched, {'x:0': FEED})]
"""
FEEDS = {"stateless": "0.5", "stateful": "[-1.0, -2.0]"}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_tf_functional_cond_runs_here(oracle, tmp_path, name):
    path = "path = %r\n" % str(tmp_path / "g.pb")
    made = oracle(path + EXPORT % PROGRAMS[name])
    assert "ok" in made, made
    types, fetched = made["ok"]
    assert types == (["If", "StatelessIf"] if name == "stateful" else ["StatelessIf"])
    code = path + "fetched = %r\n" % fetched + RUN.replace("FEED", FEEDS[name])
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there, explain(code, here, there)
