"""psnr, ssim, image_gradients and sobel_edges against real TF: the graph op by op, shapes,
values (to TF's convolution and reduction rounding) and errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
rs = np.random.RandomState(3)
a = tf.constant(rs.uniform(0, 1, [2, 16, 15, 3]).astype(np.float32))
b = tf.constant(rs.uniform(0, 1, [2, 16, 15, 3]).astype(np.float32))
u8 = tf.constant((rs.uniform(0, 1, [16, 16, 1]) * 255).astype(np.uint8))
def run(outs):
    with tf.Session() as s:
        return {k: [t.name, t.dtype.name, t.shape.as_list() if t.shape.ndims is not None else None,
                    s.run(t).tolist()] for k, t in outs.items()}
"""

SNIPPETS = {
    "psnr_ssim": """
outs = {"psnr": tf.image.psnr(a, b, 1.0), "psnr_u8": tf.image.psnr(u8, u8 // 2, 255, name="p"),
        "ssim": tf.image.ssim(a, b, 1.0), "ssim_u8": tf.image.ssim(u8, u8 // 2, 255),
        "ssim_map": tf.image.ssim(a, a * 0.5, 1.0, filter_size=5, filter_sigma=0.8,
                                  return_index_map=True)}
result = [run(outs), graph()]
""",
    "gradients_sobel": """
dy, dx = tf.image.image_gradients(a)
outs = {"dy": dy, "dx": dx, "sobel": tf.image.sobel_edges(a)}
result = [run(outs), graph()]
""",
    "errors": """
result = [err(lambda: tf.image.psnr(a, tf.zeros([2, 16, 14, 3]), 1.0)),
          err(lambda: tf.image.ssim(a, tf.zeros([3, 16, 15, 3]), 1.0)),
          err(lambda: tf.image.image_gradients(tf.zeros([2, 3, 3]))),
          err(lambda: tf.image.ssim(a[:, :5], b[:, :5], 1.0))]
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_image_quality_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=1e-5), explain(code, here, there)
