"""`tf.quantization`: fake quantization (quantization-aware training) and its gradients."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.fake_quant import (fake_quant_with_min_max_args,
                                      fake_quant_with_min_max_args_gradient,
                                      fake_quant_with_min_max_vars,
                                      fake_quant_with_min_max_vars_gradient,
                                      fake_quant_with_min_max_vars_per_channel,
                                      fake_quant_with_min_max_vars_per_channel_gradient)
