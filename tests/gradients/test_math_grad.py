"""Graph gradients of EuclideanNorm and CumulativeLogsumexp (math_grad.py): op names, types and
inputs under gradients/ and values against TF in float32 and float64; the norm with and without
kept dims, over several and negative axes and with a shape known only when run (the reduced
shape from DynamicStitch); the cumulative logsumexp along each axis, exclusive and reversed,
with incoming gradients of both signs and zero."""

import pytest
from approx import check_grad_graph

PROGRAM = """
def build(dt):
    x = tf.constant(np.arange(12.).reshape(3, 4) % 5 - 2.5, dt)
    v = tf.placeholder_with_default(tf.constant(np.arange(24.).reshape(2, 3, 4) / 5. - 2., dt),
                                    [None, 3, None])
    w = tf.constant([[1., -2., 0., 0.5], [0., 0., 3., -1.], [2., 1., -1., 0.]], dt)
    ys = [tf.math.reduce_euclidean_norm(x, axis=1),
          tf.math.reduce_euclidean_norm(x, axis=[0, 1], keepdims=True),
          tf.math.reduce_euclidean_norm(v, axis=-1), tf.math.reduce_euclidean_norm(v, axis=[0, 2]),
          tf.math.reduce_euclidean_norm(x)]
    zs = [tf.math.cumulative_logsumexp(x, axis=1),
          tf.math.cumulative_logsumexp(x, axis=0, exclusive=True, reverse=True),
          tf.math.cumulative_logsumexp(x, axis=-1, reverse=True),
          tf.math.cumulative_logsumexp(x, axis=1, exclusive=True)]
    return ([tf.reduce_sum(tf.sin(y)) for y in ys] + [tf.reduce_sum(z * w) for z in zs],
            [x, v])
result = grad_graph(build)
"""


@pytest.mark.oracle
def test_euclidean_norm_and_cumulative_logsumexp_gradients_match_tf(oracle):
    check_grad_graph(oracle, PROGRAM)
