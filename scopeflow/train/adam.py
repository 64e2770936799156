"""`tf.train.AdamOptimizer` and its op `ApplyAdam`; non-slot `beta1_power`, `beta2_power`."""

import jax.numpy as jnp

from scopeflow.core.frame import default_graph
from scopeflow.train.apply_op import training_ops
from scopeflow.train.optimizer import Optimizer, as_op, cast_like


def _adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
          use_nesterov=False, **_):
    lr_t = lr * jnp.sqrt(1 - beta2_power) / (1 - beta1_power)
    m1 = m + (grad - m) * (1 - beta1)
    v1 = v + (jnp.square(grad) - v) * (1 - beta2)
    step = (grad * (1 - beta1) + beta1 * m1) if use_nesterov else m1
    return var - (step * lr_t) / (jnp.sqrt(v1) + epsilon), m1, v1


apply_adam = training_ops("ApplyAdam", ("var", "m", "v", "beta1_power", "beta2_power", "lr",
                                        "beta1", "beta2", "epsilon", "grad"),
                          ("var", "m", "v"), _adam, attrs={"use_nesterov": False})


class AdamOptimizer(Optimizer):
    """Adam (Kingma & Ba); slots `m`, `v` (`w/Adam`, `w/Adam_1`).

    >>> import scopeflow as tf
    >>> w = tf.get_variable("w", initializer=[1.0])
    >>> _ = tf.train.AdamOptimizer().minimize(tf.reduce_sum(w * w))
    >>> [v.name for v in tf.global_variables()][1:3]
    ['beta1_power:0', 'beta2_power:0']
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam", use_own_namescope_for_non_slot_vars=False):
        super().__init__(use_locking, name, use_own_namescope_for_non_slot_vars)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon
        self._lr_t = self._beta1_t = self._beta2_t = self._epsilon_t = None

    def _get_beta_accumulators(self):
        g = default_graph()
        return (self._get_non_slot_variable("beta1_power", graph=g),
                self._get_non_slot_variable("beta2_power", graph=g))

    def _create_slots(self, var_list):
        first_var = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self):
        from scopeflow.ops.constant import convert_to_tensor
        self._lr_t = convert_to_tensor(self._call_if_callable(self._lr), name="learning_rate")
        self._beta1_t = convert_to_tensor(self._call_if_callable(self._beta1), name="beta1")
        self._beta2_t = convert_to_tensor(self._call_if_callable(self._beta2), name="beta2")
        self._epsilon_t = convert_to_tensor(self._call_if_callable(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        b1p, b2p = self._get_beta_accumulators()
        scalars = [cast_like(t, var) for t in (b1p, b2p, self._lr_t, self._beta1_t,
                                               self._beta2_t, self._epsilon_t)]
        return as_op(apply_adam(var, self.get_slot(var, "m"), self.get_slot(var, "v"),
                                *scalars, grad, use_locking=self._use_locking))

    def _apply_sparse(self, grad, var):
        # TF's sparse Adam decays m and v and moves every row; with the rows summed into a
        # dense gradient that is exactly the dense update.
        from scopeflow.indexed_slices import to_dense
        return self._apply_dense(to_dense(grad), var)

    def _finish(self, update_ops, name_scope):
        from scopeflow.ops.state import assign, group
        g = default_graph()
        with g.control_dependencies(update_ops):
            b1p, b2p = self._get_beta_accumulators()
            with g.colocate_with(b1p.op):
                update_beta1 = assign(b1p, b1p * self._beta1_t, use_locking=self._use_locking)
                update_beta2 = assign(b2p, b2p * self._beta2_t, use_locking=self._use_locking)
        return group(*update_ops + [update_beta1, update_beta2], name=name_scope)
