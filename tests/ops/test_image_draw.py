"""tf.image.draw_bounding_boxes against real TF: DrawBoundingBoxes / DrawBoundingBoxesV2
graphs, TF's pixels (default colour table for 1, 3 and 4 channels, given colours, boxes over
the edges, inverted and outside boxes, later boxes over earlier ones) and TF's errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
rs = np.random.RandomState(1)
im = tf.constant(rs.uniform(0, 1, [2, 7, 9, 3]).astype(np.float32))
bx = rs.uniform(-0.3, 1.3, [2, 13, 4]).astype(np.float32)
bx[0, 0] = [0.1, 0.2, 0.8, 0.9]
bx[1, 0] = [0, 0, 1, 1]
b = tf.constant(bx)
ph = tf.placeholder(tf.float32, name="ph")
pb = tf.placeholder(tf.float32, name="pb")
pc = tf.placeholder(tf.float32, name="pc")
"""

SNIPPETS = {
    "pixels": """
outs = [tf.image.draw_bounding_boxes(im, b), tf.image.draw_bounding_boxes(im[..., :1], b),
        tf.image.draw_bounding_boxes(tf.concat([im, im[..., :1]], -1), b, name="rgba"),
        tf.image.draw_bounding_boxes(im, b, colors=[[1., 0, 0], [0, .5, .25]]),
        tf.image.draw_bounding_boxes(tf.cast(im, tf.float16), b,
                                     colors=np.zeros([0, 3], np.float32)),
        tf.image.draw_bounding_boxes(ph, pb, colors=pc)]
with tf.Session() as s:
    values = s.run(outs, {ph: s.run(im), pb: bx, pc: [[.2, .3, .4, .5]]})
result = [[np.asarray(v, np.float32).tolist() for v in values],
          [o.shape.as_list() if o.shape.ndims is not None else None for o in outs], graph()]
""",
    "errors": """
result = [err(lambda: tf.image.draw_bounding_boxes(tf.zeros([2, 5, 6]), b)),
          err(lambda: tf.image.draw_bounding_boxes(tf.zeros([2, 5, 6, 2]), b)),
          err(lambda: tf.image.draw_bounding_boxes(tf.zeros([2, 5, 6, 2], tf.uint8), b)),
          err(lambda: tf.image.draw_bounding_boxes(im, tf.zeros([2, 2]))),
          err(lambda: tf.image.draw_bounding_boxes(im, tf.zeros([2, 2, 3])))]
d = tf.image.draw_bounding_boxes(ph, pb)
d2 = tf.image.draw_bounding_boxes(ph, pb, colors=pc)
with tf.Session() as s:
    for feed in ({ph: np.zeros([2, 5, 6, 2]), pb: np.zeros([2, 1, 4])},
                 {ph: np.zeros([2, 5, 6, 3]), pb: np.zeros([3, 1, 4])},
                 {ph: np.zeros([2, 5, 6, 3]), pb: np.zeros([2, 1, 5])},
                 {ph: np.zeros([2, 5, 6]), pb: np.zeros([2, 1, 4])},
                 {ph: np.zeros([2, 5, 6, 3]), pb: np.zeros([2, 4])}):
        result.append(err(lambda: s.run(d, feed)))
    for colors in (np.zeros([2, 2]), np.zeros([2])):
        result.append(err(lambda: s.run(d2, {ph: np.zeros([2, 5, 6, 3]),
                                             pb: np.zeros([2, 1, 4]), pc: colors})))
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_draw_bounding_boxes_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=0), explain(code, here, there)
