"""tf.signal's composite functions against TF: output shapes and dtypes, and values to float
tolerance (windows, frame, overlap_and_add, stft / inverse_stft, mel matrix, DCT, MFCCs), with
hypothesis over frame and overlap_and_add arguments. The graphs inside are scopeflow's own
(frame is one gather, overlap_and_add one segment sum), not TF's op for op."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from oracle import run_here

PRELUDE = ("rng = np.random.RandomState(0)\nsig = rng.randn(2, 1000).astype(np.float32)\n"
           "x = tf.placeholder(tf.float32, [2, 1000])\nS = tf.signal\n")
RUN = ("\nwith tf.Session() as _s:\n    _v = _s.run(outs, {x: sig} if 'x' in globals() else None)"
       "\nresult = [[o.shape.as_list(), o.dtype.name, np.asarray(v, np.float64).ravel().tolist()]"
       " for o, v in zip(outs, _v)]\n")

CASES = [
    "outs = [S.hann_window(8), S.hann_window(7, periodic=False), S.hamming_window(10), "
    "S.hann_window(1), S.hann_window(16, dtype=tf.float64), S.hamming_window(5, False)]",
    "outs = [S.frame(x, 100, 30), S.frame(x, 100, 30, pad_end=True), "
    "S.frame(tf.reshape(x, [2, 100, 10]), 7, 3, axis=1), S.frame(x, 64, 64, pad_end=True, "
    "pad_value=2.0), S.overlap_and_add(tf.reshape(x, [2, 20, 50]), 20), "
    "S.overlap_and_add(tf.reshape(x, [2, 20, 50]), 50), S.overlap_and_add(tf.reshape(x, [40, 50]), "
    "7)]",
    "st = S.stft(x, 256, 128)\nouts = [tf.abs(st), tf.math.real(S.stft(x, 200, 80, fft_length=300, "
    "pad_end=True, window_fn=S.hamming_window)), S.inverse_stft(st, 256, 128), "
    "S.inverse_stft(st, 256, 128, window_fn=S.inverse_stft_window_fn(128)), "
    "S.inverse_stft(st, 300, 128), S.inverse_stft(st, 200, 100, window_fn=None)]",
    "outs = [S.linear_to_mel_weight_matrix(), S.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, "
    "7600.0), S.linear_to_mel_weight_matrix(8, 33, 1000, 0.0, 500.0, dtype=tf.float64)]",
    "outs = [S.dct(x), S.dct(x, norm='ortho'), S.idct(x), S.dct(x, type=3, norm='ortho'), "
    "tf.spectral.idct(x, norm='ortho'), S.mfccs_from_log_mel_spectrograms(tf.log(tf.abs(S.stft("
    "x, 256, 128)[..., :40]) + 1e-3))]",
]


def _check(oracle, code, rtol=2e-6):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert "ok" in here, here
    for h, t in zip(here["ok"], there["ok"]):
        assert h[:2] == t[:2], (code, h[:2], t[:2])
        b = np.asarray(t[2])
        scale = max(1.0, float(np.max(np.abs(b), initial=0)))
        # (the oracle protocol rounds floats to 5 decimals)
        np.testing.assert_allclose(np.asarray(h[2]), b, rtol=0, atol=1.5e-5 + rtol * scale,
                                   err_msg=code)


@pytest.mark.oracle
@pytest.mark.parametrize("code", CASES)
def test_values_match_tf(oracle, code):
    _check(oracle, PRELUDE + code + RUN)


ERRORS = [
    "S.hann_window(4, dtype=tf.int32)",
    "S.linear_to_mel_weight_matrix(0)",
    "S.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0)",
    "S.linear_to_mel_weight_matrix(lower_edge_hertz=4000.0, upper_edge_hertz=3000.0)",
    "S.frame(tf.zeros([]), 2, 1)",
    "S.overlap_and_add(tf.zeros([3]), 1)",
    "S.overlap_and_add(tf.zeros([3, 3]), 1.0)",
    "S.dct(tf.zeros([4]), norm='x')",
]


@pytest.mark.oracle
@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_tf(oracle, call):
    code = ("S = tf.signal\ntry:\n    %s\n    result = None\nexcept Exception as e:\n"
            "    result = [type(e).__name__, str(e)]\n" % call)
    assert run_here(code) == oracle(code)


@pytest.mark.oracle
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(n=st.integers(1, 40), length=st.integers(1, 12), step=st.integers(1, 12),
       pad_end=st.booleans(), lead=st.integers(1, 3))
def test_random_frames_match_tf(oracle, n, length, step, pad_end, lead):
    assume(pad_end or n >= length)  # (TF's overlap_and_add fails on zero frames)
    code = ("v = np.arange(%d * %d, dtype=np.float32).reshape(%d, %d) ** 1.5\n"
            "f = tf.signal.frame(tf.constant(v), %d, %d, pad_end=%s)\n"
            "outs = [f, tf.signal.overlap_and_add(f, %d)]\n" % (lead, n, lead, n, length, step,
                                                              pad_end, step)) + RUN
    _check(oracle, code)
