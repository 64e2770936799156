"""Float32 Betainc against TF's kernel bit for bit (Eigen's Cephes betaincf over glibc's
logf, log1pf, expf and lgammaf), and glibc's log1pf against this machine's C library."""

import ctypes
import ctypes.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scopeflow.compat.v1 as tf
from oracle import assert_float32_bits_equal, run_here

PROGRAM = """
rng = np.random.default_rng(11)
n = 2500
a = np.exp(rng.uniform(-3, 4, n)); b = np.exp(rng.uniform(-3, 4, n)); x = rng.uniform(0, 1, n)
a2 = rng.uniform(0.1, 3, 800); b2 = rng.uniform(10, 300, 800)
x2 = np.exp(rng.uniform(-12, -1, 800))  # the power series
ea = [1, -1, 1, 1, 1, 2, 0.5, np.nan, 2, 1, 5, 1e-8, 1e4, 0.5, 1, 3]
eb = [1, 1, 0, 1, 1, 2, 0.5, 1, np.nan, 2, 5, 1e-8, 1e4, 20, 1e-30, 1]
ex = [0.5, 0.5, 0.5, 0, 1, 1.5, -0.5, 0.5, 0.5, np.nan, 0.5, 0.5, 0.5, 0.01, 0.3, 0.999]
A = np.concatenate([a, a2, ea]).astype(np.float32)
B = np.concatenate([b, b2, eb]).astype(np.float32)
X = np.concatenate([x, x2, ex]).astype(np.float32)
pa = tf.placeholder(tf.float32, [None])
out = [tf.math.betainc(tf.constant(A), pa, tf.constant(X)),
       tf.math.betainc(pa * 0.5 + 0.25, pa, tf.constant(X))]  # inputs computed in the run
with tf.Session() as s:
    vals = s.run(out, {pa: B})
result = [v.view(np.int32).tolist() for v in vals]
"""


@pytest.mark.oracle
def test_betainc_is_tfs_bits(oracle):
    assert_float32_bits_equal(["Betainc", "Betainc of computed inputs"], run_here(PROGRAM),
                              oracle(PROGRAM))


def _libm_log1pf():
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    fn = libm.log1pf
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return fn


_LOG1PF = _libm_log1pf()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(min_value=-1.0, max_value=float(np.float32(3e38)), width=32),
                min_size=1, max_size=64))
def test_log1pf_is_the_c_librarys(values):
    import jax

    from scopeflow.lowering.lower import x64
    from scopeflow.ops.libm32 import log1pf_ftz
    xs = np.array(values, np.float32)
    xs = xs[np.abs(xs) >= np.finfo(np.float32).tiny]  # (the C library keeps denormals)
    with x64():
        got = np.asarray(jax.jit(log1pf_ftz)(xs))
    want = np.array([_LOG1PF(float(v)) for v in xs], np.float32)
    assert got.view(np.int32).tolist() == want.view(np.int32).tolist(), xs


def test_float64_keeps_its_precision():
    a = tf.constant([2.0, 0.5], tf.float64)
    with tf.Session() as sess:
        v = sess.run(tf.math.betainc(a, tf.constant([3.0, 0.5], tf.float64),
                                     tf.constant([0.5, 0.25], tf.float64)))
    np.testing.assert_allclose(v, [0.6875, 1 / 3], rtol=1e-14)
