"""tf.image.sample_distorted_bounding_box (TF1's) against real TF: the op's graph and attrs,
TF's seeded crops execution after execution (TF's Philox words, rejection-sampled integers,
its float32 rounding), and TF's graph-time and run-time errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
b = tf.constant([[[0.1, 0.2, 0.5, 0.6]]])
def runs(outs, n=5, feed=None):
    with tf.Session() as s:
        return [[[v.tolist() for v in s.run(o, feed)] for _ in range(n)] for o in outs]
def attrs(o):
    return {k: o.op.get_attr(k) for k in ("seed", "seed2", "aspect_ratio_range", "area_range",
                                          "max_attempts", "use_image_if_no_bounding_boxes")}
"""

SNIPPETS = {
    "seeded": """
tf.set_random_seed(5)  # (TF1's function ignores the graph seed)
r = tf.image.sample_distorted_bounding_box([100, 80, 3], b, seed=3, min_object_covered=0.2)
r2 = tf.image.sample_distorted_bounding_box(
    tf.constant([300, 200, 3], tf.int64), tf.constant([[[.1, .2, .5, .6], [0, 0, .3, .3]]]),
    seed=7, seed2=9, name="sd", area_range=(0.1, 0.9), aspect_ratio_range=[0.5, 2.0],
    max_attempts=7, use_image_if_no_bounding_boxes=True)
r3 = tf.image.sample_distorted_bounding_box(
    [33, 17, 1], tf.zeros([0, 0, 4]), seed=11, use_image_if_no_bounding_boxes=True,
    min_object_covered=0.9, area_range=[0.5, 0.51])
r4 = tf.image.sample_distorted_bounding_box(
    tf.constant([224, 299, 3], tf.int16), tf.constant([[[0., 0., 1., 1.]]]), seed=1,
    min_object_covered=0.0, area_range=[0.01, 1.0], aspect_ratio_range=[0.1, 10.])
size = tf.placeholder(tf.int32, [3])
r5 = tf.image.sample_distorted_bounding_box(size, b, seed=2, min_object_covered=0.5)
result = [runs([r, r2, r3, r4]), runs([r5], 3, {size: [480, 640, 3]}), attrs(r[0]),
          attrs(r2[0]), [t.shape.as_list() for t in r], graph()]
""",
    "errors": """
result = [err(lambda: tf.image.sample_distorted_bounding_box([100, 80], b)),
          err(lambda: tf.image.sample_distorted_bounding_box([100, 80, 3], [[.1, .2, .5, .6]])),
          err(lambda: tf.image.sample_distorted_bounding_box([100., 80, 3], b)),
          err(lambda: tf.image.sample_distorted_bounding_box([100, 80, 3], b,
                                                             min_object_covered=[0.1])),
          err(lambda: tf.image.sample_distorted_bounding_box([100, 80, 3], tf.zeros([1, 2, 3])))]
bad = [tf.image.sample_distorted_bounding_box([100, 80, 3], tf.zeros([1, 0, 4]), seed=1),
       tf.image.sample_distorted_bounding_box([100, 80, 3], b + 1, seed=1),
       tf.image.sample_distorted_bounding_box([100, 80, 3], b, seed=1, area_range=[0., 1.]),
       tf.image.sample_distorted_bounding_box([100, 80, 3], b, seed=1, area_range=[.1, 1.5]),
       tf.image.sample_distorted_bounding_box([100, 80, 3], b, seed=1,
                                              aspect_ratio_range=[-1., 1.]),
       tf.image.sample_distorted_bounding_box([100, 80, 3], b, seed=1,
                                              min_object_covered=-1.),
       tf.image.sample_distorted_bounding_box([100, 80, 3], b, seed=1, max_attempts=0)]
for r in bad:
    with tf.Session() as s:
        result.append(err(lambda: s.run(r)))
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_sample_distorted_bounding_box_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=0), explain(code, here, there)


def test_unseeded_draws_differ_between_runs():
    import scopeflow.compat.v1 as tf
    with tf.Graph().as_default():
        r = tf.image.sample_distorted_bounding_box([400, 300, 3], [[[0., 0., 1., 1.]]],
                                                   min_object_covered=0.0)
        with tf.Session() as s:
            draws = {tuple(s.run(r[1]).tolist()) for _ in range(8)}
    assert len(draws) > 1
