"""Math ops against TF: names, op types, shapes, dtypes, errors, values and gradients."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from math_oracle import check_all_ops, check_outputs, check_values
from oracle import fed_cases_match

import scopeflow.compat.v1 as tf

# Each snippet sets `r` to the tensors it builds; one oracle call per list.
GRAPHS = [
    "x = tf.placeholder(tf.float32, [2, None]); r = [tf.math.xlogy(x,x), tf.math.xdivy(x,x), "
    "tf.math.xlog1py(x,x), tf.math.softplus(x), tf.nn.softplus(x), tf.math.softsign(x), "
    "tf.math.log_sigmoid(x)]",
    "x = tf.placeholder(tf.float32, [2, None]); r = [tf.math.polyval([1.0,2.0,3.0], x), "
    "tf.floor(x), tf.truncatemod(x,x), tf.math.sigmoid(x), tf.sigmoid(x), tf.nn.sigmoid(x), "
    "tf.tanh(x)]",
    "x = tf.placeholder(tf.float32, [2, None]); r = [tf.reduce_logsumexp(x), "
    "tf.reduce_logsumexp(x,1), tf.reduce_logsumexp(x,1,keepdims=True)]",
    "x = tf.placeholder(tf.float32, [2, None]); r = [tf.math.reduce_std(x), "
    "tf.math.reduce_variance(x,1), tf.count_nonzero(x), tf.count_nonzero(x,1), "
    "tf.math.count_nonzero(x, dtype=tf.int32)]",
    "x = tf.placeholder(tf.float32, [2, None, 4]); r = [tf.argmax(x), tf.argmax(x,1), "
    "tf.argmin(x, dimension=2), tf.argmax(x,1,output_type=tf.int32), tf.arg_max(x,1), "
    "tf.math.argmax(x)]",
    "x = tf.placeholder(tf.float32, [2, None, 4]); r = [tf.cumsum(x), "
    "tf.cumsum(x,1,exclusive=True,reverse=True), tf.cumprod(x), "
    "tf.math.cumulative_logsumexp(x)]",
    "x = tf.placeholder(tf.float32, [2]); r = [tf.reduce_sum(x), tf.reduce_mean(x, 0), "
    "tf.reduce_max(x, keep_dims=True), tf.reduce_all(x > 0), tf.reduce_any(x > 0, 0), "
    "tf.math.reduce_euclidean_norm(x), tf.reduce_sum([1, 2]), "
    "tf.reduce_prod(tf.placeholder(tf.float32))]",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.reduce_sum(x, 2)",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.reduce_sum(x, axis=0, reduction_indices=0)",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.reduce_sum(x, keepdims=True, "
    "keep_dims=True)",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.argmax(x, 2)",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.argmax(x, 0, dimension=0)",
    "x = tf.placeholder(tf.int32, [2]); r = tf.exp(x)",
    "x = tf.placeholder(tf.int32, [2]); r = tf.reduce_all(x)",
    "x = tf.placeholder(tf.float32, [2]); r = tf.logical_and(x, x)",
    "x = tf.placeholder(tf.bool, [2]); r = [x & x, x | x, x ^ x, ~x, tf.logical_xor(x, x)]",
    "x = tf.placeholder(tf.int32, [2]); r = [~x, 1 + x, 2 - x, 2 * x, 3 / x, 3 // x, 3 % x, 2 "
    "** x, x > 1, x >= 1, x < 1, x <= 1, -x, abs(x)]",
    "x = tf.placeholder(tf.float32, [2, 2]); r = [x @ x, [[1., 2.], [3., 4.]] @ x, x @ [[1., "
    "2.], [3., 4.]]]",
    "x = tf.placeholder(tf.float32, [2]); r = [tf.add_n([x]), tf.add_n([x, x], name='s'), "
    "tf.accumulate_n([x, x]), tf.add_n([x])]",
    "x = tf.placeholder(tf.float32, [2]); r = tf.add_n([x, tf.placeholder(tf.float32, [3])])",
    "x = tf.placeholder(tf.float32, [2]); r = tf.add_n([x, tf.placeholder(tf.int32, [2])])",
    "x = tf.placeholder(tf.float32, [2]); r = [tf.cast(x, tf.int32), tf.cast(x, tf.float32), "
    "tf.saturate_cast(x, tf.int32), tf.to_float(x), tf.cast(1.0, tf.int32), "
    "tf.saturate_cast(x, tf.uint8)]",
    "x = tf.placeholder(tf.complex64, [2]); r = [tf.abs(x), tf.math.angle(x), tf.math.real(x), "
    "tf.math.imag(x), tf.math.conj(x)]",
    "x = tf.placeholder(tf.float32, [2]); r = [tf.math.reciprocal_no_nan(x), "
    "tf.math.erfcinv(x), tf.math.lbeta(x), tf.math.angle(x), tf.math.imag(x), tf.complex(x, "
    "x)]",
    "x = tf.placeholder(tf.int32, [2]); r = [tf.bitwise.bitwise_and(x, x), "
    "tf.bitwise.invert(x), tf.bitwise.left_shift(x, x), tf.bitwise.right_shift(x, x)]",
    "x = tf.placeholder(tf.float32, [2]); r = [tf.scalar_mul(2.0, x), "
    "tf.scalar_mul(tf.constant(2.0), x), tf.div(x, 2.0), tf.div(tf.constant(2), 3), "
    "tf.floordiv(x, x), tf.realdiv(x, x), tf.truncatediv(x, x), tf.div_no_nan(x, x), "
    "tf.math.multiply_no_nan(x, x), tf.math.divide_no_nan(tf.constant(1), 2)]",
]

# Snippets whose whole graph (every op name and type) must be TF's.
FULL_GRAPHS = [
    "x = tf.placeholder(tf.float32, [2, None]); r = tf.reduce_logsumexp(x, 1)",
    "x = tf.placeholder(tf.float32, [2, 3]); r = [tf.reduce_logsumexp(x), "
    "tf.math.reduce_std(x), tf.math.reduce_variance(x, 1)]",
    "x = tf.placeholder(tf.float32, [2, 3]); r = [tf.count_nonzero(x), tf.count_nonzero(x, 1, "
    "dtype=tf.int32)]",
    "x = tf.placeholder(tf.float32, [2, 3]); r = [tf.math.xdivy(x, 1.0), "
    "tf.math.log_sigmoid(x), tf.math.polyval([1.0, 2.0], x), tf.math.lbeta(x), "
    "tf.math.erfcinv(x), tf.math.reciprocal_no_nan(x)]",
    "x = tf.placeholder(tf.float32, [2, 3]); r = [tf.clip_by_value(x, 0., 1.), "
    "tf.clip_by_norm(x, 1.0), tf.global_norm([x, x]), tf.clip_by_global_norm([x, x], 1.0)]",
    "x = tf.placeholder(tf.float32, [2]); r = [tf.cast(1.0, tf.int32), tf.saturate_cast(x, "
    "tf.uint8), tf.div(x, 2), tf.truediv(tf.constant(1), 2), "
    "tf.math.divide_no_nan(tf.constant(1), 2), 1 - x, x @ tf.ones([2, 2]) if False else x * 2, "
    "tf.logical_xor(x > 0, x < 1)]",
]

# Session values on random inputs (`fetch` with `feed`).
VALUES = [
    "rs = np.random.RandomState(0); a = rs.randn(3, 4).astype(np.float32); b = rs.rand(3, "
    "4).astype(np.float32) + 0.5\nx = tf.placeholder(tf.float32, [3, 4]); y = "
    "tf.placeholder(tf.float32, [3, 4])\nfetch = [x + y, x - y, x * y, x / y, tf.maximum(x, "
    "y), tf.minimum(x, y), tf.squared_difference(x, y), tf.pow(y, x), tf.atan2(x, y), "
    "tf.math.xlogy(x, y), tf.math.xdivy(x, y), tf.math.xlog1py(x, y), tf.floormod(x, y), "
    "tf.truncatemod(x, y), tf.floordiv(x, y), tf.truncatediv(x, y), tf.div_no_nan(x, y), "
    "tf.math.multiply_no_nan(x, y), tf.math.igamma(y, y), tf.math.igammac(y, y), "
    "tf.math.zeta(y + 1.0, y), tf.math.polygamma(tf.ones_like(y), y), tf.math.betainc(y, y, "
    "tf.clip_by_value(b - 0.5, 0., 1.))]\nfeed = {x: a, y: b}",
    "rs = np.random.RandomState(1); a = rs.randn(3, 4).astype(np.float32); b = rs.rand(3, "
    "4).astype(np.float32) + 0.1\nx = tf.placeholder(tf.float32, [3, 4]); y = "
    "tf.placeholder(tf.float32, [3, 4])\nfetch = [tf.abs(x), tf.negative(x), tf.exp(x), "
    "tf.log(y), tf.log1p(y), tf.expm1(x), tf.sqrt(y), tf.rsqrt(y), tf.square(x), "
    "tf.reciprocal(y), tf.sign(x), tf.floor(x), tf.ceil(x), tf.round(x * 3), tf.rint(x * 3), "
    "tf.tanh(x), tf.sigmoid(x), tf.sin(x), tf.cos(x), tf.tan(x), tf.asin(b - 0.5), tf.acos(b - "
    "0.5), tf.atan(x), tf.sinh(x), tf.cosh(x), tf.asinh(x), tf.acosh(y + 1), tf.atanh(b - "
    "0.5), tf.erf(x), tf.erfc(x), tf.math.erfinv(b - 0.5), tf.math.ndtri(tf.clip_by_value(b, "
    "0.01, 0.99)), tf.lgamma(y), tf.digamma(y), tf.math.bessel_i0(x), tf.math.bessel_i0e(x), "
    "tf.math.bessel_i1(x), tf.math.bessel_i1e(x), tf.math.log_sigmoid(x), tf.math.softplus(x), "
    "tf.math.softsign(x), tf.math.reciprocal_no_nan(x), tf.math.erfcinv(b), tf.math.lbeta(y), "
    "tf.is_nan(x), tf.is_finite(x)]\nfeed = {x: a, y: b}",
    "rs = np.random.RandomState(2); a = rs.randn(3, 4, 5).astype(np.float32)\nx = "
    "tf.placeholder(tf.float32, [3, 4, 5])\nfetch = [tf.reduce_sum(x), tf.reduce_sum(x, 1), "
    "tf.reduce_mean(x, [0, 2], keepdims=True), tf.reduce_max(x, -1), tf.reduce_min(x, 0), "
    "tf.reduce_prod(x, 2), tf.reduce_all(x > 0, 1), tf.reduce_any(x > 0), "
    "tf.math.reduce_euclidean_norm(x, 1), tf.reduce_logsumexp(x, 1), tf.reduce_logsumexp(x), "
    "tf.math.reduce_std(x, 0), tf.math.reduce_variance(x, [1, 2]), tf.count_nonzero(x > 0.5, "
    "1), tf.argmax(x, 1), tf.argmin(x, 2, output_type=tf.int32), tf.cumsum(x, 1), tf.cumsum(x, "
    "1, exclusive=True), tf.cumsum(x, 2, reverse=True), tf.cumsum(x, 0, exclusive=True, "
    "reverse=True), tf.cumprod(x, 1, exclusive=True), tf.math.cumulative_logsumexp(x, 1), "
    "tf.math.cumulative_logsumexp(x, 2, exclusive=True, reverse=True), "
    "tf.reduce_mean(tf.constant([[1, -2], [3, -5]]), 1), tf.math.top_k(x, 3).values, "
    "tf.math.top_k(x, 3).indices]\nfeed = {x: a}",
    "rs = np.random.RandomState(4); a = rs.randn(5, 3).astype(np.float32)\nx = "
    "tf.placeholder(tf.float32, [5, 3])\nfetch = [tf.clip_by_value(x, -0.5, 0.5), "
    "tf.clip_by_norm(x, 1.0), tf.clip_by_norm(x, 1.0, axes=[1]), tf.global_norm([x, 2 * x]), "
    "tf.clip_by_global_norm([x, 2 * x], 1.0)[0], tf.clip_by_average_norm(x, 0.1), "
    "tf.segment_sum(x, [0, 0, 1, 2, 2]), tf.segment_mean(x, [0, 0, 1, 2, 2]), "
    "tf.segment_max(x, [0, 0, 2, 2, 2]), tf.segment_min(x, [0, 0, 1, 2, 2]), "
    "tf.segment_prod(x, [0, 0, 1, 2, 2]), tf.unsorted_segment_sum(x, [0, 3, 1, 0, 2], 5), "
    "tf.unsorted_segment_max(x, [0, 3, 1, 0, 2], 5), tf.unsorted_segment_min(x, [0, 3, 1, 0, "
    "2], 5), tf.unsorted_segment_prod(x, [0, 3, 1, 0, 2], 5), tf.unsorted_segment_mean(x, [0, "
    "3, 1, 0, 2], 5), tf.unsorted_segment_sqrt_n(x, [0, 3, 1, 0, 2], 5), "
    "tf.sparse_segment_sum(x, [0, 1, 2], [0, 0, 1]), tf.sparse_segment_mean(x, [0, 1, 2], [0, "
    "0, 1]), tf.sparse_segment_sqrt_n(x, [0, 1, 2], [0, 0, 1]), tf.add_n([x, x, x]), "
    "tf.math.accumulate_n([x, x]), tf.math.polyval([1.0, 2.0, 3.0], x), "
    "tf.nn.zero_fraction(tf.nn.relu(x)), tf.math.bincount([1, 2, 2, 5]), tf.math.bincount([1, "
    "2, 2], minlength=5, weights=[1.0, 2.0, 3.0]), tf.math.confusion_matrix([0, 1, 2], [0, 2, "
    "2], num_classes=3), tf.nn.in_top_k(x, [0, 1, 2, 0, 1], 2)]\nfeed = {x: a}",
]

# Gradients through tf.gradients (JAX's vjp over the kernels) against TF's registered ones.
GRAD_MATH = [
    "rs = np.random.RandomState(12); a = rs.randn(3, 4).astype(np.float32); a[0, 0] = 0.0; b = "
    "rs.rand(3, 4).astype(np.float32)\nx = tf.placeholder(tf.float32, [3, 4]); y = "
    "tf.placeholder(tf.float32, [3, 4])\nfs = [tf.math.xlogy(x, y), "
    "tf.math.xlogy(tf.zeros_like(x), y * 0), tf.math.xdivy(x, y), tf.sqrt(tf.abs(x) + 1), "
    "tf.abs(x), tf.reduce_logsumexp(x, 1), tf.reduce_max(x, 1), tf.reduce_prod(x, 1), "
    "tf.cumsum(x, 1, exclusive=True), tf.cumprod(x, 1, reverse=True), tf.clip_by_value(x, "
    "-0.5, 0.5), tf.clip_by_norm(x, 1.0), tf.maximum(x, y), tf.norm(x), tf.math.reduce_std(x, "
    "0), tf.math.squared_difference(x, y), tf.unsorted_segment_mean(x, [0, 2, 0], 3)]\nfetch "
    "= [[g if g is not None else tf.constant(-1.0) for g in tf.gradients(tf.reduce_sum(f * f), "
    "[x, y])] for f in fs]\nfeed = {x: a, y: b}",
]


@pytest.mark.oracle
def test_graphs_match_tf(oracle):
    check_outputs(oracle, GRAPHS)


@pytest.mark.oracle
def test_composite_graphs_match_tf_op_by_op(oracle):
    check_all_ops(oracle, FULL_GRAPHS)


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES, ids=["binary", "unary", "reductions", "segments"])
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


@pytest.mark.oracle
def test_gradients_match_tf(oracle):
    check_values(oracle, GRAD_MATH[0], rtol=1e-4, atol=1e-4)


# ---- properties without the oracle ----------------------------------------------------------
_dims = st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=0, max_size=4)


@settings(max_examples=60, deadline=None)
@given(_dims, _dims)
def test_broadcast_shape_rule_agrees_with_numpy(a, b):
    """Static broadcasting: numpy's shape where all dims are known; never a wrong dim."""
    x, y = tf.placeholder(tf.float32, a), tf.placeholder(tf.float32, b)
    known_a = [1 if d is None else d for d in a]
    known_b = [1 if d is None else d for d in b]
    try:
        ref = np.broadcast_shapes(tuple(known_a), tuple(known_b))
    except ValueError:
        ref = None
    try:
        out = (x + y).shape.as_list()
    except ValueError:
        assert ref is None or None in a + b
        return
    if None not in a + b:
        assert tuple(out) == ref
    else:
        assert len(out) == max(len(a), len(b))
        assert all(o is None or o == r for o, r in zip(out, ref or out))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.booleans(), st.booleans(), st.integers(0, 1))
def test_cumsum_kernel_matches_numpy(n, m, exclusive, reverse, axis):
    from scopeflow.ops.reductions import _cumsum
    x = np.arange(n * m, dtype=np.float32).reshape(n, m) - 3.0
    got = np.asarray(_cumsum.op_def.kernel(x, np.int32(axis), exclusive=exclusive,
                                           reverse=reverse))
    ref = np.flip(x, axis) if reverse else x
    ref = np.cumsum(ref, axis=axis)
    if exclusive:
        ref = ref - (np.flip(x, axis) if reverse else x)
    ref = np.flip(ref, axis) if reverse else ref
    np.testing.assert_allclose(got, ref, rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=4), st.data())
def test_reduction_shapes_agree_with_numpy(dims, data):
    axes = data.draw(st.lists(st.integers(-len(dims), len(dims) - 1), max_size=len(dims)))
    keep = data.draw(st.booleans())
    x = tf.placeholder(tf.float32, dims)
    ref = np.sum(np.zeros(dims), axis=tuple({a % len(dims) for a in axes}),
                 keepdims=keep)
    assert tf.reduce_sum(x, axes, keepdims=keep).shape.as_list() == list(ref.shape)


def test_int_division_by_zero_is_an_error():
    pytest.importorskip("scopeflow.session")
    x = tf.placeholder(tf.int32, [2])
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
            s.run(tf.floordiv(tf.constant([4, 5]), x), {x: [1, 0]})


# ---- division rounds as TF's kernels do (bit for bit) ----------------------------------------
# x / y for a fed divisor of each broadcast shape, chained divisions, floor division, div_no_nan
# and a constant divisor (TF's graph optimizer multiplies by its exact reciprocal there); XLA
# alone multiplies by a reciprocal wherever the divisor is broadcast
_DIV_BITS = """
rng = np.random.default_rng(%(seed)d)
xv = rng.standard_normal((%(rows)d, %(cols)d)).astype(np.float32)
yv = rng.uniform(0.1, 10, %(yshape)s).astype(np.float32)
near = (np.round(xv * 50) * np.float32(0.7)).astype(np.float32)
x = tf.placeholder(tf.float32, xv.shape); y = tf.placeholder(tf.float32, yv.shape)
n = tf.placeholder(tf.float32, xv.shape)
r = [x / y, tf.div(x, y), x / y / (y + 1.0), x / (y / (y + 1.0)), x // y, n // 0.7,
     tf.div_no_nan(x, y), x / %(const)r]
with tf.Session() as s:
    result = [v.view(np.int32).tolist() for v in s.run(r, {x: xv, y: yv, n: near})]
"""


@pytest.mark.oracle
@settings(max_examples=8, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.sampled_from(["()", "(%(cols)d,)",
       "(%(rows)d, 1)", "(%(rows)d, %(cols)d)"]), st.integers(0, 2**31),
       st.integers(1, 1000).map(lambda k: k / 7))
def test_division_bits_match_tf(oracle, rows, cols, yshape, seed, const):
    from oracle import run_here
    sizes = {"rows": rows, "cols": cols}
    code = _DIV_BITS % dict(sizes, seed=seed, yshape=yshape % sizes, const=const)
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there


_SUMMED_PRODUCT_BITS = """
rng = np.random.default_rng(%(seed)d)
av = rng.standard_normal((%(rows)d, %(cols)d)).astype(np.float32)
bv = rng.standard_normal((%(rows)d, %(cols)d)).astype(np.float32)
a = tf.placeholder(tf.float32, av.shape); b = tf.placeholder(tf.float32, bv.shape)
w = tf.Variable(np.float32(5.0))
grad = tf.reduce_mean((w * a - b) * a)
update = w.assign(w - 0.1 * grad)
r = [a * b + 1.5, 0.3 - a * b, tf.add_n([a * b, a]), tf.reduce_sum(a * b, 1),
     tf.reduce_mean(a * b), tf.nn.bias_add(a * b, bv[0]), -(a * b) + b,
     tf.squared_difference(a * b, b), tf.reduce_mean(tf.square(a - b)), tf.square(a) + b]
with tf.Session() as s:
    s.run(w.initializer)
    ws = [s.run(update, {a: av, b: bv}) for _ in range(4)]
    result = [v.view(np.int32).tolist() for v in s.run(r, {a: av, b: bv}) + [np.array(ws)]]
"""


@pytest.mark.oracle
@settings(max_examples=6, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**31))
def test_products_added_into_sums_have_tf_bits(oracle, rows, cols, seed):
    # hunkim's lab-03-2 (`W - learning_rate * gradient`): XLA contracted the Mul and its Sub
    # into one fused multiply-add, so W left TF's bits after the first step
    from oracle import run_here
    code = _SUMMED_PRODUCT_BITS % dict(rows=rows, cols=cols, seed=seed)
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there


@pytest.mark.oracle
@pytest.mark.parametrize("dtype, x", [("int32", [1, 1, 5, -8, 8]), ("uint8", [1, 1, 3, 8, 200])])
def test_shifts_clamp_as_tf(oracle, dtype, x):
    # TF shifts by y clamped to [0, bits - 1]: 1 << -1 is 1, not 0
    code = ("p = tf.placeholder(tf.%s, [None]); x = tf.constant(%r, tf.%s); "
            "out = tf.stack([tf.bitwise.left_shift(x, p), tf.bitwise.right_shift(x, p)])"
            % (dtype, x, dtype))
    fed_cases_match(oracle, code, [[0, 40, 31, 7, 3]] if dtype == "uint8" else
                    [[-1, 32, 31, -5, 40]])
