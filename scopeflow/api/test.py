"""`tf.test`: TestCase and main, the gradient checker (TF1's compute_gradient /
compute_gradient_error), and the build queries."""

from unittest import mock

from scopeflow.gradients.checker import compute_gradient, compute_gradient_error
from scopeflow.testing import (
                               TestCase,
                               get_temp_dir,
                               gpu_device_name,
                               is_built_with_cuda,
                               is_built_with_gpu_support,
                               is_built_with_rocm,
                               is_built_with_xla,
                               is_gpu_available,
                               main,
)

__all__ = ["TestCase", "compute_gradient", "compute_gradient_error", "get_temp_dir",
           "gpu_device_name", "is_built_with_cuda", "is_built_with_gpu_support",
           "is_built_with_rocm", "is_built_with_xla", "is_gpu_available", "main", "mock"]
