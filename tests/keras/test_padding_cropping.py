"""Keras ZeroPadding3D and Cropping3D (and the 2D forms on the same code) against TF +
tf_keras: configs, output names, static shapes, values and op types for both data formats;
Cropping2D's error when a crop covers an axis (Cropping3D has none, as tf_keras)."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = """
import numpy as np
L = tf.keras.layers
x = tf.placeholder(tf.float32, [None, 4, 5, 6, 2]); x2 = tf.placeholder(tf.float32, [None, 6, 5, 2])
ls = [(L.ZeroPadding3D(), x), (L.ZeroPadding3D((1, 0, 2), data_format="channels_first"), x), (L.ZeroPadding3D(((0, 1), (2, 0), (1, 1))), x),
      (L.Cropping3D(), x), (L.Cropping3D(((0, 1), (1, 0), (2, 2))), x), (L.Cropping3D(((1, 1), (1, 1), (0, 1)), data_format="channels_first"), x),
      (L.ZeroPadding2D(((1, 0), (0, 2))), x2), (L.Cropping2D(((1, 0), (0, 2))), x2), (L.Cropping2D(((1, 0), (0, 0)), data_format="channels_first"), x2)]
ys = [l(t) for l, t in ls]
xs = np.arange(4 * 5 * 6 * 2 * 2, dtype="float32").reshape(2, 4, 5, 6, 2)
xs2 = np.arange(6 * 5 * 2 * 2, dtype="float32").reshape(2, 6, 5, 2)
with tf.Session() as s:
    vals = s.run(ys, {x: xs, x2: xs2})
result = [[type(l).__name__, l.get_config(), y.name, y.shape, float(v.sum()), v.shape] for (l, _), y, v in zip(ls, ys, vals)]
result.append(sorted(set(op.type for op in tf.get_default_graph().get_operations())))

def err(f):
    try:
        return ["ok", f().shape]
    except Exception as e:
        return [type(e).__name__, str(e)]
x = tf.placeholder(tf.float32, [None, 4, 5, 6, 2]); x2 = tf.placeholder(tf.float32, [None, 6, 5, 2])
errors = [err(lambda: L.Cropping3D(1, data_format="channels_first")(x)), err(lambda: L.Cropping2D(1, data_format="channels_first")(x2)), err(lambda: L.Cropping3D(((3, 1), (0, 0), (0, 0)))(x))]

result.append(errors)
"""


@pytest.mark.oracle
def test_padding_and_cropping_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
