"""`tf.train.ProximalGradientDescentOptimizer` and `ProximalAdagradOptimizer` (FOBOS with
L1/L2 regularization) and their ops `ApplyProximalGradientDescent`, `ApplyProximalAdagrad`."""

import jax.numpy as jnp

from scopeflow.ops.eigen_rsqrt import eigen_rsqrt, row_length
from scopeflow.train.apply_op import training_ops
from scopeflow.train.optimizer import Optimizer, as_op


def _shrink(prox, lr, l1, l2):
    """FOBOS step: soft-threshold by lr * l1 (when l1 > 0), then scale by 1 / (1 + lr * l2)."""
    soft = jnp.sign(prox) * jnp.maximum(jnp.abs(prox) - lr * l1, 0)
    return jnp.where(l1 > 0, soft, prox) / (1 + lr * l2)


def _proximal_gd(var, alpha, l1, l2, delta, **_):
    return (_shrink(var - delta * alpha, alpha, l1, l2),)


def _proximal_adagrad(var, accum, lr, l1, l2, grad, stretch=None, **_):
    acc = accum + jnp.square(grad)
    rate = lr * eigen_rsqrt(acc, stretch)
    return _shrink(var - grad * rate, rate, l1, l2), acc


def _sparse_proximal_adagrad(var, accum, lr, l1, l2, grad, **_):
    # TF's sparse kernel: the same formula row by row, Eigen's rsqrt per row
    return _proximal_adagrad(var, accum, lr, l1, l2, grad, stretch=row_length(var))


apply_proximal_gradient_descent, sparse_apply_proximal_gradient_descent = training_ops(
    "ApplyProximalGradientDescent", ("var", "alpha", "l1", "l2", "delta"), ("var",),
    _proximal_gd, sparse="SparseApplyProximalGradientDescent")
apply_proximal_adagrad, sparse_apply_proximal_adagrad = training_ops(
    "ApplyProximalAdagrad", ("var", "accum", "lr", "l1", "l2", "grad"), ("var", "accum"),
    _proximal_adagrad, sparse="SparseApplyProximalAdagrad", sparse_rule=_sparse_proximal_adagrad)


class _Proximal(Optimizer):
    def _prepare(self):
        from scopeflow.ops.constant import convert_to_tensor
        self._learning_rate_tensor = convert_to_tensor(self._learning_rate,
                                                       name="learning_rate")
        self._l1_regularization_strength_tensor = convert_to_tensor(
            self._l1_regularization_strength, name="l1_regularization_strength")
        self._l2_regularization_strength_tensor = convert_to_tensor(
            self._l2_regularization_strength, name="l2_regularization_strength")

    def _hyper(self):
        return (self._learning_rate_tensor, self._l1_regularization_strength_tensor,
                self._l2_regularization_strength_tensor)


class ProximalGradientDescentOptimizer(_Proximal):
    """Gradient descent with a proximal L1/L2 step."""

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength

    def _apply_dense(self, grad, var):
        return as_op(apply_proximal_gradient_descent(var, *self._hyper(), grad,
                                                     use_locking=self._use_locking))

    def _apply_sparse(self, grad, var):
        return as_op(sparse_apply_proximal_gradient_descent(
            var, *self._hyper(), grad.values, grad.indices, use_locking=self._use_locking))


class ProximalAdagradOptimizer(_Proximal):
    """Adagrad with a proximal L1/L2 step; slot `accumulator`."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalAdagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s"
                             % initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength

    def _create_slots(self, var_list):
        from scopeflow.core.frame import default_graph
        from scopeflow.ops.constant import constant
        for v in var_list:
            with default_graph().colocate_with(v.op):
                val = constant(self._initial_accumulator_value, shape=v.get_shape(),
                               dtype=v.dtype.base_dtype)
            self._get_or_make_slot(v, val, "accumulator", self._name)

    def _apply_dense(self, grad, var):
        return apply_proximal_adagrad(var, self.get_slot(var, "accumulator"), *self._hyper(),
                                      grad, use_locking=self._use_locking)

    def _apply_sparse(self, grad, var):
        return sparse_apply_proximal_adagrad(var, self.get_slot(var, "accumulator"),
                                             *self._hyper(), grad.values, grad.indices,
                                             use_locking=self._use_locking)
