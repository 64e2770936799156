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

    def _apply_sparse_shared(self, grad, var, indices, scatter_add):
        """TF's sparse Adam: decay all of m and v, add the rows' shares, move every row."""
        from scopeflow.ops.math_unary import sqrt
        from scopeflow.ops.state import assign, assign_sub, group
        g = default_graph()
        b1p, b2p, lr_t, beta1, beta2, eps = [
            cast_like(t, var) for t in self._get_beta_accumulators() + (
                self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t)]
        lr = lr_t * sqrt(1 - b2p) / (1 - b1p)
        m = self.get_slot(var, "m")
        m_rows = grad * (1 - beta1)
        m_t = assign(m, m * beta1, use_locking=self._use_locking)
        with g.control_dependencies([m_t]):
            m_t = scatter_add(m, indices, m_rows)
        v = self.get_slot(var, "v")
        v_rows = (grad * grad) * (1 - beta2)
        v_t = assign(v, v * beta2, use_locking=self._use_locking)
        with g.control_dependencies([v_t]):
            v_t = scatter_add(v, indices, v_rows)
        var_update = assign_sub(var, lr * m_t / (sqrt(v_t) + eps),
                                use_locking=self._use_locking)
        return group(*[var_update, m_t, v_t])

    def _apply_sparse(self, grad, var):
        from scopeflow.ops.state import scatter_add

        def add(x, i, v):
            return scatter_add(x, i, v, use_locking=self._use_locking)

        return self._apply_sparse_shared(grad.values, var, grad.indices, add)

    def _resource_apply_sparse(self, grad, var, indices):
        from scopeflow.ops.resource_ops import RESOURCE_SCATTER

        def add(x, i, v):  # TF: the variable's value read after the scatter
            scatter = RESOURCE_SCATTER["ResourceScatterAdd"](x.handle, i, v, dtype=x.dtype)
            with default_graph().control_dependencies([scatter]):
                return x.value()

        return self._apply_sparse_shared(grad, var, indices, add)

    def _finish(self, update_ops, name_scope):
        from scopeflow.ops.state import assign, group
        g = default_graph()
        with g.control_dependencies(update_ops):
            b1p, b2p = self._get_beta_accumulators()
            with g.colocate_with(b1p.op):
                update_beta1 = assign(b1p, b1p * self._beta1_t, use_locking=self._use_locking)
                update_beta2 = assign(b2p, b2p * self._beta2_t, use_locking=self._use_locking)
        return group(*update_ops + [update_beta1, update_beta2], name=name_scope)
