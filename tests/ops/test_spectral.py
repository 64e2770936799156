"""tf.signal / tf.spectral Fourier transforms against TF: the graph (op types, names, the
wrappers' fft_length and padding ops, static and dynamic shapes), errors at graph and run
time, and values (float32 and float64, random shapes and lengths with hypothesis)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from array_oracle import check_graph
from oracle import run_here

GRAPHS = [
    "x = tf.placeholder(tf.complex64, [3, 8]); r = tf.placeholder(tf.float32, [3, 8]); "
    "a = [tf.signal.fft(x), tf.spectral.ifft(x), tf.fft2d(x), tf.signal.ifft2d(x, name='i2'), "
    "tf.signal.fft3d(tf.reshape(x, [3, 2, 4])), tf.ifft3d(tf.reshape(x, [2, 3, 4]))]; "
    "b = [tf.signal.rfft(r), tf.signal.rfft(r, fft_length=[6]), tf.signal.rfft(r, [12]), "
    "tf.spectral.irfft(a[0]), tf.signal.irfft(a[0], fft_length=[10]), tf.signal.rfft2d(r), "
    "tf.signal.irfft2d(x), tf.signal.rfft3d(tf.reshape(r, [2, 3, 4])), "
    "tf.signal.irfft3d(tf.reshape(x, [2, 3, 4]), [2, 3, 5], name='i3')]",
    "r = tf.placeholder(tf.float32, [None, None]); c = tf.placeholder(tf.complex128); "
    "a = [tf.signal.rfft(r), tf.signal.irfft(c), tf.signal.rfft2d(r, [4, 4]), "
    "tf.signal.irfft(tf.placeholder(tf.complex64, [2, None]))]",
    "a = tf.signal.fft([1.0, 2.0])",
    "a = tf.signal.rfft([1, 2, 3])",
    "a = tf.signal.irfft(tf.zeros([4], tf.complex128))",
    "tf.signal.fft(tf.constant(1 + 0j, tf.complex64))",
    "tf.signal.fft(tf.constant([1.0, 2.0]))",
    "tf.signal.fft2d(tf.zeros([3], tf.complex64))",
    "tf.signal.fft3d(tf.zeros([3, 3], tf.complex128))",
    "tf.signal.rfft(tf.zeros([]))",
    "tf.signal.rfft(tf.zeros([4], tf.int32))",
    "tf.signal.rfft(tf.zeros([4]), fft_length=[2, 2])",
    "tf.signal.rfft(tf.zeros([4]), fft_length=4)",
    "tf.signal.rfft2d(tf.zeros([4]))",
    "tf.signal.irfft(tf.zeros([4]))",
    "tf.signal.irfft(tf.zeros([], tf.complex64))",
    "tf.raw_ops.RFFT(input=tf.zeros([4]), fft_length=[[2]])",
    "a = tf.raw_ops.IRFFT2D(input=tf.zeros([4, 3], tf.complex64), fft_length=[3, 7])",
    "a = tf.raw_ops.RFFT(input=tf.zeros([4, 3]), fft_length=tf.placeholder(tf.int32, [1]))",
    "x = tf.placeholder(tf.float32, [4, 5]); a = [tf.signal.fftshift(x), tf.signal.ifftshift(x, "
    "axes=1), tf.signal.fftshift(x, axes=[0, -1], name='s'), tf.signal.ifftshift(x, axes=(-2,))]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


def _values(run, code):
    """`fetch` run with `feed`: per output its dtype, shape, real and imaginary parts."""
    out = run(code + "\nwith tf.Session() as _s:\n    _v = _s.run(fetch, feed_dict=globals()"
              ".get('feed'))\nresult = [[str(v.dtype), list(v.shape), np.real(v).ravel()."
              "tolist(), np.imag(v).ravel().tolist()] for v in _v]\n")
    return out


def _check_values(oracle, code, rtol=1e-6):
    here, there = _values(run_here, code), _values(oracle, code)
    assert "ok" in there, there
    assert "ok" in here, here
    for h, t in zip(here["ok"], there["ok"]):
        assert h[:2] == t[:2], (code, h[:2], t[:2])
        for a, b in zip(h[2:], t[2:]):
            a, b = np.asarray(a), np.asarray(b)
            scale = max(1.0, float(np.max(np.abs(b), initial=0)))
            np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale, err_msg=code)


SETUP = ("rng = np.random.RandomState(0); xv = (rng.randn(3, 8) + 1j * rng.randn(3, 8)); "
         "rv = rng.randn(3, 8); ")


@pytest.mark.oracle
@pytest.mark.parametrize("real,cplx", [("np.float32", "np.complex64"),
                                       ("np.float64", "np.complex128")])
def test_values_match_tf(oracle, real, cplx):
    code = SETUP + (
        "x = tf.placeholder(tf.as_dtype(%s), [3, 8]); r = tf.placeholder(tf.as_dtype(%s), [3, 8]); "
        "feed = {x: xv.astype(%s), r: rv.astype(%s)}; x3 = tf.reshape(x, [3, 2, 4]); "
        "fetch = [tf.signal.fft(x), tf.signal.ifft(x), tf.signal.fft2d(x), tf.signal.ifft2d(x), "
        "tf.signal.fft3d(x3), tf.signal.ifft3d(x3), tf.signal.rfft(r), tf.signal.rfft(r, [5]), "
        "tf.signal.rfft(r, [11]), tf.signal.irfft(x), tf.signal.irfft(x, [7]), "
        "tf.signal.irfft(x, [20]), tf.signal.rfft2d(r), tf.signal.rfft2d(r, [2, 9]), "
        "tf.signal.irfft2d(x), tf.signal.irfft2d(x, [2, 6]), "
        "tf.signal.rfft3d(tf.reshape(r, [3, 2, 4])), "
        "tf.signal.irfft3d(x3, [3, 2, 6]), tf.signal.fftshift(r), tf.signal.ifftshift(x, 1), "
        "tf.signal.fftshift(x3, axes=[0, -1])]") % (cplx, real, cplx, real)
    _check_values(oracle, code, rtol=1e-6 if real == "np.float32" else 1e-12)


RUN_ERRORS = [
    ("tf.raw_ops.RFFT(input=p, fft_length=[6])", "np.ones([3, 5], np.float32)"),
    ("tf.raw_ops.RFFT2D(input=p, fft_length=[4, 6])", "np.ones([3, 5], np.float32)"),
    ("tf.raw_ops.IRFFT2D(input=p, fft_length=[2, 10])", "np.ones([3, 5], np.complex64)"),
    ("tf.raw_ops.IRFFT(input=p, fft_length=[6])", "np.ones([2], np.complex64)"),
    ("tf.raw_ops.RFFT(input=p, fft_length=[-2])", "np.ones([3], np.float32)"),
    ("tf.raw_ops.FFT(input=p)", "np.ones([], np.complex64)"),
    ("tf.raw_ops.RFFT(input=p, fft_length=[2])", "np.ones([], np.float32)"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("op,value", RUN_ERRORS)
def test_run_errors_match_tf(oracle, op, value):
    code = ("v = %s\np = tf.placeholder(tf.as_dtype(v.dtype))\ny = %s\n"
            "try:\n    with tf.Session() as s:\n        s.run(y, {p: v})\n    result = None\n"
            "except tf.errors.OpError as e:\n    result = [type(e).__name__, e.message.split("
            "'\\n')[0], e.op.name]\n") % (value, op)
    here, there = run_here(code), oracle(code)
    assert "ok" in there and there["ok"], there
    assert here == there


@pytest.mark.oracle
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(lead=st.lists(st.integers(1, 3), max_size=2), inner=st.integers(1, 17),
       length=st.one_of(st.none(), st.integers(1, 24)), double=st.booleans(),
       inverse=st.booleans())
def test_random_real_transforms_match_tf(oracle, lead, inner, length, double, inverse):
    shape = lead + [inner]
    real, cplx = ("np.float64", "np.complex128") if double else ("np.float32", "np.complex64")
    dtype = cplx if inverse else real
    fn = "tf.signal.irfft" if inverse else "tf.signal.rfft"
    code = ("rng = np.random.RandomState(1); v = (rng.randn(*%r) + (1j * rng.randn(*%r) if %s "
            "else 0)).astype(%s); p = tf.placeholder(tf.as_dtype(v.dtype), %r); "
            "feed = {p: v}; fetch = [%s(p, %s), tf.signal.fft(tf.cast(p, tf.complex128))]"
            % (shape, shape, inverse, dtype, shape, fn,
               None if length is None else [length]))
    _check_values(oracle, code, rtol=1e-6 if not double else 1e-12)
