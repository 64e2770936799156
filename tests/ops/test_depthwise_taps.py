"""Depthwise convolutions as tap sums (ops/depthwise_taps.py): TF's CPU kernel bit for bit
(a NumPy transcription of its order, and TF itself), through `Session.run`."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scopeflow.compat.v1 as tf
from scopeflow.ops import depthwise_taps


def _pads(size, k, s, d, padding):
    if padding == "VALID":
        return 0, 0
    eff = (k - 1) * d + 1
    total = max((-(-size // s) - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def _ftz(a):
    """Subnormals read and written as zeros of their sign, as by TF's kernels (and XLA's)."""
    a = np.asarray(a)
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(a) < np.finfo(a.dtype).tiny, a * 0, a).astype(a.dtype)


def _fma(a, b, c):
    """a * b + c rounded once to float32 (exact in float64 but for rare double roundings)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return _ftz((a.astype(np.float64) * b + c).astype(np.float32))


def _reference(x, w, dy, s, d, padding):
    """TF's kernels in NumPy, subnormals flushed. float32 (oneDNN): each output's taps in
    row-major order, fused multiply-adds onto +0, taps over padding left out; the input
    gradient scattered from each output gradient pixel the same way (taps in row-major order,
    then the channel multiplier's). float64 (Eigen): a rounding a product and a sum, padding
    zeros multiplied too; the input gradient gathered the same way over the output gradient
    with zeros between and around its pixels."""
    x, w = _ftz(x), _ftz(w)
    n, h, wd, c = x.shape
    kh, kw, _, m = w.shape
    (pt, pb), (pl, pr) = _pads(h, kh, s, d, padding), _pads(wd, kw, s, d, padding)
    xp = np.zeros((n, h + pt + pb, wd + pl + pr, c), x.dtype)
    xp[:, pt:pt + h, pl:pl + wd] = x
    live = np.zeros(xp.shape[:3] + (1,), bool)
    live[:, pt:pt + h, pl:pl + wd] = True
    oh = (xp.shape[1] - (kh - 1) * d - 1) // s + 1
    ow = (xp.shape[2] - (kw - 1) * d - 1) // s + 1
    fused = x.dtype == np.float32
    out = np.zeros((n, oh, ow, c, m), x.dtype)

    def under(a, i, j):  # a[:, rows and columns under tap (i, j)]
        return a[:, i * d:i * d + (oh - 1) * s + 1:s, j * d:j * d + (ow - 1) * s + 1:s]

    for i in range(kh):
        for j in range(kw):
            piece = under(xp, i, j)[..., None]
            with np.errstate(invalid="ignore"):
                if fused:
                    out = np.where(under(live, i, j)[..., None], _fma(piece, w[i, j], out), out)
                else:
                    out = _ftz(out + _ftz(piece * w[i, j]))
    out = out.reshape(n, oh, ow, c * m)
    if dy is None:
        return out, None
    g = _ftz(dy).reshape(n, oh, ow, c, m)
    if fused:
        dxp = np.zeros(xp.shape, x.dtype)
        for i in range(kh):
            for j in range(kw):
                for k in range(m):
                    region = (slice(None), slice(i * d, i * d + (oh - 1) * s + 1, s),
                              slice(j * d, j * d + (ow - 1) * s + 1, s))
                    dxp[region] = _fma(g[..., k], w[i, j, :, k], dxp[region])
        return out, dxp[:, pt:pt + h, pl:pl + wd]
    # the gradient placed on the padded input grid, zeros elsewhere
    grid = np.zeros((n, xp.shape[1] + (kh - 1) * d, xp.shape[2] + (kw - 1) * d, c, m), x.dtype)
    grid[:, (kh - 1) * d:(kh - 1) * d + (oh - 1) * s + 1:s,
         (kw - 1) * d:(kw - 1) * d + (ow - 1) * s + 1:s] = g
    dx = np.zeros((n, h, wd, c), x.dtype)
    for i in range(kh):
        for j in range(kw):
            r, q = pt + (kh - 1 - i) * d, pl + (kw - 1 - j) * d
            with np.errstate(invalid="ignore"):
                terms = _ftz(grid[:, r:r + h, q:q + wd] * w[i, j])
                dx = _ftz(dx + terms.sum(axis=-1, dtype=x.dtype))  # (one term where m is 1)
    return out, dx


def _filter_reference(x, dy, k, m, s, d, padding):
    """The filter gradient in float64 (no order: XLA's and TF's sums both round), and per
    entry the sum of its terms' magnitudes (the scale of their rounding)."""
    x, dy = _ftz(x).astype(np.float64), _ftz(dy).astype(np.float64)
    n, h, wd, c = x.shape
    (pt, pb), (pl, pr) = _pads(h, k[0], s, d, padding), _pads(wd, k[1], s, d, padding)
    xp = np.zeros((n, h + pt + pb, wd + pl + pr, c))
    xp[:, pt:pt + h, pl:pl + wd] = x
    oh, ow = dy.shape[1:3]
    g = dy.reshape(n, oh, ow, c, m)
    dw, scale = np.zeros(k + (c, m)), np.zeros(k + (c, m))
    with np.errstate(invalid="ignore"):
        for i in range(k[0]):
            for j in range(k[1]):
                piece = xp[:, i * d:i * d + (oh - 1) * s + 1:s, j * d:j * d + (ow - 1) * s + 1:s]
                terms = piece[..., None] * g
                dw[i, j] = terms.sum(axis=(0, 1, 2))
                scale[i, j] = np.abs(terms).sum(axis=(0, 1, 2))
    return dw, scale


def _session(x, w, dy, s, d, padding):
    g = tf.Graph()
    with g.as_default():
        xt, wt = tf.placeholder(x.dtype, x.shape), tf.placeholder(w.dtype, w.shape)
        y = tf.nn.depthwise_conv2d_native(xt, wt, [1, s, s, 1], padding,
                                          dilations=[1, d, d, 1])
        dx = tf.nn.depthwise_conv2d_native_backprop_input(
            x.shape, wt, tf.constant(dy), [1, s, s, 1], padding, dilations=[1, d, d, 1])
        dw = tf.nn.depthwise_conv2d_native_backprop_filter(
            xt, w.shape, tf.constant(dy), [1, s, s, 1], padding, dilations=[1, d, d, 1])
        with tf.Session() as sess:
            return sess.run([y, dx, dw], {xt: x, wt: w})


_SPECIAL = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-40]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 2), h=st.integers(1, 9), wd=st.integers(1, 9), c=st.integers(1, 5),
       m=st.integers(1, 2), k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       s=st.integers(1, 3), padding=st.sampled_from(["SAME", "VALID"]),
       dtype=st.sampled_from([np.float32, np.float64]), special=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_tap_sums_are_tfs_order(n, h, wd, c, m, k, s, padding, dtype, special, seed):
    d = 1  # (dilated depthwise ops stay XLA's: see `depthwise_taps.eligible`)
    if padding == "VALID" and ((k[0] - 1) * d + 1 > h or (k[1] - 1) * d + 1 > wd):
        return  # no output
    rng = np.random.RandomState(seed)
    x = rng.randn(n, h, wd, c).astype(dtype)
    w = rng.randn(k[0], k[1], c, m).astype(dtype)
    if special:
        x.flat[rng.choice(x.size, min(3, x.size))] = rng.choice(_SPECIAL, min(3, x.size))
        w.flat[rng.choice(w.size, 1)] = rng.choice(_SPECIAL, 1)
    want_y, _ = _reference(x, w, None, s, d, padding)
    dy = rng.randn(*want_y.shape).astype(dtype)
    want_y, want_dx = _reference(x, w, dy, s, d, padding)
    got_y, got_dx, got_dw = _session(x, w, dy, s, d, padding)
    _assert_same_bits(got_y, want_y)
    if m == 1 or dtype == np.float32:
        _assert_same_bits(got_dx, want_dx)
    else:  # (Eigen's order of the multiplier's terms in float64: not reproduced)
        np.testing.assert_allclose(got_dx, want_dx, rtol=1e-12, atol=1e-12)
    want_dw, scale = _filter_reference(x, dy, k, m, s, d, padding)
    nan = np.isnan(want_dw)
    assert np.array_equal(np.isnan(got_dw), nan)  # a NaN stays in its own channel
    eps = np.finfo(dtype).eps
    with np.errstate(invalid="ignore"):
        err = np.abs(got_dw - want_dw)
    assert np.all(np.where(nan | np.isinf(want_dw), got_dw == want_dw,
                           err <= 4 * eps * scale + 1e-30) | nan)


def _assert_same_bits(got, want):
    """Equal bits (the sign of zero too), NaNs of any payload alike."""
    assert got.shape == want.shape and got.dtype == want.dtype
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    assert got[~nan].tobytes() == want[~nan].tobytes()


def test_takes_the_tap_path_only_where_it_applies():
    f32, one = np.zeros((2, 5, 5, 3), np.float32), [1, 1, 1, 1]
    assert depthwise_taps.eligible(f32, np.zeros((3, 3, 3, 1), np.float32), "NHWC", one)
    assert not depthwise_taps.eligible(f32, np.zeros((3, 3, 3, 1), np.float32), "NCHW", one)
    assert not depthwise_taps.eligible(f32, np.zeros((3, 3, 3, 1), np.float32), "NHWC",
                                       [1, 2, 2, 1])
    assert not depthwise_taps.eligible(f32, np.zeros((3, 3, 3, 1), np.float64), "NHWC", one)
    assert not depthwise_taps.eligible(f32.astype(np.float16),
                                       np.zeros((3, 3, 3, 1), np.float16), "NHWC", one)
    assert not depthwise_taps.eligible(f32, np.zeros((12, 11, 3, 1), np.float32), "NHWC", one)


DEPTHWISE = """
rs = np.random.RandomState(5)
result = []
with tf.Session() as sess:
    for shape, k, m, s, pad, dt in [((2, 9, 8, 16), 3, 1, 1, "SAME", np.float32),
                                    ((2, 9, 8, 16), 3, 1, 2, "SAME", np.float32),
                                    ((2, 10, 10, 8), 5, 1, 2, "SAME", np.float32),
                                    ((1, 9, 9, 4), 3, 1, 1, "SAME", np.float64),
                                    ((2, 9, 8, 6), 3, 2, 1, "VALID", np.float32),
                                    ((2, 8, 8, 4), 3, 2, 2, "SAME", np.float32),
                                    ((2, 8, 8, 4), 3, 1, 2, "VALID", np.float32)]:
        x = rs.randn(*shape).astype(dt)
        w = rs.randn(k, k, shape[3], m).astype(dt)
        x.flat[:3] = [-0.0, np.nan, np.inf]
        w[0, 0, 1, 0] = np.inf
        xt = tf.placeholder(dt, x.shape)
        wt = tf.placeholder(dt, w.shape)
        y = tf.nn.depthwise_conv2d_native(xt, wt, [1, s, s, 1], pad)
        g = rs.randn(*y.shape.as_list()).astype(dt)
        gt = tf.placeholder(dt, g.shape)
        dx, dw = tf.gradients(y, [xt, wt], grad_ys=gt)
        yv, dxv, dwv = sess.run([y, dx, dw], {xt: x, wt: w, gt: g})
        bits = lambda a: a.astype(np.float32).view(np.uint32).ravel().tolist()
        exact = (lambda a: a.view(np.uint64).ravel().tolist()) if dt == np.float64 else list
        result.append([bits(yv), bits(dxv), bits(dwv), m, str(dt.__name__), exact(yv),
                       exact(dxv)])
"""


@pytest.mark.oracle
def test_depthwise_equals_tfs_bits(oracle):
    """Fed tensors (TF folds constant inputs with its Eigen kernel, which rounds otherwise):
    the forward pass and input gradient bit for bit, NaN and infinity included, float32
    (oneDNN's kernel) and float64 (Eigen's; its input gradient with one filter a channel); the
    filter gradient within 1e-5 (its sums' order is not TF's), a NaN only in its own channel."""
    from tests.oracle import bit_mismatches, run_here
    there, here = oracle(DEPTHWISE), run_here(DEPTHWISE)
    assert "ok" in there and "ok" in here, (there, here)
    for i, (want, got) in enumerate(zip(there["ok"], here["ok"])):
        if want[4] == "float64":  # (the float64 bits, then their float32 roundings)
            nan = np.isnan(np.asarray(want[5], np.uint64).view(np.float64))
            assert np.array_equal(np.asarray(got[5])[~nan], np.asarray(want[5])[~nan]), i
            if want[3] == 1:
                nan = np.isnan(np.asarray(want[6], np.uint64).view(np.float64))
                assert np.array_equal(np.asarray(got[6])[~nan], np.asarray(want[6])[~nan]), i
        assert bit_mismatches(np.uint32(got[0]), np.uint32(want[0])).size == 0, i
        if want[3] == 1 or want[4] == "float32":
            assert bit_mismatches(np.uint32(got[1]), np.uint32(want[1])).size == 0, i
        for k, rtol in ((1, 1e-6), (2, 1e-5)):
            a, b = (np.asarray(v[k], np.uint32).view(np.float32) for v in (got, want))
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)  # (NaNs where TF's are)
