"""tf.image preprocessing (crop / pad to a box, flips, brightness, contrast, standardization,
dtype conversion) against real TF: the graph op by op, element shapes and dtypes, seeded
random draws and values, graph-time and run-time errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, fed_cases_match, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
tf.set_random_seed(4)
img = tf.constant((np.arange(6 * 5 * 3).reshape(6, 5, 3) * 7 % 256).astype(np.uint8))
f = tf.cast(img, tf.float32)
ph = tf.placeholder(tf.float32, [None, None, 3], name="ph")
def run(outs, n=2):
    with tf.Session() as s:
        fed = {ph: s.run(f)}
        return {k: [t.name, t.dtype.name, t.shape.as_list() if t.shape.ndims is not None else None,
                    [s.run(t, fed).tolist() for _ in range(n)]] for k, t in outs.items()}
"""

SNIPPETS = {
    "boxes": """
outs = {"crop_pad_small": tf.image.resize_image_with_crop_or_pad(f, 4, 7),
        "crop_pad_big": tf.image.resize_with_crop_or_pad(img, 8, 3),
        "crop_box": tf.image.crop_to_bounding_box(f, 1, 2, 3, 2),
        "pad_box": tf.image.pad_to_bounding_box(img, 1, 0, 8, 6),
        "batch": tf.image.resize_image_with_crop_or_pad(tf.stack([f, f]), 3, 3),
        "central": tf.image.central_crop(f, 0.5),
        "dyn_crop_pad": tf.image.resize_image_with_crop_or_pad(ph, 4, 7),
        "dyn_box": tf.image.crop_to_bounding_box(ph, 1, 1, 2, 2)}
result = [run(outs, 1), graph()]
""",
    # the DQN state processors of dennybritz/reinforcement-learning: uint8 frames to gray
    "grayscale": """
outs = {"gray_u8": tf.image.rgb_to_grayscale(img), "gray_f": tf.image.rgb_to_grayscale(f / 255.),
        "gray_batch": tf.image.rgb_to_grayscale(tf.stack([img, img]), name="g"),
        "gray_dyn": tf.image.rgb_to_grayscale(ph)}
result = [run(outs, 1), graph()]
""",
    "flips_and_random": """
outs = {"flip": tf.image.flip_left_right(f), "flipud": tf.image.flip_up_down(f),
        "rflip": tf.image.random_flip_left_right(f, seed=3),
        "rflip4": tf.image.random_flip_up_down(tf.stack([f, f, f]), seed=5),
        "dyn_rflip": tf.image.random_flip_left_right(ph, seed=1),
        "rcrop": tf.image.random_crop(f, [3, 3, 3], seed=9)}
result = [run(outs, 3), graph()]
""",
    "brightness_contrast_std": """
outs = {"bright": tf.image.random_brightness(f, 63, seed=4),
        "bright_u8": tf.image.adjust_brightness(img, 0.2),
        "contrast": tf.image.random_contrast(f, 0.2, 1.8, seed=5),
        "contrast_u8": tf.image.adjust_contrast(img, 1.7),
        "std": tf.image.per_image_standardization(img),
        "dyn_std": tf.image.per_image_standardization(ph),
        "conv_f": tf.image.convert_image_dtype(img, tf.float32),
        "conv_u8": tf.image.convert_image_dtype(
            tf.image.convert_image_dtype(img, tf.float32) * 1.1, tf.uint8, saturate=True),
        "conv_i16": tf.image.convert_image_dtype(img, tf.int16),
        "conv_same": tf.image.convert_image_dtype(f, tf.float32, name="same")}
result = [run(outs, 2), graph()]
""",
    "errors": """
result = [err(lambda: tf.image.crop_to_bounding_box(f, 4, 0, 3, 2)),
          err(lambda: tf.image.pad_to_bounding_box(f, 0, 0, 3, 2)),
          err(lambda: tf.image.resize_image_with_crop_or_pad(f, 0, 2)),
          err(lambda: tf.image.per_image_standardization(tf.zeros([3, 3]))),
          err(lambda: tf.image.random_flip_left_right(tf.zeros([1, 2, 3, 4, 5]))),
          err(lambda: tf.image.random_contrast(f, 1.0, 0.5)),
          err(lambda: tf.image.random_brightness(f, -1.0)),
          err(lambda: tf.image.central_crop(f, 1.5)),
          err(lambda: tf.image.convert_image_dtype(f, tf.string))]
c = tf.image.crop_to_bounding_box(ph, 3, 3, 4, 4)
r = tf.random_crop(ph, [7, 2, 3], seed=1)
with tf.Session() as s:
    # one failing assert each: where several fail, TF reports whichever of its concurrently
    # run Assert ops fails first (seen both ways under load)
    result += [err(lambda: s.run(c, {ph: np.zeros([5, 8, 3])})),
               err(lambda: s.run(c, {ph: np.zeros([8, 5, 3])})),
               err(lambda: s.run(r, {ph: np.zeros([5, 5, 3])})),
               s.run(tf.shape(c), {ph: np.zeros([8, 8, 3])}).tolist()]
""",
    # dimensions known only when fed (and a fraction given as a tensor): TF computes the box
    # in the graph; an unknown rank is refused
    "central_crop_dynamic": """
result = []
for shape, fed, frac in [([None, None, 2], (5, 7, 2), 0.5), ([None, None, None, 3], (2, 4, 6, 3),
                         0.3), ([4, None, 1], (4, 9, 1), 0.7), ([3, 5, 2], (3, 5, 2), None)]:
    tf.reset_default_graph()
    q = tf.placeholder(tf.float32, shape)
    out = tf.image.central_crop(q, tf.placeholder_with_default(0.6, []) if frac is None else frac)
    ops = sorted((o.name, o.type) for o in tf.get_default_graph().get_operations())
    with tf.Session() as s:
        v = s.run(out, {q: np.arange(np.prod(fed), dtype=np.float32).reshape(fed)})
    result.append([out.shape.as_list(), v.tolist(), ops])
result.append(err(lambda: tf.image.central_crop(tf.placeholder(tf.float32), 0.5)))
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_image_adjust_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)


@pytest.mark.oracle
def test_adjust_contrast_of_a_fed_rank_below_3_fails_as_tf(oracle):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, None); "
                    "out = tf.image.adjust_contrast(p, 2.0)", [[1.0, 2.0], [[[1.0], [3.0]]]])
