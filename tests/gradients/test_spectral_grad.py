"""Gradients of FFT/IFFT (1-3D) and RFFT/IRFFT (1D, 2D): TF's graph op by op (names, types,
inputs) and values, through ComplexAbs, float32 and float64."""

import pytest
from approx import agree, explain
from oracle import run_here

RECORD = (
    "def record(grads):\n"
    "    ops = [[o.name, o.type, [i.name for i in o.inputs]]\n"
    "           for o in tf.get_default_graph().get_operations() if '_grad' in o.name]\n"
    "    with tf.Session() as s:\n"
    "        return [ops, [v.tolist() for v in s.run(grads)]]\n"
    "rng = np.random.RandomState(0)\n")

C = "tf.constant((rng.randn(3, 8) + 1j * rng.randn(3, 8)).astype(np.%s))"
R = "tf.constant(rng.randn(3, 8).astype(np.%s))"

CASES = [
    ("x = %s" % C, "[tf.signal.fft(x), tf.signal.ifft(x), tf.signal.fft2d(x), "
     "tf.signal.ifft2d(x), tf.signal.fft3d(tf.reshape(x, [3, 2, 4])), "
     "tf.signal.ifft3d(tf.reshape(x, [2, 3, 4]))]"),
    ("x = %s" % R, "[tf.signal.rfft(x), tf.signal.rfft(x, [8]), tf.signal.rfft2d(x), "
     "tf.signal.rfft(tf.reshape(x, [4, 6]))]"),
    ("x = %s" % C, "[tf.signal.irfft(x), tf.signal.irfft(x, [15]), tf.signal.irfft2d(x), "
     "tf.signal.irfft2d(x, [3, 14])]"),
    ("x = %s" % C, "[tf.signal.irfft(x, [9])]"),
    ("x = %s" % R, "[tf.signal.rfft(x, [6])]"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("dtypes", [("complex64", "float32"), ("complex128", "float64")])
@pytest.mark.parametrize("source,outputs", CASES)
def test_fft_gradients_match_tf(oracle, source, outputs, dtypes):
    dt = dtypes[0] if "1j" in source else dtypes[1]
    code = RECORD + (source % dt) + "\nys = %s\n" % outputs + (
        "loss = tf.add_n([tf.reduce_sum(tf.abs(y) * tf.cos(tf.cast(tf.range(tf.size(y)), "
        "tf.abs(y).dtype)[:1])) if y.dtype.is_complex else tf.reduce_sum(tf.sin(y)) "
        "for y in ys])\n"
        "g = tf.gradients(loss, x)\n"
        "v = record(g)\n"
        "result = [v[0], [[[c.real, c.imag] if isinstance(c, complex) else c for c in row] "
        "for row in v[1][0]]]\n")
    here, there = run_here(code), oracle(code)
    fails = "[9]" in outputs or "[6]" in outputs  # (TF: a cropped input fails its gradient)
    assert ("ok" in there) != fails, there
    assert agree(here, there, tol=1e-5), explain(code, here, there)
