"""The plan of TF's float32 sums (`ops/eigen_sum.py`): TF's view as rows, Eigen's splits,
and the leaf order against a float32 NumPy transcription of Eigen's InnerMostDimReducer."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeflow.ops import eigen_sum


@pytest.mark.parametrize("shape, axes, want", [
    ((4, 5, 6), (1, 2), (4, 30)), ((4, 5, 6), (0, 1, 2), (1, 120)),
    ((1, 40, 1, 9), (1, 3), (1, 360)), ((7, 1), (0,), (1, 7)), ((3, 4), (0,), None),
    ((4, 5, 6), (1,), None), ((3, 1), (1,), None), ((0, 4), (1,), None)])
def test_rows_are_tfs_view(shape, axes, want):
    assert eigen_sum.rows_of(shape, axes) == want


def test_splits_follow_packets_from_the_tensors_start():
    leaves = []
    eigen_sum._tree(0, 20001, leaves)
    assert leaves == [(0, 5008), (5008, 5000), (10008, 5000), (15008, 4993)]
    leaves, order = eigen_sum._full_plan(150001, 2)  # two blocks of 75000, leftover first
    assert leaves[0] == (150000, 1) and order[0][0] == 0
    assert leaves[1][0] == 0 and leaves[17][0] == 75000 and len(leaves) == 33
    assert eigen_sum._plan(3, 8193) is None  # rows then split apart from row to row


def _eigen_leaf(v):
    acc = np.zeros(32, np.float32)
    whole, packets = len(v) // 32 * 32, len(v) // 8 * 8
    for j in range(0, whole, 32):
        acc = acc + v[j:j + 32]
    p = ((acc[:8] + acc[8:16]) + acc[16:24]) + acc[24:]
    for j in range(whole, packets, 8):
        p = p + v[j:j + 8]
    tail = np.float32(0)
    for x in v[packets:]:
        tail = np.float32(tail + x)
    p = p[:4] + p[4:]
    p = p[:2] + p[2:]
    return np.float32(tail + np.float32(p[0] + p[1]))


@pytest.mark.parametrize("cols", [2, 7, 8, 9, 31, 33, 100, 600, 8192])
def test_leaf_sums_add_in_eigens_order(cols):
    m = (np.random.RandomState(cols).standard_normal((3, cols)) ** 3).astype(np.float32)
    got = np.asarray(eigen_sum.row_sums(m))
    want = np.array([_eigen_leaf(r) for r in m], np.float32)
    assert got.view(np.int32).tolist() == want.view(np.int32).tolist()


def _eigen_rows(m, plan):
    leaves, order = plan

    def combine(node, row):
        if isinstance(node, int):
            start, size = leaves[node]
            return _eigen_leaf(row[start:start + size])
        return np.float32(combine(node[0], row) + combine(node[1], row))
    return np.array([combine(order, r) for r in m], np.float32)


@settings(max_examples=12, deadline=None)
@given(st.sampled_from([(1, 150001), (1, 200000), (1, 262144), (1, 3920000), (1, 131072 + 24),
                        (3, 8200), (2, 16384), (4, 40000), (2, 8192 * 3 + 8)]), st.integers(0, 99))
def test_split_sums_add_in_eigens_order(shape, seed):
    """Leaves of one size end to end (a reshape) and leaves of several sizes (cut in a loop)
    both add as the tree of Eigen's leaves does, against a float32 NumPy transcription."""
    m = (np.random.RandomState(seed).standard_normal(shape) ** 3).astype(np.float32)
    plan = eigen_sum._plan(*shape)
    got = np.asarray(eigen_sum.row_sums(m, plan))
    want = _eigen_rows(m, plan)
    assert got.view(np.int32).tolist() == want.view(np.int32).tolist()


@pytest.mark.parametrize("shape, axes, want", [
    ((50, 37), (0,), (1, 50, 37)), ((4, 5, 6, 7), (0, 1, 2), (1, 120, 7)),
    ((4, 5, 6), (1,), (4, 5, 6)), ((4, 5, 6), (0, 2), None), ((1, 5, 1, 6), (1,), (1, 5, 6)),
    ((3, 1), (0,), None), ((4, 5, 6), (2,), None)])
def test_columns_are_tfs_view(shape, axes, want):
    assert eigen_sum.columns_of(shape, axes) == want


COLUMNS = """
rs = np.random.RandomState(7)
p = tf.placeholder(tf.float32, [None, None, None])
q = tf.placeholder(tf.float32, [None, None, None, None])
result = []
with tf.Session() as s:
    for shape in [(1, 3, 37), (1, 15, 37), (1, 16, 37), (1, 50, 37), (3, 17, 9), (2, 40, 20),
                  (5, 33, 3), (1, 257, 8), (1, 1000, 1000)]:
        x = (rs.randn(*shape) * np.exp(rs.uniform(-3, 3, shape))).astype(np.float32)
        result.append(s.run(tf.reduce_sum(p, 1), {p: x}).view(np.uint32).tolist())
        result.append(s.run(tf.reduce_mean(p, 1), {p: x}).view(np.uint32).tolist())
    x = rs.randn(8, 6, 6, 12).astype(np.float32)
    m, v = tf.nn.moments(q, [0, 1, 2])
    result.append(s.run(m, {q: x}).view(np.uint32).tolist())
"""


@pytest.mark.oracle
def test_column_sums_equal_tf_bit_for_bit(pool_oracle):
    """Sums and means over leading or middle dims (and tf.nn.moments' mean over NHW) add in
    the order of Eigen's InnerMostDimPreserver, as TF's CPU kernels do."""
    from tests.oracle import bit_mismatches, run_here
    there, here = pool_oracle(COLUMNS), run_here(COLUMNS)
    assert "ok" in there and "ok" in here, (there, here)
    for i, (want, got) in enumerate(zip(there["ok"], here["ok"])):
        assert bit_mismatches(np.uint32(got), np.uint32(want)).size == 0, i


def test_an_empty_bias_gradient_keeps_xlas_zeros():
    import jax.numpy as jnp
    assert eigen_sum.outer_dim_sums(jnp.zeros((0, 10), jnp.float32)) is None
    assert eigen_sum.outer_dim_sums(jnp.zeros((0, 40), jnp.float32)) is None


NEGATIVE_ZEROS = """
p = tf.placeholder(tf.float32, None)
b = tf.placeholder(tf.float32, [None, 24])
result = []
with tf.Session() as s:
    for shape, axis in [((2,), None), ((40,), None), ((3, 20), 1), ((20, 3), 0), ((20, 3, 8), 1),
                        ((4, 20, 16), 1), ((1, 300), 1), ((5000,), None)]:
        v = -np.zeros(shape, np.float32)
        v.reshape(-1)[::3] = -1e-45  # sums of -0s and of values that cancel to 0
        v.reshape(-1)[1::3] = 1e-45
        for op in (tf.reduce_sum, tf.reduce_mean):
            result.append(np.signbit(s.run(op(p, axis), {p: -np.zeros(shape, np.float32)}))
                          .astype(int).tolist())
            result.append(s.run(op(p, axis), {p: v}).view(np.uint32).tolist())
    bias = tf.Variable(tf.zeros([24]))
    gb = tf.gradients(tf.nn.bias_add(b, bias), bias, grad_ys=b)[0]
    result.append(np.signbit(s.run(gb, {b: -np.zeros((30, 24), np.float32)})).astype(int).tolist())
"""


@pytest.mark.oracle
def test_sums_of_negative_zeros_are_positive_as_tfs(pool_oracle):
    """Eigen adds into zeroed accumulators: a Sum, Mean or bias gradient of -0s is +0."""
    from tests.oracle import run_here
    there, here = pool_oracle(NEGATIVE_ZEROS), run_here(NEGATIVE_ZEROS)
    assert "ok" in there, there
    assert here == there
