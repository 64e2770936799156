"""ResizeBicubic / ResizeArea / ResizeBicubicGrad against TF: bit-equal forward values over
sizes, dtypes, align_corners and half_pixel_centers; gradients to float32 rounding."""

import pytest
from oracle import explain, run_here, same

# bit patterns of each output (md5 of its bytes), so that equality is exact
FORWARD = """
import hashlib
rng = np.random.RandomState(0)
img = (rng.rand(2, 7, 9, 3) * 255).astype(np.float32)
outs = []
for hw in [(13, 5), (3, 17), (1, 1)]:
    for ac in (False, True):
        outs.append(tf.image.resize_bicubic(img, hw, align_corners=ac))
        outs.append(tf.image.resize_area(img, hw, align_corners=ac))
    outs.append(tf.image.resize_bicubic(img, hw, half_pixel_centers=True))
    outs.append(tf.image.resize_area(img.astype(np.uint8), hw))
    outs.append(tf.image.resize_bicubic(img.astype(np.int32), hw))
    outs.append(tf.image.resize_images(img[0], hw, method=tf.image.ResizeMethod.AREA))
with tf.Session() as s:
    vals = s.run(outs)
result = [[o.name, o.dtype.name, o.shape.as_list()] for o in outs] + [
    hashlib.md5(v.tobytes()).hexdigest() for v in vals]
"""
GRADIENT = """
rng = np.random.RandomState(1)
x = tf.constant((rng.rand(1, 6, 5, 2) * 10).astype(np.float32))
y = tf.image.resize_images(x, [11, 4], method=tf.image.ResizeMethod.BICUBIC, align_corners=True)
y2 = tf.image.resize_bicubic(x, [5, 13], half_pixel_centers=True)
g = tf.gradients([tf.reduce_sum(y * y), tf.reduce_sum(y2 * tf.cos(y2))], x)[0]
with tf.Session() as s:
    result = [y.name, g.name, [op.type for op in tf.get_default_graph().get_operations()
                               if 'Resize' in op.type], s.run(g) / 100.0]
"""
ERRORS = """
x = tf.zeros([1, 4, 4, 1])
def run(t):
    with tf.Session() as s:
        s.run(t)
result = [err(lambda: run(tf.image.resize_bicubic(x, [2, 2], align_corners=True,
                                                  half_pixel_centers=True))),
          err(lambda: tf.image.resize_area(tf.zeros([4, 4, 1]), [2, 2])),
          err(lambda: tf.image.resize_area(tf.zeros([1, 4, 4, 1], tf.bool), [2, 2]))]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [FORWARD, GRADIENT, ERRORS], ids=["forward", "grad", "errors"])
def test_bicubic_and_area_match_tf(oracle, code):
    from oracle import ORACLE_HELPERS
    code = ORACLE_HELPERS + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
