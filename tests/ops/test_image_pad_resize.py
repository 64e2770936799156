"""tf.image.resize_image_with_pad (TF1's) against real TF: the graph op by op, shapes and
values for static, batched and fed images, and errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

CODE = ORACLE_HELPERS + r"""
import numpy as np
x = tf.constant(np.arange(10 * 20 * 3, dtype=np.float32).reshape(10, 20, 3))
ph = tf.placeholder(tf.float32, [None, None, 3])
outs = {"wide": tf.image.resize_image_with_pad(x, 8, 8),
        "tall": tf.image.resize_image_with_pad(tf.stack([x, x]), 30, 12, method=1),
        "fed": tf.image.resize_image_with_pad(ph, 9, 7, align_corners=True)}
with tf.Session() as s:
    values = {k: [t.name, t.shape.as_list(), s.run(t, {ph: np.ones([5, 3, 3])}).tolist()]
              for k, t in outs.items()}
result = [values, graph(),
          err(lambda: tf.image.resize_image_with_pad(x, 0, 8)),
          err(lambda: tf.image.resize_image_with_pad(tf.zeros([2, 2]), 3, 8))]
"""


@pytest.mark.oracle
def test_resize_image_with_pad_matches_tf(oracle):
    here, there = run_here(CODE), oracle(CODE)
    assert "ok" in there, there
    assert agree(here, there, tol=1e-5), explain(CODE, here, there)
