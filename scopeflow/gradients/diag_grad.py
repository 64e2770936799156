"""Gradients of the diagonal ops, as TF's array_grad builds them: each V3 op's is another
diagonal op on the same `k` and `align`; Diag's is DiagPart and back; MatrixBandPart's is the
same band of the gradient.

MatrixSetDiagV3's gradient needs the diagonal's full static shape (TF builds a cond over k
otherwise); such graphs keep the SymbolicGradient fallback.
"""

from scopeflow.gradients.registry import gradient
from scopeflow.ops.diag_ops import matrix_diag, matrix_diag_part, matrix_set_diag


@gradient("MatrixDiagV3")
def _matrix_diag_grad(op, grad):
    return (matrix_diag_part(grad, k=op._inputs[1], align=op._attrs["align"]),
            None, None, None, None)


@gradient("MatrixDiagPartV3")
def _matrix_diag_part_grad(op, grad):
    from scopeflow.ops.shape_ops import zeros_like
    x, k, align = op._inputs[0], op._inputs[1], op._attrs["align"]
    dims = x.shape._dims
    if dims is not None and None not in dims[-2:]:
        return (matrix_diag(grad, k=k, num_rows=dims[-2], num_cols=dims[-1], align=align),
                None, None)
    return matrix_set_diag(zeros_like(x), grad, k=k, align=align), None, None


@gradient("MatrixSetDiagV3", check=lambda op: op._inputs[1].shape.is_fully_defined())
def _matrix_set_diag_grad(op, grad):
    from scopeflow.ops.shape_ops import zeros
    k, align = op._inputs[2], op._attrs["align"]
    diag_shape = op._inputs[1].shape.as_list()
    grad_input = matrix_set_diag(grad, zeros(diag_shape, dtype=grad.dtype), k=k, align=align)
    return grad_input, matrix_diag_part(grad, k=k, align=align), None


@gradient("Diag")
def _diag_grad(_, grad):
    from scopeflow.ops.diag_ops import diag_part
    return diag_part(grad)


@gradient("DiagPart")
def _diag_part_grad(_, grad):
    from scopeflow.ops.diag_ops import diag
    return diag(grad)


@gradient("MatrixBandPart")
def _matrix_band_part_grad(op, grad):
    from scopeflow.ops.diag_ops import matrix_band_part
    return matrix_band_part(grad, op._inputs[1], op._inputs[2]), None, None
