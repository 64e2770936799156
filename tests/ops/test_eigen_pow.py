"""eigen_pow: TF's float32 Pow kernel bit for bit (Eigen's packet pow over the flat output,
glibc's powf on its last `size % 8` elements), with broadcasting, TF's graph rewrites of
constant exponents and Pow's gradient, compared with TF through the same TF1 program."""

import jax
import numpy as np
import pytest

from scopeflow.lowering.lower import x64
from scopeflow.ops.eigen_pow import _packet_pow, _scalar_powf, eigen_pow
from tests.oracle import bit_mismatches, run_here

SPECIALS = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, np.inf, -np.inf, np.nan,
            1e-40, -1e-40, 1e-38, 3e38, 1e-20, 1.0000001, 0.9999999, 100.0, -100.0, 0.3, 2.5,
            -7.0, 1e9, 7.5e8, -7.5e8, 16777217.0, 33554432.0]

CODE = """
rs = np.random.RandomState(11)
sp = np.array(%s, np.float32)
n = 20000
x = np.concatenate([rs.uniform(0, 10, n), rs.randn(n) * 3, np.exp(rs.uniform(-90, 89, n)),
                    np.repeat(sp, sp.size)]).astype(np.float32)
y = np.concatenate([rs.uniform(-4, 4, n), np.round(rs.randn(n) * 4), rs.uniform(-1, 1, n),
                    np.tile(sp, sp.size)]).astype(np.float32)
p, q = tf.placeholder(tf.float32, [None]), tf.placeholder(tf.float32, [None])
m, v = tf.placeholder(tf.float32, [None, 13]), tf.placeholder(tf.float32, [13])
c = p[:61]
ys = [tf.pow(p, q), p ** 2.5, tf.pow(m, v), tf.pow(v, m), tf.pow(p[:5], q[:1]),
      tf.pow(c, 2.0), tf.pow(c, 3.0), tf.pow(c, 0.5), tf.pow(c, 1.0), tf.pow(c, 0.0),
      tf.pow(tf.abs(c), -2.0), tf.pow(tf.constant(x[:61]), 2.0),
      tf.pow(tf.constant(x[:61]), tf.constant(y[:61]))]
dx, dy = tf.gradients(ys[0], [p, q], grad_ys=q * 0.25)
with tf.Session() as s:
    result = []
    for k in %r:
        out = s.run(ys + [dx, dy], {p: x[:k], q: y[:k], m: x[:3 * 13 * 7].reshape(-1, 13),
                                    v: y[5:18]})
        result.append([np.asarray(o).view(np.uint32).ravel().tolist() for o in out])
"""
NAMES = ["pow", "pow 2.5", "pow broadcast", "pow broadcast reversed", "pow by a scalar",
         "pow 2 (Square)", "pow 3 (x * Square)", "pow 0.5 (Sqrt)", "pow 1", "pow 0",
         "pow -2", "constant ** 2 (folded)", "constant ** constant (folded)", "d/dx", "d/dy"]


@pytest.mark.oracle
def test_pow_equals_tf_bit_for_bit(oracle):
    specials = repr(SPECIALS).replace("nan", "np.nan").replace("inf", "np.inf")
    code = CODE % (specials, [60900, 7, 13, 1])
    there, here = oracle(code), run_here(code)
    assert "ok" in there and "ok" in here, (there, here)
    for want_k, got_k in zip(there["ok"], here["ok"]):
        for name, want, got in zip(NAMES, want_k, got_k):
            bad = bit_mismatches(np.array(got, np.uint32), np.array(want, np.uint32))
            assert bad.size == 0, (name, len(want), bad[:5])


def test_packets_and_tail_take_their_own_paths():
    # pow(3, 2.5) rounds differently on Eigen's packets and in glibc's powf? Either way both
    # paths are within an ulp of the exact value, and the tail of 11 elements is glibc's
    x = np.full(11, 3.0, np.float32)
    y = np.full(11, 2.5, np.float32)
    with x64():
        got = np.asarray(eigen_pow(x, y))
        packet = np.asarray(jax.jit(_packet_pow)(x, y))
        scalar = np.asarray(jax.jit(_scalar_powf)(x, y))
    assert (got[:8] == packet[:8]).all() and (got[8:] == scalar[8:]).all()
    exact = 3.0 ** 2.5
    assert abs(float(packet[0]) - exact) / exact < 2e-7
    assert abs(float(scalar[0]) - exact) / exact < 2e-7


def test_cpp_special_cases():
    x = np.float32([-8, 0, -0.0, np.inf, -np.inf, np.nan, 1, -1, 2, 1e-40] * 8)
    y = np.float32([1 / 3, -1, -1, -2, 3, 0, np.nan, np.inf, -np.inf, 1] * 8)
    with x64():
        got = np.asarray(eigen_pow(x, y))
    want = np.float32([np.nan, np.inf, -np.inf, 0, -np.inf, 1, 1, 1, 0, 1e-40] * 8)
    np.testing.assert_array_equal(got, want)
