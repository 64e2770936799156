"""SparseTensor * dense and / dense (SparseDenseCwiseMul/Div): names, values, broadcasting,
gradients and errors, vs TF (tkipf/gcn's sparse dropout scales a retained SparseTensor)."""

import pytest
from oracle import RUN_OR_ERROR, run_here

_PROGRAM = RUN_OR_ERROR + r'''
sp = tf.SparseTensor([[0, 1], [1, 0], [1, 2]], [2., 3., 4.], [2, 3])
d = tf.constant([[1., 2., 3.]])
m = sp * d
q = sp / tf.constant([[2.], [4.]])
t = sp * 2.
i = tf.SparseTensor([[0, 1]], [5], [2, 3]) / 2
result = [[m.values.name, q.values.name, t.values.name, i.values.name], m.shape.as_list(),
          q.values.op.type, i.values.dtype.name, [x.op.type for x in i.values.op.inputs]]
g = tf.gradients(tf.reduce_sum(m.values * [1., 2., 3.]) + tf.reduce_sum(q.values),
                 [d, sp.values])
p = tf.sparse_placeholder(tf.float32)
y = tf.placeholder(tf.float32)
py = p * y
with tf.Session() as s:
    result += [s.run([m.values, q.values, t.values, i.values]), s.run(g)]
    feed = {p: tf.SparseTensorValue([[0, 1], [1, 0], [1, 2]], [2., 3., 4.], [2, 3])}
    for bad in ([[1., 2.]], [[[1.]]], [1., 2., 3., 4.], [[1.], [2.]], 3.):
        feed[y] = bad
        result.append(_run(s, py.values, feed))
'''


@pytest.mark.oracle
def test_sparse_times_and_over_dense_match_tf(oracle):
    assert run_here(_PROGRAM) == oracle(_PROGRAM)


@pytest.mark.oracle
def test_sparse_times_other_dtype_is_tfs_value_error(oracle):
    code = ("try:\n    tf.SparseTensor([[0]], [1.], [3]) * tf.constant(1)\n"
            "except ValueError as e:\n    result = str(e)")
    assert run_here(code) == oracle(code)
