"""Top-level gradient names: `tf.gradients`, `tf.hessians`, `tf.IndexedSlices`, ..."""

from scopeflow.gradients import (
                                 AggregationMethod,
                                 NotDifferentiable,
                                 RegisterGradient,
                                 UnconnectedGradients,
                                 custom_gradient,
                                 gradients,
                                 hessians,
                                 no_gradient,
)
from scopeflow.indexed_slices import IndexedSlices

__all__ = ["AggregationMethod", "IndexedSlices", "NotDifferentiable", "RegisterGradient",
           "UnconnectedGradients", "custom_gradient", "gradients", "hessians", "no_gradient"]
