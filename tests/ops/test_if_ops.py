"""If / StatelessIf (TF2's functional cond, what tf.cond builds in a tf.function) in graphs TF
made: imported with their branch functions and run here, both branches, gradients (TF's
cond_grad If over the branches' gradient functions, a branch's intermediates held in
Optional variants: OptionalFromValue where made, OptionalNone in the other branch); against
TF's own run."""

import pytest
from oracle import explain, tf_graph_runs_here

PROGRAMS = {
    "stateless": (
        "x = tf.placeholder_with_default(2.0, [], name='x')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    return tf.cond(a > 1.0, lambda: tf.tanh(a * a), lambda: a + 1.0)\n"
        "y = f(x)\n"
        "fetch = [y, tf.gradients(y, x)[0]]\n"
        "feed = {'x:0': 0.5}\n"),
    # a branch reading a resource variable: If (stateful); two outputs
    "stateful": (
        "x = tf.placeholder_with_default([1.0, 2.0], [2], name='x')\n"
        "w = tf.Variable([0.5, 3.0], use_resource=True, name='w')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    return tf.cond(tf.reduce_sum(a) > 0.0, lambda: (a * w, tf.reduce_sum(w)),\n"
        "                   lambda: (a - 1.0, tf.constant(0.0)))\n"
        "y, z = f(x)\n"
        "fetch = [y, z, tf.gradients(y, [x, w])]\n"
        "feed = {'x:0': [-1.0, -2.0]}\n"),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_tf_functional_cond_runs_here(oracle, tmp_path, name):
    types, here, there = tf_graph_runs_here(oracle, str(tmp_path / "g.pb"), PROGRAMS[name],
                                            "If")
    assert types == (["If", "StatelessIf"] if name == "stateful" else ["StatelessIf"])
    assert here == there, explain(PROGRAMS[name], here, there)
