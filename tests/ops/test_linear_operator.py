"""tf.linalg.LinearOperatorLowerTriangular against TF: op names (the operator's scope is shared,
its methods' scopes unique), shapes, values, the constructor's errors."""

from oracle import ORACLE_HELPERS, run_here

_CODE = ORACLE_HELPERS + r"""
import numpy as np
x = tf.placeholder(tf.float32, [None, None])
with tf.variable_scope("a"):
    o1 = tf.linalg.LinearOperatorLowerTriangular(tf.ones_like(x[0:3, :]))
    o2 = tf.linalg.LinearOperatorLowerTriangular(np.arange(18, dtype=np.float32).reshape(2, 3, 3))
    outs = [o1.to_dense(), o1.to_dense(), o2.to_dense(),
            o1.matmul(tf.ones([4, 2])), o2.matmul(np.ones([2, 3, 2], np.float32), adjoint=True),
            o2.matmul(tf.ones([2, 2, 3]), adjoint_arg=True)]
result = [graph(), [str(o.shape) for o in outs], str(o1.shape), str(o2.batch_shape),
          o2.tensor_rank, str(o2.domain_dimension), str(o2.range_dimension), o1.name,
          o1.is_square, o1.dtype.name,
          err(lambda: tf.linalg.LinearOperatorLowerTriangular(tf.ones([3]))),
          err(lambda: tf.linalg.LinearOperatorLowerTriangular(tf.ones([3, 3]), is_square=False))]
u = tf.linalg.LinearOperatorLowerTriangular(tf.placeholder(tf.float32))
result.append([str(u.domain_dimension), u.tensor_rank, str(u.batch_shape)])
with tf.Session() as s:
    result.append([v.tolist() for v in s.run(outs, {x: np.ones([4, 4]) * 2})])
"""


def test_lower_triangular_operator_as_tf(oracle):
    assert run_here(_CODE) == oracle(_CODE)
