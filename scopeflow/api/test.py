"""`tf.test`: the gradient checker (TF1's compute_gradient / compute_gradient_error)."""

from scopeflow.gradients.checker import compute_gradient, compute_gradient_error

__all__ = ["compute_gradient", "compute_gradient_error"]
