"""Graph gradients of TensorScatterUpdate / Add / Sub / Max / Min (array_grad.py): op names,
types and inputs under gradients/ and values against TF in float32 and float64, with indices
known only when run, ties between the tensor and an update, and repeated indices."""

import pytest
from approx import check_grad_graph

PROGRAM = """
def build(dt):
    x = tf.constant(np.arange(12.).reshape(3, 4) % 5 - 2., dt)
    u = tf.constant([[1., -2., 3., 0.], [2., 2., 2., -2.]], dt)
    i = tf.constant([[0], [2]])
    j = tf.placeholder_with_default(tf.constant([[1, 1], [2, 3], [0, 0]], tf.int64), [None, 2])
    e = tf.constant([1., 7., -2.], dt)
    k = tf.constant([[1, 2], [1, 2], [2, 0]])
    f = tf.constant([0.5, 0.5, 1.], dt)
    ys = [tf.tensor_scatter_nd_update(x, i, u), tf.tensor_scatter_nd_add(x, i, u),
          tf.tensor_scatter_nd_sub(x, i, u), tf.tensor_scatter_nd_max(x, i, u),
          tf.tensor_scatter_nd_min(x, i, u), tf.tensor_scatter_nd_update(x, j, e),
          tf.tensor_scatter_nd_max(x, j, e), tf.tensor_scatter_nd_min(x, j, e),
          tf.tensor_scatter_nd_add(x, k, f), tf.tensor_scatter_nd_max(x, k, f),
          tf.tensor_scatter_nd_min(x, k, -f)]
    return [tf.reduce_sum(tf.sin(y)) for y in ys], [x, u, e, f]
result = grad_graph(build)
"""


@pytest.mark.oracle
def test_tensor_scatter_gradients_match_tf(oracle):
    check_grad_graph(oracle, PROGRAM)
