"""tf.linalg.tridiagonal_solve and tridiagonal_matmul: the TridiagonalSolve and
TridiagonalMatMul ops (kernels that follow TF's CPU algorithms: Gaussian elimination with
partial pivoting, or Thomas's algorithm, a singular system giving NaNs as TF's does) and the
Python wrappers TF puts around them (formats compact / sequence / matrix)."""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops.array_base import merge_dims
from scopeflow.ops.op_util import attr, typed_op
from scopeflow.ops.op_util import tensor as _to_tensor
from scopeflow.ops.registry import ShapeError, spec
from scopeflow.ops.value_checks import failed

__all__ = ["tridiagonal_solve", "tridiagonal_matmul"]


def _at_least_2(d):
    if d is not None and len(d) < 2:
        raise ShapeError("Shape must be at least rank 2 but is rank %d" % len(d))


def _merge_shapes(a, b):
    if a is None or b is None:
        return a if b is None else b
    if len(a) != len(b):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(a), len(b)))
    return merge_dims(a, b, "")


def _merge_dim(a, b):
    if a is not None and b is not None and a != b:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))


def _with_value(d, value):
    if d is not None and d != value:
        raise ShapeError("Dimension must be %d but is %d" % (value, d))


def _solve_shape(diagonals, rhs, **attrs):
    lhs, r = diagonals.shape._dims, rhs.shape._dims
    _at_least_2(lhs)
    _at_least_2(r)
    if lhs is not None and r is not None:
        _merge_shapes(lhs[:-2], r[:-2])
        _merge_dim(lhs[-1], r[-2])
    if lhs is not None:
        _with_value(lhs[-2], 3)
    return spec(r, rhs.dtype.base_dtype)


def _matmul_shape(superdiag, maindiag, subdiag, rhs):
    sup, main, sub, r = (t.shape._dims for t in (superdiag, maindiag, subdiag, rhs))
    for d in (sup, main, sub, r):
        _at_least_2(d)
    sup = _merge_shapes(sup, main)
    sub = _merge_shapes(sub, main)
    if sup is not None and r is not None:
        _merge_shapes(sup[:-2], r[:-2])
    if main is not None and r is not None:
        _merge_dim(main[-1], r[-2])
    if main is not None:
        _with_value(main[-2], 1)
    return spec(r, rhs.dtype.base_dtype)


def _batch_error(shapes):
    """TF's LinearAlgebraOp checks of fed inputs: rank >= 2, equal ranks and batch dims."""
    rank = len(shapes[0])
    if rank < 2:
        return "Input tensor 0 must have rank >= 2, got %d" % rank
    for s in shapes[1:]:
        if len(s) != rank:
            return "All input tensors must have the same rank."
        if s[:-2] != shapes[0][:-2]:
            return "All input tensors must have the same outer dimensions."
    return ""


def _solve_error(d, r):
    e = _batch_error([d, r])
    if e:
        return e
    if d[-2] != 3:
        return "Expected diagonals to be provided as a matrix with 3 rows, got %d rows." % d[-2]
    if d[-1] != r[-2]:
        return ("Expected the same number of left-hand sides and right-hand sides, got %d "
                "and %d." % (d[-1], r[-2]))
    return ""


def _nan_where(bad, x):
    return jnp.where(bad[..., None, None], jnp.asarray(np.nan, x.dtype), x)


def _rows(v):
    """`v` [..., n] as [n, ..., 1] (one scan step per row, broadcast over the columns)."""
    return jnp.moveaxis(v, -1, 0)[..., None]


def _pivoting(sup, diag, sub, rhs):
    """Gaussian elimination with partial pivoting (TF's, after LAPACK's xgtsv)."""
    n = diag.shape[-1]
    zero = jnp.zeros((), diag.dtype)
    rows = jnp.moveaxis(rhs, -2, 0)  # [n, ..., k]

    def step(carry, inp):
        u0, u1, x, bad = carry
        s, d, p, r, last = inp
        keep = jnp.abs(u0) >= jnp.abs(s)
        safe_u0 = jnp.where(keep, u0, 1)
        safe_s = jnp.where(keep, 1, s)
        f_keep = s / safe_u0
        f_swap = u0 / safe_s
        row_u = (jnp.where(keep, u0, s), jnp.where(keep, u1, d),
                 jnp.where(keep | last, zero, p))
        row_x = jnp.where(keep, x, r)
        nu0 = jnp.where(keep, d - f_keep * u1, u1 - f_swap * d)
        nu1 = jnp.where(keep, p, -f_swap * p)
        nx = jnp.where(keep, r - f_keep * x, x - f_swap * r)
        bad = bad | (keep & (u0 == 0))
        return (nu0, nu1, nx, bad), row_u + (row_x,)

    last = jnp.arange(n - 1) == n - 2
    b = diag.shape[:-1]
    inp = (_rows(sub)[1:], _rows(diag)[1:], _rows(sup)[1:], rows[1:],
           jnp.broadcast_to(last.reshape((n - 1,) + (1,) * (len(b) + 1)), (n - 1,) + b + (1,)))
    init = (_rows(diag)[0], _rows(sup)[0], rows[0], jnp.zeros(b + (1,), bool))
    (un, _, xn, bad), (u0s, u1s, u2s, xs) = jax.lax.scan(step, init, inp)
    bad = bad | (un == 0)
    xn = xn / jnp.where(un == 0, 1, un)

    def back(carry, inp):
        x1, x2 = carry
        u0, u1, u2, x = inp
        xi = (x - u1 * x1 - u2 * x2) / u0
        return (xi, x1), xi

    _, out = jax.lax.scan(back, (xn, jnp.zeros_like(xn)), (u0s, u1s, u2s, xs), reverse=True)
    x = jnp.moveaxis(jnp.concatenate([out, xn[None]], 0), 0, -2)
    return _nan_where(bad[..., 0], x)


def _thomas(sup, diag, sub, rhs):
    """Thomas's algorithm (no pivoting), NaNs where a pivot is zero (as TF)."""
    rows = jnp.moveaxis(rhs, -2, 0)
    d0, s0 = _rows(diag)[0], _rows(sup)[0]
    bad0 = d0 == 0
    safe = jnp.where(bad0, 1, d0)

    def step(carry, inp):
        u, x, bad = carry
        s, d, p, r = inp
        denom = d - s * u
        bad = bad | (denom == 0)
        denom = jnp.where(denom == 0, 1, denom)
        nx = (r - s * x) / denom
        nu = p / denom
        return (nu, nx, bad), (nu, nx)

    init = (s0 / safe, rows[0] / safe, bad0)
    (_, _, bad), (us, xs) = jax.lax.scan(step, init, (_rows(sub)[1:], _rows(diag)[1:],
                                                      _rows(sup)[1:], rows[1:]))
    us = jnp.concatenate([init[0][None], us], 0)
    xs = jnp.concatenate([init[1][None], xs], 0)

    def back(x1, inp):
        u, x = inp
        xi = x - u * x1
        return xi, xi

    _, out = jax.lax.scan(back, xs[-1], (us[:-1], xs[:-1]), reverse=True)
    x = jnp.moveaxis(jnp.concatenate([out, xs[-1:]], 0), 0, -2)
    return _nan_where(bad[..., 0], x)


def _perturbed(perturb, pivot, row):
    """TF's MaybePerturbPivot (after LAPACK's xLAGTS): a pivot below 1 in magnitude moves
    away from zero (or the pivot and its row scale up) so that row / pivot cannot overflow."""
    real = jnp.finfo(jnp.real(pivot).dtype)
    safemin = jnp.asarray(real.tiny, real.dtype)
    bignum = 1 / safemin
    perturb = jnp.copysign(jnp.maximum(jnp.abs(perturb), safemin), jnp.real(pivot))
    max_factor = jnp.max(jnp.abs(row))

    def more(state):
        pivot, _, _, stop = state
        return (jnp.abs(pivot) < 1) & ~stop

    def step(state):
        pivot, perturb, row, _ = state
        a = jnp.abs(pivot)
        tiny = a < safemin
        scale = tiny & ~((a == 0) | (max_factor * safemin > a))
        nudge = jnp.where(tiny, ~scale, max_factor > a * bignum)
        pivot = jnp.where(scale, pivot * bignum, jnp.where(nudge, pivot + perturb, pivot))
        row = jnp.where(scale, row * bignum, row)
        return pivot, jnp.where(nudge, perturb * 2, perturb), row, ~nudge

    pivot, _, row, _ = jax.lax.while_loop(more, step, (pivot, perturb, row, jnp.asarray(False)))
    return pivot, row


def _perturb_singular_one(sup, diag, sub, rhs):
    """One system by TF's row-pivoted LU with near-zero pivots perturbed (xLAGTF + xLAGTS)."""
    n = diag.shape[0]
    eps = jnp.finfo(jnp.real(diag).dtype).eps
    one = jnp.ones((), diag.dtype)
    if n == 1:
        denom, row = _perturbed(eps * jnp.abs(diag[0]), diag[0], rhs[0])
        return (row * (one / denom))[None]
    zero = jnp.zeros((), diag.dtype)

    def step(carry, inp):
        u0, u1, x, scale1, max_u = carry
        s, d, p, r, k = inp
        inner = k < n - 2
        scale2 = jnp.abs(s) + jnp.abs(d) + jnp.where(inner, jnp.abs(p), 0)
        piv1 = jnp.where(u0 == 0, 0, jnp.abs(u0) / jnp.where(u0 == 0, 1, scale1))
        piv2 = jnp.abs(s) / scale2
        plain = s == 0
        keep = ~plain & (piv2 <= piv1)
        swap = ~plain & ~keep
        f_keep = s / jnp.where(keep, u0, 1)
        f_swap = u0 / jnp.where(swap, s, 1)
        row = (jnp.where(swap, s, u0), jnp.where(swap, d, u1), jnp.where(swap & inner, p, zero))
        row_x = jnp.where(swap, r, x)
        nu0 = jnp.where(plain, d, jnp.where(keep, d - f_keep * u1, u1 - f_swap * d))
        nu1 = jnp.where(swap, jnp.where(inner, -f_swap * p, zero), p)
        nx = jnp.where(plain, r, jnp.where(keep, r - f_keep * x, x - f_swap * r))
        scale1 = jnp.where(swap, scale1, scale2)
        max_u = jnp.where(inner, jnp.maximum(max_u, jnp.max(jnp.abs(jnp.stack(row)))), max_u)
        return (nu0, nu1, nx, scale1, max_u), row + (row_x,)

    init = (diag[0], sup[0], rhs[0], jnp.abs(diag[0]) + jnp.abs(sup[0]),
            jnp.maximum(jnp.abs(diag[0]), jnp.abs(sup[0])))
    (un, _, xn, _, max_u), (u0s, u1s, u2s, xs) = jax.lax.scan(
        step, init, (sub[1:], diag[1:], sup[1:], rhs[1:], jnp.arange(n - 1)))
    tol = eps * jnp.maximum(max_u, jnp.abs(un))
    denom, row = _perturbed(tol, un, xn)
    xn = row * (one / denom)

    def back(carry, inp):
        x1, x2 = carry
        u0, u1, u2, x = inp
        denom, row = _perturbed(jnp.copysign(tol, jnp.real(u0)), u0, x - u1 * x1 - u2 * x2)
        xi = row * (one / denom)
        return (xi, x1), xi

    _, out = jax.lax.scan(back, (xn, jnp.zeros_like(xn)), (u0s, u1s, u2s, xs), reverse=True)
    return jnp.concatenate([out, xn[None]], 0)


def _perturb_singular(sup, diag, sub, rhs):
    batch = diag.shape[:-1]
    flat = [t.reshape((-1,) + t.shape[len(batch):]) for t in (sup, diag, sub, rhs)]
    return jax.vmap(_perturb_singular_one)(*flat).reshape(rhs.shape)


@typed_op("TridiagonalSolve", infer=_solve_shape, context=True)
def _tridiagonal_solve(ctx, diagonals, rhs, *, partial_pivoting=True, perturb_singular=False):
    d, r = np.shape(diagonals), np.shape(rhs)
    if failed(ctx, _solve_error(d, r) or (
            "Setting perturb_singular requires also setting partial_pivoting."
            if perturb_singular and not partial_pivoting else "")):
        return jnp.zeros(r, jnp.result_type(rhs))
    a, b = jnp.asarray(diagonals), jnp.asarray(rhs)
    n = d[-1]
    if n == 0 or r[-1] == 0 or 0 in r[:-2]:
        return jnp.zeros(r, b.dtype)
    sup, diag, sub = a[..., 0, :], a[..., 1, :], a[..., 2, :]
    if perturb_singular:
        return _perturb_singular(sup, diag, sub, b)
    if n == 1:
        d0 = diag[..., :1, None]
        return _nan_where(d0[..., 0, 0] == 0, b / jnp.where(d0 == 0, 1, d0))
    return (_pivoting if partial_pivoting else _thomas)(sup, diag, sub, b)


def _matmul_error(shapes):
    e = _batch_error(shapes)
    if e:
        return e
    n = shapes[3][-2]
    for s, what in zip(shapes[:3], ("superdiagonal", "main diagonal", "subdiagonal")):
        if s[-2] != 1 or s[-1] != n:
            return "Invalid %s shape." % what
    return ""


@typed_op("TridiagonalMatMul", infer=_matmul_shape, context=True)
def _tridiagonal_mat_mul(ctx, superdiag, maindiag, subdiag, rhs):
    r = np.shape(rhs)
    if failed(ctx, _matmul_error([np.shape(t) for t in (superdiag, maindiag, subdiag, rhs)])):
        return jnp.zeros(r, jnp.result_type(rhs))
    x = jnp.asarray(rhs)
    if r[-2] == 0:
        return x
    sup, main, sub = (jnp.swapaxes(jnp.asarray(t), -1, -2) for t in (superdiag, maindiag,
                                                                     subdiag))
    out = x * main
    out = out.at[..., 1:, :].add(x[..., :-1, :] * sub[..., 1:, :])
    return out.at[..., :-1, :].add(x[..., 1:, :] * sup[..., :-1, :])


# ---- public functions -----------------------------------------------------------------------
def _solve_compact(diagonals, rhs, transpose_rhs, conjugate_rhs, partial_pivoting,
                   perturb_singular, name):
    from scopeflow.ops.op_util import array_ops as array
    from scopeflow.ops.math_unary import conj
    diagonals, rhs = _to_tensor(diagonals, name="diagonals"), _to_tensor(rhs, name="rhs")
    d_rank, r_rank = diagonals.shape.ndims, rhs.shape.ndims
    if d_rank:
        if d_rank < 2:
            raise ValueError("Expected diagonals to have rank at least 2, got %d" % d_rank)
        if r_rank and r_rank != d_rank and r_rank != d_rank - 1:
            raise ValueError("Expected the rank of rhs to be %d or %d, got %d" % (
                d_rank - 1, d_rank, r_rank))
        if r_rank and not diagonals.shape[:-2].is_compatible_with(rhs.shape[:d_rank - 2]):
            raise ValueError("Batch shapes %s and %s are incompatible" % (
                diagonals.shape[:-2], rhs.shape[:d_rank - 2]))
    dims = diagonals.shape._dims
    if dims is not None and dims[-2] and dims[-2] != 3:
        raise ValueError("Expected 3 diagonals got %d" % dims[-2])

    def check_counts():
        m, k = diagonals.shape._dims, rhs.shape._dims
        if m is not None and k is not None and len(k) >= 2 and m[-1] and k[-2] \
                and m[-1] != k[-2]:
            raise ValueError("Expected number of left-hand sided and right-hand sides to be "
                             "equal, got %d and %d" % (m[-1], k[-2]))

    pivot = attr("bool", partial_pivoting, "partial_pivoting")
    perturb = attr("bool", perturb_singular, "perturb_singular")
    if r_rank and d_rank and r_rank == d_rank - 1:
        if conjugate_rhs:
            rhs = conj(rhs)
        rhs = array.expand_dims(rhs, -1)
        check_counts()
        return array.squeeze(_tridiagonal_solve(diagonals, rhs, name=name or "TridiagonalSolve",
                                                partial_pivoting=pivot,
                                                perturb_singular=perturb), -1)
    if transpose_rhs:
        from scopeflow.ops.linalg_ops import matrix_transpose
        rhs = matrix_transpose(rhs, conjugate=conjugate_rhs)
    elif conjugate_rhs:
        rhs = conj(rhs)
    check_counts()
    return _tridiagonal_solve(diagonals, rhs, name=name or "TridiagonalSolve",
                              partial_pivoting=pivot, perturb_singular=perturb)


def _matrix_diagonals(diagonals):
    from scopeflow.ops.op_util import array_ops as array
    diagonals = _to_tensor(diagonals, name="diagonals")
    d = diagonals.shape._dims
    m1, m2 = (None, None) if d is None else (d[-1], d[-2])
    if m1 and m2 and m1 != m2:
        raise ValueError("Expected last two dimensions of diagonals to be same, got %d and %d"
                         % (m1, m2))
    return array.matrix_diag_part(diagonals, k=(-1, 1), padding_value=0.,
                                  align="LEFT_RIGHT")


def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False,
                      conjugate_rhs=False, name=None, partial_pivoting=True,
                      perturb_singular=False):
    """`tf.linalg.tridiagonal_solve`."""
    from scopeflow.ops.op_util import array_ops as array
    if perturb_singular and not partial_pivoting:
        raise ValueError("partial_pivoting must be True if perturb_singular is.")
    args = (transpose_rhs, conjugate_rhs, partial_pivoting, perturb_singular, name)
    if diagonals_format == "compact":
        return _solve_compact(diagonals, rhs, *args)
    if diagonals_format == "sequence":
        if not isinstance(diagonals, (tuple, list)) or len(diagonals) != 3:
            raise ValueError("Expected diagonals to be a sequence of length 3.")
        superdiag, maindiag, subdiag = diagonals
        if (not subdiag.shape[:-1].is_compatible_with(maindiag.shape[:-1])
                or not superdiag.shape[:-1].is_compatible_with(maindiag.shape[:-1])):
            raise ValueError(
                "Tensors representing the three diagonals must have the same shape,except "
                "for the last dimension, got %s, %s, %s" % (subdiag.shape, maindiag.shape,
                                                            superdiag.shape))
        m = maindiag.shape[-1]

        def pad_if_necessary(t, what, padding):
            n = t.shape[-1]
            if not n or n == m:
                return t
            if m is not None and n == m - 1:
                return array.pad(t, [[0, 0] for _ in range(t.shape.ndims - 1)] + [padding])
            raise ValueError("Expected %s to be have length %s or %s, got %d." % (
                what, m, None if m is None else m - 1, n))

        subdiag = pad_if_necessary(subdiag, "subdiagonal", [1, 0])
        superdiag = pad_if_necessary(superdiag, "superdiagonal", [0, 1])
        return _solve_compact(array.stack((superdiag, maindiag, subdiag), axis=-2), rhs, *args)
    if diagonals_format == "matrix":
        return _solve_compact(_matrix_diagonals(diagonals), rhs, *args)
    raise ValueError("Unrecognized diagonals_format: %s" % (diagonals_format,))


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """`tf.linalg.tridiagonal_matmul`."""
    from scopeflow.ops.op_util import array_ops as array
    if diagonals_format == "compact":
        diagonals = _to_tensor(diagonals, name="diagonals")
        superdiag, maindiag, subdiag = (diagonals[..., i, :] for i in range(3))
    elif diagonals_format == "sequence":
        superdiag, maindiag, subdiag = diagonals
    elif diagonals_format == "matrix":
        diags = _matrix_diagonals(diagonals)
        superdiag, maindiag, subdiag = (diags[..., i, :] for i in range(3))
    else:
        raise ValueError("Unrecognized diagonals_format: %s" % diagonals_format)
    superdiag, maindiag, subdiag = (array.expand_dims(t, -2)
                                    for t in (superdiag, maindiag, subdiag))
    return _tridiagonal_mat_mul(superdiag, maindiag, subdiag, rhs,
                                name=name or "TridiagonalMatMul")

