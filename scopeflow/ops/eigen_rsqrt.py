"""`rsqrt` of float32 as TF's Eigen CPU kernels compute it, bit for bit.

TF's x86 build evaluates `x.rsqrt()` (ApplyAdagrad, ApplyProximalAdagrad, ApplyAdadelta)
8 floats at a time with the AVX approximation `vrsqrtps` refined by one Newton-Raphson step
(products and sums each rounded: no fused multiply-add), and the last `size % 8` elements
one at a time as `1 / sqrt(x)`. Neither is XLA's correctly rounded `rsqrt`: about a third of
the results differ in the last bit. Measured on this project's Intel CPU (exhaustively, every
positive normal float), `vrsqrtps` reads only the exponent's parity and the top 10 mantissa
bits: it returns 12 significant bits, round((2 / sqrt(m) - 1) * 4096) for the midpoint `m` of
that input interval in [1, 4), scaled by the exponent. AMD's `vrsqrtps` differs, as do TF's
results there: on AMD CPUs (the host's vendor_id) the approximation is a table of its results
over [1, 4) by exponent parity and the top 12 mantissa bits (rsqrt_amd.json, measured on a
Zen 2 EPYC: every positive normal float reproduced, scaled by the exponent).
"""

import functools
import json
import os

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops.rounding import round_each

PACKET = 8  # floats per AVX register: Eigen's vectorized stretch of a flat tensor


def eigen_rsqrt(x, stretch=None):
    """1 / sqrt(x) as TF's CPU kernel computes it on float32 (other dtypes: 1 / sqrt(x), the
    scalar path), for a kernel evaluating contiguous runs of `stretch` elements (the whole
    tensor by default; a row for TF's sparse kernels, which update row by row).

    >>> eigen_rsqrt(jnp.array([4.0, 0.0], jnp.float32)).tolist()
    [0.5, inf]
    """
    x = jnp.asarray(x)
    if x.dtype != jnp.float32:
        return _scalar_path(x)
    stretch = x.size if stretch is None else stretch
    head = (stretch // PACKET) * PACKET
    if head == stretch:
        return _packet_path(x)
    runs = x.reshape(-1, stretch)  # (runs, stretch)
    return jnp.concatenate([_packet_path(runs[:, :head]), _scalar_path(runs[:, head:])],
                           axis=1).reshape(x.shape)


@jax.custom_jvp
def rsqrt_op(x):
    """The kernel of TF's `Rsqrt` op: Eigen's float32 rsqrt on the flat tensor, XLA's
    otherwise (complex, half and double: not TF's approximation)."""
    x = jnp.asarray(x)
    return eigen_rsqrt(x) if x.dtype == jnp.float32 else jax.lax.rsqrt(x)


@rsqrt_op.defjvp
def _rsqrt_op_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    y = rsqrt_op(x)
    return y, t * (-0.5 * y / x)


def row_length(x):
    """The contiguous run of a TF sparse kernel's row update: elements per row of `x`."""
    return x.size // x.shape[0] if x.ndim and x.shape[0] else 1


def _scalar_path(x):
    # TF runs with denormals read as zero: 1 / sqrt(denormal) is inf
    sqrt = round_each(jnp.sqrt(jnp.where(_exponent(x) == 0, jnp.copysign(0, x), x)))
    return jnp.ones_like(x) / sqrt


def _exponent(x):
    bits = jax.lax.bitcast_convert_type(x, jnp.uint32)
    return (bits >> 23) & 0xFF if x.dtype == jnp.float32 else jnp.ones(x.shape, jnp.uint32)


def _packet_path(x):
    y0 = _approximation(x)
    # one Newton-Raphson step, y0 + (y0 * -0.5) * ((x * y0) * y0 - 1), each product rounded
    # (y0 * -0.5 is exact)
    h = round_each(x * y0 * y0) - jnp.float32(1.0)
    y = round_each(y0 * jnp.float32(-0.5) * h) + y0
    # zero, denormal (read as zero), infinite, negative and NaN inputs: Eigen returns the
    # approximation, +-inf, 0 or NaN
    bits = jax.lax.bitcast_convert_type(x, jnp.uint32)
    special = jnp.where((bits & 0x7F800000) == 0, (bits & jnp.uint32(0x80000000)) | 0x7F800000,
                        jnp.where(bits == 0x7F800000, jnp.uint32(0), jnp.uint32(0x7FC00000)))
    normal = (bits >= 0x00800000) & (bits < 0x7F800000)
    return jnp.where(normal, y, jax.lax.bitcast_convert_type(special, jnp.float32))


@functools.lru_cache(maxsize=1)
def host_is_amd():
    return host_vendor() == "AuthenticAMD"


@functools.lru_cache(maxsize=1)
def host_vendor():
    """The x86 vendor_id of this host ("AuthenticAMD", "GenuineIntel"), or None."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("vendor_id"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


@functools.lru_cache(maxsize=1)
def _amd_table():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rsqrt_amd.json")
    with open(path) as f:
        return np.asarray(json.load(f)["table"], np.uint32)


def _approximation(x):
    """`vrsqrtps` of a positive normal `x`: 12 significant bits from a table over [1, 4),
    Intel's as its closed form, AMD's as measured."""
    if host_is_amd():
        return _amd_approximation(x)
    bits = jax.lax.bitcast_convert_type(x, jnp.uint32)
    odd = (bits >> 23) & 1 ^ 1  # the unbiased exponent is odd: x / 2**(e - 1) lies in [2, 4)
    # the midpoint of x's interval of 2**-10 (2**-9 when odd) scaled to [1, 4)
    mid = jax.lax.bitcast_convert_type((bits & 0x007FE000) | 0x1000 | ((127 + odd) << 23),
                                       jnp.float32)
    scaled = jnp.float32(8192) / round_each(jnp.sqrt(mid))
    q = jnp.floor(scaled - jnp.float32(4096) + jnp.float32(0.5)).astype(jnp.uint32)
    # 2**-(e // 2) for the unbiased exponent e, on a mantissa in [0.5, 1)
    exponent = (bits >> 23).astype(jnp.int32)
    out_exp = (126 - ((exponent - 127 - odd.astype(jnp.int32)) >> 1)).astype(jnp.uint32)
    return jax.lax.bitcast_convert_type((out_exp << 23) | (q << 11), jnp.float32)


def _amd_approximation(x):
    """AMD's `vrsqrtps`: the table's result for x's exponent parity and top 12 mantissa bits,
    its exponent lowered by floor(e / 2) for the unbiased exponent e."""
    bits = jax.lax.bitcast_convert_type(x, jnp.uint32)
    unbiased = (bits >> 23).astype(jnp.int32) - 127
    half = unbiased >> 1  # floor(e / 2)
    parity = (unbiased - 2 * half).astype(jnp.uint32)
    t = jnp.asarray(_amd_table())[(parity << 12) | ((bits >> 11) & 0xFFF)]
    out_exp = ((t >> 23).astype(jnp.int32) - half).astype(jnp.uint32)
    return jax.lax.bitcast_convert_type((out_exp << 23) | (t & 0x7FFFFF), jnp.float32)
