"""Gradients of special functions whose order or parameter inputs TF leaves without one
(Polygamma's n, Zeta's x, Betainc's a and b) and of NextAfter, as TF's math_grad builds them.
Through jax.vjp (the SymbolicGradient fallback) those inputs got values TF never gives (Zeta's
x) or the run failed (Betainc's a and b; NextAfter, which JAX does not differentiate)."""

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
