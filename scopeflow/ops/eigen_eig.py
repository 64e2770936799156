"""TF's CPU `Eig` values: Eigen's ComplexEigenSolver, step by step, on the host (NumPy).

TF's kernel casts each matrix to complex (float32 -> complex64, float64 -> complex128) and runs
`Eigen::ComplexEigenSolver`, whose steps this module follows in the same precision:

- `HessenbergDecomposition`: one Householder reflector per column (`makeHouseholderInPlace`,
  applied on the left then on the right), Q formed from the identity, last reflector first;
- `ComplexSchur::reduceToTriangularForm`: single-shift QR sweeps by Givens rotations
  (`JacobiRotation::makeGivens`), a subdiagonal entry dropped once
  |t(i+1,i)|_1 <= eps (|t(i,i)|_1 + |t(i+1,i+1)|_1), Wilkinson's shift from the trailing 2x2
  block (the root nearer t(iu,iu)), EISPACK's exceptional shift at the 10th and 20th try of a
  row, at most 30 n sweeps (then `NoConvergence`: TF's "Eigen decomposition was not successful");
- eigenvectors: back substitution of the triangular T (unit diagonal, a zero pivot replaced by
  eps * ||T||_F), V = U X, each column normalized to unit norm (its phase is what the
  substitution leaves: (U^H v)_k real and positive);
- `sortEigenvalues`: a selection sort by |lambda|, the first smallest winning ties, columns
  of V swapped along.

Sums run in Eigen's order (in order down a strided column of TF's row-major matrix; the
row-major GEMV of eigen_qr.py for real dtypes), so TF's order and phases come out, the values
within a few ulps. They can differ only where rounding decides: two eigenvalues of equal
modulus may come in the other order, a deflation test on the edge may take another sweep.

>>> import numpy as np
>>> e, v, ok = eig(np.array([[2., 0.], [0., 1.]], np.complex128), True)
>>> e.real.tolist(), ok
([1.0, 2.0], True)
"""

import numpy as np

from scopeflow.ops.eigen_qr import _PACKET, _ordered_sum, _rowmajor_gemv

MAX_ITERATIONS_PER_ROW = 30  # ComplexSchur::m_maxIterationsPerRow


def eig(a, compute_v=True):
    """(eigenvalues, eigenvectors or None, converged) of one complex square matrix `a`."""
    a = np.array(a, copy=True)
    n = a.shape[0]
    if n == 0:
        return np.zeros((0,), a.dtype), np.zeros((0, 0), a.dtype), True
    if n == 1:
        return a[0, :].copy(), np.ones((1, 1), a.dtype), True
    t, u = _hessenberg(a)
    ok = _reduce_to_triangular(t, u)
    if not ok:
        return np.diagonal(t).copy(), None, False
    e = np.diagonal(t).copy()
    v = _eigenvectors(t, u) if compute_v else None
    _sort(e, v)
    return e, v, True


def _norm1(z):
    return abs(z.real) + abs(z.imag)


def _house(x):
    """makeHouseholderInPlace of x: (essential, tau, beta)."""
    dt = x.dtype
    real = np.finfo(dt).dtype.type
    c0 = x[0]
    tail = x[1:]
    # (a column of TF's row-major matrix: strided, so Eigen sums it in order)
    tail_sq = _ordered_sum(tail.real * tail.real + tail.imag * tail.imag, real) if len(
        tail) else 0
    tiny = np.finfo(real).tiny
    if tail_sq <= tiny and c0.imag * c0.imag <= tiny:
        return np.zeros_like(tail), dt.type(0), real(c0.real)
    beta = real(np.sqrt(real(c0.real * c0.real + c0.imag * c0.imag) + tail_sq))
    if c0.real >= 0:
        beta = -beta
    essential = tail / (c0 - beta)
    tau = np.conj((beta - c0) / beta)
    return essential.astype(dt), dt.type(tau), beta


def _dot_rows(w, rows):
    """sum_k w[k] rows[k], added in order, each product rounded (no BLAS: its fused
    multiply-adds round otherwise than TF's Eigen, and a nearly converged Francis step
    amplifies the difference)."""
    out = np.zeros(rows.shape[1:], np.result_type(w, rows))
    for k in range(len(w)):
        out += w[k] * rows[k]
    return out


def _left(m, ess, tau):
    """applyHouseholderOnTheLeft: m = (I - tau [1; ess] [1; ess]^H) m."""
    if tau == 0:
        return
    tmp = _dot_rows(np.conj(ess), m[1:]) + m[0]
    m[0] -= tau * tmp
    m[1:] -= (tau * ess)[:, None] * tmp[None, :]


def _right(m, ess, tau):
    """applyHouseholderOnTheRight: m = m (I - tau [1; ess] [1; ess]^H)."""
    if tau == 0:
        return
    if m.dtype in _PACKET:  # TF's row-major matrix: Eigen's row-major GEMV (AVX packets)
        tmp = _rowmajor_gemv(ess, m[:, 1:].T) + m[:, 0]
    else:
        tmp = _dot_rows(ess, m[:, 1:].T) + m[:, 0]
    m[:, 0] -= tau * tmp
    m[:, 1:] -= (tau * tmp)[:, None] * np.conj(ess)[None, :]


def _hessenberg(a):
    """HessenbergDecomposition: (H, Q) with a = Q H Q^H."""
    n = a.shape[0]
    hs = []
    for i in range(n - 1):
        ess, h, beta = _house(a[i + 1:, i].copy())
        a[i + 1, i] = beta
        a[i + 2:, i] = 0
        _left(a[i + 1:, i + 1:], ess, h)
        _right(a[:, i + 1:], ess, np.conj(h))
        hs.append((ess, h))
    q = np.eye(n, dtype=a.dtype)
    for k in range(n - 2, -1, -1):  # HouseholderSequence::evalTo, coefficients conj(h)
        ess, h = hs[k]
        _left(q[k + 1:, k + 1:], ess, np.conj(h))
    return a, q


def _givens(p, q):
    """JacobiRotation::makeGivens (complex): (c, s, r)."""
    dt = type(p)
    if q == 0:
        c = dt(-1 if p.real < 0 else 1)
        return c, dt(0), c * p
    if p == 0:
        return dt(0), dt(-q / abs(q)), dt(abs(q))
    p1, q1 = _norm1(p), _norm1(q)
    if p1 >= q1:
        ps, qs = p / p1, q / p1
        p2, q2 = abs(ps) ** 2, abs(qs) ** 2
        u = np.sqrt(1 + q2 / p2)
        if p.real < 0:
            u = -u
        c = dt(1 / u)
        return c, dt(-qs * np.conj(ps) * (c / p2)), dt(p * u)
    ps, qs = p / q1, q / q1
    p2, q2 = abs(ps) ** 2, abs(qs) ** 2
    u = q1 * np.sqrt(p2 + q2)
    if p.real < 0:
        u = -u
    p1 = abs(p)
    ps = p / p1
    return dt(p1 / u), dt(-np.conj(ps) * (q / u)), dt(ps * u)


def _rot_left(m, i, c, s):
    """m.applyOnTheLeft(i, i+1, rot.adjoint()) on rows i, i+1."""
    x, y = m[i].copy(), m[i + 1].copy()
    m[i] = np.conj(c) * x - np.conj(s) * y
    m[i + 1] = s * x + c * y


def _rot_right(m, i, c, s):
    """m.applyOnTheRight(i, i+1, rot) on columns i, i+1."""
    x, y = m[:, i].copy(), m[:, i + 1].copy()
    m[:, i] = c * x - s * y
    m[:, i + 1] = np.conj(s) * x + np.conj(c) * y


def _negligible(t, i, eps):
    d = _norm1(t[i, i]) + _norm1(t[i + 1, i + 1])
    if _norm1(t[i + 1, i]) <= d * eps:
        t[i + 1, i] = 0
        return True
    return False


def _shift(t, iu, it):
    """ComplexSchur::computeShift."""
    dt = t.dtype.type
    if it in (10, 20):  # EISPACK's exceptional shift (comqr.f)
        return dt(abs(t[iu, iu - 1].real) + abs(t[iu - 1, iu - 2].real))
    b2 = t[iu - 1:iu + 1, iu - 1:iu + 1].copy()
    normt = np.sum(np.abs(b2))
    b2 = (b2 / normt).astype(t.dtype)
    b = b2[0, 1] * b2[1, 0]
    c = b2[0, 0] - b2[1, 1]
    disc = np.sqrt(c * c + 4 * b)
    det = b2[0, 0] * b2[1, 1] - b
    trace = b2[0, 0] + b2[1, 1]
    e1, e2 = dt((trace + disc) / 2), dt((trace - disc) / 2)
    n1, n2 = _norm1(e1), _norm1(e2)
    if n1 > n2:
        e2 = dt(det / e1)
    elif n2 != 0:
        e1 = dt(det / e2)
    if _norm1(e1 - b2[1, 1]) < _norm1(e2 - b2[1, 1]):
        return dt(normt * e1)
    return dt(normt * e2)


def _reduce_to_triangular(t, u):
    """ComplexSchur::reduceToTriangularForm in place; whether it converged."""
    n = t.shape[0]
    eps = np.finfo(t.real.dtype).eps
    max_iters = MAX_ITERATIONS_PER_ROW * n
    iu, it, total = n - 1, 0, 0
    with np.errstate(all="ignore"):
        while True:
            while iu > 0:
                if not _negligible(t, iu - 1, eps):
                    break
                it = 0
                iu -= 1
            if iu == 0:
                return True
            it += 1
            total += 1
            if total > max_iters:
                return False
            il = iu - 1
            while il > 0 and not _negligible(t, il - 1, eps):
                il -= 1
            c, s, _ = _givens(t[il, il] - _shift(t, iu, it), t[il + 1, il])
            _rot_left(t[:, il:], il, c, s)
            _rot_right(t[:min(il + 2, iu) + 1], il, c, s)
            _rot_right(u, il, c, s)
            for i in range(il + 1, iu):
                c, s, r = _givens(t[i, i - 1], t[i + 1, i - 1])
                t[i, i - 1] = r
                t[i + 1, i - 1] = 0
                _rot_left(t[:, i:], i, c, s)
                _rot_right(t[:min(i + 2, iu) + 1], i, c, s)
                _rot_right(u, i, c, s)


def _eigenvectors(t, u):
    """ComplexEigenSolver::doComputeEigenvectors: U X, columns normalized."""
    n = t.shape[0]
    real = t.real.dtype.type
    norm = max(real(np.sqrt(np.sum(np.abs(t) ** 2))), np.finfo(real).tiny)
    x = np.zeros_like(t)
    with np.errstate(all="ignore"):
        for k in range(n - 1, -1, -1):
            x[k, k] = 1
            for i in range(k - 1, -1, -1):
                xi = -t[i, k]
                if k - i - 1 > 0:
                    xi -= t[i, i + 1:k] @ x[i + 1:k, k]
                z = t[i, i] - t[k, k]
                if z == 0:
                    z = t.dtype.type(np.finfo(real).eps * norm)
                x[i, k] = xi / z
        v = u @ x
        v /= np.sqrt(np.sum(v.real ** 2 + v.imag ** 2, axis=0)).astype(real)
    return v.astype(t.dtype)


def _sort(e, v):
    """ComplexEigenSolver::sortEigenvalues in place: selection sort by modulus."""
    n = len(e)
    for i in range(n):
        k = int(np.argmin(np.abs(e[i:])))
        if k:
            k += i
            e[[i, k]] = e[[k, i]]
            if v is not None:
                v[:, [i, k]] = v[:, [k, i]]
