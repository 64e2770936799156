"""tf.keras loss objects with sample weights against real TF + tf_keras."""

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
