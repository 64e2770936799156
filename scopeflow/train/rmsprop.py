"""`tf.train.RMSPropOptimizer` (plain or centered) and its ops `ApplyRMSProp`,
`ApplyCenteredRMSProp`; slots `rms` (ones), `momentum`, and `mg` when centered."""

import jax.numpy as jnp

from scopeflow.ops.eigen_rsqrt import eigen_rsqrt, row_length
from scopeflow.train.apply_op import training_ops
from scopeflow.train.optimizer import Optimizer, as_op, cast_like


def _rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, **_):
    ms1 = ms + (jnp.square(grad) - ms) * (1 - rho)
    mom1 = mom * momentum + (grad * lr) / jnp.sqrt(ms1 + epsilon)
    return var - mom1, ms1, mom1


def _centered(var, mg, ms, mom, lr, rho, momentum, epsilon, grad, **_):
    ms1 = ms + (jnp.square(grad) - ms) * (1 - rho)
    mg1 = mg + (grad - mg) * (1 - rho)
    mom1 = mom * momentum + (grad * lr) / jnp.sqrt(ms1 - jnp.square(mg1) + epsilon)
    return var - mom1, mg1, ms1, mom1


# TF's sparse kernels update row by row in another order, with Eigen's rsqrt per row
def _sparse_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, **_):
    ms1 = ms * rho + jnp.square(grad) * (1 - rho)
    mom1 = mom * momentum + eigen_rsqrt(ms1 + epsilon, row_length(var)) * lr * grad
    return var - mom1, ms1, mom1


def _sparse_centered(var, mg, ms, mom, lr, rho, momentum, epsilon, grad, **_):
    ms1 = ms * rho + jnp.square(grad) * (1 - rho)
    mg1 = mg * rho + grad * (1 - rho)
    denom = ms1 + epsilon - jnp.square(mg1)
    mom1 = mom * momentum + eigen_rsqrt(denom, row_length(var)) * lr * grad
    return var - mom1, mg1, ms1, mom1


apply_rms_prop, sparse_apply_rms_prop = training_ops(
    "ApplyRMSProp", ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"),
    ("var", "ms", "mom"), _rms_prop, sparse="SparseApplyRMSProp", sparse_rule=_sparse_rms_prop)
apply_centered_rms_prop, sparse_apply_centered_rms_prop = training_ops(
    "ApplyCenteredRMSProp", ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon",
                             "grad"),
    ("var", "mg", "ms", "mom"), _centered, sparse="SparseApplyCenteredRMSProp",
    sparse_rule=_sparse_centered)


class RMSPropOptimizer(Optimizer):
    """RMSProp, with optional momentum and centering."""

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        from scopeflow.ops.init_ops import ones_initializer
        for v in var_list:
            if v.get_shape().is_fully_defined():
                init = ones_initializer(dtype=v.dtype.base_dtype)
            else:
                from scopeflow.ops.shape_ops import ones_like
                init = ones_like(v)
            self._get_or_make_slot_with_initializer(v, init, v.get_shape(), v.dtype.base_dtype,
                                                    "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        from scopeflow.ops.constant import convert_to_tensor
        c = self._call_if_callable
        self._learning_rate_tensor = convert_to_tensor(c(self._learning_rate),
                                                       name="learning_rate")
        self._decay_tensor = convert_to_tensor(c(self._decay), name="decay")
        self._momentum_tensor = convert_to_tensor(c(self._momentum), name="momentum")
        self._epsilon_tensor = convert_to_tensor(c(self._epsilon), name="epsilon")

    def _apply_sparse(self, grad, var):
        scalars = [cast_like(t, var) for t in (self._learning_rate_tensor, self._decay_tensor,
                                               self._momentum_tensor, self._epsilon_tensor)]
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        rows = (grad.values, grad.indices)
        if self._centered:
            return as_op(sparse_apply_centered_rms_prop(
                var, self.get_slot(var, "mg"), rms, mom, *scalars, *rows,
                use_locking=self._use_locking))
        return as_op(sparse_apply_rms_prop(var, rms, mom, *scalars, *rows,
                                           use_locking=self._use_locking))

    def _apply_dense(self, grad, var):
        scalars = [cast_like(t, var) for t in (self._learning_rate_tensor, self._decay_tensor,
                                               self._momentum_tensor, self._epsilon_tensor)]
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        if self._centered:
            return as_op(apply_centered_rms_prop(var, self.get_slot(var, "mg"), rms, mom,
                                                 *scalars, grad, use_locking=self._use_locking))
        return as_op(apply_rms_prop(var, rms, mom, *scalars, grad,
                                    use_locking=self._use_locking))
