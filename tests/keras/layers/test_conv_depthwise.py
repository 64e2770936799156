"""tf.keras.layers.DepthwiseConv1D against real TF + tf_keras: output names (the squeeze after
the bias), shapes, seeded values (strides, same padding, depth multiplier, dilation, channels
first, no bias), weights and configs; DepthwiseConv2D still named as before."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras; L = K.layers
tf.set_random_seed(4)
x = tf.placeholder(tf.float32, [None, 9, 3])
ls = [L.DepthwiseConv1D(3), L.DepthwiseConv1D(2, strides=2, depth_multiplier=2, activation='relu', padding='same'),
      L.DepthwiseConv1D(3, dilation_rate=2, use_bias=False, bias_initializer='ones'), L.DepthwiseConv1D(2, data_format='channels_first', bias_initializer='ones')]
ys = [l(x) for l in ls[:3]] + [ls[3](tf.transpose(x, (0, 2, 1)))]
d2 = L.DepthwiseConv2D(2)(tf.zeros((1, 4, 4, 2)))
rng = np.random.RandomState(2)
s = K.backend.get_session()
result = [[y.name for y in ys], [y.shape.as_list() for y in ys], s.run(ys, {x: rng.randn(2, 9, 3)}),
          [[w.name, w.shape.as_list()] for l in ls for w in l.weights], [l.get_config() for l in ls], d2.name]
"""


@pytest.mark.oracle
def test_depthwise_conv1d_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
