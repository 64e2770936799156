"""`tanh` of float32 as TF's Eigen CPU kernel computes it, bit for bit.

TF's `Tanh` kernel evaluates Eigen's fast-math float tanh: the input clamped to
[-7.90738964, 7.90738964] (the smallest argument the approximation rounds to 1 without fused
multiply-adds, which TF's x86 build does not use) and a [9/8] rational approximation, x times
an odd polynomial in x^2 over an even one, each product and sum rounded on its own; vector and
scalar paths alike. XLA's tanh is another approximation (with fused multiply-adds): before this
kernel 236,859 of 420,002 float32 inputs in [-12, 12] differed from TF's by up to 7 ulp, which
the gradient 1 - y^2 amplifies near saturation (tanh'(6): 4.959e-05 vs TF's 4.911e-05). With
it, 0 differ (tests/ops/test_eigen_tanh.py). Inputs TF reads as zero (denormals) give +-0.
Other dtypes keep XLA's tanh.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import libm32
from scopeflow.ops.eigen_exp import float32_kernel
from scopeflow.ops.rounding import round_against, round_each

_CLAMP = np.float32(7.90738964080810547)
# the numerator's (odd) and denominator's (even) coefficients in x^2, highest first
_NUM = tuple(np.float32(c) for c in (1.394553628e-8, 2.102733560e-5, 3.520756727e-3,
                                     1.340216100e-1))
_DEN = tuple(np.float32(c) for c in (8.015776984e-7, 3.326951409e-4, 2.597254514e-2,
                                     4.673548340e-1, 1.0))


# Each product that feeds a sum is kept from fusing into it (round_against): tied to the
# kernel's input, whose NaN test XLA computes once per element for all of them (a NaN input
# makes every such product NaN); tied each to itself (round_each), each product cost a test,
# a conversion and a xor, half of an LSTM step's Tanh and Sigmoid. Products that feed only
# products and quotients need no tie: only a sum takes a product into a fused multiply-add.
def _horner(t, coefficients, x):
    acc = jnp.full(t.shape, coefficients[0], t.dtype)
    for c in coefficients[1:]:
        acc = round_against(acc * t, x) + c
    return acc


def eigen_tanh(x):
    """tanh(x) as TF's CPU kernel computes it on float32."""
    # (denormals read as zero, as TF's threads run; the sign stays)
    x = jnp.where(jnp.abs(x) < np.finfo(np.float32).tiny, x * np.float32(0), x)
    c = jnp.clip(x, -_CLAMP, _CLAMP)
    c = jnp.where(jnp.isnan(x), x, c)
    x2 = c * c
    p = round_against(x2 * c * _horner(x2, _NUM, x), x) + c
    return p / _horner(x2, _DEN, x)


tanh_op = float32_kernel(eigen_tanh, jnp.tanh, lambda x, y, t: t * (1 - y * y),
                         "The kernel of TF's `Tanh` op: Eigen's float32 tanh, XLA's otherwise.")


# ---- the logistic function -------------------------------------------------------------------
# Eigen's float logistic on a packet: exp(x) from exp(x / 2) squared (a degree-5 polynomial after
# Cephes' two-part ln 2 reduction, 2^m put in by the exponent bits), then e / (1 + e); inputs
# below -104 give 0 and above 16.6355324 are clamped (the result rounds to 1). The last
# `size % 8` elements of a flat tensor take the scalar path, glibc's expf and e / (1 + e).
_LOG2E = np.float32(1.44269504088896341)
_LN2_HI, _LN2_LO = np.float32(-0.693359375), np.float32(2.12194440e-4)
_EXP_P = tuple(np.float32(c) for c in (0.49999141693115234375, 0.16666877269744873046875,
                                       4.1898667812347412109375e-2,
                                       8.33471305668354034423828125e-3))
_EXP_HI, _EXP_LO = np.float32(16.6355324), np.float32(-104.0)
PACKET = 8  # floats per AVX register: Eigen's vectorized stretch of a flat tensor


def _packet_logistic(x0):
    def madd(a, b, c):  # (tied to the input: see _horner)
        return round_against(a * b, x0) + c

    x = jnp.minimum(x0, _EXP_HI) * np.float32(0.5)
    x = jnp.where(jnp.isnan(x0), x0, x)
    m = jnp.floor(madd(x, _LOG2E, np.float32(0.5)))
    r = madd(m, _LN2_LO, madd(m, _LN2_HI, x))
    r2 = r * r
    p2, p3, p4, p5 = _EXP_P
    p = madd(r, madd(r2, p5, p3), madd(r2, p4, p2))
    p = madd(r2, p, r + np.float32(1))
    # 2^m from its exponent bits (m is in [-75, 12] here: a normal number)
    scale = jax.lax.bitcast_convert_type(
        (jnp.where(jnp.isnan(m), 0, m).astype(jnp.int32) + 127) << 23, jnp.float32)
    e = p * scale
    e = round_against(e * e, x0)
    return jnp.where(x0 < _EXP_LO, np.float32(0), e / (e + np.float32(1)))


def _scalar_logistic(x):
    # glibc's expf (in double: needs x64), in flush-to-zero mode
    e = libm32.expf_ftz(jnp.minimum(x, _EXP_HI))
    return e / (e + np.float32(1))


def eigen_logistic(x):
    """1 / (1 + exp(-x)) as TF's CPU `Sigmoid` kernel computes it on float32."""
    # (denormals read as zero, as TF's threads run)
    x = jnp.where(jnp.abs(x) < np.finfo(np.float32).tiny, x * np.float32(0), x)
    head = (x.size // PACKET) * PACKET
    if head == x.size:
        return _packet_logistic(x)
    flat = x.reshape(-1)
    return jnp.concatenate([_packet_logistic(flat[:head]),
                            _scalar_logistic(flat[head:])]).reshape(x.shape)


sigmoid_op = float32_kernel(
    eigen_logistic, jax.nn.sigmoid, lambda x, y, t: t * (y * (1 - y)),
    "The kernel of TF's `Sigmoid` op: Eigen's float32 logistic, XLA's otherwise.")


def sigmoid_grad_op(y, dy):
    """TF's SigmoidGrad kernel: dy * (y * (1 - y)) on Eigen's packets, (dy * y) * (1 - y) on
    the scalar tail of the flat tensor (float32; other dtypes the scalar order), each product
    rounded."""
    y, dy = jnp.asarray(y), jnp.asarray(dy)
    one = jnp.ones((), y.dtype)

    def packet(a, g):
        return g * round_each(a * (one - a))

    def scalar(a, g):
        return round_each(g * a) * (one - a)

    head = (y.size // PACKET) * PACKET if y.dtype == jnp.float32 else 0
    if head == y.size:
        return packet(y, dy)
    if head == 0:
        return scalar(y, dy)
    fy, fg = y.reshape(-1), dy.reshape(-1)
    return jnp.concatenate([packet(fy[:head], fg[:head]),
                            scalar(fy[head:], fg[head:])]).reshape(y.shape)
