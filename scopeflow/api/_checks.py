"""Top-level run-time checks: `tf.Assert`, `tf.assert_*`, `tf.check_numerics`, ...; printing:
`tf.Print`, `tf.print`."""

from scopeflow.ops.checks import (
                                  Assert,
                                  assert_equal,
                                  assert_greater,
                                  assert_greater_equal,
                                  assert_integer,
                                  assert_less,
                                  assert_less_equal,
                                  assert_near,
                                  assert_negative,
                                  assert_non_negative,
                                  assert_non_positive,
                                  assert_none_equal,
                                  assert_positive,
                                  assert_proper_iterable,
                                  assert_rank,
                                  assert_rank_at_least,
                                  assert_rank_in,
                                  assert_same_float_dtype,
                                  assert_scalar,
                                  add_check_numerics_ops,
                                  assert_type,
                                  check_numerics,
                                  is_numeric_tensor,
                                  verify_tensor_all_finite,
)
from scopeflow.ops.logging_ops import Print
from scopeflow.ops.logging_ops import print_v2 as print

__all__ = ["Assert", "Print", "add_check_numerics_ops", "assert_equal", "assert_greater",
           "assert_greater_equal",
           "assert_integer", "assert_less", "assert_less_equal", "assert_near", "assert_negative",
           "assert_non_negative", "assert_non_positive", "assert_none_equal", "assert_positive",
           "assert_proper_iterable", "assert_rank", "assert_rank_at_least",
           "assert_rank_in",
           "assert_same_float_dtype", "assert_scalar", "assert_type", "check_numerics",
           "is_numeric_tensor", "print", "verify_tensor_all_finite"]
