"""eigen_lrn: TF's float32 LRN (window sums in ascending order, Eigen's packet reciprocal,
rsqrt or log and exp for n^-beta; the sliding sum for depth > 384 and beta 0.5 or 1) and its
LRNGrad kernel (glibc's powf, the scalar loop's order) bit for bit, compared with TF through
the same TF1 program, on shapes whose band contraction TF sums in ascending order."""

import jax
import numpy as np
import pytest

from scopeflow.lowering.lower import x64
from scopeflow.ops.eigen_lrn import _sliding_scales, _window_sums
from tests.oracle import bit_mismatches, run_here

# (shape, depth_radius, bias, alpha, beta)
CASES = [((2, 3, 5, 8), 2, 1.0, 1e-4, 0.75), ((2, 3, 5, 13), 5, 2.0, 1e-3, 0.75),
         ((1, 4, 4, 64), 5, 1.0, 0.5, 0.5), ((1, 4, 3, 64), 2, 1.0, 0.3, 1.0),
         ((3, 2, 2, 7), 0, 1.0, 1.0, 0.75), ((1, 2, 3, 96), 40, 0.5, 0.01, 0.25),
         ((2, 4, 6, 96), 2, 2.0, 2e-5, 0.75), ((1, 1, 3, 400), 3, 1.0, 0.1, 0.5),
         ((1, 1, 3, 400), 3, 1.0, 0.1, 1.0), ((1, 2, 2, 600), 100, 2.0, 0.01, 1.0)]

CODE = """
rs = np.random.RandomState(7)
result = []
for shape, r, bias, alpha, beta in %r:
    x = (rs.randn(*shape) * 2).astype(np.float32)
    x.reshape(-1)[:4] = [0.0, -0.0, 1e-40, 30.0]
    g = rs.randn(*shape).astype(np.float32)
    g.reshape(-1)[1:3] = 0.0
    p, q = tf.placeholder(tf.float32, shape), tf.placeholder(tf.float32, shape)
    y = tf.nn.lrn(p, r, bias, alpha, beta)
    dx = tf.gradients(y, p, grad_ys=q)[0]
    with tf.Session() as s:
        out = s.run([y, dx], {p: x, q: g})
    result.append([np.asarray(o).view(np.uint32).ravel().tolist() for o in out])
"""


@pytest.mark.oracle
def test_lrn_and_lrn_grad_equal_tf_bit_for_bit(oracle):
    code = CODE % (CASES,)
    there, here = oracle(code), run_here(code)
    assert "ok" in there and "ok" in here, (there, here)
    for case, want_c, got_c in zip(CASES, there["ok"], here["ok"]):
        for name, want, got in zip(["LRN", "LRNGrad"], want_c, got_c):
            bad = bit_mismatches(np.array(got, np.uint32), np.array(want, np.uint32))
            assert bad.size == 0, (case, name, bad[:5])


def test_sliding_and_band_sums_differ_in_rounding_only():
    rs = np.random.RandomState(0)
    x = rs.randn(1, 1, 5, 500).astype(np.float32)
    with x64():
        band = np.asarray(jax.jit(lambda v: _window_sums(v * v, 4) * np.float32(0.5)
                                  + np.float32(1))(x))
        sliding = np.asarray(jax.jit(lambda v: _sliding_scales(v, 4, np.float32(1),
                                                               np.float32(0.5)))(x))
    assert (band != sliding).any()
    np.testing.assert_allclose(band, sliding, rtol=1e-5)
