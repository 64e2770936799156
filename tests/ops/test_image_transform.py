"""tf.image geometry and colour-matrix compositions against real TF: rot90 (its tf.case),
transpose, grayscale_to_rgb, adjust_gamma, YIQ / YUV, total_variation: the graph op by op,
shapes, values (to TF's MatMul / Pow rounding), graph-time and run-time errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
x = tf.constant(np.arange(60, dtype=np.float32).reshape(4, 5, 3) / 60)
gray = tf.placeholder(tf.float32, [None, None, 1], name="gray")
img = tf.placeholder(tf.float32, [None, None, 3], name="img")
feed = {gray: np.arange(12, dtype=np.float32).reshape(3, 4, 1),
        img: np.arange(24, dtype=np.float32).reshape(2, 4, 3)}
def run(outs):
    with tf.Session() as s:
        return {k: [t.name, t.dtype.name, t.shape.as_list() if t.shape.ndims is not None else None,
                    s.run(t, feed).tolist()] for k, t in outs.items()}
"""

SNIPPETS = {
    "rot90_transpose": """
outs = {"r1": tf.image.rot90(x), "r3": tf.image.rot90(x, 3),
        "r2": tf.image.rot90(tf.stack([x, x]), 2),
        "rk": tf.image.rot90(img, k=tf.constant(-1)), "r0": tf.image.rot90(img, 4, name="r"),
        "t": tf.image.transpose(x), "t4": tf.image.transpose_image(tf.stack([x, x])),
        "tfed": tf.image.transpose(img)}
result = [run(outs), graph()]
""",
    "gray_gamma": """
outs = {"g": tf.image.grayscale_to_rgb(x[..., :1]), "gfed": tf.image.grayscale_to_rgb(gray),
        "gam": tf.image.adjust_gamma(x, 2.0, 1.5), "gam_fed": tf.image.adjust_gamma(
            img / 24., 0.5),
        "gam_u8": tf.image.adjust_gamma(tf.cast(x * 255, tf.uint8), 0.5)}
result = [run(outs), graph()]
""",
    "colour_tv": """
outs = {"yiq": tf.image.rgb_to_yiq(x), "rgb1": tf.image.yiq_to_rgb(x),
        "yuv": tf.image.rgb_to_yuv(img), "rgb2": tf.image.yuv_to_rgb(x),
        "tv": tf.image.total_variation(x), "tv4": tf.image.total_variation(tf.stack([x, x * 2])),
        "tvfed": tf.image.total_variation(img, name="tv")}
result = [run(outs), graph()]
""",
    "errors": """
result = [err(lambda: tf.image.rot90(tf.zeros([2, 2]))),
          err(lambda: tf.image.rot90(tf.zeros([1, 2, 2, 2, 3]))),
          err(lambda: tf.image.rot90(x, [1, 2])),
          err(lambda: tf.image.transpose(tf.zeros([1, 2, 2, 2, 3]))),
          err(lambda: tf.image.grayscale_to_rgb(tf.zeros([2, 2, 3]))),
          err(lambda: tf.image.grayscale_to_rgb(tf.zeros([2]))),
          err(lambda: tf.image.adjust_gamma(x, -1.)),
          err(lambda: tf.image.total_variation(tf.zeros([2, 2])))]
result.append(err(lambda: tf.image.grayscale_to_rgb(img)))
any_ = tf.placeholder(tf.float32, [None, None, None])
g = tf.image.grayscale_to_rgb(any_)
with tf.Session() as s:
    result.append(err(lambda: s.run(g, {any_: np.zeros([2, 2, 3])})))
    result.append(s.run(g, {any_: np.ones([2, 2, 1])}).tolist())
""",
    # a fed k: each turn's shape differs, so the value is compiled in (nested tf.case conds)
    "rot90_fed_k": """
k = tf.placeholder(tf.int32, [])
one, batch = tf.image.rot90(img, k), tf.image.rot90(tf.stack([img, img]), k)
result = [one.shape.as_list(), batch.shape.as_list()]
with tf.Session() as s:
    for v in (0, 1, 2, 3, 5, -1):
        result.append([s.run(one, {k: v, img: feed[img]}).tolist(),
                       list(s.run(batch, {k: v, img: feed[img]}).shape)])
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_image_transform_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=1e-6), explain(code, here, there)
