"""`pow` of float32 as TF's CPU `Pow` kernel computes it, bit for bit.

TF's Pow evaluates Eigen's `generic_pow` on packets of 8 floats and glibc's `powf` on the last
`size % 8` elements of the flat output (`scalar_pow_op`: a packet op, `numext::pow` on one
scalar). XLA's pow is neither: 149,654 of 600,576 random float32 pairs differed from TF's by
an ulp or more, also where the exponent is an integer (tests/ops/test_eigen_pow.py).

- packets (`_packet_pow`): |x| = m 2^e with m in [sqrt(1/2), sqrt(2)), log2(m) as a double
  word (a degree-8 polynomial in m - 1, its last two Horner steps and the product by m - 1 in
  double-word arithmetic), y * e + y * log2(m) as a double word split into an integer n and
  a remainder r, exp2(r) = exp(ln2 * r) (Eigen's float exp, ops/eigen_exp.py) times
  1 + the low part of ln2 * r, scaled by 2^n; then C's special cases in Eigen's order.
  Each float product and sum is rounded on its own (TF's x86 build has no fused
  multiply-adds); exact two-products are taken in double, where a float product is exact.
- the tail (`_scalar_powf`): glibc's powf (x as 2^k z, log2 from a 16-entry table and a
  degree-5 polynomial, exp2 from the 32-entry table expf uses; in double, rounded once).

Denormals read as zero and denormal results are flushed to zero, as TF's threads run (except
pow(x, 1), which returns x itself). Both paths compute in double: call under x64, as inside
a run.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops.eigen_exp import PACKET, _packet_exp
from scopeflow.ops.libm32 import _EXP2F_TAB
from scopeflow.ops.rounding import round_against

_F32, _F64 = jnp.float32, jnp.float64
_TINY = np.float32(np.finfo(np.float32).tiny)
_INF, _NAN = np.float32(np.inf), np.float32(np.nan)

# accurate_log2<float>: log2(1 + t) / t ~ c0 + c1 t + t^2 p(t), c0 and c1 as double words
_LOG2_P = tuple(np.float32(c) for c in (
    9.7010828554630279541015625e-02, -1.6896486282348632812500000e-01,
    1.7200836539268493652343750e-01, -1.7892272770404815673828125e-01,
    2.0505344867706298828125000e-01, -2.4046677350997924804687500e-01,
    2.8857553005218505859375000e-01, -3.6067414283752441406250000e-01,
    4.8089790344238281250000000e-01))


def _split(c):
    hi = np.float32(c)
    return hi, np.float32(c - np.float64(hi))


_C0 = _split(1.442695041742110273474963832995854318141937255859375)
_C1 = _split(-7.2134751588268664068692714863573201000690460205078125e-01)
_SQRT_HALF = np.float32(0.70710678118654752440)
_LN2 = np.float32(0.693147180559945309417)
# |y| from which Eigen's pow takes y as infinite: 128 ln2 / float32 epsilon, in float
_HUGE = np.float32(np.float32(128) * _LN2) / np.float32(np.finfo(np.float32).eps)
_PREV_HALF = np.uint32(0x3EFFFFFF).view(np.float32)  # the float below 0.5


class _Ops:
    """Float32 arithmetic as Eigen's packets do it: each product rounded before the sum it
    feeds (tied to the kernel's input, see ops/rounding.py), exact products in double."""

    def __init__(self, tie):
        self.tie = tie

    def mul(self, a, b):
        return round_against(a * b, self.tie)

    def two_prod(self, a, b):
        """(hi, lo): a * b = hi + lo exactly, hi the rounded product."""
        p = a.astype(_F64) * b.astype(_F64)
        hi = p.astype(_F32)
        return hi, (p - hi.astype(_F64)).astype(_F32)

    def fast_two_sum(self, a, b):
        # (the sum opaque: XLA would fold (a + b) - a into b)
        s = round_against(a + b, self.tie)
        return s, b - (s - a)

    def dw_plus_dw(self, xh, xl, yh, yl):
        rh, rl = self.fast_two_sum(xh, yh)
        return self.fast_two_sum(rh, (yl + rl) + xl)

    def dw_times(self, xh, xl, y):
        """The double word (xh, xl) times the float y, as a double word."""
        ch, cl1 = self.two_prod(xh, y)
        th, tl1 = self.fast_two_sum(ch, self.mul(xl, y))
        return self.fast_two_sum(th, tl1 + cl1)


def _pround(a):
    """Eigen's AVX pround: trunc(a + copysign(0.49999997, a)), the sum rounded."""
    return jnp.trunc(a + jnp.copysign(_PREV_HALF, a))


def _log2(ops, m):
    """Eigen's accurate_log2<float> of m in [sqrt(1/2), sqrt(2)): a double word."""
    t = m - np.float32(1)
    p = jnp.full(t.shape, _LOG2_P[0], _F32)
    for c in _LOG2_P[1:]:
        p = ops.mul(p, t) + c
    ph, pl = ops.two_prod(t, p)
    ph, pl = ops.dw_plus_dw(jnp.full_like(t, _C1[0]), jnp.full_like(t, _C1[1]), ph, pl)
    ph, pl = ops.dw_times(ph, pl, t)
    ph, pl = ops.dw_plus_dw(jnp.full_like(t, _C0[0]), jnp.full_like(t, _C0[1]), ph, pl)
    return ops.dw_times(ph, pl, t)


def _scaled(a, n):
    """a * 2^n rounded once (n integral, as float), flushed to zero below the normal range."""
    n = jnp.clip(jnp.where(jnp.isnan(n), 0, n), -600, 600).astype(jnp.int64)
    scale = jax.lax.bitcast_convert_type((n + 1023) << 52, _F64)
    out = (a.astype(_F64) * scale).astype(_F32)
    return jnp.where(jnp.abs(out) < _TINY, out * np.float32(0), out)


def _pow_positive(ops, x, y):
    """Eigen's generic_pow_impl for x > 0 (other x give what the special cases replace)."""
    bits = jax.lax.bitcast_convert_type(x, jnp.uint32)
    biased = (bits >> 23) & 0xFF
    # frexp: x = m 2^e, m in [1/2, 1); zero, inf and NaN keep x with e = 0
    m = jax.lax.bitcast_convert_type((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000), _F32)
    plain = (x == 0) | (biased == 255)
    m = jnp.where(plain, x, m)
    e = jnp.where(plain, np.float32(0), biased.astype(_F32) - np.float32(126))
    low = m < _SQRT_HALF
    m = jnp.where(low, m * np.float32(2), m)
    e = jnp.where(low, e - np.float32(1), e)
    lh, ll = _log2(ops, m)
    f1h, f1l = ops.two_prod(e, y)
    f2h, f2l = ops.dw_times(lh, ll, y)
    fh, fl = ops.dw_plus_dw(f1h, f1l, f2h, f2l)
    n = _pround(fh)
    r = (fh - n) + fl
    n_r = _pround(r)
    r, n = r - n_r, n + n_r
    # generic_exp2(r) = exp(ln2 r) (1 + the low part of ln2 r)
    r = jnp.clip(r, np.float32(-151), np.float32(129))
    ph, pl = ops.two_prod(jnp.full_like(r, _LN2), r)
    return _scaled(_packet_exp(ph) * (pl + np.float32(1)), n)


def _packet_pow(x0, y0):
    """Eigen's generic_pow on float32 packets (x0, y0 of one shape)."""
    x = jnp.where(jnp.abs(x0) < _TINY, x0 * np.float32(0), x0)  # (denormals read as zero)
    y = jnp.where(jnp.abs(y0) < _TINY, y0 * np.float32(0), y0)
    ops = _Ops(x + y)  # (a NaN in either input gives NaN anyway)
    xa = jnp.abs(x)
    out = _pow_positive(ops, xa, y)
    x_neg, x_zero = x < 0, x == 0
    x_gt1, x_inf = xa > 1, xa == _INF
    y_neg, ya = y < 0, jnp.abs(y)
    y_int = (jnp.floor(y) == y) & (ya != _INF)
    half = y * np.float32(0.5)
    y_odd = y_int & ~(_pround(half) == half)
    out = jnp.where(x_neg & ~y_int, _NAN, out)
    out = jnp.where(x_zero, jnp.where(y_neg, _INF, np.float32(0)), out)
    out = jnp.where(jnp.signbit(x) & y_odd, -out, out)
    inf_y = jnp.where((y_neg & x_zero) | (y_neg ^ x_gt1), _INF, np.float32(0))
    inf_y = jnp.where(x == -1, np.float32(1), inf_y)
    out = jnp.where(_HUGE <= ya, inf_y, out)
    pos_inf = jnp.where(y_neg, np.float32(0), _INF)
    out = jnp.where(x_inf, jnp.where(x_neg & y_odd, -pos_inf, pos_inf), out)
    out = jnp.where(jnp.isnan(x) | jnp.isnan(y), _NAN, out)
    out = jnp.where((x == 1) | (y == 0), np.float32(1), out)
    return jnp.where(y == 1, x0, out)


# ---- glibc's powf (sysdeps/ieee754/flt-32/e_powf.c), the scalar tail --------------------------
_h = float.fromhex
_POWF_INVC = np.array([_h(s) for s in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0",
    "0x1.3c995b0b80385p+0", "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0",
    "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0", "0x1.0953f419900a7p+0", "0x1p+0",
    "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1", "0x1.b2036576afce6p-1",
    "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1", "0x1.767dcf5534862p-1")])
_POWF_LOGC = np.array([_h(s) for s in (
    "-0x1.efec65b963019p-2", "-0x1.b0b6832d4fca4p-2", "-0x1.7418b0a1fb77bp-2",
    "-0x1.39de91a6dcf7bp-2", "-0x1.01d9bf3f2b631p-2", "-0x1.97c1d1b3b7afp-3",
    "-0x1.2f9e393af3c9fp-3", "-0x1.960cbbf788d5cp-4", "-0x1.a6f9db6475fcep-5", "0x0p+0",
    "0x1.338ca9f24f53dp-4", "0x1.476a9543891bap-3", "0x1.e840b4ac4e4d2p-3",
    "0x1.40645f0c6651cp-2", "0x1.88e9c2c1b9ff8p-2", "0x1.ce0a44eb17bccp-2")])
_POWF_A = tuple(_h(s) for s in ("0x1.27616c9496e0bp-2", "-0x1.71969a075c67ap-2",
                                "0x1.ec70a6ca7baddp-2", "-0x1.7154748bef6c8p-1",
                                "0x1.71547652ab82bp0"))
_EXP2F_C = tuple(_h(s) for s in ("0x1.c6af84b912394p-5", "0x1.ebfce50fac4f3p-3",
                                 "0x1.62e42ff0c52d6p-1"))
_SHIFT = _h("0x1.8p+52") / 32
_OVER = _h("0x1.fffffffd1d571p+6")
# a subnormal x read as zero, as TF's threads run: glibc's normalization x * 2^23 gives 0 and
# the bits it goes on with, 0 - (23 << 23): log2 = -150
_DAZ_SUBNORMAL_BITS = np.uint32((1 << 32) - (23 << 23))


def _powf_core(ix, yd, negative):
    """exp2(y log2(x)) for the bits ix of a positive x, in double, rounded to float."""
    tmp = ix - np.uint32(0x3F330000)
    i = ((tmp >> 19) % 16).astype(jnp.int32)
    top = tmp & np.uint32(0xFF800000)
    k = (jax.lax.bitcast_convert_type(top, jnp.int32) >> 23).astype(_F64)
    z = jax.lax.bitcast_convert_type(ix - top, _F32).astype(_F64)
    a0, a1, a2, a3, a4 = _POWF_A
    ops = _Ops(yd)
    r = ops.mul(z, jnp.asarray(_POWF_INVC)[i]) - 1.0
    r2 = ops.mul(r, r)
    q = ops.mul(a4, r) + (jnp.asarray(_POWF_LOGC)[i] + k)
    q = ops.mul(ops.mul(a2, r) + a3, r2) + q
    logx = ops.mul(ops.mul(a0, r) + a1, ops.mul(r2, r2)) + q
    xd = ops.mul(yd, logx)
    kd = round_against(xd + _SHIFT, yd)
    ki = jax.lax.bitcast_convert_type(kd, jnp.uint64)
    r = xd - (kd - _SHIFT)
    t = jnp.asarray(_EXP2F_TAB)[(ki % 32).astype(jnp.int32)]
    t = t + ((ki + (negative.astype(jnp.uint64) << 16)) << 47)
    c0, c1, c2 = _EXP2F_C
    y = ops.mul(ops.mul(c0, r) + c1, ops.mul(r, r)) + (ops.mul(c2, r) + 1.0)
    out = ops.mul(y, jax.lax.bitcast_convert_type(t, _F64)).astype(_F32)
    out = jnp.where(xd > _OVER, _INF, jnp.where(xd <= -150.0, np.float32(0), out))
    out = jnp.where((xd > _OVER) & negative, -out, out)
    return jnp.where(jnp.abs(out) < _TINY, out * np.float32(0), out)  # (flush to zero)


def _checkint(iy):
    """glibc's checkint of nonzero finite y's bits: 0 not an integer, 1 odd, 2 even."""
    e = ((iy >> 23) & 0xFF).astype(jnp.int32)
    shift = jnp.clip(0x7F + 23 - e, 0, 31).astype(jnp.uint32)
    frac = (iy & ((jnp.uint32(1) << shift) - 1)) != 0
    odd = (iy & (jnp.uint32(1) << shift)) != 0
    return jnp.where(e < 0x7F, 0, jnp.where(e > 0x7F + 23, 2, jnp.where(frac, 0, jnp.where(
        odd, 1, 2))))


def _scalar_powf(x, y):
    """glibc's powf of float32 x and y, in flush-to-zero mode (denormals read as zero)."""
    ix = jax.lax.bitcast_convert_type(x, jnp.uint32)
    iy = jax.lax.bitcast_convert_type(y, jnp.uint32)
    ax, ay = ix & np.uint32(0x7FFFFFFF), iy & np.uint32(0x7FFFFFFF)
    yd = jnp.where(ay < 0x00800000, 0.0, y.astype(_F64))  # (a denormal y converts as 0)
    yint = _checkint(iy)
    negative = (ix >> 31 == 1) & (ay != 0) & (ay < 0x7F800000) & (yint == 1)
    bits = jnp.where(ax < 0x00800000, _DAZ_SUBNORMAL_BITS, ax)
    out = _powf_core(bits, yd, negative)
    out = jnp.where((ix >> 31 == 1) & (yint == 0), _NAN, out)
    # x zero, infinite or NaN: x^2 (its sign for an odd integer y), or 1 / that for y < 0
    x2 = x * x
    x2 = jnp.where((ix >> 31 == 1) & (yint == 1), -x2, x2)
    x_special = (ax == 0) | (ax >= 0x7F800000)
    out = jnp.where(x_special, jnp.where(iy >> 31 == 1, np.float32(1) / x2, x2), out)
    # y zero, infinite or NaN
    y_inf = jnp.where(ax == 0x3F800000, np.float32(1), jnp.where(
        (ax < 0x3F800000) == (iy >> 31 == 0), np.float32(0), _INF))
    y_inf = jnp.where((ax > 0x7F800000) | (ay > 0x7F800000), x + y, y_inf)
    y_inf = jnp.where(ix == 0x3F800000, np.float32(1), y_inf)
    out = jnp.where((ay == 0) | (ay >= 0x7F800000), y_inf, out)
    return jnp.where(ay == 0, np.float32(1), out)


def eigen_pow(x, y):
    """x ** y as TF's CPU Pow kernel computes it on float32 (x and y broadcast to the output's
    shape): packets over the flat output, glibc's powf on its last `size % 8` elements.

    >>> from scopeflow.lowering.lower import x64
    >>> with x64():
    ...     eigen_pow(jnp.float32([2, -8, 0]), jnp.float32([0.5, 1 / 3, -1])).tolist()
    [1.4142135381698608, nan, inf]
    """
    if not isinstance(x, jax.core.Tracer) and not isinstance(y, jax.core.Tracer):
        # known values (a graph's constants folded): one compiled program, not one per
        # primitive of the kernel run eagerly (~90 small compiles, 2-5 s on a first run)
        return _eigen_pow_compiled(x, y)
    return _eigen_pow(x, y)


def _eigen_pow(x, y):
    x, y = jnp.broadcast_arrays(jnp.asarray(x, _F32), jnp.asarray(y, _F32))
    head = (x.size // PACKET) * PACKET
    if head == x.size:
        return _packet_pow(x, y)
    fx, fy = x.reshape(-1), y.reshape(-1)
    if head == 0:
        return _scalar_powf(fx, fy).reshape(x.shape)
    return jnp.concatenate([_packet_pow(fx[:head], fy[:head]),
                            _scalar_powf(fx[head:], fy[head:])]).reshape(x.shape)


_eigen_pow_compiled = jax.jit(_eigen_pow)
