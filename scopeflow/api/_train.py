"""Top-level gradient names: `tf.gradients`, `tf.hessians`, `tf.AggregationMethod`, ..."""

from scopeflow.gradients import (AggregationMethod, NotDifferentiable, RegisterGradient,
                                 UnconnectedGradients, gradients, hessians, no_gradient)

__all__ = ["AggregationMethod", "NotDifferentiable", "RegisterGradient", "UnconnectedGradients",
           "gradients", "hessians", "no_gradient"]
