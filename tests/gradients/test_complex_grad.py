"""Gradients of Complex, Real, Imag, Conj, ComplexAbs, Angle and ConjugateTranspose: TF's graph
and values (a real loss of a complex input gets dL/dRe + i dL/dIm, TF's convention),
broadcasting in Complex."""

import pytest
from approx import agree, explain
from oracle import run_here

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
    code = (
        "rng = np.random.RandomState(0)\n"
        "a = tf.constant(rng.randn(3, 4).astype(np.%s))\n"
        "b = tf.constant(rng.randn(3, 4).astype(np.%s))\n"
        "z = tf.complex(a + 0.5, b - 0.25)\n%s\n"
        "g = [t for t in tf.gradients(tf.reduce_sum(y * y), [z, a, b]) if t is not None]\n"
        "ops = [[o.name, o.type, [i.name for i in o.inputs]]\n"
        "       for o in tf.get_default_graph().get_operations() if '_grad' in o.name]\n"
        "with tf.Session() as s:\n"
        "    v = s.run(g)\n"
        "result = [ops, [[np.real(x).tolist(), np.imag(x).tolist()] for x in v]]\n"
        % (dtype, dtype, case))
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=1e-5), explain(code, here, there)
