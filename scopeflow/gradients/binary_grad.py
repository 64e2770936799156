"""Gradients of Atan2, FloorMod, MulNoNan and the x-weighted logarithms (Xlogy, Xlog1py,
Xdivy) as TF's math_grad builds them: op names, types and inputs under `<op>_grad/`, the
broadcast reductions (BroadcastGradientArgs, Sum, Reshape) where TF adds them, and TF's values
where x is 0 (Xlogy's x gradient is xlogy(x != 0, y): 0 there, not log(y)).
Before, each took the jax.vjp SymbolicGradient fallback."""

from scopeflow.core.frame import default_graph
from scopeflow.gradients.math_grad import _equal_static, reduce_args
from scopeflow.gradients.registry import gradient
from scopeflow.ops.array import reshape
from scopeflow.ops.grad_args import broadcast_gradient_args
from scopeflow.ops.math import BINARY
from scopeflow.ops.math_unary import UNARY, conj
from scopeflow.ops.reductions import reduce_sum
from scopeflow.ops.shape_ops import shape


def _control(grad):
    return default_graph().control_dependencies([grad])


@gradient("Atan2")
def _atan2_grad(op, grad):
    y, x = op._inputs
    square = UNARY["Square"]
    with _control(grad):
        grad_inv = grad / (square(y) + square(x))
        return reduce_args(y, x, x * grad_inv, -y * grad_inv)


@gradient("FloorMod")
def _floor_mod_grad(op, grad):
    """grad * (1, -floor(x / y))."""
    x, y = conj(op._inputs[0]), conj(op._inputs[1])
    gy = grad * UNARY["Neg"](BINARY["FloorDiv"](x, y))
    return reduce_args(x, y, grad, gy)


@gradient("MulNoNan")
def _mul_no_nan_grad(op, grad):
    x, y = op._inputs
    mul_no_nan = BINARY["MulNoNan"]
    if _equal_static(x, y, grad):
        return mul_no_nan(grad, y), mul_no_nan(x, grad)
    return reduce_args(x, y, mul_no_nan(grad, y), mul_no_nan(x, grad))


def _x_weighted(partials):
    """TF's _XLogyGrad family: `partials(x, y, not_zero_x)` gives the two partial derivatives,
    each times grad summed over its input's broadcast axes (BroadcastGradientArgs)."""

    def fn(op, grad):
        from scopeflow.ops.math import not_equal
        from scopeflow.ops.math_cast import cast
        x, y = op._inputs
        sx, sy = shape(x), shape(y)
        rx, ry = broadcast_gradient_args(sx, sy)
        with _control(grad):
            not_zero_x = cast(not_equal(x, cast(0., dtype=x.dtype)), dtype=x.dtype)
            px, py = partials(x, y, not_zero_x)
            return (reshape(reduce_sum(px * grad, rx), sx),
                    reshape(reduce_sum(py * grad, ry), sy))

    return fn


gradient("Xlogy")(_x_weighted(lambda x, y, nz: (
    BINARY["Xlogy"](nz, y), BINARY["Xdivy"](x, y))))
gradient("Xlog1py")(_x_weighted(lambda x, y, nz: (
    BINARY["Xlog1py"](nz, y), BINARY["Xdivy"](x, y + 1.))))
gradient("Xdivy")(_x_weighted(lambda x, y, nz: (
    BINARY["Xdivy"](nz, y), BINARY["Xdivy"](UNARY["Neg"](x), y ** 2))))
