"""tf.linalg decompositions, solvers and norms over batches of matrices (`[..., M, N]`)."""

import collections
import functools

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import FailedPreconditionError
from scopeflow.ops import eigen_qr
from scopeflow.ops.math_unary import real
from scopeflow.ops.op_util import attr, name_scope, typed_op
from scopeflow.ops.op_util import tensor as _to_tensor
from scopeflow.ops.array_base import dims_text, merge_dims
from scopeflow.ops.registry import ShapeError, broadcast_dims, spec
from scopeflow.ops.value_checks import check, failed

__all__ = ["adjoint", "cholesky", "cholesky_solve", "cross", "det", "eigh", "eigvalsh", "inv",
           "logdet", "lstsq", "lu", "matrix_determinant", "matrix_inverse", "matrix_solve",
           "matrix_solve_ls", "matrix_square_root", "matrix_triangular_solve", "norm", "pinv",
           "qr", "self_adjoint_eig", "self_adjoint_eigvals", "slogdet", "solve", "svd", "trace",
           "triangular_solve", "normalize", "matrix_transpose", "matrix_rank"]


def _matrix_dims(t, square=True):
    """(batch dims, rows, cols) of a `[..., M, N]` tensor; None when the rank is unknown."""
    d = t.shape._dims
    if d is None:
        return None
    if len(d) < 2:
        raise ShapeError("Shape must be at least rank 2 but is rank %d" % len(d))
    if square and d[-1] is not None and d[-2] is not None and d[-1] != d[-2]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (d[-2], d[-1]))
    return d[:-2], d[-2], d[-1]


def _square_shape(input, **attrs):  # noqa: A002 - TF's arg name
    m = _matrix_dims(input)
    return spec(None if m is None else m[0] + (m[1] or m[2], m[1] or m[2]),
                input.dtype.base_dtype)


def _scalar_per_matrix(input, **attrs):  # noqa: A002
    m = _matrix_dims(input)
    return spec(None if m is None else m[0], input.dtype.base_dtype)


def _bad_matrices(ctx, x, square=True):
    """TF's LinearAlgebraOp checks of a fed input: rank >= 2 and, for `square`, square
    matrices; True (the error recorded for the run) when they fail."""
    shape = np.shape(x)
    if len(shape) < 2:
        return failed(ctx, "Input tensor 0 must have rank >= 2, got %d" % len(shape))
    return failed(ctx, "Input matrix must be square." if square and shape[-1] != shape[-2]
                  else "")


def _stand_in(x, *tails):
    """Zeros for the outputs of a failed check: `x`'s batch dims + each tail."""
    batch = np.shape(x)[:-2]
    return tuple(jnp.zeros(batch + t, jnp.result_type(x)) for t in tails)


def _adj(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


def _lu_checked(ctx, a, message):
    """LU factors of `a`; TF's CPU kernels reject an exactly zero (or NaN) pivot."""
    lu, piv, _ = jax.lax.linalg.lu(jnp.asarray(a))
    pivots = jnp.abs(jnp.diagonal(lu, axis1=-2, axis2=-1))
    check(ctx, jnp.all(pivots > 0), message)
    return lu, piv


def _lu_solve(lu, piv, rhs):
    return jsl.lu_solve((lu, piv), rhs) if lu.ndim == 2 else jax.vmap(_lu_solve)(lu, piv, rhs)


@typed_op("MatrixInverse", infer=_square_shape, context=True)
def _matrix_inverse(ctx, input, *, adjoint=False):  # noqa: A002
    if _bad_matrices(ctx, input):
        return _stand_in(input, (0, 0))[0]
    a = _adj(input) if adjoint else input
    lu, piv = _lu_checked(ctx, a, "Input is not invertible.")
    eye = jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=lu.dtype), lu.shape)
    return _lu_solve(lu, piv, eye)


def _sqrt_triangular(t):
    """The upper triangular square root of upper triangular `t` [..., n, n], column by
    column: (R[:j, :j] + R[j, j]) R[:j, j] = T[:j, j] (0 / 0 is NaN, as Eigen's)."""
    n = t.shape[-1]
    r = jnp.zeros_like(t)
    d = jnp.sqrt(jnp.diagonal(t, axis1=-2, axis2=-1))
    r = r.at[..., jnp.arange(n), jnp.arange(n)].set(d)
    for j in range(1, n):
        lhs = r[..., :j, :j] + d[..., j, None, None] * jnp.eye(j, dtype=t.dtype)
        col = jsl.solve_triangular(lhs, t[..., :j, j:j + 1], lower=False)
        r = r.at[..., :j, j].set(col[..., 0])
    return r


def _schur(a, output):
    if a.ndim == 2:
        return jsl.schur(a, output=output)
    return jax.vmap(lambda m: _schur(m, output))(a)


def _negative_real_eigenvalue(a):
    """Whether a real matrix has a negative real eigenvalue (a 1 x 1 block of its real Schur
    form below zero): Eigen's real square root is NaN there."""
    t, _ = _schur(a, "real")
    n = t.shape[-1]
    diag = jnp.diagonal(t, axis1=-2, axis2=-1)
    sub = jnp.diagonal(t, offset=-1, axis1=-2, axis2=-1)
    zeros = jnp.zeros(sub.shape[:-1] + (1,), sub.dtype)
    alone = (jnp.concatenate([sub, zeros], -1) == 0) & (jnp.concatenate([zeros, sub], -1) == 0)
    return jnp.any(alone & (diag < 0), axis=-1) if n else jnp.zeros(t.shape[:-2], bool)


@typed_op("MatrixSquareRoot", infer=_square_shape, context=True)
def _matrix_square_root(ctx, input):  # noqa: A002
    if _bad_matrices(ctx, input):
        return _stand_in(input, (0, 0))[0]
    a = jnp.asarray(input)
    if a.shape[-1] == 0 or 0 in a.shape:
        return a
    real = not jnp.iscomplexobj(a)
    c = a.astype(jnp.complex64 if a.dtype in (jnp.float32, jnp.float16) else jnp.complex128) \
        if real else a
    t, z = _schur(c, "complex")
    root = jnp.matmul(jnp.matmul(z, _sqrt_triangular(t)), _adj(z))
    if not real:
        return root
    root = jnp.where(_negative_real_eigenvalue(a)[..., None, None], jnp.nan, jnp.real(root))
    return root.astype(a.dtype)


@typed_op("MatrixDeterminant", infer=_scalar_per_matrix, context=True)
def _matrix_determinant(ctx, input):  # noqa: A002
    if _bad_matrices(ctx, input):
        return _stand_in(input, ())[0]
    return jnp.linalg.det(input)


@typed_op("LogMatrixDeterminant", infer=lambda input: [_scalar_per_matrix(input)] * 2,
          multi=True, context=True)
def _log_matrix_determinant(ctx, input):  # noqa: A002
    if _bad_matrices(ctx, input):
        return _stand_in(input, (), ())
    return tuple(jnp.linalg.slogdet(input))


def _lower_hermitian(a):
    """The Hermitian matrix whose lower triangle is `a`'s."""
    lower = jnp.tril(a, -1)
    return lower + jnp.conj(jnp.swapaxes(lower, -1, -2)) + jnp.tril(jnp.triu(a))


@jax.custom_jvp
def _cholesky_lower(a):
    return jnp.linalg.cholesky(_lower_hermitian(a))


@_cholesky_lower.defjvp
def _cholesky_lower_jvp(primals, tangents):
    # tangents as jnp's (it averages a tangent with its adjoint): TF's gradient, symmetric
    return jax.jvp(jnp.linalg.cholesky, (_lower_hermitian(primals[0]),), tangents)


@typed_op("Cholesky", infer=_square_shape, context=True)
def _cholesky(ctx, input):  # noqa: A002
    if _bad_matrices(ctx, input):
        return _stand_in(input, (0, 0))[0]
    # TF's kernel (Eigen's LLT) reads the lower triangle only; jnp averages the matrix with
    # its adjoint, which gave other values for an input that is not symmetric
    return _cholesky_lower(input)


def _eig_shape(input, *, compute_v=True):  # noqa: A002
    m = _matrix_dims(input)
    dt = input.dtype.base_dtype
    if m is None:
        return [spec(None, dt), spec(None, dt)]
    n = m[1] or m[2]
    return [spec(m[0] + (n,), dt), spec(m[0] + ((n, n) if compute_v else (0,)), dt)]


@typed_op("SelfAdjointEigV2", infer=_eig_shape, multi=True, context=True)
def _self_adjoint_eig(ctx, input, *, compute_v=True):  # noqa: A002
    if _bad_matrices(ctx, input):
        return _stand_in(input, (0,), (0, 0))
    # TF's kernel reads the lower triangle only: its gradient is lower triangular (jnp's
    # default averages a with its transpose, which spread the gradient over both triangles)
    lower = jnp.tril(input)
    sym = lower + jnp.conj(jnp.swapaxes(jnp.tril(input, -1), -1, -2))
    e, v = jnp.linalg.eigh(sym, symmetrize_input=False)
    return e, (v if compute_v else jnp.zeros((0,), input.dtype))


def _qr_shape(input, *, full_matrices=False):  # noqa: A002
    m = _matrix_dims(input, square=False)
    dt = input.dtype.base_dtype
    if m is None:
        return [spec(None, dt), spec(None, dt)]
    b, rows, cols = m
    p = None if rows is None or cols is None else min(rows, cols)
    if full_matrices:
        return [spec(b + (rows, rows), dt), spec(b + (rows, cols), dt)]
    return [spec(b + (rows, p), dt), spec(b + (p, cols), dt)]


@typed_op("Qr", infer=_qr_shape, multi=True, context=True)
def _qr(ctx, input, *, full_matrices=False):  # noqa: A002
    if _bad_matrices(ctx, input, square=False):
        return _stand_in(input, (0, 0), (0, 0))
    if eigen_qr.on_host(np.shape(input), jnp.result_type(input)):
        # TF's own values (Eigen's order), e.g. for orthogonal inits
        return _tf_qr(input, bool(full_matrices))
    return tuple(jnp.linalg.qr(input, mode="complete" if full_matrices else "reduced"))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _tf_qr(a, full):
    if not isinstance(a, jax.core.Tracer):
        return eigen_qr.householder_qr(np.asarray(a), full)
    m, n = a.shape[-2:]
    p = min(m, n)
    # the host sees the bits as uint32 words: a run executes outside scopeflow's x64 scope,
    # where JAX would hand the callback float64 values as float32
    dt = np.dtype(a.dtype)
    w = dt.itemsize // 4
    words = lambda shape: jax.ShapeDtypeStruct(shape + ((w,) if w > 1 else ()), np.uint32)
    rows, cols = (m, m) if full else (m, p)
    shapes = (words(a.shape[:-2] + (rows, cols)), words(a.shape[:-2] + (cols if full else p, n)))

    def host(bits):
        x = np.ascontiguousarray(bits).view(dt).reshape(a.shape)
        return tuple(np.ascontiguousarray(y, dt).view(np.uint32).reshape(s.shape)
                     for y, s in zip(eigen_qr.householder_qr(x, full), shapes))

    q, r = jax.pure_callback(host, shapes, jax.lax.bitcast_convert_type(a, jnp.uint32))
    return (jax.lax.bitcast_convert_type(q, dt), jax.lax.bitcast_convert_type(r, dt))


@_tf_qr.defjvp
def _tf_qr_jvp(full, primals, tangents):  # XLA's QR derivative at TF's values
    out = _tf_qr(*primals, full)
    mode = "complete" if full else "reduced"
    _, dout = jax.jvp(lambda x: tuple(jnp.linalg.qr(x, mode=mode)), primals, tangents)
    return out, dout


def _svd_shape(input, *, compute_uv=True, full_matrices=False):  # noqa: A002
    m = _matrix_dims(input, square=False)
    dt = input.dtype.base_dtype
    if m is None:
        return [spec(None, dt)] * 3
    b, rows, cols = m
    p = None if rows is None or cols is None else min(rows, cols)
    if not compute_uv:
        return [spec(b + (p,), dt), spec((0,), dt), spec((0,), dt)]
    if full_matrices:
        return [spec(b + (p,), dt), spec(b + (rows, rows), dt), spec(b + (cols, cols), dt)]
    return [spec(b + (p,), dt), spec(b + (rows, p), dt), spec(b + (cols, p), dt)]


@typed_op("Svd", infer=_svd_shape, multi=True, context=True)
def _svd(ctx, input, *, compute_uv=True, full_matrices=False):  # noqa: A002
    if _bad_matrices(ctx, input, square=False):
        return _stand_in(input, (0,), (0, 0), (0, 0))
    if not compute_uv:
        empty = jnp.zeros((0,), input.dtype)
        return jnp.linalg.svd(input, compute_uv=False), empty, empty
    u, s, vh = jnp.linalg.svd(input, full_matrices=full_matrices)
    return s, u, _adj(vh)


def _solve_shape(matrix, rhs, **attrs):
    m = _matrix_dims(matrix)
    r = _matrix_dims(rhs, square=False)
    dt = matrix.dtype.base_dtype
    if m is None or r is None:
        return spec(None, dt)
    n = m[1] or m[2]
    if n is not None and r[1] is not None and n != r[1]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (n, r[1]))
    return spec(broadcast_dims(m[0], r[0]) + (n or r[1], r[2]), dt)


def _check_solve_shapes(m, r):
    """TF's run-time checks of fed shapes (LinearAlgebraOp, MatrixSolveOp): equal batch
    dimensions (no broadcasting), a square matrix, as many rows in the right-hand side."""
    if len(m) < 2:
        raise ValueError("Input tensor 0 must have rank >= 2, got %d" % len(m))
    if len(r) != len(m):
        raise ValueError("All input tensors must have the same rank.")
    if m[:-2] != r[:-2]:
        raise ValueError("All input tensors must have the same outer dimensions.")
    if m[-1] != m[-2]:
        raise ValueError("First input (lhs) must be a square matrix.")
    if r[-2] != m[-2]:
        raise ValueError("Input matrix and rhs are incompatible.")


@typed_op("MatrixSolve", infer=_solve_shape, context=True)
def _matrix_solve(ctx, matrix, rhs, *, adjoint=False):
    _check_solve_shapes(np.shape(matrix), np.shape(rhs))
    a = _adj(matrix) if adjoint else matrix
    lu, piv = _lu_checked(ctx, a, "Input matrix is not invertible.")
    shape = jnp.broadcast_shapes(lu.shape[:-2], jnp.shape(rhs)[:-2])
    lu = jnp.broadcast_to(lu, shape + lu.shape[-2:])
    piv = jnp.broadcast_to(piv, shape + piv.shape[-1:])
    return _lu_solve(lu, piv, jnp.broadcast_to(rhs, shape + jnp.shape(rhs)[-2:]))


def _triangular_solve_error(m, r, lower, adjoint):
    """TF's MatrixTriangularSolve checks of fed shapes ('' when they pass)."""
    if m[-1] != m[-2]:
        return "In[0] matrices in the last dimensions must be square (%d =/= %d)" % (m[-1],
                                                                                    m[-2])
    try:
        np.broadcast_shapes(m[:-2], r[:-2])
    except ValueError:
        return "In[0] and In[1] must have compatible batch dimensions: %s vs. %s" % (
            dims_text(m), dims_text(r))
    if m[-2] != r[-2]:
        return "In[0] mismatch In[1] shape: %d vs. %d: %s %s %d %d" % (
            m[-2], r[-2], dims_text(m), dims_text(r), lower, adjoint)
    return ""


@typed_op("MatrixTriangularSolve", infer=_solve_shape, context=True)
def _triangular_solve(ctx, matrix, rhs, *, lower=True, adjoint=False):
    m, r = np.shape(matrix), np.shape(rhs)
    if failed(ctx, _triangular_solve_error(m, r, lower, adjoint)):
        return jnp.zeros(r, jnp.result_type(rhs))
    return jsl.solve_triangular(matrix, rhs, lower=lower, trans="C" if adjoint else 0)


def _banded_solve_shape(matrix, rhs, *, lower=True, adjoint=False):
    m, r = matrix.shape._dims, rhs.shape._dims
    for d in (m, r):
        if d is not None and len(d) < 2:
            raise ShapeError("Shape must be at least rank 2 but is rank %d" % len(d))
    dt = matrix.dtype.base_dtype
    if m is None or r is None:
        return spec(None, dt)
    batch = broadcast_dims(m[:-2], r[:-2])
    n = m[-1]
    if n is not None and r[-2] is not None and n != r[-2]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (n, r[-2]))
    n = n if n is not None else r[-2]
    if m[-2] is not None and n is not None and m[-2] > n:
        raise ShapeError("Number of bands %d cannot exceed the size of the matrix %d"
                         % (m[-2], n))
    return spec(batch + (n, r[-1]), dt)


def _banded_solve_error(m, r, lower, adjoint):
    """TF's BandedTriangularSolve checks of fed shapes ('' when they pass)."""
    for i, s in enumerate((m, r)):
        if len(s) < 2:
            return "In[%d] ndims must be >= 2: %d" % (i, len(s))
    try:
        np.broadcast_shapes(m[:-2], r[:-2])
    except ValueError:
        return "In[0] and In[1] must have compatible batch dimensions: %s vs. %s" % (
            dims_text(m), dims_text(r))
    if m[-1] != r[-2]:
        return "In[0] mismatch In[1] shape: %d vs. %d: %s %s %d %d" % (
            m[-1], r[-2], dims_text(m), dims_text(r), lower, adjoint)
    return ""


def _band_to_dense(bands, lower):
    """The [..., n, n] triangular matrices of TF's banded storage: for `lower`, row k holds
    the k-th subdiagonal right-aligned; otherwise row nb-1-k the k-th superdiagonal,
    left-aligned (the main diagonal last)."""
    nb, n = bands.shape[-2:]
    out = jnp.zeros(bands.shape[:-2] + (n, n), bands.dtype)
    for k in range(min(nb, n)):
        if lower:  # A[j, j - k] = bands[k, j]
            rows = np.arange(k, n)
            out = out.at[..., rows, rows - k].set(bands[..., k, k:])
        else:  # A[i, i + k] = bands[nb - 1 - k, i]
            rows = np.arange(0, n - k)
            out = out.at[..., rows, rows + k].set(bands[..., nb - 1 - k, :n - k])
    return out


@typed_op("BandedTriangularSolve", infer=_banded_solve_shape, context=True)
def _banded_triangular_solve(ctx, matrix, rhs, *, lower=True, adjoint=False):
    m, r = np.shape(matrix), np.shape(rhs)
    if failed(ctx, _banded_solve_error(m, r, lower, adjoint)):
        return jnp.zeros(r, jnp.result_type(rhs))
    bands, b = jnp.asarray(matrix), jnp.asarray(rhs)
    shape = np.broadcast_shapes(m[:-2], r[:-2])
    if m[-2] == 0 or m[-1] == 0 or r[-1] == 0:
        return jnp.zeros(shape + r[-2:], b.dtype)
    diag = bands[..., 0, :] if lower else bands[..., -1, :]
    check(ctx, jnp.all(diag != 0), "Input matrix is not invertible.")
    a = jnp.broadcast_to(_band_to_dense(bands, lower), shape + (m[-1], m[-1]))
    b = jnp.broadcast_to(b, shape + r[-2:])
    return jsl.solve_triangular(a, b, lower=lower, trans="C" if adjoint else 0)


def banded_triangular_solve(bands, rhs, lower=True, adjoint=False, name=None):
    """`tf.linalg.banded_triangular_solve` (TF 2's name; tf.raw_ops.BandedTriangularSolve)."""
    return _banded_triangular_solve(bands, rhs, name=name or "BandedTriangularSolve",
                                    lower=attr("bool", lower, "lower"),
                                    adjoint=attr("bool", adjoint, "adjoint"))


def _cross_shape(a, b):
    """TF's Cross shape function: both inputs of rank >= 1, merged (no broadcasting), the last
    dimension 3."""
    da, db = a.shape._dims, b.shape._dims
    for d in (da, db):
        if d is not None and len(d) < 1:
            raise ShapeError("Shape must be at least rank 1 but is rank 0")
    if da is None or db is None:
        d = db if da is None else da
    elif len(da) != len(db):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(da), len(db)))
    else:
        d = merge_dims(da, db, "")
    if d is not None and d[-1] not in (None, 3):
        raise ShapeError("Dimension must be 3 but is %d" % d[-1])
    return spec(d, a.dtype.base_dtype)


@typed_op("Cross", infer=_cross_shape, context=True)
def _cross(ctx, a, b):
    if np.shape(a) != np.shape(b):
        check(ctx, False, "Both inputs must be of same shape: %s vs. %s"
              % (dims_text(np.shape(a)), dims_text(np.shape(b))))
        return jnp.zeros(np.shape(a), jnp.result_type(a))
    if not np.shape(a) or np.shape(a)[-1] != 3:
        check(ctx, False, "Cross-products are only defined for 3-element vectors.",
              exc=FailedPreconditionError)
        return jnp.zeros(np.shape(a), jnp.result_type(a))
    return jnp.cross(a, b)


def _lu_shape(input, *, output_idx_type=_dt.int32):  # noqa: A002
    m = _matrix_dims(input)
    if m is None:
        return [spec(None, input.dtype.base_dtype), spec(None, output_idx_type)]
    n = m[1] if m[1] is not None else m[2]
    return [spec(m[0] + (n, n), input.dtype.base_dtype), spec(m[0] + (n,), output_idx_type)]


@typed_op("Lu", infer=_lu_shape, multi=True)
def _lu(input, *, output_idx_type=_dt.int32):  # noqa: A002
    if input.ndim < 2:  # (a value fed with a rank the graph did not know)
        raise ValueError("Input tensor must have rank >= 2, got %d" % input.ndim)
    if input.shape[-1] != input.shape[-2]:
        raise ValueError("Input matrix must be square.")
    lu_, _, perm = jax.lax.linalg.lu(input)
    return lu_, perm.astype(output_idx_type.as_numpy_dtype)


# ---- public functions -----------------------------------------------------------------------
def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002
    """`tf.linalg.inv`.

    >>> import scopeflow as tf
    >>> tf.linalg.inv(tf.eye(2)).name
    'MatrixInverse:0'
    """
    return _matrix_inverse(input, name=name or "MatrixInverse",
                           adjoint=attr("bool", adjoint, "adjoint"))


def matrix_square_root(input, name=None):  # noqa: A002
    """`tf.linalg.sqrtm`: the MatrixSquareRoot op."""
    return _matrix_square_root(input, name=name or "MatrixSquareRoot")


def matrix_determinant(input, name=None):  # noqa: A002
    return _matrix_determinant(input, name=name or "MatrixDeterminant")


def slogdet(input, name=None):  # noqa: A002
    return tuple(_log_matrix_determinant(input, name=name or "LogMatrixDeterminant"))


def cholesky(input, name=None):  # noqa: A002
    return _cholesky(input, name=name or "Cholesky")


def logdet(matrix, name=None):
    """`tf.linalg.logdet` of Hermitian positive definite matrices, through Cholesky."""
    from scopeflow.ops import math as m, reductions
    with name_scope(name, "logdet", [matrix]):
        chol = cholesky(matrix)
        diag = _diag_part(chol)
        return 2.0 * reductions.reduce_sum(m.log(m.real(diag)), axis=[-1])


Qr = collections.namedtuple("Qr", ["q", "r"])


def qr(input, full_matrices=False, name=None):  # noqa: A002
    return Qr(*_qr(input, name=name or "Qr",
                   full_matrices=attr("bool", full_matrices, "full_matrices")))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """`tf.linalg.svd`: (s, u, v) with `v` not adjointed, or only `s`."""
    s, u, v = _svd(tensor, name=name or "Svd", compute_uv=attr("bool", compute_uv, "compute_uv"),
                   full_matrices=attr("bool", full_matrices, "full_matrices"))
    s = real(s)  # (the op's s has the input's type: a Real op for complex inputs)
    return (s, u, v) if compute_uv else s


def self_adjoint_eig(tensor, name=None):
    e, v = _self_adjoint_eig(tensor, name=name or "SelfAdjointEigV2", compute_v=True)
    return e, v


def self_adjoint_eigvals(tensor, name=None):
    return _self_adjoint_eig(tensor, name=name or "SelfAdjointEigV2", compute_v=False)[0]


def matrix_solve(matrix, rhs, adjoint=False, name=None):
    return _matrix_solve(matrix, rhs, name=name or "MatrixSolve",
                         adjoint=attr("bool", adjoint, "adjoint"))


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """`tf.linalg.triangular_solve` ('triangular_solve/MatrixTriangularSolve')."""
    with name_scope(name, "triangular_solve", [matrix, rhs]):
        return _triangular_solve(matrix, rhs, lower=lower, adjoint=adjoint)


def cholesky_solve(chol, rhs, name=None):
    """Solves A X = rhs given A's Cholesky factor, by two triangular solves."""
    with name_scope(name, "cholesky_solve", [chol, rhs]):
        y = _triangular_solve(chol, rhs, adjoint=False, lower=True)
        return _triangular_solve(chol, y, adjoint=True, lower=True)


def _regularized_gramian_cholesky(matrix, l2_regularizer, first_kind):
    """Cholesky factor of A^H A + l2 I (`first_kind`) or A A^H + l2 I, as TF builds it."""
    from scopeflow.core.tensor import Tensor
    from scopeflow.ops.diag_ops import eye
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.shape_ops import shape
    gramian = matmul(matrix, matrix, adjoint_a=first_kind, adjoint_b=not first_kind)
    if isinstance(l2_regularizer, Tensor) or l2_regularizer != 0:
        matrix_shape = shape(matrix)
        batch_shape = matrix_shape[:-2]
        small_dim = matrix_shape[-1] if first_kind else matrix_shape[-2]
        identity = eye(small_dim, batch_shape=batch_shape, dtype=matrix.dtype)
        small = matrix.shape[-1 if first_kind else -2]
        identity.set_shape(matrix.shape[:-2].concatenate([small, small]))
        gramian += l2_regularizer * identity
    return _cholesky(gramian, name="Cholesky")


def _solve_ls_shape(matrix, rhs, l2_regularizer, *, fast=True):
    d = l2_regularizer.shape._dims
    if d is not None and len(d) != 0:
        raise ShapeError("Shape must be rank 0 but is rank %d" % len(d))
    m, r = matrix.shape._dims, rhs.shape._dims
    for x in (m, r):
        if x is not None and len(x) < 2:
            raise ShapeError("Shape must be at least rank 2 but is rank %d" % len(x))
    dt = matrix.dtype.base_dtype
    if m is None or r is None:
        return spec(None, dt)
    if len(m) != len(r):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(m) - 2,
                                                                           len(r) - 2))
    batch = merge_dims(m[:-2], r[:-2], "")
    if m[-2] is not None and r[-2] is not None and m[-2] != r[-2]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (m[-2], r[-2]))
    return spec(batch + (m[-1], r[-1]), dt)


def _check_solve_ls_shapes(m, r, l2):
    """TF's run-time checks of MatrixSolveLs's fed shapes ('' when they pass)."""
    if np.ndim(l2) != 0:
        return "l2_regularizer must be scalar, got shape %s" % dims_text(np.shape(l2))
    if len(m) < 2:
        return "Input tensor 0 must have rank >= 2, got %d" % len(m)
    if len(r) != len(m):
        return "All input tensors must have the same rank."
    if m[:-2] != r[:-2]:
        return "All input tensors must have the same outer dimensions."
    if r[-2] != m[-2]:
        return "Input matrix and rhs are incompatible."
    return ""


@typed_op("MatrixSolveLs", infer=_solve_ls_shape, context=True,
          types={"l2_regularizer": _dt.float64})
def _matrix_solve_ls_op(ctx, matrix, rhs, l2_regularizer, *, fast=True):
    m, r = np.shape(matrix), np.shape(rhs)
    if failed(ctx, _check_solve_ls_shapes(m, r, l2_regularizer)):
        return jnp.zeros(m[:-2] + m[-1:] + r[-1:] if len(m) >= 2 and len(r) >= 2 else (0,),
                         jnp.result_type(matrix))
    a, b = jnp.asarray(matrix), jnp.asarray(rhs)
    dt = a.dtype
    rows, cols = m[-2], m[-1]
    if rows == 0 or cols == 0 or r[-1] == 0:
        return jnp.zeros(m[:-2] + (cols, r[-1]), dt)
    if not fast:  # TF: a complete orthogonal decomposition, the minimum-norm solution
        hi = jnp.complex128 if jnp.iscomplexobj(a) else jnp.float64
        def solve(x, y):
            return jnp.linalg.lstsq(x, y)[0]
        for _ in m[:-2]:
            solve = jax.vmap(solve)
        return solve(a.astype(hi), b.astype(hi)).astype(dt)
    l2 = jnp.asarray(l2_regularizer).astype(dt)
    over = rows >= cols
    gram = jnp.matmul(_adj(a), a) if over else jnp.matmul(a, _adj(a))
    k = gram.shape[-1]
    gram = gram + jnp.where(l2 > 0, l2, 0) * jnp.eye(k, dtype=dt)
    chol = jnp.linalg.cholesky(_lower_hermitian(gram))
    check(ctx, jnp.all(jnp.isfinite(chol)),
          "Input matrix was rank deficient or ill-conditioned. Try setting fast=False or "
          "provide a larger l2_regularizer > 0.")
    rhs_ = jnp.matmul(_adj(a), b) if over else b
    y = jsl.solve_triangular(chol, rhs_, lower=True)
    x = jsl.solve_triangular(chol, y, lower=True, trans="C")
    return x if over else jnp.matmul(_adj(a), x)


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """`tf.linalg.lstsq`: by the normal equations and Cholesky (TF's composite, `fast`), or
    the MatrixSolveLs op (`fast=False`, or a large batch of small matrices)."""
    from scopeflow.ops.control_flow import cond
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.shape_ops import shape

    def overdetermined(matrix, rhs, l2):
        chol = _regularized_gramian_cholesky(matrix, l2, first_kind=True)
        return cholesky_solve(chol, matmul(matrix, rhs, adjoint_a=True))

    def underdetermined(matrix, rhs, l2):
        chol = _regularized_gramian_cholesky(matrix, l2, first_kind=False)
        return matmul(matrix, cholesky_solve(chol, rhs), adjoint_a=True)

    matrix = _to_tensor(matrix, name="matrix")
    if matrix.dtype == _dt.complex128 and l2_regularizer != 0:
        raise NotImplementedError("matrix_solve_ls is currently disabled for complex128 and "
                                  "l2_regularizer != 0 due to poor accuracy.")
    tensor_shape = matrix.shape
    composite = fast is not False
    if composite and tensor_shape.is_fully_defined():
        dims = tensor_shape.as_list()
        size = int(np.prod(dims)) * matrix.dtype.size
        io_bound = int(np.prod(dims[:-2])) > min(dims[-2:])
        composite = not (size > 256000 and io_bound)
    if not composite:
        return _matrix_solve_ls_op(matrix, rhs, l2_regularizer, name=name or "MatrixSolveLs",
                                   fast=attr("bool", fast, "fast"))
    with name_scope(name, "matrix_solve_ls", [matrix, rhs, l2_regularizer]):
        matrix_shape = matrix.shape[-2:]
        if matrix_shape.is_fully_defined():
            if matrix_shape[-2] >= matrix_shape[-1]:
                return overdetermined(matrix, rhs, l2_regularizer)
            return underdetermined(matrix, rhs, l2_regularizer)
        dyn = shape(matrix)[-2:]
        return cond(dyn[-2] >= dyn[-1], lambda: overdetermined(matrix, rhs, l2_regularizer),
                    lambda: underdetermined(matrix, rhs, l2_regularizer))


def lu(input, output_idx_type=_dt.int32, name=None):  # noqa: A002
    if not isinstance(output_idx_type, (_dt.DType, str, type)) and not hasattr(
            output_idx_type, "as_numpy_dtype"):
        raise TypeError("Expected DataType for argument 'output_idx_type' not %r."
                        % (output_idx_type,))
    return tuple(_lu(input, name=name or "Lu", output_idx_type=_dt.as_dtype(output_idx_type)))


def cross(a, b, name=None):
    return _cross(a, b, name=name or "Cross")


def _diag_part(x):
    """The main diagonals of `x` ([..., M, N] -> [..., min(M, N)]): tf.linalg.diag_part."""
    from scopeflow.ops.op_util import array_ops as array
    try:
        return array.matrix_diag_part(x)
    except AttributeError:  # the array family has no MatrixDiagPartV3: the same values
        from scopeflow.ops.linalg import einsum
        return einsum("...ii->...i", x, name="diag_part")


def trace(x, name=None):
    """`tf.linalg.trace`: sum of the diagonal of each matrix (op 'Trace', a Sum)."""
    from scopeflow.ops import reductions
    with name_scope(name, "Trace", [x]) as scope:
        x = _to_tensor(x, name="x")
        return reductions.reduce_sum(_diag_part(x), [-1], name=scope)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """`tf.linalg.matrix_transpose`: swaps the last two dimensions."""
    from scopeflow.ops.op_util import array_ops as array
    with name_scope(name, "transpose", [a]):
        a = _to_tensor(a, name="a")
        r = a.shape.ndims
        if r is not None and r < 2:
            raise ValueError("Argument `a` should be a (batch) matrix with rank >= 2.  "
                             "Received `a` = %s with shape: %s" % (a, a.shape))
        if r is None:  # TF's perm from the rank the run has
            from scopeflow.ops.shape_ops import range_op, rank_op
            from scopeflow.ops.joining import concat
            a_rank = rank_op(a, name="Rank")
            perm = concat((range_op(0, a_rank - 2, 1, name="Range"), [a_rank - 1, a_rank - 2]), 0)
        else:
            perm = list(range(r - 2)) + [r - 1, r - 2]
        return array.transpose(a, perm, conjugate=conjugate)


def adjoint(matrix, name=None):
    """`tf.linalg.adjoint`: conjugate transpose ('adjoint/matrix_transpose/transpose')."""
    with name_scope(name, "adjoint", [matrix]):
        matrix = _to_tensor(matrix, name="matrix")
        return matrix_transpose(matrix, conjugate=True)


def pinv(a, rcond=None, validate_args=False, name=None):
    """`tf.linalg.pinv` through the SVD, small singular values cut at `rcond * max(s)`."""
    from scopeflow.ops import math as m, reductions
    from scopeflow.ops.op_util import array_ops as array
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.op_util import raw
    with name_scope(name or "pinv"):
        a = _to_tensor(a, name="a")
        _check_float(a)
        if rcond is None:
            eps = np.finfo(a.dtype.as_numpy_dtype).eps
            dims = a.shape.as_list()[-2:] if a.shape.ndims else [None]
            if None in dims:
                rcond = 10.0 * eps * _max_dim(a)
            else:
                rcond = 10.0 * max(dims) * eps
        if not hasattr(rcond, "op"):
            rcond = _to_tensor(np.asarray(rcond, a.dtype.as_numpy_dtype), name="rcond")
        s, u, v = svd(a, full_matrices=False, compute_uv=True)
        cutoff = rcond * reductions.reduce_max(s, axis=-1)
        s = raw("SelectV2", m.greater(s, array.expand_dims(cutoff, -1)), s, np.inf)
        return matmul(v / array.expand_dims(s, -2), u, adjoint_b=True)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):  # noqa: A002
    """`tf.norm`: vector norms (and Frobenius / 1 / inf matrix norms) as TF composes them."""
    from scopeflow.ops import math as m, reductions
    from scopeflow.ops.op_util import array_ops as array
    keep = reductions.pick_keep(keepdims, keep_dims)
    axis, is_matrix = _norm_axis(axis, ord)
    with name_scope(name, "norm", [tensor]):
        x = _to_tensor(tensor)
        if ord in ("fro", "euclidean", 2, 2.0):
            result = m.sqrt(reductions.reduce_sum(x * m.conj(x), axis, keepdims=True))
        else:
            result = m.abs(x)
            if ord == 1:
                result = reductions.reduce_sum(result, None if axis is None else axis[0],
                                               keepdims=True)
                if is_matrix:
                    result = reductions.reduce_max(result, axis[-1], keepdims=True)
            elif ord == np.inf:
                if is_matrix:
                    result = reductions.reduce_sum(result, axis[1], keepdims=True)
                result = reductions.reduce_max(result, None if axis is None else axis[0],
                                               keepdims=True)
            else:
                result = m.pow(reductions.reduce_sum(m.pow(result, ord), axis, keepdims=True),
                               1.0 / ord)
        if not keep:
            result = array.squeeze(result, axis)
        return result


def _norm_axis(axis, ord):  # noqa: A002
    is_matrix = False
    if axis is not None:
        if isinstance(axis, (list, tuple)) and len(axis) == 2:
            is_matrix = True
            if axis[0] == axis[1]:
                raise ValueError("'axis' must be a list or tuple of 2 distinct integers, got "
                                 "%s." % (axis,))
            if ord not in ("fro", "euclidean", 1, 2, np.inf):
                raise ValueError("'ord' must be a supported matrix norm in ['euclidean', "
                                 "'fro', 1, 2, inf], got '%s'." % (ord,))
            return list(axis), True
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise ValueError("'axis' must be None, an integer, or a tuple of 2 unique "
                                 "integers, got %s" % (axis,))
            axis = axis[0]
        axis = [axis]
    if not (isinstance(ord, (int, float)) and ord > 0) and ord not in ("euclidean",):
        raise ValueError("'ord' must be a supported vector norm, got '%s'." % (ord,))
    return axis, is_matrix


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002
    """`tf.linalg.normalize`: (tensor / norm, norm)."""
    with name_scope(name, "normalize", [tensor]):
        x = _to_tensor(tensor)
        n = norm(x, ord=ord, axis=axis, keepdims=True)
        return x / n, n


inv, det, solve, triangular_solve, lstsq = (matrix_inverse, matrix_determinant, matrix_solve,
                                            matrix_triangular_solve, matrix_solve_ls)
eigh, eigvalsh = self_adjoint_eig, self_adjoint_eigvals


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """`tf.linalg.matrix_rank`: singular values above `tol` (TF's default from eps)."""
    from scopeflow import dtypes as dt
    from scopeflow.ops import math as m
    from scopeflow.ops.reductions import reduce_max, reduce_sum
    with name_scope(name or "matrix_rank"):
        a = _to_tensor(a, name="a")
        _check_float(a)
        s = svd(a, compute_uv=False)
        if tol is None:
            d = a.shape.as_list()[-2:] if a.shape.ndims else [None]
            eps = np.finfo(a.dtype.as_numpy_dtype).eps
            n = _max_dim(a) if None in d else m.cast(max(d), a.dtype)
            tol = (eps * n) * reduce_max(s, axis=-1, keepdims=True)
        return reduce_sum(m.cast(s > tol, dt.int32), axis=-1)


def _check_float(a):
    if not (a.dtype.is_floating or a.dtype.is_complex):
        raise TypeError("Input `a` must have `float`-like `dtype` (saw %s)." % a.dtype.name)


def _max_dim(a):
    """max(rows, cols) of `a`'s matrices, computed when the graph runs."""
    from scopeflow.ops import math as m
    from scopeflow.ops.op_util import array_ops as array
    from scopeflow.ops.reductions import reduce_max
    return m.cast(reduce_max(array.shape(a)[-2:]), a.dtype)
