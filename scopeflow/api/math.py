"""`tf.math`: elementwise math, reductions, segment ops and math-flavoured nn functions."""
# ruff: noqa: F401 - re-exports

from scopeflow.api import math_special as special
from scopeflow.ops.clip import clip_by_value
from scopeflow.ops.math import (abs, acos, acosh, add, angle, asin, asinh, atan, atan2, atanh,
                                bessel_i0, bessel_i0e, bessel_i1, bessel_i1e, betainc, ceil,
                                conj, cos, cosh, digamma, divide, divide_no_nan, equal, erf,
                                erfc, erfinv, exp, expm1, floor, floordiv, floormod, greater,
                                greater_equal, igamma, igammac, imag, is_finite, is_inf, is_nan,
                                less, less_equal, lgamma, log, log1p, logical_and, logical_not,
                                logical_or, logical_xor, maximum, minimum, mod, multiply,
                                multiply_no_nan, ndtri, negative, nextafter, not_equal,
                                polygamma, pow, real, reciprocal, rint, round, rsqrt,
                                scalar_mul, sigmoid, sign, sin, sinh, sqrt, square,
                                squared_difference, subtract, tan, tanh, truediv, xdivy,
                                xlog1py, xlogy, zeta)
from scopeflow.ops.math_extra import (accumulate_n, add_n, bincount, confusion_matrix,
                                      erfcinv, in_top_k, is_non_decreasing,
                                      is_strictly_increasing, lbeta, log_sigmoid, polyval,
                                      reciprocal_no_nan, top_k, zero_fraction)
from scopeflow.ops.nn import log_softmax, softmax, softplus, softsign
from scopeflow.ops.nn_norm import l2_normalize
from scopeflow.ops.reductions import (argmax, argmin, count_nonzero, cumprod, cumsum,
                                      cumulative_logsumexp, reduce_all, reduce_any,
                                      reduce_euclidean_norm, reduce_logsumexp, reduce_max,
                                      reduce_mean, reduce_min, reduce_prod, reduce_std,
                                      reduce_sum, reduce_variance)
from scopeflow.ops.segments import (segment_max, segment_mean, segment_min, segment_prod,
                                    segment_sum, unsorted_segment_max, unsorted_segment_mean,
                                    unsorted_segment_min, unsorted_segment_prod,
                                    unsorted_segment_sqrt_n, unsorted_segment_sum)


def invert_permutation(x, name=None):
    """`tf.math.invert_permutation` (an array op; re-exported here as in TF)."""
    from scopeflow.ops.op_util import array_ops
    return array_ops.invert_permutation(x, name=name)


del clip_by_value
