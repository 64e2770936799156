"""TF's CPU `Eig` of real matrices: Eigen's (real) EigenSolver, step by step, on the host.

For float32 / float64 input TF's kernel runs `Eigen::EigenSolver` (JAMA's hqr2): the matrix
scaled by its largest magnitude, `HessenbergDecomposition`, `RealSchur` by Francis double-shift
QR steps (3-element Householder reflectors, Wilkinson's exceptional shift at the 10th try of a
row and MATLAB's at the 30th, at most 40 n steps), 2x2 blocks with real eigenvalues split by a
Givens rotation; eigenvalues in the Schur form's order (no sort), a complex pair as
(re + i z, re - i z); eigenvectors by hqr2's back substitution, Z times them, then
`eigenvectors()`: a real column (or the pair re +- i im) normalized to unit norm.

Values follow TF's comparisons on values equal up to rounding (Eigen's vectorized sums round
otherwise): order and phases agree except where rounding decides a deflation or an exact zero.

>>> import numpy as np
>>> e, v, ok = eig(np.array([[2., 0.], [0., 1.]]), True)
>>> e.real.tolist(), ok
([2.0, 1.0], True)
"""

import numpy as np

from scopeflow.ops.eigen_eig import _hessenberg, _house, _left, _right, _rot_left, _rot_right
from scopeflow.ops.eigen_qr import _ordered_sum, _rowmajor_gemv

MAX_ITERATIONS_PER_ROW = 40  # RealSchur::m_maxIterationsPerRow


def eig(a, compute_v=True):
    """(complex eigenvalues, eigenvectors or None, converged) of one real square matrix."""
    a = np.array(a, copy=True)
    n = a.shape[0]
    cdt = np.result_type(a.dtype, np.complex64)
    if n == 0:
        return np.zeros((0,), cdt), np.zeros((0, 0), cdt), True
    with np.errstate(all="ignore"):
        t, u, ok = _real_schur(a)
        if not ok:
            return np.zeros((n,), cdt), None, False
        e = _eigenvalues(t, cdt)
        if not np.all(np.isfinite(e)):
            return e, None, False
        if not compute_v:
            return e, None, True
        return e, _vectors(_back_substitute(t, e, u), e, cdt), True


def _givens(p, q):
    """JacobiRotation::makeGivens (real): (c, s)."""
    dt = type(p)
    if q == 0:
        return dt(-1 if p < 0 else 1), dt(0)
    if p == 0:
        return dt(0), dt(1 if q < 0 else -1)
    if abs(p) > abs(q):
        t = q / p
        u = np.sqrt(dt(1) + t * t)
        if p < 0:
            u = -u
        c = dt(1) / u
        return c, -t * c
    t = p / q
    u = np.sqrt(dt(1) + t * t)
    if q < 0:
        u = -u
    s = -dt(1) / u
    return -t * s, s


def _real_schur(a):
    """RealSchur::compute: (T, U, converged)."""
    n = a.shape[0]
    dt = a.dtype.type
    scale = np.max(np.abs(a))
    if not scale >= np.finfo(a.dtype).tiny:
        if np.isnan(scale):
            return a, None, False
        return np.zeros_like(a), np.eye(n, dtype=a.dtype), True
    t, u = _hessenberg(a / scale)
    eps = np.finfo(a.dtype).eps
    norm = dt(sum(np.sum(np.abs(t[:min(n, j + 2), j])) for j in range(n)))
    zero = max(norm * eps * eps, np.finfo(a.dtype).tiny)
    iu, it, total, exshift = n - 1, 0, 0, dt(0)
    max_iters = MAX_ITERATIONS_PER_ROW * n
    if norm != 0:
        while iu >= 0:
            il = _small_subdiag(t, iu, zero, eps)
            if il == iu:
                t[iu, iu] += exshift
                if iu > 0:
                    t[iu, iu - 1] = 0
                iu -= 1
                it = 0
            elif il == iu - 1:
                _split_two_rows(t, u, iu, exshift)
                iu -= 2
                it = 0
            else:
                shift, exshift = _shift(t, iu, it, exshift)
                it += 1
                total += 1
                if total > max_iters:
                    return t, u, False
                im, v = _francis_start(t, il, iu, shift, eps)
                _francis_step(t, u, il, im, iu, v)
    return t * scale, u, True


def _small_subdiag(t, iu, zero, eps):
    res = iu
    while res > 0:
        s = abs(t[res - 1, res - 1]) + abs(t[res, res])
        s = max(s * eps, zero)
        if abs(t[res, res - 1]) <= s:
            break
        res -= 1
    return res


def _split_two_rows(t, u, iu, exshift):
    p = t.dtype.type(0.5) * (t[iu - 1, iu - 1] - t[iu, iu])
    q = p * p + t[iu, iu - 1] * t[iu - 1, iu]
    t[iu, iu] += exshift
    t[iu - 1, iu - 1] += exshift
    if q >= 0:
        z = np.sqrt(abs(q))
        c, s = _givens(p + z if p >= 0 else p - z, t[iu, iu - 1])
        _rot_left(t[:, iu - 1:], iu - 1, c, s)
        _rot_right(t[:iu + 1], iu - 1, c, s)
        t[iu, iu - 1] = 0
        _rot_right(u, iu - 1, c, s)
    if iu > 1:
        t[iu - 1, iu - 2] = 0


def _shift(t, iu, it, exshift):
    """RealSchur::computeShift: (shift info (x, y, w), the new exshift)."""
    dt = t.dtype.type
    x, y, w = t[iu, iu], t[iu - 1, iu - 1], t[iu, iu - 1] * t[iu - 1, iu]
    if it == 10:  # Wilkinson's original ad hoc shift
        exshift += x
        t[np.arange(iu + 1), np.arange(iu + 1)] -= x
        s = abs(t[iu, iu - 1]) + abs(t[iu - 1, iu - 2])
        x = y = dt(0.75) * s
        w = dt(-0.4375) * s * s
    if it == 30:  # MATLAB's new ad hoc shift
        s = (y - x) / dt(2)
        s = s * s + w
        if s > 0:
            s = np.sqrt(s)
            if y < x:
                s = -s
            s = s + (y - x) / dt(2)
            s = x - w / s
            exshift += s
            t[np.arange(iu + 1), np.arange(iu + 1)] -= s
            x = y = w = dt(0.964)
    return (x, y, w), exshift


def _francis_start(t, il, iu, shift, eps):
    """RealSchur::initFrancisQRStep: (im, first Householder vector)."""
    x, y, w = shift
    v = np.zeros(3, t.dtype)
    im = iu - 2
    while im >= il:
        tmm = t[im, im]
        r, s = x - tmm, y - tmm
        v[0] = (r * s - w) / t[im + 1, im] + t[im, im + 1]
        v[1] = t[im + 1, im + 1] - tmm - r - s
        v[2] = t[im + 2, im + 1]
        if im == il:
            break
        lhs = t[im, im - 1] * (abs(v[1]) + abs(v[2]))
        rhs = v[0] * (abs(t[im - 1, im - 1]) + abs(tmm) + abs(t[im + 1, im + 1]))
        if abs(lhs) < eps * rhs:
            break
        im -= 1
    return im, v


def _francis_step(t, u, il, im, iu, first):
    """RealSchur::performFrancisQRStep."""
    for k in range(im, iu - 1):
        v = first.copy() if k == im else t[k:k + 3, k - 1].copy()
        ess, tau, beta = _house(v)
        if beta != 0:
            if k == im and k > il:
                t[k, k - 1] = -t[k, k - 1]
            elif k != im:
                t[k, k - 1] = beta
            _left(t[k:k + 3, k:], ess, tau)
            _right(t[:min(iu, k + 3) + 1, k:k + 3], ess, tau)
            _right(u[:, k:k + 3], ess, tau)
    ess, tau, beta = _house(t[iu - 1:iu + 1, iu - 2].copy())
    if beta != 0:
        t[iu - 1, iu - 2] = beta
        _left(t[iu - 1:iu + 1, iu - 1:], ess, tau)
        _right(t[:iu + 1, iu - 1:iu + 1], ess, tau)
        _right(u[:, iu - 1:iu + 1], ess, tau)
    for i in range(im + 2, iu + 1):
        t[i, i - 2] = 0
        if i > im + 2:
            t[i, i - 3] = 0


def _eigenvalues(t, cdt):
    n = t.shape[0]
    dt = t.dtype.type
    e = np.zeros(n, cdt)
    i = 0
    while i < n:
        if i == n - 1 or t[i + 1, i] == 0:
            e[i] = t[i, i]
            i += 1
            continue
        p = dt(0.5) * (t[i, i] - t[i + 1, i + 1])
        t0, t1 = t[i + 1, i], t[i, i + 1]
        maxval = max(abs(p), abs(t0), abs(t1))
        t0, t1, p0 = t0 / maxval, t1 / maxval, p / maxval
        z = maxval * np.sqrt(abs(p0 * p0 + t0 * t1))
        e[i] = complex(t[i + 1, i + 1] + p, z)
        e[i + 1] = complex(t[i + 1, i + 1] + p, -z)
        i += 2
    return e


def _back_substitute(t, e, u):
    """EigenSolver::doComputeEigenvectors (hqr2): the real eigenvector matrix (pairs as
    real and imaginary columns)."""
    t = t.copy()
    n = t.shape[0]
    dt = t.dtype.type
    eps = np.finfo(t.dtype).eps
    norm = dt(sum(np.sum(np.abs(t[j, max(j - 1, 0):])) for j in range(n)))
    if norm == 0:
        return u
    for k in range(n - 1, -1, -1):
        p, q = dt(e[k].real), dt(e[k].imag)
        if q == 0:
            _real_vector(t, e, k, p, eps, norm)
        elif q < 0 and k > 0:
            _complex_vector(t, e, k, p, q, eps, norm)
    out = u.copy()
    for j in range(n - 1, -1, -1):  # (Eigen's row-major GEMV)
        out[:, j] = _rowmajor_gemv(t[:j + 1, j].copy(), u[:, :j + 1].T)
    return out


def _dot(a, b):
    """Eigen's dot of a row with a (strided) column: products summed in order."""
    return _ordered_sum(a * b, a.dtype.type)


def _unit(c):
    """c / ||c||, the squared moduli summed in order (a strided column)."""
    real = c.real.dtype.type
    return c / real(np.sqrt(_ordered_sum(c.real * c.real + c.imag * c.imag, real)))


def _real_vector(t, e, k, p, eps, norm):
    n = t.shape[0]
    lastr = lastw = t.dtype.type(0)
    ll = k
    t[k, k] = 1
    for i in range(k - 1, -1, -1):
        w = t[i, i] - p
        r = _dot(t[i, ll:k + 1], t[ll:k + 1, k])
        if e[i].imag < 0:
            lastw, lastr = w, r
            continue
        ll = i
        if e[i].imag == 0:
            t[i, k] = -r / w if w != 0 else -r / (eps * norm)
        else:
            x, y = t[i, i + 1], t[i + 1, i]
            denom = (e[i].real - p) * (e[i].real - p) + e[i].imag * e[i].imag
            tt = t.dtype.type((x * lastr - lastw * r) / denom)
            t[i, k] = tt
            t[i + 1, k] = (-r - w * tt) / x if abs(x) > abs(lastw) else (-lastr - y * tt) / lastw
        tt = abs(t[i, k])
        if (eps * tt) * tt > 1:
            t[i:n, k] /= tt


def _complex_vector(t, e, k, p, q, eps, norm):
    n = t.shape[0]
    dt = t.dtype.type
    lastra = lastsa = lastw = dt(0)
    ll = k - 1
    if abs(t[k, k - 1]) > abs(t[k - 1, k]):
        t[k - 1, k - 1] = q / t[k, k - 1]
        t[k - 1, k] = -(t[k, k] - p) / t[k, k - 1]
    else:
        cc = complex(0, -t[k - 1, k]) / complex(t[k - 1, k - 1] - p, q)
        t[k - 1, k - 1], t[k - 1, k] = cc.real, cc.imag
    t[k, k - 1] = 0
    t[k, k] = 1
    for i in range(k - 2, -1, -1):
        ra = _dot(t[i, ll:k + 1], t[ll:k + 1, k - 1])
        sa = _dot(t[i, ll:k + 1], t[ll:k + 1, k])
        w = t[i, i] - p
        if e[i].imag < 0:
            lastw, lastra, lastsa = w, ra, sa
            continue
        ll = i
        if e[i].imag == 0:
            cc = complex(-ra, -sa) / complex(w, q)
            t[i, k - 1], t[i, k] = cc.real, cc.imag
        else:
            x, y = t[i, i + 1], t[i + 1, i]
            er, ei = dt(e[i].real), dt(e[i].imag)
            vr = (er - p) * (er - p) + ei * ei - q * q
            vi = (er - p) * dt(2) * q
            if vr == 0 and vi == 0:
                vr = eps * norm * (abs(w) + abs(q) + abs(x) + abs(y) + abs(lastw))
            cc = complex(x * lastra - lastw * ra + q * sa,
                         x * lastsa - lastw * sa - q * ra) / complex(vr, vi)
            t[i, k - 1], t[i, k] = cc.real, cc.imag
            if abs(x) > abs(lastw) + abs(q):
                t[i + 1, k - 1] = (-ra - w * t[i, k - 1] + q * t[i, k]) / x
                t[i + 1, k] = (-sa - w * t[i, k] - q * t[i, k - 1]) / x
            else:
                cc = complex(-lastra - y * t[i, k - 1], -lastsa - y * t[i, k]) / complex(lastw, q)
                t[i + 1, k - 1], t[i + 1, k] = cc.real, cc.imag
        tt = max(abs(t[i, k - 1]), abs(t[i, k]))
        if (eps * tt) * tt > 1:
            t[i:n, k - 1:k + 1] /= tt


def _vectors(z, e, cdt):
    """EigenSolver::eigenvectors(): complex unit columns from the real ones."""
    n = z.shape[0]
    precision = 2 * np.finfo(z.dtype).eps
    v = np.zeros((n, n), cdt)
    j = 0
    while j < n:
        if abs(e[j].imag) <= abs(e[j].real) * precision or j + 1 == n:
            v[:, j] = _unit(z[:, j].astype(cdt))
            j += 1
            continue
        v[:, j] = _unit((z[:, j] + 1j * z[:, j + 1]).astype(cdt))
        v[:, j + 1] = _unit((z[:, j] - 1j * z[:, j + 1]).astype(cdt))
        j += 2
    return v
