"""Batch renormalization (renorm=True) of tf.layers.batch_normalization and slim.batch_norm
against TF: the graph op by op, the update ops, and values over a few training steps."""

import numpy as np
import pytest
from oracle import ORACLE_HELPERS, explain, run_here

# tf_slim 1.1 under TF 2.21: ops.Tensor and tf.layers' batch norm where its lazy path fails
SLIM = ("if hasattr(tf, 'contrib'):\n  slim = tf.contrib.slim\nelse:\n"
        "  from tensorflow.python.framework import ops\n  ops.Tensor = tf.Tensor\n"
        "  from tensorflow.python.layers import normalization\n"
        "  normalization.BatchNormalization = tf.layers.BatchNormalization\n"
        "  import tf_slim as slim\n")
TRAIN = """
x = tf.constant(np.arange(24, dtype=np.float32).reshape(SHAPE) ** 1.3 / 7.0)
training = TRAINING
y = BUILD
ups = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
loss = tf.reduce_sum(y * y * tf.reshape(tf.cast(tf.range(tf.size(y)), tf.float32), tf.shape(y)) * 0.01)
with tf.control_dependencies(ups):
    step = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
values = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for _ in range(3):
        values.append(s.run(y).tolist())
        s.run(step)
    values.append(s.run(y, FEED).tolist())
    values += [v.tolist() for v in s.run(tf.global_variables())]
result = [graph(), [u.name for u in ups], [v.name for v in tf.trainable_variables()],
          [(v.name, v.shape.as_list()) for v in tf.global_variables()], y.name, values]
"""
LAYER = ("tf.layers.batch_normalization(x, training=training, momentum=0.9, renorm=True, "
         "renorm_momentum=0.8, renorm_clipping={'rmax': 1.5, 'rmin': 0.8, 'dmax': 0.3}, "
         "axis=AXIS)")
CASES = [
    ("[6, 4]", "True", LAYER.replace("AXIS", "-1"), "None"),
    # a training placeholder: every statistic and update behind a cond; run once as inference
    ("[6, 4]", "tf.placeholder_with_default(True, [])", LAYER.replace("AXIS", "-1"),
     "{training: False}"),
    # channels not last: r and d broadcast like gamma and beta; clipping of r alone
    ("[2, 3, 4]", "tf.placeholder_with_default(True, [])",
     ("tf.layers.batch_normalization(x, training=training, renorm=True, axis=1, "
      "renorm_clipping={'rmax': 1.2})"), "{training: False}"),
    ("[2, 2, 2, 3]", "True",
     ("slim.batch_norm(x, renorm=True, scale=True, is_training=training, "
      "renorm_clipping={'rmax': 1.5, 'rmin': 0.8, 'dmax': 0.3}, renorm_decay=0.7)"), "None"),
]


def _same(here, there):
    """Names equal; values (rounded to 5 places by the oracle) equal to rounding."""
    if "ok" not in here or "ok" not in there:
        return False
    (*names_here, values_here), (*names_there, values_there) = here["ok"], there["ok"]
    return names_here == names_there and len(values_here) == len(values_there) and all(
        np.allclose(a, b, rtol=2e-5, atol=3e-5) for a, b in zip(values_here, values_there))


@pytest.mark.oracle
@pytest.mark.parametrize(("shape", "training", "build", "feed"), CASES)
def test_renorm_matches_tf(oracle, shape, training, build, feed):
    code = ORACLE_HELPERS + SLIM + TRAIN.replace("SHAPE", shape).replace(
        "TRAINING", training).replace("BUILD", build).replace("FEED", feed)
    here, there = run_here(code), oracle(code)
    assert _same(here, there), explain(code, here, there)


@pytest.mark.oracle
def test_renorm_clipping_keys_are_checked(oracle):
    code = ("try:\n  tf.layers.BatchNormalization(renorm=True, renorm_clipping={'rmax': 2.0, "
            "'r': 1.0})\n  result = 'ok'\nexcept ValueError as e:\n  result = str(e)")
    assert run_here(code) == oracle(code)


def test_renorm_inference_is_plain_batch_norm(tf):
    """training=False: the moving statistics alone, no r/d correction and no updates."""
    x = tf.constant(np.arange(8, dtype=np.float32).reshape(4, 2))
    y = tf.layers.batch_normalization(x, renorm=True, training=False)
    assert not tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run(y), np.arange(8).reshape(4, 2) / np.sqrt(1.001),
                                   rtol=1e-6)
