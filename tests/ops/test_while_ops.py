"""While / StatelessWhile (TF2's functional loop, what tf.while_loop builds in a tf.function)
in graphs TF made: imported with their cond and body functions and run here (forward only),
a captured value, a fed bound and a variable read in the body; against TF's own run."""

import pytest
from oracle import explain, tf_graph_runs_here

PROGRAMS = {
    "stateless": (
        "x = tf.placeholder_with_default(1.5, [], name='x')\n"
        "n = tf.placeholder_with_default(3, [], name='n')\n"
        "@tf.function\n"
        "def f(a, k):\n"
        "    return tf.while_loop(lambda i, b: i < k, lambda i, b: (i + 1, b * a + 1.0),\n"
        "                         [0, a])\n"
        "fetch = list(f(x, n))\n"
        "feed = {'x:0': 2.0, 'n:0': 5}\n"),
    "reads_a_variable": (
        "x = tf.placeholder_with_default([1.0, 2.0], [2], name='x')\n"
        "w = tf.Variable([0.5, -1.0], use_resource=True, name='w')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    return tf.while_loop(lambda b: tf.reduce_sum(b) < 20.0,\n"
        "                         lambda b: b * 2.0 + w, [a], maximum_iterations=6)\n"
        "fetch = [f(x)]\n"
        "feed = {'x:0': [3.0, 4.0]}\n"),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_tf_functional_loop_runs_here(oracle, tmp_path, name):
    types, here, there = tf_graph_runs_here(oracle, str(tmp_path / "g.pb"), PROGRAMS[name],
                                            "While")
    assert types == (["While"] if name == "reads_a_variable" else ["StatelessWhile"])
    assert here == there, explain(PROGRAMS[name], here, there)
