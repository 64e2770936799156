"""Gradients of the linear-algebra ops, as TF's linalg_grad builds them: MatrixInverse,
MatrixDeterminant, LogMatrixDeterminant, MatrixSolve, MatrixSolveLs, Cholesky,
MatrixTriangularSolve, BandedTriangularSolve, SelfAdjointEigV2, Svd, Qr, TridiagonalMatMul,
TridiagonalSolve and MatrixSquareRoot, out of other graph ops (the inverse and the solve run
again, so a singular matrix fails in the gradient as in TF, with TF's "Input is not
invertible.", where the jax.vjp fallback returned the adjugate; 1 / (e_i - e_j) of repeated
eigenvalues is TF's safe reciprocal, x / (x^2 + 1e-20), so eigh's gradient there is finite,
where jax.vjp gave nan)."""

from scopeflow.gradients.registry import gradient


def _multipliers(g, c):
    """`g` reshaped to the determinants' shape + [1, 1] (one per matrix)."""
    from scopeflow.ops.array import reshape
    from scopeflow.ops.joining import concat
    from scopeflow.ops.shape_ops import shape
    return reshape(g, concat([shape(c), [1, 1]], 0))


@gradient("MatrixInverse")
def _matrix_inverse_grad(op, grad):
    from scopeflow.ops.linalg import matmul
    ainv, adj = op._outputs[0], op._attrs.get("adjoint", False)
    return -matmul(ainv, matmul(grad, ainv, adjoint_a=adj, adjoint_b=not adj),
                   adjoint_a=not adj)


@gradient("MatrixDeterminant")
def _matrix_determinant_grad(op, grad):
    from scopeflow.ops.linalg_ops import matrix_inverse
    a, c = op._inputs[0], op._outputs[0]
    a_adj_inv = matrix_inverse(a, adjoint=True)
    return _multipliers(grad * c, c) * a_adj_inv


@gradient("LogMatrixDeterminant")
def _log_matrix_determinant_grad(op, _, grad_b):
    from scopeflow.ops.linalg_ops import matrix_inverse
    a, c = op._inputs[0], op._outputs[1]
    a_adj_inv = matrix_inverse(a, adjoint=True)
    return _multipliers(grad_b, c) * a_adj_inv


@gradient("MatrixSolve")
def _matrix_solve_grad(op, grad):
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import matrix_solve
    a, c = op._inputs[0], op._outputs[0]
    adj = op._attrs.get("adjoint", False)
    grad_b = matrix_solve(a, grad, adjoint=not adj)
    grad_a = -(matmul(c, grad_b, adjoint_b=True) if adj
               else matmul(grad_b, c, adjoint_b=True))
    return grad_a, grad_b


@gradient("Cholesky")
def _cholesky_grad(op, grad):
    # l^{-H} ((l^H grad) * (tril(ones) - eye / 2)) l^{-1}, symmetrized
    from scopeflow.ops.diag_ops import eye, matrix_band_part, matrix_diag_part, matrix_set_diag
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import adjoint, matrix_triangular_solve
    from scopeflow.ops.shape_ops import shape
    l_ = op._outputs[0]
    num_rows = shape(l_)[-1]
    batch_shape = shape(l_)[:-2]
    l_inverse = matrix_triangular_solve(l_, eye(num_rows, batch_shape=batch_shape,
                                                dtype=l_.dtype))
    middle = matmul(l_, grad, adjoint_a=True)
    middle = matrix_set_diag(middle, 0.5 * matrix_diag_part(middle))
    middle = matrix_band_part(middle, -1, 0)
    grad_a = matmul(matmul(l_inverse, middle, adjoint_a=True), l_inverse)
    grad_a += adjoint(grad_a)
    return grad_a * 0.5


@gradient("MatrixTriangularSolve")
def _matrix_triangular_solve_grad(op, grad):
    from scopeflow.ops.diag_ops import matrix_band_part
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import matrix_triangular_solve
    a, b, c = op._inputs[0], op._inputs[1], op._outputs[0]
    adj, lower = op._attrs.get("adjoint", False), op._attrs.get("lower", True)
    grad_b = matrix_triangular_solve(a, grad, lower=lower, adjoint=not adj)
    grad_a = -(matmul(c, grad_b, adjoint_b=True) if adj
               else matmul(grad_b, c, adjoint_b=True))
    grad_a = matrix_band_part(grad_a, -1, 0) if lower else matrix_band_part(grad_a, 0, -1)
    return _unbroadcast(a, b, grad_a, grad_b)


def _unbroadcast(a, b, grad_a, grad_b):
    """The gradients of a solve over broadcast batch dims, summed back to `a`'s and `b`'s
    shapes (nothing added when their static batch shapes are equal)."""
    if (a.shape.is_fully_defined() and b.shape.is_fully_defined()
            and a.shape[:-2] == b.shape[:-2]):
        return grad_a, grad_b
    from scopeflow.ops.array import reshape
    from scopeflow.ops.grad_args import broadcast_gradient_args
    from scopeflow.ops.reductions import reduce_sum
    from scopeflow.ops.shape_ops import shape
    a_shape, b_shape = shape(a), shape(b)
    ra, rb = broadcast_gradient_args(a_shape[:-2], b_shape[:-2])
    return (reshape(reduce_sum(grad_a, axis=ra), a_shape),
            reshape(reduce_sum(grad_b, axis=rb), b_shape))


@gradient("MatrixSolveLs")
def _matrix_solve_ls_grad(op, grad):
    """TF's: the normal equations of the first kind (rows >= cols) or of the second, again."""
    from scopeflow.ops.control_flow import cond
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import (_regularized_gramian_cholesky, cholesky_solve,
                                          matrix_transpose)
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.shape_ops import shape

    def overdetermined():
        a, b, x = op._inputs[0], op._inputs[1], op._outputs[0]
        l2 = cast(op._inputs[2], a.dtype.base_dtype)
        chol = _regularized_gramian_cholesky(a, l2, first_kind=True)
        z = cholesky_solve(chol, grad)
        xzt = matmul(x, z, adjoint_b=True)
        zx_sym = xzt + matrix_transpose(xzt)
        grad_a = -matmul(a, zx_sym) + matmul(b, z, adjoint_b=True)
        return grad_a, matmul(a, z), None

    def underdetermined():
        a, b = op._inputs[0], op._inputs[1]
        l2 = cast(op._inputs[2], a.dtype.base_dtype)
        chol = _regularized_gramian_cholesky(a, l2, first_kind=False)
        grad_b = cholesky_solve(chol, matmul(a, grad))
        tmp = cholesky_solve(chol, b)
        a1 = -matmul(grad_b, matmul(tmp, a, adjoint_a=True))
        a2 = matmul(tmp, grad - matmul(a, grad_b, adjoint_a=True), adjoint_b=True)
        return a1 + a2, grad_b, None

    if op._attrs.get("fast", True) is False:
        raise ValueError("Gradient not defined for fast=False")
    matrix_shape = op._inputs[0].shape[-2:]
    if matrix_shape.is_fully_defined():
        return overdetermined() if matrix_shape[-2] >= matrix_shape[-1] else underdetermined()
    dyn = shape(op._inputs[0])[-2:]
    return cond(dyn[-2] >= dyn[-1], overdetermined, underdetermined)


def _shifted(x, up):
    """`x` [..., m, n] with its rows moved up one (a zero row last) or down one (a zero row
    first): TF's _LeftShift / _RightShift, a Pad of a slice."""
    from scopeflow import dtypes
    from scopeflow.ops.constant import constant
    from scopeflow.ops.joining import concat, pad
    from scopeflow.ops.shape_ops import rank, zeros
    zeros_ = zeros((rank(x) - 2, 2), dtype=dtypes.int32)
    paddings = concat([zeros_, constant([[0, 1], [0, 0]] if up else [[1, 0], [0, 0]])], axis=0)
    return pad(x[..., 1:, :] if up else x[..., :-1, :], paddings)


@gradient("TridiagonalMatMul")
def _tridiagonal_mat_mul_grad(op, grad):
    from scopeflow.ops.array import expand_dims
    from scopeflow.ops.linalg_ops import matrix_transpose
    from scopeflow.ops.math_unary import conj
    from scopeflow.ops.reductions import reduce_sum
    superdiag_conj, maindiag_conj, subdiag_conj = (
        matrix_transpose(t, conjugate=True) for t in op._inputs[:3])
    rhs_conj = conj(op._inputs[3])
    superdiag_grad = reduce_sum(_shifted(rhs_conj, True) * grad, axis=-1)
    maindiag_grad = reduce_sum(rhs_conj * grad, axis=-1)
    subdiag_grad = reduce_sum(_shifted(rhs_conj, False) * grad, axis=-1)
    rhs_grad = (_shifted(superdiag_conj * grad, False) + maindiag_conj * grad
                + _shifted(subdiag_conj * grad, True))
    return (expand_dims(superdiag_grad, -2), expand_dims(maindiag_grad, -2),
            expand_dims(subdiag_grad, -2), rhs_grad)


def _transposed_tridiagonal(diags):
    """The compact diagonals of the transposed matrices (TF's _TransposeTridiagonalMatrix)."""
    from scopeflow import dtypes
    from scopeflow.ops.constant import constant
    from scopeflow.ops.joining import concat, pad, stack
    from scopeflow.ops.shape_ops import rank, zeros
    diag = diags[..., 1, :]
    if diags.shape.is_fully_defined():
        zeros_ = zeros(list(diags.shape[:-2]) + [1], dtype=diags.dtype)
        superdiag = concat((diags[..., 2, 1:], zeros_), axis=-1)
        subdiag = concat((zeros_, diags[..., 0, :-1]), axis=-1)
    else:
        zeros_ = zeros((rank(diags) - 2, 2), dtype=dtypes.int32)
        superdiag_pad = concat((zeros_, constant([[0, 1]])), axis=0)
        superdiag = pad(diags[..., 2, 1:], superdiag_pad)
        subdiag_pad = concat((zeros_, constant([[1, 0]])), axis=0)
        subdiag = pad(diags[..., 0, :-1], subdiag_pad)
    return stack([superdiag, diag, subdiag], axis=-2)


def _matmul_three_diagonals(x, y_tr):
    """The three diagonals of x @ y_tr^T, compact (TF's _MatmulExtractingThreeDiagonals)."""
    from scopeflow import dtypes
    from scopeflow.ops.constant import constant
    from scopeflow.ops.joining import concat, pad, stack
    from scopeflow.ops.reductions import reduce_sum
    from scopeflow.ops.shape_ops import rank, zeros
    diag = reduce_sum(x * y_tr, axis=-1)
    if y_tr.shape.is_fully_defined():
        zeros_ = zeros(list(x.shape[:-2]) + [1, x.shape[-1]], dtype=x.dtype)
        superdiag = reduce_sum(x * concat((y_tr[..., 1:, :], zeros_), axis=-2), axis=-1)
        subdiag = reduce_sum(x * concat((zeros_, y_tr[..., :-1, :]), axis=-2), axis=-1)
    else:
        zeros_ = zeros((rank(y_tr) - 2, 2), dtype=dtypes.int32)
        superdiag_pad = concat((zeros_, constant([[0, 1], [0, 0]])), axis=0)
        superdiag = reduce_sum(x * pad(y_tr[..., 1:, :], superdiag_pad), axis=-1)
        subdiag_pad = concat((zeros_, constant([[1, 0], [0, 0]])), axis=0)
        subdiag = reduce_sum(x * pad(y_tr[..., :-1, :], subdiag_pad), axis=-1)
    return stack([superdiag, diag, subdiag], axis=-2)


@gradient("TridiagonalSolve")
def _tridiagonal_solve_grad(op, grad):
    from scopeflow.ops.linalg_tridiag import tridiagonal_solve
    diags, x = op._inputs[0], op._outputs[0]
    grad_rhs = tridiagonal_solve(_transposed_tridiagonal(diags), grad,
                                 partial_pivoting=op._attrs.get("partial_pivoting", True),
                                 perturb_singular=op._attrs.get("perturb_singular", False))
    return -_matmul_three_diagonals(grad_rhs, x), grad_rhs


@gradient("MatrixSquareRoot")
def _matrix_square_root_grad(op, grad):
    """TF's: solves the Sylvester equation R dA + dA R = grad through Kronecker products."""
    from scopeflow.ops.array import reshape
    from scopeflow.ops.diag_ops import eye
    from scopeflow.ops.joining import concat, tile
    from scopeflow.ops.linalg_ops import matrix_solve, matrix_transpose
    from scopeflow.ops.math import add, subtract
    from scopeflow.ops.reductions import reduce_prod
    from scopeflow.ops.shape_ops import shape as shape_of, size
    from scopeflow.ops.slicing import slice as slice_

    def kronecker(b1, b2):
        b1_shape, b2_shape = shape_of(b1), shape_of(b2)
        b1_order, b2_order = b1_shape[-1], b2_shape[-1]
        shape_slice = slice_(b1_shape, [0], [subtract(size(b1_shape), 2)])
        b1_reshape_shape = concat([shape_slice, [b1_order], [1], [b1_order], [1]], 0)
        b2_reshape_shape = concat([shape_slice, [1], [b2_order], [1], [b2_order]], 0)
        b1_reshape = reshape(b1, b1_reshape_shape)
        b2_reshape = reshape(b2, b2_reshape_shape)
        order_prod = b1_order * b2_order
        kprod_shape = concat([shape_slice, [order_prod], [order_prod]], 0)
        return reshape(b1_reshape * b2_reshape, kprod_shape)

    sqrtm = op._outputs[0]
    shape = shape_of(sqrtm)
    order = shape[-1]
    matrix_count = reduce_prod(shape[0:-2])
    eye_batch = reshape(tile(reshape(eye(order, dtype=sqrtm.dtype), [-1]), [matrix_count]),
                        shape)
    k1 = kronecker(eye_batch, matrix_transpose(sqrtm))
    k2 = kronecker(sqrtm, eye_batch)
    ksum = add(k1, k2)
    shape_slice = slice_(shape, [0], [subtract(size(shape), 2)])
    shape_vec_da = concat([shape_slice, [order * order], [1]], 0)
    vec_da = reshape(matrix_transpose(grad), shape_vec_da)
    vec_dsqrtm = matrix_solve(ksum, vec_da)
    return matrix_transpose(reshape(vec_dsqrtm, shape))


@gradient("BandedTriangularSolve")
def _banded_triangular_solve_grad(op, grad):
    from scopeflow.ops.diag_ops import matrix_diag_part
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import _banded_triangular_solve
    from scopeflow.ops.shape_ops import shape
    a, b, c = op._inputs[0], op._inputs[1], op._outputs[0]
    num_bands = shape(a)[-2]
    adj, lower = op._attrs.get("adjoint", False), op._attrs.get("lower", True)
    grad_b = _banded_triangular_solve(a, grad, lower=lower, adjoint=not adj)
    grad_a = -(matmul(c, grad_b, adjoint_b=True) if adj
               else matmul(grad_b, c, adjoint_b=True))
    k = (-(num_bands - 1), 0) if lower else (0, num_bands - 1)
    grad_a = matrix_diag_part(grad_a, k=k, align="LEFT_RIGHT")
    return _unbroadcast(a, b, grad_a, grad_b)


def _safe_reciprocal(x, epsilon=1e-20):
    """x / (x^2 + epsilon): 0 where x is 0 (TF's _SafeReciprocal)."""
    from scopeflow.ops.math_unary import reciprocal
    return x * reciprocal(x * x + epsilon)


def _pairwise_reciprocals(e, zeros_of):
    """f[..., i, j] = 1 / (e_j - e_i) off the diagonal, 0 on it: (..., n, n)."""
    from scopeflow.ops.array import expand_dims
    from scopeflow.ops.diag_ops import matrix_set_diag
    from scopeflow.ops.shape_ops import zeros_like
    return matrix_set_diag(_safe_reciprocal(expand_dims(e, -2) - expand_dims(e, -1)),
                           zeros_like(zeros_of))


@gradient("SelfAdjointEigV2")
def _self_adjoint_eig_grad(op, grad_e, grad_v):
    from scopeflow.core.frame import default_graph
    from scopeflow.ops.diag_ops import (matrix_band_part, matrix_diag, matrix_diag_part,
                                        matrix_set_diag)
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import adjoint, self_adjoint_eig
    e = op._outputs[0]
    with default_graph().control_dependencies([grad_e, grad_v]):
        if op._attrs.get("compute_v", True):
            v = op._outputs[1]
            f = _pairwise_reciprocals(e, e)
            inner = matrix_diag(grad_e) + f * matmul(v, grad_v, adjoint_a=True)
            grad_a = matmul(v, matmul(inner, v, adjoint_b=True))
        else:
            _, v = self_adjoint_eig(op._inputs[0])
            grad_a = matmul(v, matmul(matrix_diag(grad_e), v, adjoint_b=True))
        # the kernel reads the lower triangle only: symmetrized, then its lower band
        grad_a = matrix_band_part(grad_a + adjoint(grad_a), -1, 0)
        return matrix_set_diag(grad_a, 0.5 * matrix_diag_part(grad_a))


@gradient("Svd")
def _svd_grad(op, grad_s, grad_u, grad_v):
    from scopeflow.core.frame import default_graph
    from scopeflow.ops.diag_ops import matrix_diag
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import matrix_transpose, svd
    from scopeflow.ops.math_cast import cast
    a = op._inputs[0]
    a_shape = a.shape.with_rank_at_least(2)
    grad_s_mat = matrix_diag(cast(grad_s, a.dtype))
    if not op._attrs.get("compute_uv", True):
        _, u, v = svd(a, compute_uv=True)
        grad_a = matmul(u, matmul(grad_s_mat, v, adjoint_b=True))
        grad_a.set_shape(a_shape)
        return grad_a
    full = op._attrs.get("full_matrices", False)
    gu_shape = grad_u.shape.with_rank_at_least(2)
    gv_shape = grad_v.shape.with_rank_at_least(2)
    m = a_shape.dims[-2].merge_with(gu_shape[-2])
    n = a_shape.dims[-1].merge_with(gv_shape[-2])
    batch = a_shape[:-2].merge_with(gu_shape[:-2]).merge_with(gv_shape[:-2])
    a_shape = batch.concatenate([m, n])
    m, n = a_shape.dims[-2].value, a_shape.dims[-1].value
    if m is None or n is None:
        raise NotImplementedError("SVD gradient has not been implemented for input with "
                                  "unknown inner matrix shape.")
    s, u, v = op._outputs
    # a deep matrix: the gradient of a^H = v s^T u^H, adjointed at the end
    deep = m > n
    if deep:
        m, n, u, v, grad_u, grad_v = n, m, v, u, grad_v, grad_u
    s = cast(s, a.dtype)
    with default_graph().control_dependencies([grad_s, grad_u, grad_v]):
        if full and abs(m - n) > 1:
            raise NotImplementedError(
                "svd gradient is not implemented for abs(m - n) > 1 when full_matrices is "
                "True. Received: m=%d and n=%d from op input=%s with shape=%s."
                % (m, n, a, a_shape))
        grad_a = _svd_grad_wide((s, u, v), grad_s_mat, (grad_u, grad_v), (m, n, full))
        grad_a = matrix_transpose(grad_a, conjugate=True) if deep else grad_a
        grad_a.set_shape(a_shape)
        return grad_a


def _svd_grad_wide(suv, grad_s_mat, grads_uv, sizes):
    """The gradient of a (..., m, n) = u diag(s) v1^H for m <= n (v1: v's first m columns)."""
    from scopeflow.ops.diag_ops import eye, matrix_diag
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import adjoint, matrix_transpose
    from scopeflow.ops.math_unary import square
    from scopeflow.ops.shape_ops import shape
    (s, u, v), (grad_u, grad_v), (m, n, full) = suv, grads_uv, sizes
    s_mat = matrix_diag(s)
    s2 = square(s)
    s_shape = shape(s)
    f = _pairwise_reciprocals(s2, s)
    s_inv_mat = matrix_diag(_safe_reciprocal(s))
    v1, grad_v1 = v[..., :, :m], grad_v[..., :, :m]
    u_gu = matmul(u, grad_u, adjoint_a=True)
    v_gv = matmul(v1, grad_v1, adjoint_a=True)
    f_u, f_v = f * u_gu, f * v_gv
    term1_nouv = (grad_s_mat + matmul(f_u + adjoint(f_u), s_mat)
                  + matmul(s_mat, f_v + adjoint(f_v)))
    grad_a = matmul(u, matmul(term1_nouv, v1, adjoint_b=True))
    if m != n:
        gv1t = matrix_transpose(grad_v1, conjugate=True)
        term2_nous = gv1t - matmul(matmul(gv1t, v1), v1, adjoint_b=True)
        if full:
            v2, grad_v2 = v[..., :, m:n], grad_v[..., :, m:n]
            term2_nous -= matmul(matmul(v1, grad_v2, adjoint_a=True), v2, adjoint_b=True)
        grad_a = grad_a + matmul(matmul(u, s_inv_mat), term2_nous)
    if u.dtype.is_complex:
        # the phases of u's and v's columns: 1/2 u s^-1 (l^H - l) v1^H, l = diag(v1^H grad_v1)
        l_ = eye(s_shape[-1], batch_shape=s_shape[:-1], dtype=u.dtype) * v_gv
        term3_nouv = matmul(s_inv_mat, adjoint(l_) - l_)
        grad_a += 1 / 2. * matmul(u, matmul(term3_nouv, v1, adjoint_b=True))
    return grad_a


@gradient("Qr")
def _qr_grad(op, dq, dr):
    # arXiv:2009.10071: the square/deep formula; a wide a = [x, y] (r = [u, v]) reduces to it
    from scopeflow.ops.joining import concat
    from scopeflow.ops.linalg import matmul
    q, r = op._outputs
    dims = r.shape.as_list() if r.shape.ndims is not None else None
    if dims is None or dims[-2] is None or dims[-1] is None:
        raise NotImplementedError("QrGrad not implemented with dynamic shapes. Received "
                                  "r.shape: %s" % (r.shape,))
    if dims[-2] > dims[-1] and q.shape.dims[-2].value == q.shape.dims[-1].value:
        raise NotImplementedError("QrGrad not implemented when nrows > ncols and "
                                  "full_matrices is true. Received r.shape=%s with nrows=%s"
                                  "and ncols=%s." % (r.shape, r.shape.dims[-2],
                                                     r.shape.dims[-1]))
    num_rows, num_cols = q.shape.dims[-2].value, r.shape.dims[-1]
    if num_rows >= num_cols:
        return _qr_grad_deep(q, r, dq, dr)
    a = op._inputs[0]
    y = a[..., :, num_rows:]
    u = r[..., :, :num_rows]
    dv = dr[..., :, num_rows:]
    du = dr[..., :, :num_rows]
    dy = matmul(q, dv)
    dx = _qr_grad_deep(q, u, dq + matmul(y, dv, adjoint_b=True), du)
    return concat([dx, dy], axis=-1)


def _times_r_inverse_adjoint(x, r):
    """x r^{-H} for an upper triangular r, by a triangular solve."""
    from scopeflow.ops.linalg_ops import adjoint, matrix_triangular_solve
    return adjoint(matrix_triangular_solve(r, adjoint(x), lower=False, adjoint=False))


def _qr_grad_deep(q, r, dq, dr):
    """The gradient for num_rows >= num_cols (full_matrices false)."""
    from scopeflow.ops.diag_ops import matrix_band_part, matrix_diag_part, matrix_set_diag
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import adjoint
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.math_unary import real
    from scopeflow.ops.shape_ops import zeros_like
    qdq = matmul(q, dq, adjoint_a=True)
    qdq_ = qdq - adjoint(qdq)
    rdr = matmul(r, dr, adjoint_b=True)
    rdr_ = rdr - adjoint(rdr)
    tril = matrix_band_part(qdq_ + rdr_, -1, 0)
    grad_a = matmul(q, dr + _times_r_inverse_adjoint(tril, r))
    grad_b = _times_r_inverse_adjoint(dq - matmul(q, qdq), r)
    ret = grad_a + grad_b
    if q.dtype.is_complex:
        # the complex case's correction: the imaginary part of diag(r dr^H - (q^H dq)^H)
        m = rdr - adjoint(qdq)
        eyem = matrix_set_diag(zeros_like(m), matrix_diag_part(m))
        correction = eyem - cast(real(eyem), q.dtype)
        ret = ret + _times_r_inverse_adjoint(matmul(q, adjoint(correction)), r)
    return ret


@gradient("Cross")
def _cross_grad(op, grad):
    from scopeflow.ops.linalg_ops import cross
    u, v = op._inputs
    return cross(v, grad), cross(grad, u)
