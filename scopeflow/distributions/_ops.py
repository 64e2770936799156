"""The TF1 functions the distributions build their graphs from, taken from the op modules.

The classes write `tf.<op>` as TF's own distributions code reads; this namespace gives them
those names without importing the public facade (scopeflow.compat / scopeflow.api).
"""

import types

from scopeflow import dtypes
from scopeflow.core import contexts
from scopeflow.core.tensor import Tensor
from scopeflow.ops import (array, checks, constant, gather, joining, math, math_cast, math_unary,
                           nn, nn_losses, random, reductions, sampling, shape_ops)


def _namespace(module_names):
    """A namespace of `name -> module.name` for (module, names) pairs."""
    ns = types.SimpleNamespace()
    for module, names in module_names:
        for name in names.split():
            setattr(ns, name, getattr(module, name))
    return ns


tf = _namespace([
    (array, "broadcast_dynamic_shape broadcast_static_shape identity reshape transpose"),
    (checks, "Assert assert_equal assert_greater_equal assert_less assert_less_equal assert_near "
             "assert_non_negative assert_positive assert_rank_at_least assert_same_float_dtype"),
    (constant, "constant convert_to_tensor"),
    (contexts, "control_dependencies name_scope"),
    (gather, "where where_v2"),
    (joining, "concat"),
    (math, "greater less logical_or squared_difference"),
    (math_cast, "cast"),
    (math_unary, "abs erf erfc exp is_nan log log1p logical_not sigmoid sqrt square"),
    (random, "random_normal random_uniform"),
    (reductions, "argmax reduce_any reduce_prod reduce_sum"),
    (sampling, "multinomial"),
    (shape_ops, "ones ones_like rank sequence_mask shape zeros zeros_like"),
])
tf.nn = _namespace([(nn, "log_softmax softmax softplus"),
                    (nn_losses, "sigmoid_cross_entropy_with_logits "
                                "sparse_softmax_cross_entropy_with_logits")])
tf.Tensor = Tensor
tf.newaxis = None
tf.bool, tf.int32, tf.int64 = dtypes.bool, dtypes.int32, dtypes.int64
