"""`exp` and `log` of float32 as TF's Eigen CPU kernels compute them, bit for bit.

TF's `Exp` and `Log` kernels evaluate a flat tensor 8 floats at a time with Eigen's AVX
`pexp_float` / `plog_float`, and its last `size % 8` elements one at a time with the C
library's `expf` / `logf` (ops/libm32.py). TF's x86 build uses no fused multiply-adds: each
product is rounded before the sum it feeds (measured: with them, 5176 of 400035 exps and
91294 of 450035 logs would differ from TF's). Denormal inputs read as zero and denormal
results are flushed to zero, as TF's threads run. XLA's exp and log are other approximations:
94383 of 400035 float32 exps and 109274 of 450035 logs differed from TF's, by up to 5 and
3 ulp (tests/ops/test_eigen_exp.py's inputs: random, edges, every magnitude).

- exp (`_packet_exp`): x clamped to 88.723, m = floor(x log2(e) + 1/2), r = x - m ln 2 in
  Cephes' two parts, a degree-6 polynomial (even and odd halves in r^2), times 2^m (put in by
  exponent bits, in two steps where 2^m alone would overflow); 0 below -104.
- log (`_packet_log`): x = m 2^e with m in [1/2, 1), moved to [sqrt(1/2), sqrt(2)) and less 1,
  log(1 + t) ~ t p(t) / q(t) (degrees 2 and 3), plus e ln 2; 0 gives -inf, negatives NaN.

Kernels that evaluate exp inside a reduction over rows (softmax cross-entropy's sum of
exponentials) take the scalar path for the last `cols % 8` floats of each row: `stretch`.
Other dtypes keep XLA's exp and log.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import libm32
from scopeflow.ops.rounding import round_against

PACKET = 8  # floats per AVX register: Eigen's vectorized stretch of a flat tensor
_TINY = np.float32(np.finfo(np.float32).tiny)

_EXP_HI, _EXP_LO = np.float32(88.723), np.float32(-104.0)
_LOG2E = np.float32(1.44269504088896341)
_LN2_HI, _LN2_LO = np.float32(-0.693359375), np.float32(2.12194440e-4)
# exp(r) ~ 1 + r + p2 r^2 + ... + p6 r^6 on [-ln(2)/2, ln(2)/2]
_P2, _P3, _P4, _P5, _P6 = (np.float32(c) for c in (
    0.49999988079071044921875, 0.16666518151760101318359375, 4.166965186595916748046875e-2,
    8.36894474923610687255859375e-3, 1.37449637986719608306884765625e-3))
# log(1 + t) ~ t (a0 t^2 + a1 t + a2) / (b0 t^3 + b1 t^2 + b2 t + b3) on [sqrt(1/2)-1, sqrt(2)-1]
_LOG_NUM = tuple(np.float32(c) for c in (0.18256296349849254, 1.0000000190281063,
                                         1.0000000190281136))
_LOG_DEN = tuple(np.float32(c) for c in (0.049616247954120038, 0.59923249590823520,
                                         1.4999999999999927, 1.0))
_SQRT_HALF = np.float32(0.707106781186547524)
_LN2 = np.float32(0.693147180559945309417)


def _madd(a, b, c, x0):
    """a * b + c as two roundings (no fused multiply-add): the product tied to the kernel's
    input `x0`, whose NaN test XLA computes once for all of a kernel's products (each product
    tied to itself costs a test, a conversion and a xor; a NaN input makes them all NaN)."""
    return round_against(a * b, x0) + c


def _flush(x):
    # (sign kept: -denormal reads as -0)
    return jnp.where(jnp.abs(x) < _TINY, x * np.float32(0), x)


def _pow2(k):
    """2^k (int32, in [-126, 127]) from its exponent bits."""
    return jax.lax.bitcast_convert_type((k + 127) << 23, jnp.float32)


def _packet_exp(x0):
    x0 = _flush(x0)
    x = jnp.minimum(x0, _EXP_HI)
    m = jnp.floor(_madd(x, _LOG2E, np.float32(0.5), x0))
    r = _madd(m, _LN2_LO, _madd(m, _LN2_HI, x, x0), x0)
    r2 = r * r  # (a product that feeds only products needs no tie)
    even = _madd(r2, _madd(r2, _P6, _P4, x0), _P2, x0)
    odd = _madd(r2, _P5, _P3, x0)
    y = _madd(r2, _madd(r, odd, even, x0), r + np.float32(1), x0)
    # y * 2^m, m in [-151, 128]: 2^(m/2) first (exact, normal), then a single rounding
    k = jnp.where(jnp.isnan(m), 0, m).astype(jnp.int32)
    half = k >> 1
    out = y * _pow2(half) * _pow2(k - half)
    out = jnp.maximum(_flush(out), x0)  # (+inf stays, NaN stays)
    return jnp.where(x0 < _EXP_LO, np.float32(0), out)


def _packet_log(x0):
    x0 = _flush(x0)
    bits = jax.lax.bitcast_convert_type(x0, jnp.uint32)
    # frexp: the mantissa in [1/2, 1) (the sign kept) and the exponent; zero, inf, NaN as they are
    e = ((bits >> 23) & 0xFF).astype(jnp.int32) - 126
    m = jax.lax.bitcast_convert_type((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000),
                                     jnp.float32)
    low = m < _SQRT_HALF
    t = (m - np.float32(1)) + jnp.where(low, m, np.float32(0))
    e = (e - low.astype(jnp.int32)).astype(jnp.float32)
    # (each product tied to the input: LLVM knows t, from the mantissa bits, is never NaN, so
    # round_each's NaN test would fold away and products fuse into the sums they feed)
    p = jnp.full(t.shape, _LOG_NUM[0], t.dtype)
    for c in _LOG_NUM[1:]:
        p = round_against(p * t, x0) + c
    q = jnp.full(t.shape, _LOG_DEN[0], t.dtype)
    for c in _LOG_DEN[1:]:
        q = round_against(q * t, x0) + c
    y = round_against(e * _LN2, x0) + round_against(t * p, x0) / q
    y = jnp.where(x0 == np.float32(np.inf), x0, y)
    y = jnp.where((x0 < 0) | jnp.isnan(x0), np.float32(np.nan), y)
    return jnp.where(x0 == 0, np.float32(-np.inf), y)


def _tailed(packet, scalar, x, stretch):
    """`packet` on each run of `stretch` elements but its last `stretch % 8`, `scalar` there."""
    stretch = x.size if stretch is None else stretch
    head = (stretch // PACKET) * PACKET
    if head == stretch or x.size == 0:
        return packet(x)
    if head == 0:
        return scalar(x)
    runs = x.reshape(-1, stretch)
    return jnp.concatenate([packet(runs[:, :head]), scalar(runs[:, head:])],
                           axis=1).reshape(x.shape)


def eigen_exp(x, stretch=None):
    """exp(x) as TF's CPU kernels compute it on float32, for a kernel evaluating contiguous
    runs of `stretch` elements (the whole tensor by default; a row inside a row reduction).
    The scalar path computes in double: call under x64, as inside a run."""
    return _tailed(_packet_exp, libm32.expf_ftz, jnp.asarray(x), stretch)


def eigen_exp_pair(x):
    """(eigen_exp(x, cols), eigen_exp(x)) of a (rows, cols) matrix, as a row reduction reads
    exp and as a kernel over the flat tensor computes it (softmax cross-entropy needs both):
    the packet path is elementwise, so both take its values from one evaluation, and only
    their scalar tails differ (half the operations to trace, lower and compile)."""
    x = jnp.asarray(x)
    packets = _packet_exp(x)

    def tailed(stretch):
        head = (stretch // PACKET) * PACKET
        if head == stretch or x.size == 0:
            return packets
        if head == 0:
            return libm32.expf_ftz(x)
        runs, done = x.reshape(-1, stretch), packets.reshape(-1, stretch)
        return jnp.concatenate([done[:, :head], libm32.expf_ftz(runs[:, head:])],
                               axis=1).reshape(x.shape)

    return tailed(x.shape[1]), tailed(x.size)


def eigen_log(x, stretch=None):
    """log(x) as TF's CPU kernels compute it on float32 (see `eigen_exp`)."""
    return _tailed(_packet_log, libm32.logf_ftz, jnp.asarray(x), stretch)


def float32_kernel(eigen, other, tangent, doc):
    """A TF op's kernel: `eigen` on float32 (TF's Eigen approximation), `other` (XLA's) on
    other dtypes, differentiated by `tangent(x, y, t)` (never through the bit operations).
    `eigen` is traced once per shape (jax.jit's cache): an unrolled RNN calls it per step and
    op, and each trace of its bit operations costs about 30 ms."""
    eigen = jax.jit(eigen)

    @jax.custom_jvp
    def kernel(x):
        x = jnp.asarray(x)
        return eigen(x) if x.dtype == jnp.float32 else other(x)

    @kernel.defjvp
    def _jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        y = kernel(x)
        return y, tangent(x, y, t)

    kernel.__doc__ = doc
    return kernel


exp_op = float32_kernel(eigen_exp, jnp.exp, lambda x, y, t: t * y,
                        "The kernel of TF's `Exp` op: Eigen's float32 exp, XLA's otherwise.")
log_op = float32_kernel(eigen_log, jnp.log, lambda x, y, t: t / x,
                        "The kernel of TF's `Log` op: Eigen's float32 log, XLA's otherwise.")


# ---- expm1, log1p and softplus, built on them --------------------------------------------------
# Eigen's packets evaluate W. Kahan's forms over pexp / plog; the scalar tail calls glibc's expm1f
# and log1pf, which are not modelled: XLA's expm1 and log1p stand in there (a few tail elements
# of a tensor may differ from TF's by an ulp or two).
def _packet_expm1(x):
    # (x itself where exp(x) rounds to 1: a denormal stays as it is)
    u = _packet_exp(x)
    um1 = u - np.float32(1)
    log_u = _packet_log(u)
    # (the quotient opaque: XLA would make um1 * (x / log_u) one quotient, (um1 * x) / log_u)
    y = jnp.where(log_u == u, u, um1 * round_against(x / log_u, x))  # (exp(x) = inf: inf)
    return jnp.where(u == 1, x, jnp.where(um1 == -1, np.float32(-1), y))


def _packet_log1p(x):
    x = _flush(x)  # (measured: TF's log1p of a denormal is +-0, its expm1 the denormal)
    # (opaque: XLA would fold (x + 1) - 1 into x)
    xp1 = round_against(x + np.float32(1), x)
    log1 = _packet_log(xp1)
    return jnp.where((xp1 == 1) | (log1 == xp1), x, x * (log1 / (xp1 - np.float32(1))))


# log(float32 epsilon) + 2: below it softplus(x) is exp(x), above its negation x
_SOFTPLUS_LOW = np.float32(np.log(np.float32(np.finfo(np.float32).eps))) + np.float32(2)


def _softplus_of(exp, log1p):
    def softplus(x):
        x = _flush(x)
        e = exp(x)
        return jnp.where(x > -_SOFTPLUS_LOW, x,
                         jnp.where(x < _SOFTPLUS_LOW, e, log1p(e)))
    return softplus


expm1_op = float32_kernel(
    lambda x: _tailed(_packet_expm1, jnp.expm1, x, None), jnp.expm1,
    lambda x, y, t: t * (y + 1), "TF's `Expm1` kernel (Eigen's packets on float32).")
log1p_op = float32_kernel(
    lambda x: _tailed(_packet_log1p, jnp.log1p, x, None), jnp.log1p,
    lambda x, y, t: t / (x + 1), "TF's `Log1p` kernel (Eigen's packets on float32).")
softplus_op = float32_kernel(
    lambda x: _tailed(_softplus_of(_packet_exp, _packet_log1p),
                      _softplus_of(libm32.expf_ftz, jnp.log1p), x, None),
    jax.nn.softplus, lambda x, y, t: t * jax.nn.sigmoid(x),
    "TF's `Softplus` kernel: x above -log(eps) - 2, exp(x) below log(eps) + 2, log1p(exp(x)) "
    "between (Eigen's packets on float32).")
