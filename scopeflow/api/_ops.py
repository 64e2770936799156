"""Top-level op functions (`tf.add`, `tf.constant`, `tf.reduce_sum`, ...)."""

from scopeflow.ops.array import identity
from scopeflow.ops.constant import (constant, convert_to_tensor, convert_n_to_tensor,
                                    placeholder, placeholder_with_default,
                                    register_tensor_conversion_function)
from scopeflow.indexed_slices import convert_to_tensor_or_indexed_slices
from scopeflow.sparse_tensor import convert_to_tensor_or_sparse_tensor
from scopeflow.ops.logging_ops import timestamp
from scopeflow.ops.math import (abs, acos, acosh, add, add_n, accumulate_n, asin, asinh, atan,
                                atan2, atanh, cast, ceil, conj, cos, cosh, digamma, div,
                                div_no_nan, divide, equal, erf, erfc, exp, expm1, floor,
                                floordiv, floormod, greater, greater_equal, imag, is_finite,
                                is_inf, is_nan, less, less_equal, lgamma, log, log1p,
                                logical_and, logical_not, logical_or, logical_xor, matmul,
                                maximum, minimum, mod, multiply, negative, not_equal, pow, real,
                                realdiv, reciprocal, reduce_all, reduce_any, reduce_max,
                                reduce_mean, reduce_min, reduce_prod, reduce_sum, rint, round,
                                rsqrt, saturate_cast, scalar_mul, sigmoid, sign, sin, sinh, sqrt,
                                square, squared_difference, subtract, tan, tanh, to_bfloat16,
                                to_double, to_float, to_int32, to_int64, truediv, truncatediv)
from scopeflow.ops.tensor_util import get_static_value, make_ndarray, make_tensor_proto

__all__ = [n for n in dir() if not n.startswith("_")]
