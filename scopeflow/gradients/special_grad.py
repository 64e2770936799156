"""Gradients of special functions whose order or parameter inputs TF leaves without one
(Polygamma's n, Zeta's x, Betainc's a and b), of NextAfter, and of Digamma, Erfinv and Ndtri,
as TF's math_grad builds them.
Through jax.vjp (the SymbolicGradient fallback) those inputs got values TF never gives (Zeta's
x) or the run failed (Betainc's a and b; NextAfter, which JAX does not differentiate)."""

import numpy as np

from scopeflow.core.frame import default_graph
from scopeflow.gradients.registry import gradient
from scopeflow.ops.array import reshape
from scopeflow.ops.grad_args import broadcast_gradient_args
from scopeflow.ops.math import polygamma, xlog1py, xlogy, zeta
from scopeflow.ops.math_unary import conj, exp, lgamma
from scopeflow.ops.reductions import reduce_sum
from scopeflow.ops.shape_ops import ones, shape, zeros


def _summed(value, axes, to_shape):
    """`value` summed over the broadcast `axes` and reshaped to its input's shape."""
    return reshape(reduce_sum(value, axes), to_shape)


def _second_only(partial):
    """A gradient for (first, second) that gives `first` none and `second`
    `partial(first, second) * grad` (TF's _PolygammaGrad, _ZetaGrad)."""

    def fn(op, grad):
        first, second = op._inputs
        s1, s2 = shape(first), shape(second)
        _, r2 = broadcast_gradient_args(s1, s2)
        with default_graph().control_dependencies([grad]):
            first, second = conj(first), conj(second)
            return None, _summed(partial(first, second) * grad, r2, s2)

    return fn


gradient("Polygamma")(_second_only(lambda n, x: polygamma(n + 1, x)))
gradient("Zeta")(_second_only(lambda x, q: -x * zeta(x + 1, q)))


@gradient("Betainc")
def _betainc_grad(op, grad):
    a, b, x = op._inputs
    sa, sx = shape(a), shape(x)
    _, rx = broadcast_gradient_args(sa, sx)
    log_beta = lgamma(a) + lgamma(b) - lgamma(a + b)
    partial_x = exp(xlog1py(b - 1, -x) + xlogy(a - 1, x) - log_beta)
    return None, None, _summed(partial_x * grad, rx, sx)


@gradient("NextAfter")
def _next_after_grad(op, grad):
    """x1's gradient passes through, x2's is zeros (TF's _NextAfterGrad)."""
    x1, x2 = op._inputs
    s1, s2 = shape(x1), shape(x2)
    r1, r2 = broadcast_gradient_args(s1, s2)
    with default_graph().control_dependencies([grad]):
        p1, p2 = ones(s1, dtype=x1.dtype), zeros(s2, dtype=x2.dtype)
        return _summed(p1 * grad, r1, s1), _summed(p2 * grad, r2, s2)



def _bessel(fn):
    """A Bessel gradient as TF's math_grad: `grad * fn(x, y)` (x, y: the op's input and
    output), built under a control dependency on `grad`."""

    def grad_fn(op, grad):
        x, y = op._inputs[0], op._outputs[0]
        with default_graph().control_dependencies([grad]):
            return grad * fn(x, y)

    return grad_fn


def _at_zero(x, value, partial):
    """`value` where x is 0 (TF imputes I1's and I1e's derivative there: 1.0 and 0.5), else
    `partial()`."""
    from scopeflow.ops.gather import where_v2
    from scopeflow.ops.math import equal
    from scopeflow.ops.math_cast import cast
    is_zero = equal(x, 0.)
    at_zero = cast(value, x.dtype.base_dtype)
    return where_v2(is_zero, at_zero, partial())


def _i1(x, y):
    from scopeflow.ops.math import div
    from scopeflow.ops.math_unary import bessel_i0
    return _at_zero(x, 1., lambda: bessel_i0(x) - div(y, x))


def _i1e(x, y):
    from scopeflow.ops.math_unary import bessel_i0e, reciprocal, sign
    return _at_zero(x, 0.5, lambda: bessel_i0e(x) - y * (sign(x) + reciprocal(x)))


def _i0e(x, y):
    from scopeflow.ops.math_unary import bessel_i1e, sign
    return bessel_i1e(x) - sign(x) * y


def _i0(x, _):
    from scopeflow.ops.math_unary import bessel_i1
    return bessel_i1(x)


for _type, _fn in (("BesselI0", _i0), ("BesselI0e", _i0e), ("BesselI1", _i1),
                   ("BesselI1e", _i1e)):
    gradient(_type)(_bessel(_fn))


@gradient("Lgamma")
def _lgamma_grad(op, grad):
    from scopeflow.ops.math_unary import digamma
    with default_graph().control_dependencies([grad]):
        return grad * digamma(conj(op._inputs[0]))


@gradient("Digamma")
def _digamma_grad(op, grad):
    from scopeflow.ops.constant import constant
    x = op._inputs[0]
    with default_graph().control_dependencies([grad]):
        x = conj(x)
        return grad * polygamma(constant(1, dtype=x.dtype.base_dtype), x)


def _times_exp_of_square(scale, halve):
    """grad * scale * exp(y^2) (exp(y^2 / 2) with `halve`), y the op's output."""

    def fn(op, grad):
        from scopeflow.ops.constant import constant
        from scopeflow.ops.math_unary import square
        c = constant(scale, dtype=grad.dtype.base_dtype)
        with default_graph().control_dependencies([grad]):
            scaled = grad * c
            y2 = square(op._outputs[0])
            return scaled * exp(y2 / 2. if halve else y2)

    return fn


gradient("Erfinv")(_times_exp_of_square(np.sqrt(np.pi) / 2, False))
gradient("Ndtri")(_times_exp_of_square(np.sqrt(2 * np.pi), True))


@gradient("Igamma", needs=("IgammaGradA",))
def _igamma_grad(op, grad):
    """d/da by IgammaGradA; d/dx = exp(-x + (a - 1) log x - lgamma(a)), in log space (TF's)."""
    from scopeflow.ops.math import BINARY
    from scopeflow.ops.math_unary import log
    a, x = op._inputs
    sa, sx = shape(a), shape(x)
    ra, rx = broadcast_gradient_args(sa, sx)
    with default_graph().control_dependencies([grad]):
        partial_a = BINARY["IgammaGradA"](a, x)
        partial_x = exp(-x + (a - 1) * log(x) - lgamma(a))
        return _summed(partial_a * grad, ra, sa), _summed(partial_x * grad, rx, sx)


@gradient("Igammac", needs=("IgammaGradA",))
def _igammac_grad(op, grad):
    """Igamma's, negated: igammac = 1 - igamma."""
    grad_a, grad_x = _igamma_grad(op, grad)
    return -grad_a, -grad_x
