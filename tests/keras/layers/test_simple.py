"""tf.keras.layers Identity, Rescaling, Resizing (each interpolation, cropped to the aspect
ratio or not) and CenterCrop (cropping and, for a small image, resizing
up in Keras' cond), GlobalAvgPool3D / GlobalMaxPool3D, InputSpec, and layers.serialize /
deserialize, against real TF + tf_keras: output names, shapes, values, configs."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras; L = K.layers
x = tf.placeholder(tf.float32, [None, 6, 5, 2], name='x')
ys = [L.Identity()(x), L.Rescaling(1 / 255.0, offset=-1.0)(x), L.CenterCrop(3, 2)(x), L.CenterCrop(4, 4, name='cc')(x), L.CenterCrop(8, 5, name='up')(x),
      L.GlobalAvgPool3D()(tf.zeros([2, 3, 3, 3, 4])), L.GlobalMaxPool3D()(tf.ones([2, 3, 3, 3, 4]))]
rng = np.random.RandomState(0)
feed = {x: rng.uniform(0, 255, (2, 6, 5, 2)).astype('float32')}
with tf.Session() as s:
    vals = s.run(ys, feed)
lays = [L.Identity(name='i'), L.Rescaling(0.5, name='r'), L.CenterCrop(2, 3, name='c'), L.Dense(3, name='d')]
sers = [L.serialize(l) for l in lays]
result = [[y.name for y in ys], [y.shape.as_list() for y in ys], vals, sers, [type(L.deserialize(s)).__name__ for s in sers],
          [L.deserialize(s).get_config() for s in sers], L.InputSpec(ndim=3).ndim, L.InputSpec(min_ndim=2, axes={-1: 3}).axes]
"""

RESIZING = ORACLE_HELPERS + """import numpy as np
K = tf.keras; L = K.layers
x = tf.placeholder(tf.float32, [None, 6, 5, 2], name='x')
ls = [L.Resizing(3, 4), L.Resizing(9, 7, interpolation='nearest'), L.Resizing(4, 4, interpolation='bicubic'), L.Resizing(3, 2, interpolation='area'),
      L.Resizing(4, 6, crop_to_aspect_ratio=True), L.Resizing(2, 2, crop_to_aspect_ratio=True, interpolation='nearest')]
ys = [l(x) for l in ls]
rng = np.random.RandomState(0)
with tf.Session() as s:
    vals = s.run(ys, {x: rng.uniform(0, 255, (2, 6, 5, 2)).astype('float32')})
result = [[y.name for y in ys], [y.shape.as_list() for y in ys], vals, [l.get_config() for l in ls]]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [PROGRAM, RESIZING], ids=["layers", "resizing"])
def test_simple_layers_match_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
