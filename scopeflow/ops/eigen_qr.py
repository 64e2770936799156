"""TF's CPU `Qr` values, bit for bit: Eigen's HouseholderQR in float32 / float64 on the host.

TF's kernel runs `Eigen::HouseholderQR` on a row-major matrix and forms Q as
`householderQ() * Identity(m, p)` (p = min(m, n)) into a column-major matrix. Below Eigen's
block size (p < 48) both steps apply one Householder reflector at a time
(`applyHouseholderOnTheLeft`), and each reflector's rounding is fixed by the order of
Eigen's loops, which this module follows with NumPy scalar arithmetic (TF's x86 build uses
AVX packets without FMA: every product and sum is rounded on its own):

- the reflector: `tail.squaredNorm()` summed in order, `beta = -sign(c0) sqrt(c0^2 + |tail|^2)`,
  `essential = tail / (c0 - beta)`, `tau = (beta - c0) / beta`;
- factoring (row-major): `tmp = essential^T bottom` is Eigen's column-major GEMV, each output
  summed in order over the rows, in blocks of 16 rows from 128 rows on (a one-column
  `bottom` is a plain dot); then `tmp += row0`, `row0 -= tau tmp`,
  `bottom -= (tau essential) tmp^T`;
- forming Q (column-major): the same update, but `tmp` comes from Eigen's row-major GEMV:
  outputs in groups of 8/4/2 sum 8-wide packets, reduced pairwise (`predux`), then the
  leftover products in order; a last odd output adds a 4-wide half-packet pass.

With `full_matrices`, TF assigns `householderQ()` to its row-major m x m output (Eigen's
`evalTo`): from the identity, reflector k updates only the bottom-right corner, with the
column-major GEMV order of factoring.

Not TF's bits yet (Eigen's blocked code: block reflectors `I - V T V^T` applied with GEMM/TRMM
kernels, whose sums are split by cache-size-dependent panels): R's columns past m when m < n
(the trailing columns get one block update even below the block size), and every matrix with
p >= 48 (those use XLA's QR, equal to TF's within float rounding), as do other dtypes.

>>> import numpy as np
>>> q, r = householder_qr(np.array([[3., 1.], [4., 2.]], np.float32))
>>> np.round(q @ r, 5).tolist()
[[3.0, 1.0], [4.0, 2.0]]
"""

import numpy as np

BLOCK = 48  # Eigen's HouseholderQR / HouseholderSequence block size
_PACKET = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}  # AVX lanes


def on_host(shape, dtype):
    """Whether `householder_qr` computes matrices of `shape` (..., m, n): p = min(m, n) below
    Eigen's block size, where it is TF's order (exactly, save R past column m for m < n)."""
    return (np.dtype(dtype) in _PACKET and len(shape) >= 2
            and 0 < min(shape[-2], shape[-1]) < BLOCK)


def exact_for(shape, dtype):
    """Whether `householder_qr` reproduces TF bit for bit for matrices of `shape` (..., m, n),
    full_matrices or not."""
    return on_host(shape, dtype) and shape[-2] >= shape[-1]


def householder_qr(a, full_matrices=False):
    """(q, r) of the last two axes of `a` as TF's CPU kernel computes them."""
    a = np.asarray(a)
    m, n = a.shape[-2:]
    p = min(m, n)
    cols = m if full_matrices else p
    q = np.empty(a.shape[:-2] + (m, cols), a.dtype)
    r = np.empty(a.shape[:-2] + ((m if full_matrices else p), n), a.dtype)
    for idx in np.ndindex(a.shape[:-2]):
        qr_, taus = _factor(a[idx])
        q[idx] = _form_full_q(qr_, taus) if full_matrices else _form_q(qr_, taus, cols)
        r[idx] = np.triu(qr_[:r.shape[-2]])
    return q, r


def _factor(a):
    """Eigen's householder_qr_inplace_unblocked: reflectors below the diagonal, R above."""
    a = np.array(a, copy=True)
    dt = a.dtype.type
    m, n = a.shape
    taus = np.zeros(min(m, n), a.dtype)
    for k in range(min(m, n)):
        ess, tau, beta = _reflector(a[k:, k], dt)
        a[k + 1:, k] = ess
        a[k, k] = beta
        taus[k] = tau
        _apply(a[k:, k + 1:], ess, tau, _colmajor_gemv)
    return a, taus


def _reflector(col, dt):
    """Eigen's makeHouseholder: (essential part, tau, beta)."""
    c0, tail = col[0], col[1:]
    sq = _ordered_sum(tail * tail, dt) if tail.size else dt(0)
    if sq <= np.finfo(dt).tiny:
        return np.zeros_like(tail), dt(0), c0
    beta = dt(np.sqrt(dt(dt(c0 * c0) + sq)))
    if c0 >= 0:
        beta = -beta
    return (tail / dt(c0 - beta)).astype(dt), dt(dt(beta - c0) / beta), beta


def _ordered_sum(v, dt):
    total = v[0]
    for x in v[1:]:
        total = dt(total + x)
    return total


def _apply(block, ess, tau, gemv):
    """Eigen's applyHouseholderOnTheLeft on `block` (a view, changed in place)."""
    dt = block.dtype.type
    if block.shape[0] == 1:
        block *= dt(1) - tau
        return
    if tau == 0 or block.shape[1] == 0:
        return
    bottom = block[1:]
    tmp = (gemv(ess, bottom) + block[0]).astype(dt)
    block[0] = block[0] - (tau * tmp).astype(dt)
    bottom -= ((tau * ess).astype(dt)[:, None] * tmp[None, :]).astype(dt)


def _colmajor_gemv(ess, bottom):
    """essential^T bottom with Eigen's column-major GEMV order (bottom row-major)."""
    dt = bottom.dtype.type
    k, n = bottom.shape
    if n == 1:  # a dot product: summed in order
        return np.array([_ordered_sum((ess * bottom[:, 0]).astype(dt), dt)], dt)
    step = k if k < 128 else 16
    out = np.zeros(n, dt)
    for j0 in range(0, k, step):
        acc = np.zeros(n, dt)
        for j in range(j0, min(j0 + step, k)):
            acc = acc + (bottom[j] * ess[j]).astype(dt)
        out = (out + acc).astype(dt)
    return out


def _form_q(qr_, taus, cols):
    """householderQ() * Identity(m, cols): reflectors applied last to first."""
    m = qr_.shape[0]
    q = np.eye(m, cols, dtype=qr_.dtype)
    for k in range(len(taus) - 1, -1, -1):
        _apply(q[k:], qr_[k + 1:, k], taus[k], _rowmajor_gemv)
    return q


def _form_full_q(qr_, taus):
    """`householderQ()` evaluated into TF's row-major m x m output (HouseholderSequence's
    evalTo): from the identity, reflector k acts on the bottom-right (m-k) x (m-k) corner,
    last to first; row-major storage makes its GEMV the column-major kind."""
    m = qr_.shape[0]
    q = np.eye(m, dtype=qr_.dtype)
    for k in range(len(taus) - 1, -1, -1):
        _apply(q[k:, k:], qr_[k + 1:, k], taus[k], _colmajor_gemv)
    return q


def _rowmajor_gemv(ess, bottom):
    """essential^T bottom with Eigen's row-major GEMV order (bottom column-major)."""
    dt = bottom.dtype.type
    lanes = _PACKET[bottom.dtype]
    lhs = bottom.T  # (outputs, depth)
    n = lhs.shape[0]
    grouped = n - 1 if n % 2 else n  # outputs the 8/4/2-row loops take
    out = np.empty(n, dt)
    if grouped:
        out[:grouped] = _packet_dots(lhs[:grouped], ess, lanes, dt, half=False)
    if grouped < n:
        out[grouped:] = _packet_dots(lhs[grouped:], ess, lanes, dt, half=True)
    return out


def _packet_dots(lhs, ess, lanes, dt, half):
    k = lhs.shape[1]
    acc = np.zeros((lhs.shape[0], lanes), dt)
    j = 0
    while j + lanes <= k:
        acc = acc + (lhs[:, j:j + lanes] * ess[j:j + lanes]).astype(dt)
        j += lanes
    total = _predux(acc)
    if half:  # the last row: a half-packet pass (SSE lanes) before the scalar tail
        h = lanes // 2
        acc = np.zeros((lhs.shape[0], h), dt)
        while j + h <= k:
            acc = acc + (lhs[:, j:j + h] * ess[j:j + h]).astype(dt)
            j += h
        total = (total + _predux(acc)).astype(dt)
    for jj in range(j, k):
        total = (total + (lhs[:, jj] * ess[jj]).astype(dt)).astype(dt)
    return total


def _predux(acc):
    """Eigen's horizontal packet sum: the halves added lane-wise until one lane is left."""
    while acc.shape[1] > 1:
        h = acc.shape[1] // 2
        acc = acc[:, :h] + acc[:, h:]
    return acc[:, 0]


__all__ = ["exact_for", "householder_qr", "on_host"]
