"""`erf` and `erfc` of float32 as TF's Eigen CPU kernels compute them, bit for bit.

TF's `Erf` kernel evaluates Eigen's `generic_fast_erf<float>` on packets and on single
floats alike: x^2 clamped to 16, x times a degree-5 polynomial in x^2 over another, the
quotient clamped to [-1, 1], each product rounded before the sum it feeds (TF's x86 build has
no fused multiply-adds). XLA's erf is another approximation: 110,078 of 200,014 float32 inputs
differed from TF's (tests/ops/test_eigen_erf.py's inputs). Denormal inputs read as zero.

TF's `Erfc` kernel evaluates `generic_fast_erfc<float>`: for x^2 <= 1, 1 + x p(x^2); beyond,
with x clamped to [-11, 11], exp(-x^2) (less its product with the rounding error of x^2)
times r(1/x^2) / x, plus 2 for negative x. On packets of 8 (all of the flat tensor but its
last `size % 8` elements) the exp is Eigen's float exp and 1/x^2 its reciprocal (`vrcpps` and
a Newton step: ops/eigen_reciprocal.py, modelled for AMD hosts; elsewhere the exact quotient
stands in); the scalar tail calls glibc's expf and divides. Other dtypes keep XLA's kernels.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import eigen_reciprocal, libm32
from scopeflow.ops.eigen_exp import PACKET, _packet_exp, float32_kernel
from scopeflow.ops.rounding import round_against

_TINY = np.float32(np.finfo(np.float32).tiny)
_TWO_OVER_SQRT_PI = 2 / np.sqrt(np.pi)

# erf(x) ~ x P(x^2) / Q(x^2), coefficients highest first
_ERF_P = tuple(np.float32(c) for c in (
    2.123732201653183437883853912353515625e-06, 2.861979592125862836837768554687500000e-04,
    3.658048342913389205932617187500000000e-03, 5.243302136659622192382812500000000000e-02,
    1.874160766601562500000000000000000000e-01, 1.128379106521606445312500000000000000e+00))
_ERF_Q = tuple(np.float32(c) for c in (
    3.89185734093189239501953125000e-05, 1.14329601638019084930419921875e-03,
    1.47520881146192550659179687500e-02, 1.12945675849914550781250000000e-01,
    4.99425798654556274414062500000e-01, 1.0))
# erfc(x) ~ 1 + x S(x^2) for |x| <= 1, exp(-x^2) P(1/x^2) / (x Q(1/x^2)) beyond
_ERFC_S = tuple(np.float32(c) for c in (
    5.61802298761904239654541015625e-04, -4.91381669417023658752441406250e-03,
    2.67075151205062866210937500000e-02, -1.12800106406211853027343750000e-01,
    3.76122951507568359375000000000e-01, -1.12837910652160644531250000000e+00))
_ERFC_P = tuple(np.float32(c) for c in (
    1.0208116471767425537109375e-01, 4.2920666933059692382812500e-01,
    3.2379078865051269531250000e-01, 5.3971976041793823242187500e-02))
_ERFC_Q = tuple(np.float32(c) for c in (
    1.7251677811145782470703125e-02, 3.9137163758277893066406250e-01,
    1.0000000000000000000000000e+00, 6.2173241376876831054687500e-01,
    9.5662862062454223632812500e-02))


def _horner(t, coefficients, tie):
    """Eigen's ppolevl: Horner's rule, each product rounded (tied to the kernel's input)."""
    acc = jnp.full(t.shape, coefficients[0], t.dtype)
    for c in coefficients[1:]:
        acc = round_against(acc * t, tie) + c
    return acc


def eigen_erf(x):
    """erf(x) as TF's CPU kernel computes it on float32."""
    x = jnp.where(jnp.abs(x) < _TINY, x * np.float32(0), x)  # (denormals read as zero)
    x2 = jnp.minimum(np.float32(16), x * x)
    r = x * _horner(x2, _ERF_P, x) / _horner(x2, _ERF_Q, x)
    return jnp.clip(r, np.float32(-1), np.float32(1))


def _erfc_with(exp, reciprocal):
    def erfc(x_in):
        x = jnp.clip(x_in, np.float32(-11), np.float32(11))
        x2 = x * x
        small = round_against(x * _horner(x2, _ERFC_S, x_in), x_in) + np.float32(1)
        # the rounding error of x^2, exact in double
        x2_lo = (x.astype(jnp.float64) ** 2 - x2.astype(jnp.float64)).astype(jnp.float32)
        e = exp(-x2)
        z = e - round_against(e * x2_lo, x_in)
        q2 = reciprocal(x2)
        r = _horner(q2, _ERFC_P, x_in) / (x * _horner(q2, _ERFC_Q, x_in))
        large = round_against(z * r, x_in) + jnp.where(x < 0, np.float32(2), np.float32(0))
        return jnp.where(x2 > 1, large, small)
    return erfc


def _packet_reciprocal(x):
    if eigen_reciprocal.modelled():
        return eigen_reciprocal._packet_path(jnp, x)
    return np.float32(1) / x


_packet_erfc = _erfc_with(_packet_exp, _packet_reciprocal)
_scalar_erfc = _erfc_with(libm32.expf_ftz, lambda v: np.float32(1) / v)


def eigen_erfc(x):
    """erfc(x) as TF's CPU kernel computes it on float32: packets over the flat tensor, the
    scalar path on its last `size % 8` elements. Computes in double: call under x64."""
    head = (x.size // PACKET) * PACKET
    if head == x.size:
        return _packet_erfc(x)
    flat = x.reshape(-1)
    parts = ([_packet_erfc(flat[:head])] if head else []) + [_scalar_erfc(flat[head:])]
    return jnp.concatenate(parts).reshape(x.shape) if head else parts[0].reshape(x.shape)


def _erf_tangent(x, y, t):
    return t * (_TWO_OVER_SQRT_PI * jnp.exp(-x * x)).astype(x.dtype)


erf_op = float32_kernel(eigen_erf, jax.scipy.special.erf, _erf_tangent,
                        "The kernel of TF's `Erf` op: Eigen's float32 erf, XLA's otherwise.")
erfc_op = float32_kernel(eigen_erfc, jax.scipy.special.erfc, lambda x, y, t: -_erf_tangent(x, y, t),
                         "The kernel of TF's `Erfc` op: Eigen's float32 erfc, XLA's otherwise.")
