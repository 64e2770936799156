"""Graph gradients of Atan2, FloorMod, MulNoNan, Xlogy, Xdivy and Xlog1py (binary_grad.py),
and of Asinh, Acosh, Atanh (unary_grad.py) and Lgamma (special_grad.py): op names, types and
inputs under gradients/ and values against TF in float32 and float64, with zeros in x (Xlogy's
family: not_equal masks, MulNoNan: 0 * inf), y (MulNoNan's 0 * nan), and broadcasting."""

import pytest
from approx import check_grad_graph

PROGRAM = """
def build(dt):
    x = tf.constant([[0., 1.5, -0.5], [0., -2., 0.7]], dt)
    y = tf.constant([0.5, 0., 3.], dt)
    p = tf.constant([[0.3, -0.6, 0.9], [0.1, 0.2, -0.4]], dt)
    ys = [tf.math.xlogy(x, y + 1.), tf.math.xdivy(x, y + 1.), tf.math.xlog1py(x, y),
          tf.math.xlogy(y, x * x + 0.5), tf.math.multiply_no_nan(x, y),
          tf.math.multiply_no_nan(x, p), tf.math.multiply_no_nan(x, tf.math.log(y)),
          tf.math.floormod(x, y + 0.7), tf.math.floormod(x, p),
          tf.math.atan2(x, y + 0.2), tf.math.atan2(p, x + 1.),
          tf.math.asinh(x), tf.math.acosh(x * x + 1.2), tf.math.atanh(p),
          tf.math.lgamma(x + 2.5), tf.math.lgamma(x - 0.3)]
    return [tf.reduce_sum(tf.sin(v)) for v in ys], [x, y, p]
result = grad_graph(build)
"""


@pytest.mark.oracle
def test_binary_and_inverse_hyperbolic_gradients_match_tf(oracle):
    check_grad_graph(oracle, PROGRAM)
