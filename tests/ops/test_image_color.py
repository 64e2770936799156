"""tf.image colour ops against real TF: AdjustHue, AdjustSaturation, RGBToHSV, HSVToRGB to
TF's float32 bits (constant and fed images, integer images through convert_image_dtype,
seeded random_hue / random_saturation draws), the graph op by op, and TF's graph-time and
run-time errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
tf.set_random_seed(4)
rs = np.random.RandomState(0)
x = rs.uniform(-0.2, 1.2, [30, 20, 3]).astype(np.float32)
x[0, :6] = [[.5, .5, .5], [0, 0, 0], [1, .5, .5], [.5, 1, .5], [.5, .5, 1], [.2, .2, .7]]
x[1, :4] = [[.3, .7, .7], [.7, .3, .7], [.7, .7, .3], [.1, .9, .9]]
ph = tf.placeholder(tf.float32, [None, None, 3], name="ph")
img = tf.constant(x)
def bits(v):
    v = np.asarray(v)
    return v.view("u%d" % v.dtype.itemsize).tolist() if v.dtype.kind == "f" else v.tolist()
def run(outs, n=1):
    with tf.Session() as s:
        return {k: [t.name, t.dtype.name, t.shape.as_list() if t.shape.ndims is not None else None,
                    [bits(s.run(t, {ph: x})) for _ in range(n)]] for k, t in outs.items()}
"""

SNIPPETS = {
    "hue": """
outs = {"c": tf.image.adjust_hue(img, 0.3), "neg": tf.image.adjust_hue(img, -0.7),
        "wrap": tf.image.adjust_hue(img, 1.9), "fed": tf.image.adjust_hue(ph, 0.123),
        "fed_delta": tf.image.adjust_hue(img, tf.constant(0.3) * tf.reduce_max(ph)),
        "u8": tf.image.adjust_hue(tf.constant((np.clip(x, 0, 1) * 255).astype(np.uint8)), 0.2,
                                  name="h8"),
        "rand": tf.image.random_hue(ph, 0.4, seed=3)}
result = [run(outs, 2), graph()]
""",
    "saturation": """
outs = {"c": tf.image.adjust_saturation(img, 0.5), "big": tf.image.adjust_saturation(img, 2.5),
        "fed": tf.image.adjust_saturation(ph, 1.3),
        "u8": tf.image.adjust_saturation(
            tf.constant((np.clip(x, 0, 1) * 255).astype(np.uint8)), 0.7),
        "f64": tf.image.adjust_saturation(tf.constant(x.astype(np.float64)), 0.7),
        "rand": tf.image.random_saturation(ph, 0.3, 1.7, seed=4)}
result = [run(outs, 2), graph()]
""",
    "hsv": """
hsv = tf.image.rgb_to_hsv(ph)
outs = {"hsv": hsv, "back": tf.image.hsv_to_rgb(hsv),
        "c": tf.image.rgb_to_hsv(img), "c64": tf.image.rgb_to_hsv(tf.constant(x, tf.float64)),
        "h16": tf.image.hsv_to_rgb(tf.constant(np.abs(x) % 1, tf.float16), name="h16"),
        "raw": tf.image.hsv_to_rgb(tf.constant(np.abs(x) % 1.3))}
result = [run(outs), graph()]
""",
    "errors": """
R = tf.raw_ops
result = [err(lambda: tf.image.rgb_to_hsv(tf.zeros([2, 3], tf.uint8))),
          err(lambda: tf.image.rgb_to_hsv(tf.zeros([2, 4]))),
          err(lambda: tf.image.hsv_to_rgb(tf.zeros([]))),
          err(lambda: R.AdjustHue(images=tf.zeros([2, 3], tf.int32), delta=0.1)),
          err(lambda: R.AdjustHue(images=tf.zeros([2, 3]), delta=0.1)),
          err(lambda: R.AdjustSaturation(images=tf.zeros([2, 3]), scale=0.1)),
          err(lambda: tf.image.random_hue(img, 0.6)),
          err(lambda: tf.image.random_hue(img, -0.1)),
          err(lambda: tf.image.random_saturation(img, 0.6, 0.5)),
          err(lambda: tf.image.random_saturation(img, -0.6, 0.5)),
          R.AdjustHue(images=tf.zeros([2, 2, 4]), delta=0.1).shape.as_list()]
p = tf.placeholder(tf.float32, [None, None, None])
hue = R.AdjustHue(images=p, delta=0.1)
sat = R.AdjustSaturation(images=p, scale=[0.1])
hsv = R.RGBToHSV(images=tf.placeholder(tf.float32, [None, None]))
with tf.Session() as s:
    result += [err(lambda: s.run(hue, {p: np.zeros([2, 2, 4])})),
               err(lambda: s.run(sat, {p: np.zeros([2, 2, 3])})),
               err(lambda: s.run(hsv, {hsv.op.inputs[0]: np.zeros([2, 4])})),
               s.run(hue, {p: np.zeros([0, 2, 3])}).shape]
""",
    "gradients": """
x4 = img[None]
fns = [lambda v: tf.raw_ops.AdjustHue(images=v, delta=0.1),
       lambda v: tf.raw_ops.AdjustSaturation(images=v, scale=0.5), tf.image.hsv_to_rgb,
       lambda v: tf.image.draw_bounding_boxes(v, [[[0., 0., 1., 1.]]]),
       lambda v: tf.image.draw_bounding_boxes(v, [[[0., 0., 1., 1.]]], colors=[[1., 0, 0]])]
def grads(f):
    try:
        return [g is None for g in tf.gradients(tf.reduce_sum(f(x4)), x4)]
    except LookupError as e:
        return str(e)
result = [grads(f) for f in fns]
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_image_color_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=0), explain(code, here, there)
