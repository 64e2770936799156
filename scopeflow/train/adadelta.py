"""`tf.train.AdadeltaOptimizer` and its op `ApplyAdadelta`; slots `accum`, `accum_update`."""

import jax.numpy as jnp

from scopeflow.ops.eigen_rsqrt import eigen_rsqrt, row_length
from scopeflow.train.apply_op import training_ops
from scopeflow.train.optimizer import Optimizer, cast_like


def _adadelta(var, accum, accum_update, lr, rho, epsilon, grad, stretch=None, **_):
    acc = accum * rho + jnp.square(grad) * (1 - rho)
    update = jnp.sqrt(accum_update + epsilon) * eigen_rsqrt(acc + epsilon, stretch) * grad
    return var - update * lr, acc, accum_update * rho + jnp.square(update) * (1 - rho)


def _sparse_adadelta(var, accum, accum_update, lr, rho, epsilon, grad, **_):
    # TF's sparse kernel: the same formula row by row, Eigen's rsqrt per row
    return _adadelta(var, accum, accum_update, lr, rho, epsilon, grad, row_length(var))


apply_adadelta, sparse_apply_adadelta = training_ops(
    "ApplyAdadelta", ("var", "accum", "accum_update", "lr", "rho", "epsilon", "grad"),
    ("var", "accum", "accum_update"), _adadelta, sparse="SparseApplyAdadelta",
    sparse_rule=_sparse_adadelta)


class AdadeltaOptimizer(Optimizer):
    """Adadelta (Zeiler)."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _prepare(self):
        from scopeflow.ops.constant import convert_to_tensor
        c = self._call_if_callable
        self._lr_t = convert_to_tensor(c(self._lr), name="lr")
        self._rho_t = convert_to_tensor(c(self._rho), name="rho")
        self._epsilon_t = convert_to_tensor(c(self._epsilon), name="epsilon")

    def _apply_sparse(self, grad, var):
        return sparse_apply_adadelta(var, self.get_slot(var, "accum"),
                                     self.get_slot(var, "accum_update"),
                                     *[cast_like(t, var) for t in (self._lr_t, self._rho_t,
                                                                   self._epsilon_t)],
                                     grad.values, grad.indices, use_locking=self._use_locking)

    def _apply_dense(self, grad, var):
        return apply_adadelta(var, self.get_slot(var, "accum"),
                              self.get_slot(var, "accum_update"),
                              *[cast_like(t, var) for t in (self._lr_t, self._rho_t,
                                                            self._epsilon_t)],
                              grad, use_locking=self._use_locking)
