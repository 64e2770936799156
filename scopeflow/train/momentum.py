"""`tf.train.MomentumOptimizer` (optionally Nesterov) and its op `ApplyMomentum`."""

from scopeflow.train.apply_op import training_ops
from scopeflow.train.optimizer import Optimizer, as_op, cast_like


def _momentum(var, accum, lr, grad, momentum, use_nesterov=False, **_):
    # accum = accum * momentum + grad; var -= lr * (accum, or grad + momentum * accum)
    acc = accum * momentum + grad
    if use_nesterov:
        return var - (grad * lr + acc * momentum * lr), acc
    return var - acc * lr, acc


apply_momentum, sparse_apply_momentum = training_ops(
    "ApplyMomentum", ("var", "accum", "lr", "grad", "momentum"), ("var", "accum"), _momentum,
    sparse="SparseApplyMomentum", attrs={"use_nesterov": False})


class MomentumOptimizer(Optimizer):
    """Gradient descent with momentum; slot `momentum` (`w/Momentum`)."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        from scopeflow.ops.constant import convert_to_tensor
        lr = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = convert_to_tensor(lr, name="learning_rate")
        momentum = self._call_if_callable(self._momentum)
        self._momentum_tensor = convert_to_tensor(momentum, name="momentum")

    def _apply_dense(self, grad, var):
        mom = self.get_slot(var, "momentum")
        return as_op(apply_momentum(
            var, mom, cast_like(self._learning_rate_tensor, var), grad,
            cast_like(self._momentum_tensor, var), use_locking=self._use_locking,
            use_nesterov=self._use_nesterov))

    def _apply_sparse(self, grad, var):
        mom = self.get_slot(var, "momentum")
        return as_op(sparse_apply_momentum(
            var, mom, cast_like(self._learning_rate_tensor, var), grad.values, grad.indices,
            cast_like(self._momentum_tensor, var), use_locking=self._use_locking,
            use_nesterov=self._use_nesterov))
