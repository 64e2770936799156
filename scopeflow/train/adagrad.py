"""`tf.train.AdagradOptimizer` and its op `ApplyAdagrad`; slot `accumulator` (`w/Adagrad`)."""

import jax.numpy as jnp

from scopeflow.ops.eigen_rsqrt import eigen_rsqrt, row_length
from scopeflow.train.apply_op import training_ops
from scopeflow.train.optimizer import Optimizer, cast_like


def _adagrad(var, accum, lr, grad, update_slots=True, **_):
    acc = accum + jnp.square(grad) if update_slots else accum
    return var - grad * lr * eigen_rsqrt(acc), acc


def _sparse_adagrad(var, accum, lr, grad, update_slots=True, **_):
    # TF's sparse kernel: Eigen's rsqrt row by row; rows of one element divide by sqrt
    acc = accum + jnp.square(grad) if update_slots else accum
    if row_length(var) == 1:
        return var - lr * grad / jnp.sqrt(acc), acc
    return var - lr * grad * eigen_rsqrt(acc, row_length(var)), acc


apply_adagrad, sparse_apply_adagrad = training_ops(
    "ApplyAdagrad", ("var", "accum", "lr", "grad"), ("var", "accum"), _adagrad,
    sparse="SparseApplyAdagrad", attrs={"update_slots": True}, sparse_rule=_sparse_adagrad)


def fill_like(v, value, dtype):
    """An initializer-callable filling `v`'s (dynamic) shape with `value`."""
    def init(*args, **kwargs):
        from scopeflow.ops.math import cast
        from scopeflow.ops.shape_ops import fill, shape
        return cast(fill(shape(v), value), dtype)

    return init


class AdagradOptimizer(Optimizer):
    """Adagrad; the accumulator starts at `initial_accumulator_value`."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s"
                             % initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._learning_rate_tensor = None

    def _create_slots(self, var_list):
        from scopeflow.ops.init_ops import constant_initializer
        for v in var_list:
            dtype = v.dtype.base_dtype
            if v.get_shape().is_fully_defined():
                init = constant_initializer(self._initial_accumulator_value, dtype=dtype)
            else:
                init = fill_like(v, self._initial_accumulator_value, dtype)
            self._get_or_make_slot_with_initializer(v, init, v.get_shape(), dtype,
                                                    "accumulator", self._name)

    def _prepare(self):
        from scopeflow.ops.constant import convert_to_tensor
        lr = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = convert_to_tensor(lr, name="learning_rate")

    def _apply_dense(self, grad, var):
        return apply_adagrad(var, self.get_slot(var, "accumulator"),
                             cast_like(self._learning_rate_tensor, var), grad,
                             use_locking=self._use_locking)

    def _apply_sparse(self, grad, var):
        return sparse_apply_adagrad(var, self.get_slot(var, "accumulator"),
                                    cast_like(self._learning_rate_tensor, var), grad.values,
                                    grad.indices, use_locking=self._use_locking)
