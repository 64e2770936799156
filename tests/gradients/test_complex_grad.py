"""Gradients of Complex, Real, Imag, Conj, ComplexAbs, Angle and ConjugateTranspose: TF's graph
and values (a real loss of a complex input gets dL/dRe + i dL/dIm, TF's convention),
broadcasting in Complex."""

import pytest
from approx import check_grad_graph

CASES = [
    "y = tf.abs(z)",
    "y = tf.math.real(z) * 2.0 + tf.math.imag(z) ** 2",
    "y = tf.abs(tf.math.conj(z) * z + z)",
    "y = tf.math.angle(z)",
    "y = tf.abs(tf.complex(a, b))",
    "y = tf.math.real(tf.complex(a, b[:1]) * z)",
    "y = tf.abs(tf.transpose(z, conjugate=True) * tf.constant([1.0, 2.0, 3.0], z.dtype) "
    "+ tf.linalg.adjoint(z))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES)
def test_complex_gradients_match_tf(oracle, case, dtype):
    check_grad_graph(oracle, (
        "def build(dt):\n"
        "    rng = np.random.RandomState(0)\n"
        "    a = tf.constant(rng.randn(3, 4), dt)\n"
        "    b = tf.constant(rng.randn(3, 4), dt)\n"
        "    z = tf.complex(a + 0.5, b - 0.25)\n"
        "    %s\n"
        "    return tf.reduce_sum(y * y), [z, a, b]\n"
        "result = grad_graph(build, (tf.%s,))\n" % (case, dtype)), tol=1e-5)
