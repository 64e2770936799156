"""Float32 Lgamma and Digamma against TF's kernels bit for bit (glibc's lgammaf, Eigen's
digamma), and lgamma against this machine's C library over random positive floats."""

import ctypes
import ctypes.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scopeflow.compat.v1 as tf
from oracle import assert_float32_bits_equal, run_here

PROGRAM = """
rng = np.random.default_rng(5)
xs = np.concatenate([np.exp(rng.uniform(np.log(1e-8), np.log(1e6), 4000)),
                     rng.uniform(0.5, 2.5, 2000), rng.uniform(2, 12, 1000),
                     [0., -0., 1., 2., 3., 8., 10., 1e-45, 1e-39, -1e-45, np.inf, -np.inf,
                      np.nan, 2.0**-30, 2.0**26, 2.0**-31, 1e-10, 0.5, 1e30, 1e8, 9.999999,
                      1.4616321, 0.9, 0.90000004, 1.7316, 0.23164, 7.9999995]
                     ]).astype(np.float32)
x = tf.constant(xs)
with tf.Session() as s:
    a, b = s.run([tf.lgamma(x), tf.math.digamma(x)])
result = [a.view(np.int32).tolist(), b.view(np.int32).tolist()]
"""


@pytest.mark.oracle
def test_lgamma_and_digamma_are_tfs_bits(oracle):
    assert_float32_bits_equal(["Lgamma", "Digamma"], run_here(PROGRAM), oracle(PROGRAM))


def _libm_lgammaf():
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    fn = libm.lgammaf
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return fn


_LIBM = _libm_lgammaf()


_TINY = float(np.finfo(np.float32).tiny)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=_TINY, max_value=float(np.float32(3e38)), width=32),
                min_size=1, max_size=64))
def test_lgamma_is_the_c_librarys_on_positive_floats(values):
    xs = np.array(values, np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None])
        with tf.Session() as sess:
            got = sess.run(tf.lgamma(x), {x: xs})
    want = np.array([_LIBM(float(v)) for v in xs], np.float32)
    assert got.view(np.int32).tolist() == want.view(np.int32).tolist(), xs


def test_gradients_are_digamma_and_trigamma():
    x = tf.constant([0.5, 1.5, 4.])
    g1, g2 = tf.gradients(tf.lgamma(x), x)[0], tf.gradients(tf.math.digamma(x), x)[0]
    with tf.Session() as sess:
        v1, v2, d = sess.run([g1, g2, tf.math.digamma(x)])
    np.testing.assert_array_equal(v1, d)
    np.testing.assert_allclose(v2, [4.934802, 0.934802, 0.283823], rtol=1e-5)


INPUTS_COMPUTED = """
x = tf.placeholder(tf.float32, [None])
outs = [tf.lgamma(x + 1.), tf.math.digamma(x + 1.), tf.lgamma(2. * x + 0.5)]
xs = np.random.default_rng(3).uniform(0.01, 1.5, 3000).astype(np.float32)
with tf.Session() as s:
    vals = s.run(outs, {x: xs})
result = [v.view(np.int32).tolist() for v in vals]
"""


@pytest.mark.oracle
def test_inputs_computed_in_the_run_are_not_folded_into_the_kernel(oracle):
    # XLA once fused `x + 1` into lgammaf's own `(x + 1) - 1` and made it `x` (1 ulp off,
    # 55% of these values)
    assert_float32_bits_equal(["Lgamma(x + 1)", "Digamma(x + 1)", "Lgamma(2x + 1/2)"],
                              run_here(INPUTS_COMPUTED), oracle(INPUTS_COMPUTED))
