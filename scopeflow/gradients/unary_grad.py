"""Gradients of elementwise unary math (Exp, Log, Tanh, Sigmoid, trigonometry, ...), as TF's
math_grad builds them: most read the forward op's output and wait for the incoming gradient
(a control dependency on it, as TF adds)."""

import numpy as np

from scopeflow.core.frame import default_graph
from scopeflow.gradients.registry import apply_op as _apply
from scopeflow.gradients.registry import gradient, not_differentiable
from scopeflow.ops.constant import constant
from scopeflow.ops.math import BINARY
from scopeflow.ops.math_unary import UNARY, conj
from scopeflow.ops.shape_ops import zeros_like


def _control(grad):
    return default_graph().control_dependencies([grad])


# ---- unary ----------------------------------------------------------------------------------
@gradient("Neg")
def _neg_grad(_, grad):
    return -grad


@gradient("Abs")
def _abs_grad(op, grad):
    from scopeflow.ops.math_unary import sign
    return grad * sign(op._inputs[0])


@gradient("Reciprocal", "Inv", needs=("ReciprocalGrad",))
def _reciprocal_grad(op, grad):
    return _apply("ReciprocalGrad", op._outputs[0], grad)


@gradient("Square")
def _square_grad(op, grad):
    x = op._inputs[0]
    with _control(grad):
        x = conj(x)
        two = constant(2.0, dtype=x.dtype.base_dtype)
        return BINARY["Mul"](grad, BINARY["Mul"](x, two))


@gradient("Sqrt", needs=("SqrtGrad",))
def _sqrt_grad(op, grad):
    return _apply("SqrtGrad", op._outputs[0], grad)


@gradient("Rsqrt", needs=("RsqrtGrad",))
def _rsqrt_grad(op, grad):
    return _apply("RsqrtGrad", op._outputs[0], grad)


@gradient("Exp")
def _exp_grad(op, grad):
    with _control(grad):
        return grad * conj(op._outputs[0])


@gradient("Expm1")
def _expm1_grad(op, grad):
    with _control(grad):
        return grad * UNARY["Exp"](conj(op._inputs[0]))


@gradient("Log")
def _log_grad(op, grad):
    with _control(grad):
        return grad * UNARY["Reciprocal"](conj(op._inputs[0]))


@gradient("Log1p")
def _log1p_grad(op, grad):
    with _control(grad):
        return grad * UNARY["Reciprocal"](1 + conj(op._inputs[0]))


@gradient("Tanh", needs=("TanhGrad",))
def _tanh_grad(op, grad):
    with _control(grad):
        return _apply("TanhGrad", conj(op._outputs[0]), grad)


@gradient("Sigmoid", needs=("SigmoidGrad",))
def _sigmoid_grad(op, grad):
    with _control(grad):
        return _apply("SigmoidGrad", conj(op._outputs[0]), grad)


@gradient("Sign")
def _sign_grad(op, _):
    return zeros_like(op._inputs[0])


@gradient("Sin")
def _sin_grad(op, grad):
    with _control(grad):
        return grad * UNARY["Cos"](conj(op._inputs[0]))


@gradient("Cos")
def _cos_grad(op, grad):
    with _control(grad):
        return -grad * UNARY["Sin"](conj(op._inputs[0]))


@gradient("Erf")
def _erf_grad(op, grad):
    k = constant(2 / np.sqrt(np.pi), dtype=grad.dtype.base_dtype)
    with _control(grad):
        x = conj(op._inputs[0])
        return grad * k * UNARY["Exp"](-UNARY["Square"](x))


@gradient("Erfc")
def _erfc_grad(op, grad):
    k = constant(-2 / np.sqrt(np.pi), dtype=grad.dtype.base_dtype)
    with _control(grad):
        x = conj(op._inputs[0])
        return grad * k * UNARY["Exp"](-UNARY["Square"](x))


@gradient("Floor", "Ceil", "Round", "Rint")
def _no_grad_1(op, _):
    return [None]


@gradient("FloorDiv", "TruncateDiv")
def _no_grad_2(op, _):
    return None, None


not_differentiable("Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "ApproximateEqual",
                   "NotEqual", "LogicalAnd", "LogicalOr", "LogicalNot", "Range", "LinSpace")


def _one_minus_square(x, grad):
    one = constant(1, dtype=grad.dtype.base_dtype)
    return BINARY["Sub"](one, UNARY["Square"](x))


@gradient("Tan")
def _tan_grad(op, grad):
    with _control(grad):
        secx = UNARY["Reciprocal"](UNARY["Cos"](conj(op._inputs[0])))
        return UNARY["Square"](secx) * grad


@gradient("Asin")
def _asin_grad(op, grad):
    with _control(grad):
        x = conj(op._inputs[0])
        return grad * UNARY["Reciprocal"](UNARY["Sqrt"](_one_minus_square(x, grad)))


@gradient("Acos")
def _acos_grad(op, grad):
    with _control(grad):
        x = conj(op._inputs[0])
        return -grad * UNARY["Reciprocal"](UNARY["Sqrt"](_one_minus_square(x, grad)))


@gradient("Atan")
def _atan_grad(op, grad):
    with _control(grad):
        x = conj(op._inputs[0])
        one = constant(1, dtype=grad.dtype.base_dtype)
        return grad * UNARY["Reciprocal"](BINARY["AddV2"](one, UNARY["Square"](x)))


@gradient("Sinh")
def _sinh_grad(op, grad):
    with _control(grad):
        return grad * UNARY["Cosh"](conj(op._inputs[0]))


@gradient("Cosh")
def _cosh_grad(op, grad):
    with _control(grad):
        return grad * UNARY["Sinh"](conj(op._inputs[0]))



@gradient("Asinh")
def _asinh_grad(op, grad):
    with _control(grad):
        return grad / UNARY["Cosh"](conj(op._outputs[0]))


@gradient("Acosh")
def _acosh_grad(op, grad):
    with _control(grad):
        return grad / UNARY["Sinh"](conj(op._outputs[0]))


@gradient("Atanh")
def _atanh_grad(op, grad):
    """grad * 1 / (1 - x^2), the one a Const of grad's type (TF's _AtanhGrad)."""
    with _control(grad):
        x2 = UNARY["Square"](conj(op._inputs[0]))
        one = constant(1, dtype=grad.dtype.base_dtype)
        return grad * UNARY["Reciprocal"](BINARY["Sub"](one, x2))

# ---- second order ---------------------------------------------------------------------------
@gradient("TanhGrad", needs=("TanhGrad",))
def _tanh_grad_grad(op, grad):
    with _control(grad):
        a, b = conj(op._inputs[0]), conj(op._inputs[1])
        return grad * -2.0 * b * a, _apply("TanhGrad", a, grad)


@gradient("SigmoidGrad", needs=("SigmoidGrad",))
def _sigmoid_grad_grad(op, grad):
    with _control(grad):
        a, b = conj(op._inputs[0]), conj(op._inputs[1])
        gb = grad * b
        return gb - 2.0 * gb * a, _apply("SigmoidGrad", a, grad)


@gradient("SqrtGrad")
def _sqrt_grad_grad(op, grad):
    a, y = op._inputs[0], op._outputs[0]
    with _control(grad):
        ga = grad / a
        return -conj(ga) * y, 0.5 * ga


@gradient("RsqrtGrad", needs=("RsqrtGrad",))
def _rsqrt_grad_grad(op, grad):
    a, b = op._inputs
    with _control(grad):
        ca, cg = conj(a), conj(grad)
        return -1.5 * cg * b * UNARY["Square"](ca), _apply("RsqrtGrad", ca, grad)


@gradient("ReciprocalGrad", "InvGrad", needs=("ReciprocalGrad",))
def _reciprocal_grad_grad(op, grad):
    b = op._inputs[1]
    with _control(grad):
        ca, cg = conj(op._inputs[0]), conj(grad)
        return cg * -2.0 * b * ca, _apply("ReciprocalGrad", ca, grad)
