"""glibc's double `log1p` (x86-64, fdlibm's algorithm as glibc builds it), in JAX.

TF's CPU gamma kernel draws an exponential as -log1p(-u); XLA's f64 log1p differs from the C
library's in the last bits for about 10% of inputs (log(1 - u) for about 5%), so TF's
float64 samples are reproduced by evaluating fdlibm's log1p itself. The contraction of
products and sums into fused multiply-adds, which XLA:CPU makes here, is the one glibc's
build makes (checked against the C library over the whole input range in the tests).

>>> import numpy as np
>>> from scopeflow.lowering.lower import x64
>>> with x64():
...     float(log1p(np.float64([-0.5]))[0])
-0.6931471805599453
"""

import jax
import jax.numpy as jnp

_LP = (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
       2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
       1.479819860511658591e-01)
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_bits = jax.lax.bitcast_convert_type


def _high(x):
    return (_bits(x, jnp.uint64) >> 32).astype(jnp.uint32)


def _with_high(x, high):
    low = _bits(x, jnp.uint64) & jnp.uint64(0xFFFFFFFF)
    return _bits(low | (high.astype(jnp.uint64) << 32), jnp.float64)


def log1p(x):
    """glibc's log1p for float64 `x` in (-1, 0] on the grid of 2**-52 (-u for TF's uniform
    doubles u, where 1 + x is exact; off that grid a rare last bit may differ)."""
    ax = _high(x) & jnp.uint32(0x7FFFFFFF)
    tiny = ax < 0x3E200000  # |x| < 2**-29
    near = ax <= 0x3FD2BEC4  # -0.2929 < x: no argument reduction (k = 0)
    u = 1.0 + x  # exact here
    hu = _high(u)
    k = (hu >> 20).astype(jnp.int32) - 1023
    c = (x - (u - 1.0)) / u  # the correction term (k <= 0 on this range)
    hu = hu & jnp.uint32(0xFFFFF)
    low = hu < 0x6A09E  # normalize u to [sqrt(2)/2, sqrt(2))
    un = jnp.where(low, _with_high(u, hu | jnp.uint32(0x3FF00000)),
                   _with_high(u, hu | jnp.uint32(0x3FE00000)))
    k = jnp.where(low, k, k + 1)
    hu = jnp.where(low, hu.astype(jnp.int32), (0x00100000 - hu.astype(jnp.int32)) >> 2)
    f = jnp.where(near, x, un - 1.0)
    k = jnp.where(near, 0, k)
    c = jnp.where(near, 0.0, c)
    hu = jnp.where(near, 1, hu)
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    z2 = z * z
    z4 = z2 * z2
    z6 = z4 * z2
    r = (z * _LP[0] + z2 * (_LP[1] + z * _LP[2]) + z4 * (_LP[3] + z * _LP[4])
         + z6 * (_LP[5] + z * _LP[6]))
    kd = k.astype(jnp.float64)
    r0 = f - (hfsq - s * (hfsq + r))
    rk = kd * _LN2_HI - ((hfsq - (s * (hfsq + r) + (kd * _LN2_LO + c))) - f)
    rs = hfsq * (1.0 - 0.66666666666666666 * f)  # |f| < 2**-20
    rz = jnp.where(f == 0, kd * _LN2_HI + (c + kd * _LN2_LO),
                   kd * _LN2_HI - ((rs - (kd * _LN2_LO + c)) - f))
    out = jnp.where(k == 0, r0, jnp.where(hu == 0, rz, rk))
    return jnp.where(tiny, x - x * x * 0.5, out)
