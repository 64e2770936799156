"""RGBToHSV's graph gradient (color_grad.py) against TF: the gradient subgraph's op names,
types and inputs, and values in float32 and float64 at pixels with each channel the largest
and the smallest, ties (gray, two equal channels) and zeros (black, a zero channel), where
TF's masks and div_no_nan reciprocals decide the value."""

import pytest
from approx import check_grad_graph

PROGRAM = """
import numpy as np
pixels = [[0.9, 0.2, 0.4], [0.3, 0.8, 0.1], [0.2, 0.5, 0.7], [0.6, 0.1, 0.9], [0.4, 0.4, 0.4],
          [0., 0., 0.], [0.5, 0.5, 0.2], [0.0, 0.3, 0.6], [0.7, 0.0, 0.7], [0.1, 0.6, 0.6],
          [0.8, 0.3, 0.3], [0.25, 0.75, 0.0]]
def build(dt):
    x = tf.constant(np.reshape(pixels, [2, 6, 3]), dt)
    w = tf.constant(np.cos(np.arange(36.)).reshape(2, 6, 3), dt)
    return tf.reduce_sum(tf.image.rgb_to_hsv(x) * w), x
result = grad_graph(build)
"""


@pytest.mark.oracle
def test_rgb_to_hsv_gradient_matches_tf(oracle):
    check_grad_graph(oracle, PROGRAM)
