"""tf.keras loss objects with sample weights against real TF + tf_keras, and training loops
refusing the weights they do not apply."""

import numpy as np
import pytest
from approx import agree, explain
from oracle import run_here

WEIGHTED = """L = tf.keras.losses
t = [[1., 2.], [3., 4.], [0., 1.]]; p = [[0., 2.], [1., 1.], [.5, .5]]
result = []
for loss in (L.MeanSquaredError(), L.MeanAbsoluteError()):
    for w in ([[2.], [0.5], [0.]], [1., 2., 3.], 3., None):
        v = loss(t, p, sample_weight=w) if w is not None else loss(t, p)
        with tf.Session() as s:
            result.append(float(s.run(v)))
"""


@pytest.mark.oracle
def test_weighted_losses_match_tf(oracle):
    here, there = run_here(WEIGHTED), oracle(WEIGHTED)
    assert agree(here, there, 1e-6), explain(WEIGHTED, here, there)


def test_fit_refuses_weights_it_would_ignore(tf):
    xs, ys = np.ones([4, 2], "float32"), np.zeros([4, 1], "float32")
    m = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    m.compile("sgd", "mse")
    for call in (lambda: m.fit(xs, ys, sample_weight=np.ones(4), verbose=0),
                 lambda: m.fit(xs, ys, class_weight={0: 1.0}, verbose=0),
                 lambda: m.train_on_batch(xs, ys, sample_weight=np.ones(4)),
                 lambda: m.evaluate(xs, ys, sample_weight=np.ones(4), verbose=0)):
        with pytest.raises(NotImplementedError, match="sample_weight"):
            call()
    assert np.isfinite(m.train_on_batch(xs, ys))  # nothing was left half-built
