"""tf.keras.layers.Normalization in TF1 graph mode against real TF + tf_keras: fixed mean and
variance (per axis, a scalar over no axis, inverted), the weights `adapt` would fill when none
are given, output names, configs, and the errors (`adapt` needs TF 2; mean without variance)."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras; L = K.layers
x = tf.placeholder(tf.float32, [None, 3])
n1 = L.Normalization(mean=[1., 2., 3.], variance=[1., 4., 0.])
y1 = n1(x)
n2 = L.Normalization(axis=None, mean=1.5, variance=2.25)
y2 = n2(x)
n3 = L.Normalization(mean=2., variance=4., invert=True)
y3 = n3(x)
n4 = L.Normalization(axis=(1, 2)); y4 = n4(tf.placeholder(tf.float32, [None, 2, 3]))
s = K.backend.get_session()
result = [err(lambda: L.Normalization().adapt(np.ones((2, 3), 'float32'))), err(lambda: L.Normalization(mean=1.)), [y.name for y in (y1, y2, y3)], [[w.name, w.shape.as_list(), w.dtype.name] for n in (n1, n2, n3, n4) for w in n.weights], y4.name, n4.get_config(), s.run([y1, y2, y3], {x: [[1., 2., 3.], [0., 0., 0.]]}), [n.get_config() for n in (n1, n2, n3)]]
"""


@pytest.mark.oracle
def test_normalization_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
