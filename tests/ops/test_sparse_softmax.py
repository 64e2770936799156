"""tf.sparse.softmax: graph, values (entries in any order), gradient and errors, vs TF."""

import pytest
from oracle import RUN_OR_ERROR, run_here

_PROGRAM = RUN_OR_ERROR + r'''
g = tf.get_default_graph()
sp3 = tf.SparseTensor([[0, 0, 1], [0, 0, 3], [0, 1, 0], [1, 1, 2], [1, 1, 0]],
                      [1., 2., 3., -1., 5.], [2, 2, 4])
sm3 = tf.sparse.softmax(sp3, name="my")
p = tf.sparse_placeholder(tf.float64)
smp = tf.sparse_softmax(p)
w = tf.constant([1., 2., -1., 0.5, 3.])
n0 = len(g.get_operations())
grad = tf.gradients(tf.reduce_sum(tf.sin(sm3.values) * w), sp3.values)
ops = [(op.name, op.type) for op in g.get_operations()[n0:]]
result = [ops, sm3.values.name, sm3.shape.as_list(), smp.values.shape.as_list()]
with tf.Session() as s:
    result += [np.round(s.run(sm3.values), 6).tolist(), np.round(s.run(grad[0]), 6).tolist()]
    for feed in [([[0], [2]], [1., 2.], [3]), ([[1, 0], [0, 1], [0, 0]], [1., 2., 3.], [2, 2]),
                 ([[0, 5]], [1.], [2, 2]), (np.zeros([0, 2]), [], [2, 2])]:
        out = _run(s, smp.values, {p: tf.SparseTensorValue(*feed)})
        result.append(out if out[:1] == ["InvalidArgumentError"] else np.round(out, 6).tolist())
'''


@pytest.mark.oracle
def test_softmax_values_gradient_and_run_errors_match_tf(oracle):
    assert run_here(_PROGRAM) == oracle(_PROGRAM)


@pytest.mark.oracle
def test_softmax_of_integers_is_tfs_type_error(oracle):
    code = ("try:\n    tf.sparse.softmax(tf.SparseTensor([[0]], [1], [3]))\n"
            "except TypeError as e:\n    result = str(e)")
    assert run_here(code) == oracle(code)
