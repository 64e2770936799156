"""Shapes TF's inference knows from a resource handle: VariableShape of a handle whose variable
has a full shape is a known value (so the zeros of a cond's untaken branch gradient have it)."""

import pytest

from oracle import explain, run_here, same

CASES = [
    "rv1 = tf.Variable([1.0, 2.0], use_resource=True)\n"
    "rv2 = tf.Variable([3.0, 4.0], use_resource=True)\n"
    "r = tf.cond(tf.constant(True), lambda: rv1, lambda: rv2)\n"
    "g = tf.gradients(r, [rv1, rv2])\n"
    "s = tf.Session(); s.run(tf.global_variables_initializer())\n"
    "result = [[x.shape.as_list() for x in g], [v.tolist() for v in s.run(g)]]",
    "v = tf.Variable(tf.zeros([2, 3]), use_resource=True)\n"
    "u = tf.Variable(tf.zeros([2, 3]), use_resource=True, validate_shape=False)\n"
    "if tf.__name__.startswith('scopeflow'):\n"
    "    from scopeflow.ops.resource_ops import variable_shape\n"
    "else:\n"
    "    from tensorflow.python.ops.gen_resource_variable_ops import variable_shape\n"
    "result = [tf.zeros(variable_shape(v.handle)).shape.as_list(), "
    "tf.zeros(variable_shape(u.handle)).shape.as_list()]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES)
def test_variable_shape_matches_tf(oracle, case):
    here, there = run_here(case), oracle(case)
    assert same(here, there), explain(case, here, there)
