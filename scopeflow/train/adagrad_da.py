"""`tf.train.AdagradDAOptimizer` (Adagrad dual averaging) and its ops `ApplyAdagradDA`,
`SparseApplyAdagradDA`; slots `gradient_accumulator` and `gradient_squared_accumulator`."""

import math

import jax.numpy as jnp

from scopeflow import dtypes as _dt
from scopeflow.train.apply_op import training_ops
from scopeflow.train.optimizer import Optimizer, cast_like


def _adagrad_da(var, gradient_accumulator, gradient_squared_accumulator, grad, lr, l1, l2,
                global_step, **_):
    # TF's kernel: w = -lr * sign(g) * max(|g| - T * l1, 0) / (l2 * (T * lr) + sqrt(gg)) for
    # the accumulated g, gg and the step T (a float32 there whatever the variable's type)
    acc = gradient_accumulator + grad
    sq_acc = gradient_squared_accumulator + jnp.square(grad)
    step = jnp.asarray(global_step).astype(jnp.float32)
    t_lr = (step * lr).astype(var.dtype) if var.dtype == jnp.float32 else step.astype(
        var.dtype) * lr
    denom = l2 * t_lr + jnp.sqrt(sq_acc)
    shrunk = jnp.maximum(jnp.abs(acc) - step.astype(var.dtype) * l1, 0)
    with_l1 = lr * -1.0 * jnp.sign(acc) * shrunk / denom
    plain = lr * acc * -1.0 / denom
    return jnp.where(l1 > 0, with_l1, plain).astype(var.dtype), acc, sq_acc


def _sparse_adagrad_da(var, gradient_accumulator, gradient_squared_accumulator, grad, lr, l1,
                       l2, global_step, **_):
    """TF's sparse kernel, another formula: rows of several elements divide the accumulator
    by the step; a 1-D variable is updated element by element in double precision."""
    if var.ndim < 2 or math.prod(var.shape[1:]) == 1:  # (rows of one element; none named)
        return _elementwise_da(var, gradient_accumulator, gradient_squared_accumulator, grad,
                               lr, l1, l2, global_step)
    acc = gradient_accumulator + grad
    sq_acc = gradient_squared_accumulator + jnp.square(grad)
    step = jnp.asarray(global_step).astype(var.dtype)
    denom = l2 + jnp.sqrt(sq_acc) / (step * lr)
    with_l1 = -1.0 * jnp.sign(acc) * jnp.maximum(jnp.abs(acc) / step - l1, 0) / denom
    plain = -1.0 * (acc / step) / denom
    return jnp.where(l1 > 0, with_l1, plain).astype(var.dtype), acc, sq_acc


def _elementwise_da(var, g_acc, gg_acc, grad, lr, l1, l2, global_step):
    f64 = jnp.float64
    g = grad.astype(f64)
    acc = (g_acc.astype(f64) + g).astype(var.dtype)
    sq_acc = (gg_acc.astype(f64) + g * g).astype(var.dtype)
    step = jnp.asarray(global_step).astype(f64)
    lr, l1, l2 = (jnp.asarray(x).astype(f64) for x in (lr, l1, l2))
    denom = step * l2 * lr + jnp.sqrt(sq_acc.astype(f64))
    a = acc.astype(f64)
    with_l1 = jnp.sign(-a) * lr * jnp.maximum(jnp.abs(a) - step * l1, 0.0) / denom
    plain = (-a * lr) / denom
    return jnp.where(l1 > 0, with_l1, plain).astype(var.dtype), acc, sq_acc


_REFS = ("var", "gradient_accumulator", "gradient_squared_accumulator")
apply_adagrad_da, sparse_apply_adagrad_da = training_ops(
    "ApplyAdagradDA", _REFS + ("grad", "lr", "l1", "l2", "global_step"), _REFS, _adagrad_da,
    sparse="SparseApplyAdagradDA", types={"global_step": _dt.int64},
    sparse_rule=_sparse_adagrad_da)


class AdagradDAOptimizer(Optimizer):
    """Adagrad dual averaging for sparse linear models; needs the global step.

    >>> import scopeflow as tf
    >>> w = tf.get_variable("w", initializer=[1.0])
    >>> opt = tf.train.AdagradDAOptimizer(0.1, tf.train.get_or_create_global_step())
    >>> _ = opt.minimize(tf.reduce_sum(w * w))
    >>> opt.get_slot_names()
    ['gradient_accumulator', 'gradient_squared_accumulator']
    """

    def __init__(self, learning_rate, global_step, initial_gradient_squared_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="AdagradDA"):
        if initial_gradient_squared_accumulator_value <= 0.0:
            raise ValueError("initial_gradient_squared_accumulator_value must be positive: %s"
                             % initial_gradient_squared_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_gradient_squared_accumulator_value = (
            initial_gradient_squared_accumulator_value)
        self._learning_rate_tensor = None
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._global_step = global_step
        self._global_step_on_worker = None

    def _create_slots(self, var_list):
        from scopeflow.core.frame import default_graph
        from scopeflow.ops.constant import constant
        for v in var_list:
            with default_graph().colocate_with(v.op):
                g_val = constant(0.0, shape=v.get_shape(), dtype=v.dtype.base_dtype)
                gg_val = constant(self._initial_gradient_squared_accumulator_value,
                                  shape=v.get_shape(), dtype=v.dtype.base_dtype)
            self._get_or_make_slot(v, g_val, "gradient_accumulator", self._name)
            self._get_or_make_slot(v, gg_val, "gradient_squared_accumulator", self._name)

    def _prepare(self):
        from scopeflow.core.frame import default_graph
        from scopeflow.ops.array import identity
        from scopeflow.ops.constant import convert_to_tensor
        self._learning_rate_tensor = convert_to_tensor(self._learning_rate,
                                                       name="learning_rate")
        with default_graph().colocate_with(self._learning_rate_tensor.op):
            self._global_step_on_worker = identity(self._global_step) + 1

    def _worker_step(self, var):
        from scopeflow.core.frame import default_graph
        from scopeflow.ops.array import identity
        with default_graph().device(var.device):
            return identity(self._global_step_on_worker)

    def _hyper(self, var):
        return [cast_like(t, var) for t in (self._learning_rate_tensor,
                                            self._l1_regularization_strength,
                                            self._l2_regularization_strength)]

    def _apply_dense(self, grad, var):
        step = self._worker_step(var)
        return apply_adagrad_da(var, self.get_slot(var, "gradient_accumulator"),
                                self.get_slot(var, "gradient_squared_accumulator"), grad,
                                *self._hyper(var), step, use_locking=self._use_locking)

    def _apply_sparse(self, grad, var):
        step = self._worker_step(var)
        return sparse_apply_adagrad_da(
            var, self.get_slot(var, "gradient_accumulator"),
            self.get_slot(var, "gradient_squared_accumulator"), grad.values, grad.indices,
            *self._hyper(var), step, use_locking=self._use_locking)
