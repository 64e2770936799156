"""Gradients of the linear-algebra ops, as TF's linalg_grad builds them: MatrixInverse,
MatrixDeterminant, LogMatrixDeterminant and MatrixSolve, out of other graph ops (the inverse
and the solve run again, so a singular matrix fails in the gradient as in TF, with TF's
"Input is not invertible." where the jax.vjp fallback returned the adjugate)."""

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
