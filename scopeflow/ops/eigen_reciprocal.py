"""`1 / x` of float32 as TF's Eigen CPU kernels compute it where they ask for a packet's
reciprocal (`x.inverse()`: the Softmax kernel's row sums), bit for bit.

Eigen takes a packet's reciprocal as the AVX approximation `vrcpps` refined by one
Newton-Raphson step written as y0 + y0 * (1 - x * y0), each product and difference rounded
(TF's x86 build has no fused multiply-add in Eigen's code; y0 * (2 - x * y0) rounds otherwise
in an eighth of the cases); where 1 - x * y0 is NaN (x zero or infinite) it keeps y0. The
last `size % 8` elements are the scalar path, the correctly rounded 1 / x.

`vrcpps` is the processor's own table, and differs between vendors. Measured on this
project's AMD Zen 2 EPYC (exhaustively over [1, 2), every exponent spot-checked), it reads the
top 12 mantissa bits and the exponent: its result is rcp_amd.json's value for those bits with
its exponent lowered by the unbiased exponent of x, zero where that falls below the normal
range, infinite for zero and denormal inputs (read as zero), signed as x. Intel's (measured
on a Xeon, family 6 model 207, the same way: exhaustively over [1, 2), every exponent for
every 37th mantissa) reads the top 11 mantissa bits, with the same exponent and special-value
rules: rcp_intel.json, in 2115 of 4096 entries another value than AMD's. `modelled()` says
whether this host's reciprocal is reproduced (an AMD or Intel x86 host).
"""

import functools
import json
import os

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops.eigen_rsqrt import PACKET, host_vendor
from scopeflow.ops.rounding import round_each

_TABLES = {"AuthenticAMD": "rcp_amd.json", "GenuineIntel": "rcp_intel.json"}


def modelled():
    """Whether this host's `vrcpps` is reproduced (AMD's or Intel's table, measured)."""
    return host_vendor() in _TABLES


def eigen_reciprocal(x):
    """1 / x of a float32 array as Eigen's vectorized kernel computes it over the flat
    tensor: packets of 8 through `vrcpps` and a Newton step, the tail divided exactly. A NumPy
    array (a constant TF's graph optimizer folds) is computed in NumPy, anything else in JAX."""
    xp = np if isinstance(x, (np.ndarray, np.generic)) else jnp
    x = xp.asarray(x)
    head = (x.size // PACKET) * PACKET
    flat = x.reshape(-1)
    parts = [_packet_path(xp, flat[:head])] if head else []
    if head < x.size:
        parts.append(_scalar_path(xp, flat[head:]))
    return (xp.concatenate(parts) if len(parts) > 1 else parts[0]).reshape(x.shape)


def _bits(xp, x):
    return x.view(np.uint32) if xp is np else jax.lax.bitcast_convert_type(x, jnp.uint32)


def _float(xp, bits):
    return bits.view(np.float32) if xp is np else jax.lax.bitcast_convert_type(bits, jnp.float32)


def _flushed(xp, x):
    """`x` with denormals read as zero, as TF's threads run (and XLA's)."""
    zero = (_bits(xp, x) & 0x7F800000) == 0
    return xp.where(zero, xp.copysign(np.float32(0), x), x)


def _scalar_path(xp, x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.float32(1) / _flushed(xp, x)


def _packet_path(xp, x):
    x = _flushed(xp, x)
    y0 = _approximation(xp, x)
    rounded = (lambda v: v) if xp is np else round_each  # (NumPy rounds every product)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.float32(1) - rounded(x * y0)
        return xp.where(xp.isnan(error), y0, rounded(y0 * error) + y0)


@functools.lru_cache(maxsize=None)
def _table(vendor):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), _TABLES[vendor])
    with open(path) as f:
        return np.asarray(json.load(f)["table"], np.uint32)


def _approximation(xp, x, vendor=None):
    """This host's (or `vendor`'s) `vrcpps` of float32 `x`."""
    bits = _bits(xp, x)
    sign = bits & np.uint32(0x80000000)
    e = ((bits >> 23) & 0xFF).astype(np.int32)
    t = xp.asarray(_table(vendor or host_vendor()))[(bits >> 11) & 0xFFF]
    out_exp = (t >> 23).astype(np.int32) - (e - 127)
    normal = sign | (out_exp.astype(np.uint32) << 23) | (t & 0x7FFFFF)
    out = xp.where(out_exp <= 0, sign, normal)  # below the normal range: zero
    out = xp.where(e == 0, sign | np.uint32(0x7F800000), out)  # zero and denormals: infinity
    nan = (e == 255) & ((bits & 0x7FFFFF) != 0)
    out = xp.where(e == 255, xp.where(nan, bits | np.uint32(0x400000), sign), out)  # inf: 0
    return _float(xp, out.astype(np.uint32))
