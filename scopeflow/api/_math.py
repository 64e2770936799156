"""Top-level math, clipping, segment and linear-algebra functions (`tf.reduce_sum`, ...)."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.clip import (clip_by_average_norm, clip_by_global_norm, clip_by_norm,
                                clip_by_value, global_norm)
from scopeflow.ops.linalg import einsum, matmul, tensordot
from scopeflow.ops.linalg_ops import (cholesky, cholesky_solve, cross, matrix_determinant,
                                      matrix_inverse, matrix_solve, matrix_solve_ls,
                                      matrix_square_root,
                                      matrix_transpose, matrix_triangular_solve, norm, qr,
                                      self_adjoint_eig, self_adjoint_eigvals, svd, trace)
from scopeflow.ops.math import (abs, acos, acosh, add, angle, asin, asinh, atan, atan2, atanh,
                                cast, ceil, complex, conj, cos, cosh, digamma, div, div_no_nan,
                                divide, equal, erf, erfc, exp, expm1, floor, floor_div,
                                floordiv, floormod, greater, greater_equal, igamma, igammac,
                                imag, is_finite, is_inf, is_nan, less, less_equal, lgamma, log,
                                log1p, logical_and, logical_not, logical_or, logical_xor,
                                maximum, minimum, mod, multiply, negative, not_equal, polygamma,
                                pow, real, realdiv, reciprocal, rint, round, rsqrt,
                                saturate_cast, scalar_mul, sigmoid, sign, sin, sinh, sqrt,
                                square, squared_difference, subtract, tan, tanh, to_bfloat16,
                                to_complex64, to_complex128, to_double, to_float, to_int32,
                                to_int64, truediv, truncatediv, truncatemod, zeta)
from scopeflow.ops.math_extra import (accumulate_n, add_n, bincount, confusion_matrix,
                                      is_non_decreasing, is_strictly_increasing, lbeta,
                                      log_sigmoid)
from scopeflow.ops.reductions import (arg_max, arg_min, argmax, argmin, count_nonzero, cumprod,
                                      cumsum, reduce_all, reduce_any, reduce_logsumexp,
                                      reduce_max, reduce_mean, reduce_min, reduce_prod,
                                      reduce_sum)
from scopeflow.ops.math import betainc
from scopeflow.ops.nn_space import (batch_to_space, batch_to_space_nd, depth_to_space,
                                    required_space_to_batch_paddings, space_to_batch,
                                    space_to_batch_nd, space_to_depth)
from scopeflow.ops.sampling import multinomial, random_crop, random_gamma, random_poisson
from scopeflow.ops.sampling import random_shuffle
from scopeflow.ops.histogram import histogram_fixed_width, histogram_fixed_width_bins
from scopeflow.ops.image_patches import extract_image_patches, extract_volume_patches
from scopeflow.ops.sort_ops import argsort, sort
from scopeflow.ops.segments import (segment_max, segment_mean, segment_min, segment_prod,
                                    segment_sum, sparse_segment_mean, sparse_segment_sqrt_n,
                                    sparse_segment_sum, unsorted_segment_max,
                                    unsorted_segment_mean, unsorted_segment_min,
                                    unsorted_segment_prod, unsorted_segment_sqrt_n,
                                    unsorted_segment_sum)

__all__ = [n for n in dir() if not n.startswith("_")]
