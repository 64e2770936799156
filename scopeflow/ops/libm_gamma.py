"""TF's float32 `Lgamma` and `Digamma` kernels, bit for bit, for inputs above zero.

TF's CPU `Lgamma` calls the C library's `lgammaf_r` per element; glibc's (up to 2.40) is Sun's
fdlibm algorithm carried to float: rational and polynomial approximations on [0, 2] around
lgamma's zeros 1 and 2 and its minimum, a recurrence up to 8, Stirling's series above, each
step in float32 without fused multiply-adds (x86-64's build), and glibc's `logf`
(ops/libm32.py). TF's `Digamma` is Eigen's Cephes-based scalar code: the recurrence
psi(x + 1) = psi(x) + 1/x until x >= 10, then log(x) - 1/(2x) minus a polynomial in 1/x^2,
with the C library's `logf`. XLA's own lgamma (a Lanczos sum) and digamma differed from TF's
in 55-99% of float32 inputs, lgamma by up to millions of ulps next to its zeros (lgamma(1)
was 1.2e-7; TF's is 0).

Not covered, and left to XLA's functions: inputs below zero (glibc takes those through
`lgamma_negf`'s tables and `sinf` / `cosf`, Eigen's digamma through `tanf`), and float64,
float16 and bfloat16 (TF computes half types in float and rounds).

>>> import numpy as np
>>> from scopeflow.lowering.lower import x64
>>> with x64():  # glibc's logf works in double, as inside a run
...     float(lgammaf(np.float32([1.0]))[0]), float(lgammaf(np.float32([0.5]))[0])
(0.0, 0.5723649263381958)
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import libm32
from scopeflow.ops.rounding import round_against, round_each

_F = np.float32


def _consts(*values):
    return tuple(_F(v) for v in values)


# e_lgammaf_r.c's coefficients (float, as glibc stores them)
_A = _consts(7.7215664089e-02, 3.2246702909e-01, 6.7352302372e-02, 2.0580807701e-02,
             7.3855509982e-03, 2.8905137442e-03, 1.1927076848e-03, 5.1006977446e-04,
             2.2086278477e-04, 1.0801156895e-04, 2.5214456400e-05, 4.4864096708e-05)
_TC, _TF, _TT = _consts(1.4616321325e+00, -1.2148628384e-01, 6.6971006518e-09)
_T = _consts(4.8383611441e-01, -1.4758771658e-01, 6.4624942839e-02, -3.2788541168e-02,
             1.7970675603e-02, -1.0314224288e-02, 6.1005386524e-03, -3.6845202558e-03,
             2.2596477065e-03, -1.4034647029e-03, 8.8108185446e-04, -5.3859531181e-04,
             3.1563205994e-04, -3.1275415677e-04, 3.3552918467e-04)
_U = _consts(-7.7215664089e-02, 6.3282704353e-01, 1.4549225569e+00, 9.7771751881e-01,
             2.2896373272e-01, 1.3381091878e-02)
_V = _consts(2.4559779167e+00, 2.1284897327e+00, 7.6928514242e-01, 1.0422264785e-01,
             3.2170924824e-03)
_S = _consts(-7.7215664089e-02, 2.1498242021e-01, 3.2577878237e-01, 1.4635047317e-01,
             2.6642270386e-02, 1.8402845599e-03, 3.1947532989e-05)
_R = _consts(1.3920053244e+00, 7.2193557024e-01, 1.7193385959e-01, 1.8645919859e-02,
             7.7794247773e-04, 7.3266842264e-06)
_W = _consts(4.1893854737e-01, 8.3333335817e-02, -2.7777778450e-03, 7.9365057172e-04,
             -5.9518753551e-04, 8.3633989561e-04, -1.6309292987e-03)
_ONE, _HALF = _F(1), _F(0.5)


def _nested(var, coefficients, x0, first=None):
    """c0 + v * (c1 + v * (... + v * cn)) as C evaluates it, each product rounded on its own
    (`first`: the innermost term, when it is not the last coefficient)."""
    acc = coefficients[-1] if first is None else first
    for c in reversed(coefficients[:-1] if first is None else coefficients):
        acc = round_against(var * acc, x0) + c
    return acc


def _below_two(x, ix, x0):
    """lgamma(x) on (0, 2): -log(x) below 0.9, then one of three approximations in y."""
    small = ix <= 0x3F666666
    r = jnp.where(small, -libm32.logf_ftz(x), _F(0))
    case0 = jnp.where(small, ix >= 0x3F3B4A20, ix >= 0x3FDDA618)
    case1 = ~case0 & jnp.where(small, ix >= 0x3E6D3308, ix >= 0x3F9DA620)
    y = jnp.where(small, jnp.where(case0, _ONE - x, jnp.where(case1, x - (_TC - _ONE), x)),
                  jnp.where(case0, _F(2) - x, jnp.where(case1, x - _TC, x - _ONE)))
    z = y * y
    # case 0: around 1 (and 2) by y = 1 - x (2 - x)
    p1 = _nested(z, _A[0::2], x0)
    p2 = round_against(z * _nested(z, _A[1::2], x0), x0)
    p = round_against(y * p1, x0) + p2
    r0 = r + (p - round_against(_HALF * y, x0))
    # case 1: around the minimum tc, in w = y^3
    w = z * y
    q1 = _nested(w, _T[0::3], x0)
    q2 = _nested(w, _T[1::3], x0)
    q3 = _nested(w, _T[2::3], x0)
    q = round_against(z * q1, x0) - (_TT - round_against(w * (q2 + round_against(y * q3, x0)),
                                                         x0))
    r1 = r + (_TF + q)
    # case 2: a rational function of y
    n = y * _nested(y, _U, x0)
    d = _nested(y, (_ONE,) + _V, x0)
    r2 = r + (round_against(-_HALF * y, x0) + n / d)
    return jnp.where(case0, r0, jnp.where(case1, r1, r2))


def _below_eight(x, x0):
    """lgamma(x) on [2, 8): lgamma(2 + y) by a rational function, times (y + 2)...(y + i - 1)."""
    i = jnp.floor(x)
    y = x - i
    p = y * _nested(y, _S, x0)
    q = _nested(y, (_ONE,) + _R, x0)
    r = round_against(_HALF * y, x0) + p / q
    z = jnp.full_like(x, _ONE)
    for k in (7, 6, 5, 4, 3):  # z *= (y + k - 1) for each k <= i, the largest first
        z = jnp.where(i >= k, z * (y + _F(k - 1)), z)
    return jnp.where(i >= 3, r + libm32.logf_ftz(z), r)


def _stirling(x, x0):
    """lgamma(x) on [8, 2^26): (x - 1/2)(log x - 1) + w(1/x)."""
    t = libm32.logf_ftz(x)
    z = _ONE / x
    y = z * z
    w = _W[0] + round_against(z * _nested(y, _W[1:], x0), x0)
    return round_against((x - _HALF) * (t - _ONE), x0) + w


def lgammaf(x):
    """glibc's lgammaf(x) of float32 `x` > 0 (and of zeros, infinities, NaN), as TF's Lgamma
    gets it (denormals read as zero); other negative inputs give XLA's lgamma. Needs x64."""
    # (opaque: XLA would fold an input's own arithmetic into glibc's, `(a + 1) - 1` into `a`)
    x = round_each(jnp.asarray(x, jnp.float32))
    x0 = x
    hx = jax.lax.bitcast_convert_type(x, jnp.int32)
    ix = hx & 0x7FFFFFFF
    out = jnp.where(ix < 0x40000000, _below_two(x, ix, x0),
                    jnp.where(ix < 0x41000000, _below_eight(x, x0),
                              jnp.where(ix < 0x4C800000, _stirling(x, x0),
                                        x * (libm32.logf_ftz(x) - _ONE))))
    out = jnp.where((ix == 0x3F800000) | (ix == 0x40000000), _F(0), out)
    out = jnp.where(hx < 0, jax.lax.lgamma(x), out)
    # |x| < 2^-30: -log|x| (a denormal, read as zero by logf only: about 103.97)
    out = jnp.where(ix < 0x30800000, -libm32.logf_ftz(jnp.abs(x)), out)
    out = jnp.where(ix == 0, _F(np.inf), out)  # 1 / |x|
    return jnp.where(ix >= 0x7F800000, x * x, out)  # inf and NaN


# Eigen's digamma_impl_maybe_poly<float>: 1/s^2 times a cubic in it, for s >= 10
_PSI = _consts(-4.16666666666666666667E-3, 3.96825396825396825397E-3,
               -8.33333333333333333333E-3, 8.33333333333333333333E-2)


def digammaf(x):
    """Eigen's float digamma(x) for float32 `x` > 0 (zero gives NaN, as Eigen's), as TF's
    Digamma computes it; negative inputs give XLA's digamma. Needs x64 (glibc's logf)."""
    x = round_each(jnp.asarray(x, jnp.float32))  # (opaque, as lgammaf's)
    x0 = x
    # (denormals read as zero: Eigen's x <= 0 branch, whose floor(0) == 0 returns NaN)
    pos = x >= np.finfo(np.float32).tiny
    s = jnp.where(pos, x, _ONE)
    w = jnp.zeros_like(s)
    for _ in range(10):  # while s < 10: w += 1 / s; s += 1 (at most 10 times for s > 0)
        more = s < _F(10)
        w = jnp.where(more, w + _ONE / s, w)
        s = jnp.where(more, s + _ONE, s)
    z = _ONE / (s * s)
    poly = _PSI[0]
    for c in _PSI[1:]:
        poly = round_against(poly * z, x0) + c
    y = jnp.where(s < _F(1.0e8), round_against(z * poly, x0), _F(0))
    y = libm32.logf_ftz(s) - _HALF / s - y - w
    y = jnp.where(pos, y, jax.lax.digamma(x))
    return jnp.where(x == 0, _F(np.nan), jnp.where(jnp.isnan(x), x, y))


def _kernels():
    from jax.scipy import special
    from scopeflow.ops.eigen_exp import float32_kernel
    lgamma = float32_kernel(lgammaf, special.gammaln,
                            lambda x, y, t: t * special.digamma(x),
                            "The kernel of TF's `Lgamma` op: glibc's lgammaf on float32 above "
                            "zero, XLA's lgamma otherwise.")
    digamma = float32_kernel(digammaf, special.digamma,
                             lambda x, y, t: t * special.polygamma(1, x),
                             "The kernel of TF's `Digamma` op: Eigen's float digamma above "
                             "zero, XLA's otherwise.")
    return lgamma, digamma


lgamma_op, digamma_op = _kernels()
