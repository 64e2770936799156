"""Gradients of the linear-algebra ops, as TF's linalg_grad builds them: MatrixInverse,
MatrixDeterminant, LogMatrixDeterminant, MatrixSolve, Cholesky and MatrixTriangularSolve, out
of other graph ops (the inverse and the solve run again, so a singular matrix fails in the
gradient as in TF, with TF's "Input is not invertible.", where the jax.vjp fallback returned
the adjugate)."""

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
