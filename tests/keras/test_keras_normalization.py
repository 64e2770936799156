"""Keras BatchNormalization: batch renormalization (renorm, renorm_clipping, renorm_momentum)
and ghost batches (virtual_batch_size) under a tensor `training` flag (the learning phase, a
placeholder), as tf_keras builds them in TF1 graphs: graphs, weights, updates, config and
values over runs alternating training and inference, vs TF."""

import numpy as np
import pytest
from oracle import ORACLE_HELPERS, explain, run_here

RENORM = ORACLE_HELPERS + """
K = tf.keras.backend
x = tf.placeholder(tf.float32, [None, 3])
bn = tf.keras.layers.BatchNormalization(
    renorm=True, renorm_clipping={"rmax": 2.0, "rmin": 0.5, "dmax": 1.0},
    renorm_momentum=0.9, momentum=0.8)
y = bn(x)
bn2 = tf.keras.layers.BatchNormalization(renorm=True, renorm_momentum=0.5)
y2 = bn2(x, training=True)
lp = K.learning_phase()
feed = np.cos(np.arange(12.0)).reshape(4, 3) * 3 + 1
values = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for b in [1, 0, 1, 1]:
        values.append(s.run([y, bn.updates], {x: feed + b, lp: b})[0])
        values.append(s.run([y2, bn2.updates], {x: feed * b})[0])
    values += s.run(bn.weights + bn2.weights)
cfg = bn.get_config()
names = [graph(), [v.name for v in bn.weights], [v.name for v in bn.trainable_weights],
         [u.name for u in bn.updates], sorted((k, str(v).replace("ListWrapper(", "").replace(
             ")", "")) for k, v in cfg.items())]
result = [names, np.concatenate([np.ravel(v) for v in values]).tolist()]
"""

GHOST = ORACLE_HELPERS + """
K = tf.keras.backend
x = tf.placeholder(tf.float32, [None, 3])
bn = tf.keras.layers.BatchNormalization(virtual_batch_size=2, momentum=0.5)
y = bn(x)
t = tf.placeholder(tf.bool, [])
x4 = tf.placeholder(tf.float32, [4, 2, 2, 3])
bn2 = tf.keras.layers.BatchNormalization(virtual_batch_size=2, renorm=True)
y2 = bn2(x4, training=t)
lp = K.learning_phase()
feed = np.cos(np.arange(12.0)).reshape(4, 3) * 3 + 1
f4 = np.sin(np.arange(48.0)).reshape(4, 2, 2, 3)
values = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for b in [1, 0, 1]:
        values.append(s.run([y, bn.updates], {x: feed + b, lp: b})[0])
        values.append(s.run([y2, bn2.updates], {x4: f4 * (b + 1), t: bool(b)})[0])
    values += s.run(bn.weights + bn2.weights)
names = [graph(), [v.name for v in bn2.weights], [u.name for u in bn.updates + bn2.updates]]
result = [names, np.concatenate([np.ravel(v) for v in values]).tolist()]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [RENORM, GHOST], ids=["renorm", "virtual_batch_size"])
def test_batch_norm_forms_match_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert "ok" in here, explain(code, here, there)
    assert here["ok"][0] == there["ok"][0], explain(code, here["ok"][0], there["ok"][0])
    np.testing.assert_allclose(here["ok"][1], there["ok"][1], rtol=1e-5, atol=1e-5)
