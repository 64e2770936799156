"""eigen_exp: TF's float32 Exp and Log kernels bit for bit (Eigen's AVX pexp_float /
plog_float without fused multiply-adds, glibc's expf / logf on the last size % 8 elements,
denormals flushed), compared with TF through the same TF1 program, and with a NumPy
transcription of the same algorithms on drawn inputs."""

import ctypes
import ctypes.util

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scopeflow.lowering.lower import x64
from scopeflow.ops.eigen_exp import eigen_exp, eigen_log
from tests.oracle import bit_mismatches, bits_compared, run_here

f32 = np.float32
SPECIALS = [0.0, -0.0, 1e-45, -1e-45, 1e-40, -1e-40, 1.1754944e-38, 1e-30, np.inf, -np.inf,
            np.nan, 88.72, 88.7228, 88.72284, 88.7229, 89.0, -87.3365, -87.33655, -87.3366,
            -88.0, -103.97, -104.0, -104.1, -150.0, 3.4e38, -3.4e38, 1.0, 2.0, 0.5, -1.0, 1e-7,
            0.6931472, 0.70710677, 0.7071068, 1.4142135, 10.0]

CODE = """
x = np.array(%s, np.float32)
p = tf.placeholder(tf.float32, [None])
ys = [tf.exp(p), tf.log(p), tf.log(tf.abs(p))]
with tf.Session() as s:
    result = [[np.asarray(v).view(np.uint32).tolist() for v in s.run(ys, {p: x[:n]})]
              for n in %r]
"""
# (sizes not a multiple of 8: the last elements take the C library's expf / logf)
SIZES = [1, 7, 8, 13, 20007, 20008]


def _inputs():
    rs = np.random.RandomState(0)
    magnitudes = rs.randint(0, 0x7F800000, 4000).astype(np.uint32).view(np.float32)
    return np.concatenate([f32(SPECIALS), np.linspace(-110, 90, 8001, dtype=f32),
                           (rs.randn(4000) * 4).astype(f32), magnitudes,
                           np.linspace(-87.34, -87.33, 4000, dtype=f32), f32(SPECIALS)])


@pytest.mark.oracle
def test_exp_and_log_equal_tf_bit_for_bit(oracle):
    x = _inputs()
    text = repr(x.tolist()).replace("nan", "np.nan").replace("inf", "np.inf")
    bits_compared(oracle, CODE % (text, SIZES), x, ["exp", "log", "log abs"])


TAIL_CODE = """
x = np.array(%s, np.float32)
p = tf.placeholder(tf.float32, [7])
e, l = tf.exp(p), tf.log(tf.abs(p))
with tf.Session() as s:
    runs = [s.run([e, l], {p: row}) for row in x.reshape(-1, 7)]
    result = [[np.concatenate([r[i] for r in runs]).view(np.uint32).tolist() for i in (0, 1)]]
"""


@pytest.mark.oracle
def test_scalar_tail_equals_tf(oracle):
    # 7 floats: every element on the C library's path
    rs = np.random.RandomState(1)
    x = np.concatenate([f32(SPECIALS[:35]), rs.uniform(-100, 88, 350).astype(f32),
                        rs.randint(0, 0x7F800000, 350).astype(np.uint32).view(f32)])
    text = repr(x.tolist()).replace("nan", "np.nan").replace("inf", "np.inf")
    bits_compared(oracle, TAIL_CODE % text, x, ["exp", "log abs"])


# ---- the same algorithms in NumPy -----------------------------------------------------------
def _np_flush(x):
    return np.where(np.abs(x) < np.finfo(f32).tiny, x * f32(0), x).astype(f32)


def _np_exp(x0):
    """Eigen's pexp_float, each operation rounded to float32 (no fused multiply-add)."""
    x0 = _np_flush(x0)
    x = np.minimum(x0, f32(88.723))
    m = np.floor(x * f32(1.44269504088896341) + f32(0.5))
    r = (x + m * f32(-0.693359375)) + m * f32(2.12194440e-4)
    r2 = r * r
    p6, p5, p4, p3, p2 = (f32(c) for c in (1.37449637986719608306884765625e-3,
                                           8.36894474923610687255859375e-3,
                                           4.166965186595916748046875e-2,
                                           0.16666518151760101318359375,
                                           0.49999988079071044921875))
    even = r2 * (r2 * p6 + p4) + p2
    y = r2 * (r * (r2 * p5 + p3) + even) + (r + f32(1))
    k = np.where(np.isnan(m), 0, m).astype(np.int64)
    out = _np_flush((y.astype(np.float64) * np.exp2(k.astype(np.float64))).astype(f32))
    out = np.where(np.isnan(x0), x0, np.maximum(out, x0))
    return np.where(x0 < f32(-104), f32(0), out).astype(f32)


def _np_log(x0):
    """Eigen's plog_float, each operation rounded to float32."""
    x0 = _np_flush(x0)
    m, e = np.frexp(x0)
    m, e = m.astype(f32), e.astype(f32)
    low = m < f32(0.707106781186547524)
    t = (m - f32(1)) + np.where(low, m, f32(0))
    e = e - low.astype(f32)
    p = (f32(0.18256296349849254) * t + f32(1.0000000190281063)) * t + f32(1.0000000190281136)
    q = ((f32(0.049616247954120038) * t + f32(0.59923249590823520)) * t
         + f32(1.4999999999999927)) * t + f32(1)
    y = e * f32(0.693147180559945309417) + (t * p) / q
    y = np.where(x0 == np.inf, x0, y)
    y = np.where((x0 < 0) | np.isnan(x0), f32(np.nan), y)
    return np.where(x0 == 0, f32(-np.inf), y).astype(f32)


def _libm(name):
    fn = getattr(ctypes.CDLL(ctypes.util.find_library("m")), name)
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return lambda x: np.array([fn(float(v)) for v in x], f32)


_FLOATS = hnp.arrays(np.uint32, st.integers(1, 64), elements=st.integers(0, 2 ** 32 - 1))


@settings(max_examples=60, deadline=None)
@given(_FLOATS, st.floats(-110, 90, width=32))
def test_packets_follow_the_numpy_algorithm(bits, shift):
    # whole packets only (size a multiple of 8): any float, and floats around `shift`
    n = max(8, bits.size // 8 * 8)
    x = np.resize(bits, n).view(f32)
    near = (f32(shift) + np.resize(bits, n).astype(np.int64) % 1000 * f32(1e-3)).astype(f32)
    positive = np.abs(x)
    with np.errstate(all="ignore"), x64():
        for got, want in [(eigen_exp(x), _np_exp(x)), (eigen_exp(near), _np_exp(near)),
                          (eigen_log(positive), _np_log(positive)),
                          (eigen_log(x), _np_log(x))]:
            got = np.asarray(got)
            assert bit_mismatches(got, want).size == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-105, 90, width=32), min_size=1, max_size=7),
       st.lists(st.floats(float(np.finfo(f32).tiny), float(f32(3e38)), width=32), min_size=1,
                max_size=7))
def test_tail_follows_the_c_library(xs, ys):
    # fewer than 8 floats: every one on the scalar path, glibc's expf / logf (results below
    # the smallest normal float flushed to zero, as TF's threads run)
    x, y = f32(xs), f32(ys)
    with x64():
        got_e, got_l = np.asarray(jax.jit(eigen_exp)(x)), np.asarray(jax.jit(eigen_log)(y))
    want_e = _np_flush(_libm("expf")(x))
    assert bit_mismatches(got_e, want_e).size == 0, x
    assert bit_mismatches(got_l, _libm("logf")(y)).size == 0, y


def test_not_xla_exp_nor_log():
    # the approximations are TF's own: many values differ from XLA's, all within a few ulp
    x = np.linspace(-80, 80, 4096, dtype=f32)
    with x64():
        e = np.asarray(jax.jit(eigen_exp)(x))
        lg = np.asarray(jax.jit(eigen_log)(np.abs(x) + f32(1e-3)))
    assert np.mean(e != np.asarray(jax.jit(jax.numpy.exp)(x))) > 0.05
    assert np.mean(lg != np.asarray(jax.jit(jax.numpy.log)(np.abs(x) + f32(1e-3)))) > 0.05
    np.testing.assert_allclose(e, np.exp(x.astype(np.float64)), rtol=1e-6)
    np.testing.assert_allclose(lg, np.log(np.abs(x) + 1e-3), rtol=1e-6, atol=1e-7)


KAHAN_CODE = """
rs = np.random.RandomState(4)
x = np.concatenate([np.array(%s, np.float32), np.linspace(-20, 20, 4000),
                    rs.randn(4000) * 3, rs.uniform(-1e-3, 1e-3, 2000)]).astype(np.float32)
p = tf.placeholder(tf.float32, [None])
ys = [tf.math.expm1(p), tf.math.log1p(tf.abs(p)), tf.nn.softplus(p)]
with tf.Session() as s:
    result = [[np.asarray(v).view(np.uint32).tolist() for v in s.run(ys, {p: x[:n]})]
              for n in (10032, 10035)]
"""


@pytest.mark.oracle
def test_expm1_log1p_softplus_equal_tf_on_packets(oracle):
    # Eigen's W. Kahan forms over pexp / plog: TF's bits on whole packets; the scalar tail
    # (glibc's expm1f / log1pf, not modelled) within 2 ulp
    specials = [v for v in SPECIALS if not np.isnan(v)] + [np.nan]
    code = KAHAN_CODE % repr(specials).replace("nan", "np.nan").replace("inf", "np.inf")
    there, here = oracle(code), run_here(code)
    assert "ok" in there and "ok" in here, (there, here)
    for want_n, got_n in zip(there["ok"], here["ok"]):
        for name, want, got in zip(["expm1", "log1p", "softplus"], want_n, got_n):
            head = len(want) // 8 * 8
            assert bit_mismatches(np.uint32(got[:head]), np.uint32(want[:head])).size == 0, name
            gap = np.abs(np.int64(got[head:]) - np.int64(want[head:]))
            assert np.all(gap <= 2), name
