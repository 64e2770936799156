"""glibc's single-precision `logf`, `expf` and `sincosf` (glibc >= 2.28, x86-64), in JAX.

TF's CPU Box-Muller transform calls the C library's `logf` and `sincosf`; XLA's float32 log
and sin/cos round differently in a few percent of cases, so TF's normal samples are only
reproduced bit for bit by evaluating glibc's own algorithms (table + polynomial in double
precision, rounded once to float). Inputs are the ones Box-Muller produces: `logf` over
normal positive floats, `sincosf` over [0, 2*pi). TF's Exp, Log, Sigmoid, ... kernels call
`expf` and `logf` for the scalar tail of a tensor (ops/eigen_exp.py): `expf_ftz` and `logf_ftz`
take every float, in the flush-to-zero mode TF's threads run in.

>>> import numpy as np
>>> from scopeflow.lowering.lower import x64
>>> with x64():  # double precision inside, as inside a run
...     float(logf(np.float32([0.5]))[0])
-0.6931471824645996
"""

import jax
import jax.numpy as jnp
import numpy as np

# sysdeps/ieee754/flt-32/e_logf_data.c: (1/c, log(c)) per subinterval, ln 2, polynomial
_LOGF_INVC = np.array([float.fromhex(h) for h in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0",
    "0x1.3c995b0b80385p+0", "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0",
    "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0", "0x1.0953f419900a7p+0", "0x1p+0",
    "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1", "0x1.b2036576afce6p-1",
    "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1", "0x1.767dcf5534862p-1")])
_LOGF_LOGC = np.array([float.fromhex(h) for h in (
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2",
    "-0x1.b31d8a68224e9p-3", "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3",
    "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4", "-0x1.252f438e10c1ep-5", "0x0p+0",
    "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4", "0x1.526e57720db08p-3",
    "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2", "0x1.4043057b6ee09p-2")])
_LN2 = float.fromhex("0x1.62e42fefa39efp-1")
_A0, _A1, _A2 = (float.fromhex(h) for h in (
    "-0x1.00ea348b88334p-2", "0x1.5575b0be00b6ap-2", "-0x1.ffffef20a4123p-2"))

# sysdeps/ieee754/flt-32/s_sincosf_data.c (the !TOINT_INTRINSICS table used on x86-64)
_HPI_INV = float.fromhex("0x1.45F306DC9C883p+23")
_HPI = float.fromhex("0x1.921FB54442D18p0")
_C0, _C1, _C2, _C3, _C4 = (float.fromhex(h) for h in (
    "0x1p0", "-0x1.ffffffd0c621cp-2", "0x1.55553e1068f19p-5", "-0x1.6c087e89a359dp-10",
    "0x1.99343027bf8c3p-16"))
_S1, _S2, _S3 = (float.fromhex(h) for h in (
    "-0x1.555545995a603p-3", "0x1.1107605230bc4p-7", "-0x1.994eb3774cf24p-13"))


def _abstop12(bits):
    return (bits >> 20) & 0x7FF


_TOP_PIO4 = int(_abstop12(np.float32(np.pi / 4).view(np.uint32)))
_TOP_TINY = int(_abstop12(np.float32(2.0 ** -12).view(np.uint32)))


def logf(x):
    """glibc's logf for normal positive float32 `x` (the Box-Muller range [1e-7, 1))."""
    return _logf_bits(jax.lax.bitcast_convert_type(x, jnp.uint32))


def _logf_bits(ix):
    tmp = ix - jnp.uint32(0x3F330000)
    i = ((tmp >> 19) % 16).astype(jnp.int32)
    k = jax.lax.bitcast_convert_type(tmp, jnp.int32) >> 23
    iz = ix - (tmp & jnp.uint32(0x1FF << 23))
    z = jax.lax.bitcast_convert_type(iz, jnp.float32).astype(jnp.float64)
    r = z * jnp.asarray(_LOGF_INVC)[i] - 1.0
    y0 = jnp.asarray(_LOGF_LOGC)[i] + k.astype(jnp.float64) * _LN2
    r2 = r * r
    y = _A1 * r + _A2
    y = _A0 * r2 + y
    y = y * r2 + (y0 + r)
    return y.astype(jnp.float32)


def sincosf(v):
    """glibc's sincosf for float32 `v` in [0, 120): (sin, cos) as float32."""
    bits = jax.lax.bitcast_convert_type(v, jnp.uint32)
    top = _abstop12(bits)
    x = v.astype(jnp.float64)
    small = top < _TOP_PIO4  # |v| < ~pi/4: no range reduction
    n = ((x * _HPI_INV).astype(jnp.int32) + 0x800000) >> 24
    n = jnp.where(small, 0, n)
    xr = jnp.where(small, x, x - n.astype(jnp.float64) * _HPI)
    flip = (n & 2) != 0  # the second table entry negates the cosine polynomial
    sign = jnp.where(((n & 3) == 1) | ((n & 3) == 2), -1.0, 1.0)
    cs = jnp.where(flip, -1.0, 1.0)
    xs = xr * sign
    x2 = xr * xr
    x4 = x2 * x2
    x3 = x2 * xs
    c2 = cs * _C3 + x2 * (cs * _C4)
    s1 = _S2 + x2 * _S3
    c1 = cs * _C0 + x2 * (cs * _C1)
    x5 = x3 * x2
    x6 = x4 * x2
    s = xs + x3 * _S1
    c = c1 + x4 * (cs * _C2)
    sin_p = (s + x5 * s1).astype(jnp.float32)
    cos_p = (c + x6 * c2).astype(jnp.float32)
    odd = (n & 1) != 0
    sin_v = jnp.where(odd, cos_p, sin_p)
    cos_v = jnp.where(odd, sin_p, cos_p)
    tiny = top < _TOP_TINY
    return jnp.where(tiny, v, sin_v), jnp.where(tiny, jnp.float32(1), cos_v)


# glibc's logf of a subnormal, with denormals read as zero (as TF's threads run): x * 2^23 is
# then 0, and the bits it goes on with, 0 - (23 << 23), give log(2^-150) rounded ~ -103.97
_DAZ_SUBNORMAL_BITS = np.uint32((1 << 32) - (23 << 23))


def logf_ftz(x):
    """glibc's logf of any float32 `x`, denormal inputs read as zero (TF's threads)."""
    ix = jax.lax.bitcast_convert_type(x, jnp.uint32)
    y = _logf_bits(jnp.where(ix >= 0x00800000, ix, jnp.uint32(0x3F800000)))
    y = jnp.where(ix == 0x3F800000, jnp.float32(0), jnp.where(ix == 0x7F800000, x, y))
    # XLA's CPU threads, too, read denormals as zero: a float comparison finds zeros and
    # denormals alike (LLVM folds the bit tests that would tell them apart into that too)
    y = jnp.where(x == 0, jnp.float32(-np.inf), y)
    y = jnp.where(ix - np.uint32(1) < np.uint32(0x7FFFFF), _logf_bits(_DAZ_SUBNORMAL_BITS), y)
    # (negative numbers, with the negative denormals, and NaN: NaN)
    return jnp.where((ix > 0x7F800000) & (ix != 0x80000000), jnp.float32(np.nan), y)


# sysdeps/ieee754/flt-32/e_exp2f_data.c: 2^(i/32) as bits less i << 47, the polynomial, x86-64's
# build without fused multiply-adds (measured against this machine's libm.so.6)
_EXP2F_TAB = np.array([
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
    0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
    0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
    0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
    0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
    0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
    0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540],
    np.uint64)
_EXP_SHIFT = float.fromhex("0x1.8p+52")
_INVLN2_32 = float.fromhex("0x1.71547652b82fep+0") * 32
_E0, _E1, _E2 = (float.fromhex(h) / 32 ** k for h, k in (
    ("0x1.c6af84b912394p-5", 3), ("0x1.ebfce50fac4f3p-3", 2), ("0x1.62e42ff0c52d6p-1", 1)))
_EXPF_OVER = np.float32(float.fromhex("0x1.62e42ep6"))
_EXPF_UNDER = np.float32(float.fromhex("-0x1.9fe368p6"))


def expf_ftz(x):
    """glibc's expf of any float32 `x` (computed in double: needs x64), in flush-to-zero mode:
    results below the smallest normal float are 0. Each product is rounded on its own."""
    from scopeflow.ops.rounding import round_each
    z = round_each(x.astype(jnp.float64) * _INVLN2_32)
    kd = round_each(z + _EXP_SHIFT)
    ki = jax.lax.bitcast_convert_type(kd, jnp.uint64)
    r = z - (kd - _EXP_SHIFT)
    t = jnp.asarray(_EXP2F_TAB)[(ki % 32).astype(jnp.int32)] + (ki << 47)
    s = jax.lax.bitcast_convert_type(t, jnp.float64)
    p = round_each(_E0 * r) + _E1
    q = round_each(_E2 * r) + 1.0
    y = round_each(round_each(p * round_each(r * r)) + q)
    y = (y * s).astype(jnp.float32)
    y = jnp.where(jnp.abs(y) < np.finfo(np.float32).tiny, jnp.float32(0), y)
    y = jnp.where(x > _EXPF_OVER, jnp.float32(np.inf), y)
    return jnp.where(x < _EXPF_UNDER, jnp.float32(0), jnp.where(jnp.isnan(x), x, y))


# sysdeps/ieee754/flt-32/s_log1pf.c (glibc up to 2.40: Sun's fdlibm in float arithmetic)
_LN2_HI, _LN2_LO, _TWO25 = (np.float32(v) for v in (6.9313812256e-01, 9.0580006145e-06,
                                                     3.355443200e+07))
_LP = tuple(np.float32(v) for v in (6.6666668653e-01, 4.0000000596e-01, 2.8571429849e-01,
                                    2.2222198546e-01, 1.8183572590e-01, 1.5313838422e-01,
                                    1.4798198640e-01))


def log1pf_ftz(x):
    """glibc's log1pf of float32 `x` (fdlibm's, each product rounded on its own), as TF's
    threads get it: a denormal argument is returned as it is (|x| < 2^-54)."""
    from scopeflow.ops.rounding import quotient, round_each
    f32 = np.float32
    one, half = f32(1), f32(0.5)
    hx = jax.lax.bitcast_convert_type(x, jnp.int32)
    ax = hx & 0x7FFFFFFF
    # k == 0: 1 + x within [sqrt(2)/2, sqrt(2)), f = x itself, no correction term
    small = (hx < 0x3ED413D7) & ((hx > 0) | (hx <= np.int32(-0x416A09E1)))  # 0xbe95f61f
    u = one + x
    big = hx >= 0x5A000000
    u = jnp.where(big, x, u)
    hu = jax.lax.bitcast_convert_type(u, jnp.int32)
    k = (hu >> 23) - 127
    c = jnp.where(k > 0, one - (u - x), x - (u - one))
    c = jnp.where(big, f32(0), quotient(c, u))
    hu = hu & 0x007FFFFF
    up = hu >= 0x3504F7
    k = jnp.where(up, k + 1, k)
    u = jax.lax.bitcast_convert_type(jnp.where(up, hu | 0x3F000000, hu | 0x3F800000),
                                     jnp.float32)
    hu = jnp.where(up, (0x00800000 - hu) >> 2, hu)
    f = u - one
    k = jnp.where(small, 0, k)
    f = jnp.where(small, x, f)
    hu = jnp.where(small, 1, hu)
    c = jnp.where(small, f32(0), c)
    kf = k.astype(jnp.float32)
    hfsq = round_each(round_each(half * f) * f)
    k_hi = round_each(kf * _LN2_HI)
    k_lo_c = round_each(kf * _LN2_LO) + c
    # |f| < 2^-20
    r0 = round_each(hfsq * (one - round_each(f32(0.6666666666666666) * f)))
    tiny_f = jnp.where(k == 0, f - r0, k_hi - ((r0 - k_lo_c) - f))
    tiny_f = jnp.where(f == 0, jnp.where(k == 0, f32(0), k_hi + k_lo_c), tiny_f)
    s = quotient(f, f32(2) + f)
    z = round_each(s * s)
    poly = _LP[6]
    for coefficient in _LP[5::-1]:
        poly = coefficient + round_each(z * poly)
    r = round_each(z * poly)
    sr = round_each(s * (hfsq + r))
    out = jnp.where(k == 0, f - (hfsq - sr), k_hi - ((hfsq - (sr + k_lo_c)) - f))
    out = jnp.where(hu == 0, tiny_f, out)
    # |x| < 2^-29: x - x^2 / 2, or x itself below 2^-54
    out = jnp.where(ax < 0x31000000, jnp.where(ax < 0x24800000, x,
                                               x - round_each(round_each(x * x) * half)), out)
    out = jnp.where(hx >= 0x7F800000, x + x, out)
    out = jnp.where(x == f32(-1), f32(-np.inf), out)
    return jnp.where((ax >= 0x3F800000) & (hx < 0) & (x != f32(-1)), f32(np.nan), out)
