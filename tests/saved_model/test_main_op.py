"""tf.saved_model.main_op: the ops TF builds, and a load running them."""

import pytest
from oracle import explain, run_here

CASES = [
    "v = tf.get_variable('v', [1])\n"
    "l = tf.Variable(1.0, collections=['local_variables'], name='l')\n"
    "op = tf.saved_model.main_op.main_op()\n"
    "result = [op.name, op.type, sorted(c.name for c in op.control_inputs),"
    " [o.name for o in tf.get_default_graph().get_operations()]]",
    "op = tf.saved_model.main_op.main_op()\n"
    "result = [op.name, sorted(c.name for c in op.control_inputs)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CASES)
def test_main_op_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)
