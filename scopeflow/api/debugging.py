"""`tf.debugging`: assertions and numeric checks."""

# the top-level checks (api/_checks.py), less `verify_tensor_all_finite` and
# `add_check_numerics_ops` (TF1's top level only), plus these
from scopeflow.api import _checks
from scopeflow.api._checks import *  # noqa: F401,F403
from scopeflow.ops.checks import verify_tensor_all_finite as assert_all_finite  # noqa: F401
from scopeflow.ops.math import is_finite, is_inf, is_nan  # noqa: F401
from scopeflow.ops.math_extra import is_non_decreasing, is_strictly_increasing  # noqa: F401

__all__ = sorted([n for n in _checks.__all__ if n not in ("verify_tensor_all_finite", "Print",
                                                           "print", "add_check_numerics_ops")]
                 + ["assert_all_finite", "is_finite", "is_inf", "is_nan",
                    "is_non_decreasing", "is_strictly_increasing"])
del verify_tensor_all_finite, add_check_numerics_ops  # noqa: F821 - brought in by the * import
