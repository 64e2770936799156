"""`tf.gradients`: TF's gradient graph, op by op (graph.py), from per-op gradient functions
(registry.py; math_grad.py, array_grad.py, nn_grad.py); where some op on the path has none
here, one SymbolicGradient op over `jax.vjp` (symbolic.py).

    >>> import scopeflow as tf
    >>> x = tf.constant(3.0)
    >>> tf.gradients(x * x, x)[0].name
    'gradients/AddN:0'
"""

import inspect
import sys
import types

from scopeflow.gradients import (  # noqa: F401 - registrations
    array_grad,
    binary_grad,
    color_grad,
    complex_grad,
    cond_grad,
    diag_grad,
    eig_grad,
    einsum_grad,
    image_grad,
    linalg_grad,
    loop_grad,
    math_grad,
    morph_grad,
    nn_grad,
    prod_grad,
    quant_grad,
    quantize_grad,
    random_grad,
    segment_grad,
    space_grad,
    special_grad,
    spectral_grad,
    tensor_array_grad,
    unary_grad,
)
from scopeflow.gradients.symbolic import (
    AggregationMethod,
    NotDifferentiable,
    RegisterGradient,
    UnconnectedGradients,
    custom_gradient,
    gradients,
    hessians,
    no_gradient,
)


class _CallablePackage(types.ModuleType):
    """This package, callable as `tf.gradients`: `import scopeflow as tf` binds the name
    `gradients` to it (not to the function), so `import scopeflow.gradients.symbolic as S`
    finds the submodule through it, and `tf.gradients(ys, xs)` still builds gradients."""

    def __call__(self, *args, **kwargs):
        return gradients(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
__signature__ = inspect.signature(gradients)  # (what inspect and help show for the call)

__all__ = ["AggregationMethod", "NotDifferentiable", "RegisterGradient", "UnconnectedGradients",
           "custom_gradient", "gradients", "hessians", "no_gradient"]
