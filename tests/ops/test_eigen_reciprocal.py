"""eigen_reciprocal: float32 reciprocals as TF's Eigen kernels take them (vrcpps and a Newton
step on packets, exact division on the tail), compared with TF where this host's vrcpps is
modelled: Reciprocal, Pow by -1 and -0.5 (TF's ConvertPow), and divisions by constant vectors
(TF folds their Reciprocal)."""

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeflow.ops import eigen_reciprocal
from scopeflow.ops.eigen_reciprocal import eigen_reciprocal as reciprocal
from tests.oracle import bit_mismatches, run_here

modelled = pytest.mark.skipif(not eigen_reciprocal.modelled(),
                              reason="this host's vrcpps is not measured")

CODE = """
rs = np.random.RandomState(3)
v = (rs.randn(1003) * np.exp(rs.uniform(-30, 30, 1003))).astype(np.float32)
v[:8] = [0.0, -0.0, np.inf, -np.inf, 1e-39, 3e38, -2.5, 1.0]
c = rs.uniform(0.1, 10, 37).astype(np.float32)
p = tf.placeholder(tf.float32, [None])
q = tf.placeholder(tf.float32, [None, 37])
ys = [tf.reciprocal(p), tf.math.reciprocal(p * 2.0), tf.pow(p, -1.0), tf.pow(tf.abs(p), -0.5),
      tf.pow(p, [-1.0] * 1003), q / tf.constant(c), q[:, :5] / tf.constant(c[:5]),
      q * 2.0 / tf.constant(c)]
with tf.Session() as s:
    out = s.run(ys, {p: v, q: rs.randn(50, 37).astype(np.float32)})
result = [np.asarray(o).view(np.uint32).ravel().tolist() for o in out]
"""


@modelled
@pytest.mark.oracle
def test_reciprocals_equal_tf_bit_for_bit(oracle):
    there, here = oracle(CODE), run_here(CODE)
    assert "ok" in there and "ok" in here, (there, here)
    names = ["reciprocal", "reciprocal of a product", "pow -1", "pow -0.5", "pow -1 vector",
             "x / c", "x / c (tail only)", "x * 2 / c"]
    for name, want, got in zip(names, there["ok"], here["ok"]):
        assert bit_mismatches(np.uint32(got), np.uint32(want)).size == 0, name


@modelled
@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=40))
def test_numpy_and_jax_paths_agree(words):
    x = np.asarray(words, np.uint32).view(np.float32)
    got = np.asarray(reciprocal(jnp.asarray(x))).view(np.uint32)
    want = reciprocal(x).view(np.uint32)
    nan = np.isnan(want.view(np.float32))
    assert (np.isnan(got.view(np.float32)) == nan).all()
    assert (got[~nan] == want[~nan]).all()


@modelled
def test_packets_approximate_and_the_tail_divides():
    x = np.full(11, 3.0, np.float32)
    got = reciprocal(x)
    assert (got[8:] == np.float32(1) / np.float32(3)).all()  # the scalar tail: exact
    assert (got[:8] == got[0]).all()
    assert abs(float(got[0]) - 1 / 3) < 2e-7  # one Newton step: near float32's precision
    assert reciprocal(np.float32([0.0] * 8))[0] == np.inf


@pytest.mark.parametrize("vendor", ["AuthenticAMD", "GenuineIntel"])
def test_each_vendors_vrcpps_reads_its_table_scaled_by_the_exponent(vendor):
    from scopeflow.ops.eigen_reciprocal import _approximation, _table
    table = _table(vendor)
    idx = np.arange(0, 4096, 7, dtype=np.uint32)
    ones = (np.uint32(0x3F800000) | (idx << 11) | np.uint32(0x5A5)).view(np.float32)
    for scale, shift in ((1.0, 0), (8.0, 3), (2.0 ** -20, -20)):
        got = _approximation(np, (ones * np.float32(scale)).astype(np.float32), vendor)
        want = (table[idx].view(np.float32) * np.float32(2.0 ** -shift)).astype(np.float32)
        assert got.view(np.uint32).tolist() == want.view(np.uint32).tolist()
    got = _approximation(np, np.float32([0.0, -0.0, np.inf, 1e-39]), vendor)
    assert got.view(np.uint32).tolist() == [0x7F800000, 0xFF800000, 0, 0x7F800000]


def test_intel_and_amd_tables_differ():
    from scopeflow.ops.eigen_reciprocal import _table
    amd, intel = _table("AuthenticAMD"), _table("GenuineIntel")
    assert (amd != intel).sum() == 2115
    assert (intel[0::2] == intel[1::2]).all()  # (Intel's reads 11 mantissa bits)
