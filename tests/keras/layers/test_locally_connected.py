"""tf.keras.layers.LocallyConnected1D / LocallyConnected2D (implementation 1) against real TF +
tf_keras: weight names and shapes, seeded values (strides, channels first, no bias, activation),
configs, the kernel regularizer's loss, compute_output_shape, a compiled model's fit, and the
padding error."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras; L = K.layers
tf.set_random_seed(2)
x1 = tf.placeholder(tf.float32, [None, 8, 3]); x2 = tf.placeholder(tf.float32, [None, 6, 5, 2])
l1 = L.LocallyConnected1D(4, 3, strides=2, activation='relu'); l2 = L.LocallyConnected2D(3, (2, 3), strides=(2, 1), use_bias=False)
l3 = L.LocallyConnected2D(2, 2, data_format='channels_first', bias_initializer='ones', kernel_regularizer='l2')
y1, y2, y3 = l1(x1), l2(x2), l3(tf.transpose(x2, (0, 3, 1, 2)))
rng = np.random.RandomState(1)
feed = {x1: rng.randn(2, 8, 3), x2: rng.randn(2, 6, 5, 2)}
s = K.backend.get_session()
m = K.Sequential([L.LocallyConnected1D(2, 2, input_shape=(5, 3)), L.Flatten(), L.Dense(1)])
m.compile(K.optimizers.SGD(0.1), 'mse')
h = m.fit(rng.randn(8, 5, 3), rng.randn(8, 1), epochs=2, batch_size=4, verbose=0, shuffle=False)
result = [[y.name for y in (y1, y2, y3)], [y.shape.as_list() for y in (y1, y2, y3)], s.run([y1, y2, y3], feed),
          [[w.name, w.shape.as_list()] for l in (l1, l2, l3) for w in l.weights], [l.get_config() for l in (l1, l2, l3)],
          [t.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)] + [t.name for t in l3.losses], h.history,
          [l1.compute_output_shape((None, 8, 3)).as_list(), l3.compute_output_shape((None, 2, 6, 5)).as_list()],
          err(lambda: L.LocallyConnected1D(2, 2, padding='same'))]
"""


@pytest.mark.oracle
def test_locally_connected_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
