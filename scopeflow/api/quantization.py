"""`tf.quantization`: fake quantization (quantization-aware training) and its gradients,
quantize / dequantize on quantized dtypes, quantize_and_dequantize."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.fake_quant import (fake_quant_with_min_max_args,
                                      fake_quant_with_min_max_args_gradient,
                                      fake_quant_with_min_max_vars,
                                      fake_quant_with_min_max_vars_gradient,
                                      fake_quant_with_min_max_vars_per_channel,
                                      fake_quant_with_min_max_vars_per_channel_gradient)
from scopeflow.ops.quantize import dequantize, quantize
from scopeflow.ops.quantize_dequantize import quantize_and_dequantize, quantize_and_dequantize_v2
from scopeflow.ops.quantized_math import quantized_concat

# what tf.compat.v1 also holds at its top (quantize_and_dequantize is tf.quantization's only)
__all__ = ["dequantize", "fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient",
           "fake_quant_with_min_max_vars", "fake_quant_with_min_max_vars_gradient",
           "fake_quant_with_min_max_vars_per_channel",
           "fake_quant_with_min_max_vars_per_channel_gradient", "quantize", "quantized_concat"]
