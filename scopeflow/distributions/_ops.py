"""The TF1 functions the distributions build their graphs from, taken from the op modules.

The classes write `tf.<op>` as TF's own distributions code reads; this namespace gives them
those names without importing the public facade (scopeflow.compat / scopeflow.api).
"""

import types

from scopeflow import dtypes
from scopeflow.core import contexts
from scopeflow.core.tensor import Tensor
from scopeflow.ops import (array, checks, constant, diag_ops, functional_ops, gather, joining,
                           math, math_cast, math_extra, math_unary, nn, nn_losses, random,
                           reductions, sampling, shape_ops, state)


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
             "assert_non_negative assert_positive assert_rank_at_least assert_same_float_dtype "
             "no_op"),
    (diag_ops, "matrix_set_diag"),
    (functional_ops, "map_fn"),
    (constant, "constant convert_to_tensor"),
    (contexts, "control_dependencies name_scope"),
    (gather, "where where_v2"),
    (joining, "concat"),
    (math, "betainc greater igamma less logical_and logical_or matmul squared_difference xlogy"),
    (math_extra, "lbeta"),
    (math_cast, "cast"),
    (math_unary, "abs digamma erf erfc exp is_nan lgamma log log1p logical_not rsqrt sigmoid sign "
                 "sqrt square"),
    (random, "random_normal random_uniform"),
    (reductions, "argmax reduce_all reduce_any reduce_prod reduce_sum"),
    (sampling, "multinomial random_gamma"),
    (shape_ops, "fill one_hot ones ones_like rank sequence_mask shape zeros zeros_like"),
    (state, "with_dependencies"),
])
tf.nn = _namespace([(nn, "log_softmax softmax softplus"),
                    (nn_losses, "sigmoid_cross_entropy_with_logits "
                                "sparse_softmax_cross_entropy_with_logits")])
tf.Tensor = Tensor
tf.newaxis = None
tf.bool, tf.int32, tf.int64 = dtypes.bool, dtypes.int32, dtypes.int64
tf.float16, tf.float32, tf.float64, tf.int16 = (dtypes.float16, dtypes.float32, dtypes.float64,
                                                dtypes.int16)
