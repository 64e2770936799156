"""The gradient of `Eig` as TF's _EigGrad builds it (eq. 4.77 of Boeddeker et al.,
arXiv:1701.00392): for distinct eigenvalues only, 1 / (e_i - e_j) through TF's safe
reciprocal, the result solved against V^H (MatrixSolve, so a defective matrix fails as in
TF) and cast back to the input's dtype. Without compute_v the op runs again with vectors."""

from scopeflow.gradients.registry import gradient


@gradient("Eig")
def _eig_grad(op, grad_e, grad_v):
    from scopeflow.core.frame import default_graph
    from scopeflow.gradients.linalg_grad import _pairwise_reciprocals
    from scopeflow.ops.diag_ops import matrix_diag, matrix_diag_part
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_eig import eig
    from scopeflow.ops.linalg_ops import adjoint, matrix_solve
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.math_unary import conj, real
    e = op._outputs[0]
    with default_graph().control_dependencies([grad_e, grad_v]):
        if op._attrs.get("compute_v", True):
            v = op._outputs[1]
            vt = adjoint(v)
            f = conj(_pairwise_reciprocals(e, e))
            vgv = matmul(vt, grad_v)
            mid = matrix_diag(grad_e)
            diag_grad_part = matrix_diag(matrix_diag_part(cast(real(vgv), vgv.dtype)))
            mid += f * (vgv - matmul(matmul(vt, v), diag_grad_part))
            grad_a = matrix_solve(vt, matmul(mid, vt))
        else:
            _, v = eig(op._inputs[0])
            vt = adjoint(v)
            grad_a = matrix_solve(vt, matmul(matrix_diag(grad_e), vt))
        return cast(grad_a, op._inputs[0].dtype)
