"""`tf.bitwise`: bitwise operations on integer tensors."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.math import (bitwise_and, bitwise_or, bitwise_xor, invert, left_shift,
                                right_shift)
