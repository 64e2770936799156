"""eigen_tanh: TF's float32 Tanh and Sigmoid kernels bit for bit (Eigen's fast-math rational
tanh, its exp-based logistic with the scalar tail of a flat tensor), and their gradients
(TanhGrad, SigmoidGrad), compared with TF through the same TF1 program."""

import jax
import numpy as np
import pytest

from scopeflow.lowering.lower import x64
from scopeflow.ops.eigen_tanh import eigen_logistic, eigen_tanh
from tests.oracle import bits_compared

SPECIALS = [0.0, -0.0, 1e-40, -1e-40, 1e-30, np.inf, -np.inf, np.nan, 7.9, 7.907, 8.0, -8.0,
            16.6, 16.7, -103.9, -104.0, -104.1, 3.4e38, -3.4e38, 0.0004, -9.0, 1.25]

# (sizes not a multiple of 8: the last elements take Eigen's scalar path)
CODE = """
x = np.array(%s, np.float32)
p = tf.placeholder(tf.float32, [None])
ys = [tf.tanh(p), tf.sigmoid(p)]
grads = tf.gradients(ys[0], p, grad_ys=p) + tf.gradients(ys[1], p, grad_ys=p * 3.0)
with tf.Session() as s:
    result = [[np.asarray(v).view(np.uint32).tolist() for v in s.run(ys + grads, {p: x[:n]})]
              for n in %r]
"""
SIZES = [1, 7, 8, 13, 40007]


def _inputs():
    rs = np.random.RandomState(0)
    return np.concatenate([np.float32(SPECIALS), np.linspace(-20, 20, 20001, dtype=np.float32),
                           (rs.randn(20000) * 4).astype(np.float32),
                           np.float32(SPECIALS)]).astype(np.float32)


@pytest.mark.oracle
def test_tanh_sigmoid_and_gradients_equal_tf_bit_for_bit(oracle):
    x = _inputs()
    text = repr(x.tolist()).replace("nan", "np.nan").replace("inf", "np.inf")
    bits_compared(oracle, CODE % (text, SIZES), x,
                  ["tanh", "sigmoid", "tanh grad", "sigmoid grad"])


def test_not_xla_tanh_nor_exact_logistic():
    # the approximations are TF's own: many values differ from XLA's tanh and from the
    # correctly rounded logistic, all within a few ulp
    x = np.linspace(-10, 10, 4096, dtype=np.float32)
    with x64():
        t = np.asarray(jax.jit(eigen_tanh)(x))
        s = np.asarray(jax.jit(eigen_logistic)(x))
    exact_s = (1 / (1 + np.exp(-x.astype(np.float64)))).astype(np.float32)
    assert np.mean(t != np.asarray(jax.jit(jax.numpy.tanh)(x))) > 0.1
    assert np.mean(s != exact_s) > 0.05
    np.testing.assert_allclose(t, np.tanh(x.astype(np.float64)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(s, exact_s, rtol=1e-6, atol=1e-7)
