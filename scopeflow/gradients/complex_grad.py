"""Gradients of the complex-number ops (Complex, Real, Imag, Conj, ComplexAbs, Angle) as TF's
math_grad builds them: a real loss of a complex `z` gets dL/dRe(z) + i dL/dIm(z)."""

from scopeflow.core.frame import default_graph
from scopeflow.gradients.math_grad import reduce_args
from scopeflow.gradients.registry import gradient
from scopeflow.ops.constant import constant
from scopeflow.ops.math import div_no_nan
from scopeflow.ops.math_cast import complex as complex_
from scopeflow.ops.math_unary import conj, imag, real, reciprocal
from scopeflow.ops.shape_ops import zeros_like


@gradient("Complex")
def _complex_grad(op, grad):
    x, y = op._inputs
    return reduce_args(x, y, real(grad), imag(grad))


@gradient("Real")
def _real_grad(_, grad):
    return complex_(grad, constant(0, dtype=grad.dtype))


@gradient("Imag")
def _imag_grad(_, grad):
    return complex_(constant(0, dtype=grad.dtype), grad)


@gradient("Angle")
def _angle_grad(op, grad):
    x = op._inputs[0]
    with default_graph().control_dependencies([grad]):
        re = real(x)
        z = reciprocal(complex_(imag(x), re))
        return -complex_(grad, constant(0, dtype=grad.dtype)) * z


@gradient("Conj")
def _conj_grad(_, grad):
    return conj(grad)


@gradient("ComplexAbs")
def _complex_abs_grad(op, grad):
    y = op._outputs[0]
    return div_no_nan(complex_(grad, zeros_like(grad)) * op._inputs[0],
                      complex_(y, zeros_like(y)))


@gradient("ConjugateTranspose")
def _conjugate_transpose_grad(op, grad):
    from scopeflow.ops.array import transpose
    from scopeflow.ops.gather import invert_permutation
    return [transpose(grad, invert_permutation(op._inputs[1]), conjugate=True), None]
