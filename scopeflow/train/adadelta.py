"""`tf.train.AdadeltaOptimizer` and its op `ApplyAdadelta`; slots `accum`, `accum_update`."""

import jax.numpy as jnp

from scopeflow.train.apply_op import apply_op
from scopeflow.train.optimizer import Optimizer, cast_like


@apply_op("ApplyAdadelta", refs=("var", "accum", "accum_update"))
def apply_adadelta(ctx, var, accum, accum_update, lr, rho, epsilon, grad, *, use_locking=False):
    acc = ctx.write(accum, ctx.read(accum) * rho + jnp.square(grad) * (1 - rho))
    upd0 = ctx.read(accum_update)
    update = jnp.sqrt(upd0 + epsilon) / jnp.sqrt(acc + epsilon) * grad
    out = ctx.write(var, ctx.read(var) - update * lr)
    ctx.write(accum_update, upd0 * rho + jnp.square(update) * (1 - rho))
    return out


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

    def _apply_dense(self, grad, var):
        return apply_adadelta(var, self.get_slot(var, "accum"),
                              self.get_slot(var, "accum_update"),
                              *[cast_like(t, var) for t in (self._lr_t, self._rho_t,
                                                            self._epsilon_t)],
                              grad, use_locking=self._use_locking)
