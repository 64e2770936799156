"""AdagradDA's updates (ApplyAdagradDA, SparseApplyAdagradDA) equal TF's bit for bit, and its
graph is TF's op for op."""

import pytest
from oracle import run_here
from replay import bit_exact_test

_DA = "tf.train.AdagradDAOptimizer(%s, tf.train.get_or_create_global_step()%s)"
_L1_L2 = ", 0.2, l1_regularization_strength=0.001, l2_regularization_strength=0.01"
_CASES = (_DA % ("0.1", ""), _DA % ("0.05", _L1_L2))

test_training_equals_tf_bit_for_bit = bit_exact_test(*_CASES)
# TF's sparse kernel has its own formula (the accumulator divided by the step)
test_sparse_updates_equal_tf_bit_for_bit = bit_exact_test(*_CASES, sparse=True)

GRAPH = """
w = tf.get_variable("w", initializer=np.arange(6.0, dtype=np.float32).reshape(2, 3))
b = tf.get_variable("b", initializer=np.ones(3, np.float32))  # 1-D: element by element
emb = tf.nn.embedding_lookup(w, [1, 1, 0])
gs = tf.train.get_or_create_global_step()
opt = tf.train.AdagradDAOptimizer(0.1, gs, l1_regularization_strength=0.01)
train = opt.minimize(tf.reduce_sum(emb * emb) + tf.reduce_sum(tf.gather(b, [2, 0]) ** 2),
                     global_step=gs)
ops = sorted([op.name, op.type, [i.name for i in op.inputs]]
             for op in tf.get_default_graph().get_operations())
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for _ in range(3):
        s.run(train)
    values = [a.tolist() for a in s.run([w, b] + opt.variables())]
result = [ops, values, opt.get_slot_names(), [v.name for v in opt.variables()]]
"""


@pytest.mark.oracle
def test_graph_and_values_are_tfs(oracle):
    there = oracle(GRAPH)
    assert "ok" in there, there
    assert run_here(GRAPH) == there


def test_accumulator_must_be_positive(tf):
    with pytest.raises(ValueError, match="initial_gradient_squared_accumulator_value must be "
                                         "positive: 0.0"):
        tf.train.AdagradDAOptimizer(0.1, tf.train.get_or_create_global_step(), 0.0)
