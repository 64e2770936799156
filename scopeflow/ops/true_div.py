"""Floating-point division rounded as TF's CPU kernels round it: one IEEE division per element.

XLA's algebraic simplifier rewrites `a / broadcast(b)` (a scalar or row divisor, or a constant)
into `a * broadcast(1 / b)`, and `(a / b) / c` into `a / (b * c)`, `a / sqrt(b)` into
`a * rsqrt(b)`, `a / exp(b)` into `a * exp(-b)`: each rounds twice, so about a third of the
quotients of `x / 5.0`, a mean or a softmax came out one ulp away from TF's. The simplifier
matches the operands' producers; behind an optimization barrier (the divisor broadcast to the
result's shape first) the division is left alone. The barrier costs one materialized
divisor and keeps the numerator's producer out of the division's fusion.

>>> import numpy as np
>>> x = np.float32([1.0, 2.0, 3.0])
>>> float(true_divide(x, np.float32(3.0))[2])
1.0
"""

import jax.numpy as jnp
import numpy as np
from jax import lax

from scopeflow.ops import eigen_reciprocal


def true_divide(x, y):
    """`x / y` with broadcasting, one rounding per element (floating or complex operands)."""
    x, y = jnp.asarray(x), jnp.asarray(y)
    shape = jnp.broadcast_shapes(x.shape, y.shape)
    dtype = jnp.result_type(x, y)
    x, y = lax.optimization_barrier((x.astype(dtype), jnp.broadcast_to(y.astype(dtype), shape)))
    return lax.div(jnp.broadcast_to(x, shape), y)


def host_reciprocal(y):
    """1 / y of a value known while building the program, computed now (NumPy divides once)."""
    y = np.asarray(y)
    if y.dtype == np.float32 and eigen_reciprocal.modelled():  # TF folds its Reciprocal op
        return eigen_reciprocal.eigen_reciprocal(y)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.divide(np.ones((), y.dtype), y)
