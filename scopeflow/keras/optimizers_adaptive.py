"""`tf.keras.optimizers` Adamax, Nadam, Adadelta and Ftrl of TF1 graph mode (Keras'
OptimizerV2): Adamax's fused `ResourceApplyAdaMax`, Nadam's update spelled out in ops with its
`momentum_cache` weight (the running product of the momentum schedule), Adadelta's and Ftrl's
`tf.train` kernels (`ResourceApplyAdadelta`, `ResourceApplyFtrl(V2)` and their sparse twins).

>>> from scopeflow.keras.optimizers_adaptive import Adamax
>>> Adamax().get_config()["beta_2"]
0.999
"""

from scopeflow.keras.optimizer_base import Optimizer
from scopeflow.layers.core import tf_api


class Adamax(Optimizer):
    """Adam over the infinity norm: `v = max(b2 v, |g|)`, `var -= lr/(1 - b1^t) m/(v + eps)`."""

    _CONFIG = ("learning_rate", "decay", "beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Adamax", **kwargs):
        super().__init__(name, **kwargs)
        _set_adam_hypers(self, kwargs.get("lr", learning_rate), beta_1, beta_2,
                         epsilon)

    def _slot_names(self):
        return ("m", "v")

    def _prepare_local(self, dtype):
        tf = tf_api()
        c = super()._prepare_local(dtype)
        step = tf.cast(self.iterations + 1, dtype)
        b1, b2 = self._hyper_t("beta_1", dtype), self._hyper_t("beta_2", dtype)
        b1_power = tf.pow(b1, step)
        c.update(neg_scaled_lr=-c["lr_t"] / (1 - b1_power),
                 epsilon=tf.convert_to_tensor(self.epsilon, dtype), beta_1_t=b1,
                 beta_1_power=b1_power, one_minus_beta_1_t=1 - b1, beta_2_t=b2,
                 zero=tf.zeros((), "int64"))
        return c

    def _resource_apply_dense(self, grad, var, c):
        from scopeflow.keras.optimizer_ops import apply_ada_max
        return apply_ada_max(var, self._slot(var, "m"), self._slot(var, "v"),
                             c["beta_1_power"], c["lr_t"], c["beta_1_t"], c["beta_2_t"],
                             c["epsilon"], grad)

    def _resource_apply_sparse(self, grad, var, indices, c):
        """Only the rows seen move (their moments too), unlike the dense update."""
        tf = tf_api()
        m, v = self._slot(var, "m"), self._slot(var, "v")
        m_rows = tf.gather(m, indices, axis=c["zero"]) * c["beta_1_t"] + \
            grad * c["one_minus_beta_1_t"]
        with tf.control_dependencies([m_rows]):
            m_t = _scatter_update(m, indices, m_rows)
        v_rows = tf.maximum(tf.gather(v, indices, axis=c["zero"]) * c["beta_2_t"], tf.abs(grad))
        with tf.control_dependencies([v_rows]):
            v_t = _scatter_update(v, indices, v_rows)
        var_rows = c["neg_scaled_lr"] * (m_rows / (v_rows + c["epsilon"]))
        with tf.control_dependencies([var_rows]):
            var_update = self._resource_scatter_add(var, indices, var_rows)
        return tf.group(var_update, m_t, v_t)


class Nadam(Optimizer):
    """Adam with Nesterov momentum; `decay` is the momentum schedule's (`schedule_decay`,
    0.004), not a learning-rate decay."""

    _CONFIG = ("learning_rate", "decay", "beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Nadam", **kwargs):
        kwargs["decay"] = kwargs.pop("schedule_decay", 0.004)  # Keras ignores a given decay
        super().__init__(name, **kwargs)
        _set_adam_hypers(self, kwargs.get("lr", learning_rate), beta_1, beta_2,
                         epsilon)
        self._m_cache = self._m_cache_read = None

    def _slot_names(self):
        return ("m", "v")

    def _create_slots(self, var_list):
        if self._m_cache is None:
            dtype = var_list[0].dtype.base_dtype
            self._m_cache = self._add_weight(
                "momentum_cache", lambda: tf_api().ones([], dtype), dtype)
        super()._create_slots(var_list)

    @property
    def weights(self):
        """The step count, `momentum_cache`, then the slots (Keras' order)."""
        if self._iterations is None:
            return []
        cache = [self._m_cache] if self._m_cache is not None else []
        return [self.iterations] + cache + list(self._slots.values())

    def _prepare(self, var_list):
        self._m_cache_read = tf_api().identity(self._m_cache)
        return super()._prepare(var_list)

    def _prepare_local(self, dtype):
        tf = tf_api()
        lr_t = self._hyper_t("learning_rate", dtype)
        b1, b2 = self._hyper_t("beta_1", dtype), self._hyper_t("beta_2", dtype)
        step = tf.cast(self.iterations + 1, dtype)
        next_step = tf.cast(self.iterations + 2, dtype)
        decay_base = tf.cast(0.96, dtype)
        m_t = b1 * (1.0 - 0.5 * (tf.pow(decay_base, self._initial_decay * step)))
        m_t_1 = b1 * (1.0 - 0.5 * (tf.pow(decay_base, self._initial_decay * next_step)))
        m_schedule_new = tf.cast(self._m_cache_read, dtype) * m_t
        if dtype == self._m_cache.dtype.base_dtype:
            m_schedule_new = tf.identity(tf.assign(self._m_cache, m_schedule_new))
        m_schedule_next = m_schedule_new * m_t_1
        return dict(lr_t=lr_t, neg_lr_t=-lr_t, epsilon=tf.convert_to_tensor(self.epsilon, dtype),
                    beta_1_t=b1, beta_2_t=b2, m_t=m_t, m_t_1=m_t_1, one_minus_beta_1_t=1 - b1,
                    one_minus_beta_2_t=1 - b2, one_minus_m_t=1.0 - m_t,
                    one_minus_m_schedule_new=1.0 - m_schedule_new,
                    one_minus_m_schedule_next=1.0 - m_schedule_next,
                    v_t_prime_denominator=1.0 - tf.pow(b2, step))

    def _resource_apply_dense(self, grad, var, c):
        tf = tf_api()
        m, v = self._slot(var, "m"), self._slot(var, "v")
        g_prime = grad / c["one_minus_m_schedule_new"]
        m_t = tf.assign(m, c["beta_1_t"] * m + c["one_minus_beta_1_t"] * grad)
        m_t_prime = m_t / c["one_minus_m_schedule_next"]
        v_t = tf.assign(v, c["beta_2_t"] * v + c["one_minus_beta_2_t"] * tf.square(grad))
        v_t_prime = v_t / c["v_t_prime_denominator"]
        m_t_bar = c["one_minus_m_t"] * g_prime + c["m_t_1"] * m_t_prime
        var_t = var - c["lr_t"] * m_t_bar / (tf.sqrt(v_t_prime) + c["epsilon"])
        return tf.assign(var, var_t).op


class Adadelta(Optimizer):
    """Zeiler's Adadelta (`ResourceApplyAdadelta`); slots `accum_grad`, `accum_var`."""

    _CONFIG = ("learning_rate", "decay", "rho", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="Adadelta", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", kwargs.get("lr", learning_rate))
        self._set_hyper("decay", self._initial_decay)
        self._set_hyper("rho", rho)
        self.epsilon = epsilon or 1e-7

    def _slot_names(self):
        return ("accum_grad", "accum_var")

    def _prepare_local(self, dtype):
        c = super()._prepare_local(dtype)
        c.update(epsilon=tf_api().convert_to_tensor(self.epsilon, dtype),
                 rho=self._hyper_t("rho", dtype))
        return c

    def set_weights(self, weights):
        """Weights saved without the step count (old Keras) get a zero one first."""
        if len(self.weights) == len(weights) + 1:
            weights = [0] + list(weights)
        super().set_weights(weights)

    def _args(self, var, c):
        return (var, self._slot(var, "accum_grad"), self._slot(var, "accum_var"), c["lr_t"],
                c["rho"], c["epsilon"])

    def _resource_apply_dense(self, grad, var, c):
        from scopeflow.train.adadelta import apply_adadelta
        return apply_adadelta(*self._args(var, c), grad)

    def _resource_apply_sparse(self, grad, var, indices, c):
        from scopeflow.train.adadelta import sparse_apply_adadelta
        return sparse_apply_adadelta(*self._args(var, c), grad, indices)


_FTRL_CHECKS = (
    ("initial_accumulator_value", "positive or zero", lambda x: x < 0.0),
    ("learning_rate_power", "negative or zero", lambda x: x > 0.0),
    ("l1_regularization_strength", "positive or zero", lambda x: x < 0.0),
    ("l2_regularization_strength", "positive or zero", lambda x: x < 0.0),
    ("l2_shrinkage_regularization_strength", "positive or zero", lambda x: x < 0.0))


class Ftrl(Optimizer):
    """FTRL-Proximal (`ResourceApplyFtrl`, with L2 shrinkage `ResourceApplyFtrlV2`); `beta`
    adds `beta / (2 lr)` to the L2 strength."""

    _CONFIG = ("learning_rate", "decay", "initial_accumulator_value", "learning_rate_power",
               "l1_regularization_strength", "l2_regularization_strength", "beta",
               "l2_shrinkage_regularization_strength")

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, name="Ftrl",
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, **kwargs):
        super().__init__(name, **kwargs)
        given = locals()
        for key, wanted, bad in _FTRL_CHECKS:
            if bad(given[key]):
                raise ValueError("`%s` needs to be %s. Received: %s=%s."
                                 % (key, wanted, key, given[key]))
        self._set_hyper("learning_rate", learning_rate)
        self._set_hyper("decay", self._initial_decay)
        self._set_hyper("learning_rate_power", learning_rate_power)
        self._set_hyper("l1_regularization_strength", l1_regularization_strength)
        self._set_hyper("l2_regularization_strength", l2_regularization_strength)
        self._set_hyper("beta", beta)
        self.initial_accumulator_value = initial_accumulator_value
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength

    def _create_slots(self, var_list):
        """`accumulator` then `linear`, variable by variable (Keras' order for Ftrl)."""
        for var in var_list:
            for slot_name in ("accumulator", "linear"):
                if (id(var), slot_name) not in self._slots:
                    init = self._slot_initializer(slot_name, var.shape, var.dtype.base_dtype)
                    self._slots[(id(var), slot_name)] = self._add_weight(
                        "%s/%s" % (var.op.name, slot_name), init, var.dtype.base_dtype)

    def _slot_initializer(self, slot_name, shape, dtype):
        if slot_name == "linear":
            return super()._slot_initializer(slot_name, shape, dtype)
        value = float(self.initial_accumulator_value)
        return lambda: tf_api().constant(value, dtype=dtype, shape=shape)

    def _prepare_local(self, dtype):
        tf = tf_api()
        c = super()._prepare_local(dtype)
        for key in ("learning_rate_power", "l1_regularization_strength",
                    "l2_regularization_strength", "beta"):
            c[key] = self._hyper_t(key, dtype)
        c["l2_shrinkage"] = tf.cast(self.l2_shrinkage_regularization_strength, dtype)
        return c

    def _ftrl_args(self, grad, var, c, indices=None):
        l2 = c["l2_regularization_strength"] + c["beta"] / (2.0 * c["lr_t"])
        rows = () if indices is None else (indices,)
        shrink = (c["l2_shrinkage"],) if self.l2_shrinkage_regularization_strength > 0 else ()
        return (var, self._slot(var, "accumulator"), self._slot(var, "linear"), grad, *rows,
                c["lr_t"], c["l1_regularization_strength"], l2, *shrink,
                c["learning_rate_power"])

    def _resource_apply_dense(self, grad, var, c):
        from scopeflow.train import ftrl
        op = ftrl.apply_ftrl_v2 if self.l2_shrinkage_regularization_strength > 0 else \
            ftrl.apply_ftrl
        return op(*self._ftrl_args(grad, var, c))

    def _resource_apply_sparse(self, grad, var, indices, c):
        from scopeflow.train import ftrl
        op = ftrl.sparse_apply_ftrl_v2 if self.l2_shrinkage_regularization_strength > 0 else \
            ftrl.sparse_apply_ftrl
        return op(*self._ftrl_args(grad, var, c, indices))


def _set_adam_hypers(opt, learning_rate, beta_1, beta_2, epsilon):
    """Adam's hyperparameters, in Keras' order (their variables are made sorted by name)."""
    opt._set_hyper("learning_rate", learning_rate)
    opt._set_hyper("decay", opt._initial_decay)
    opt._set_hyper("beta_1", beta_1)
    opt._set_hyper("beta_2", beta_2)
    opt.epsilon = epsilon or 1e-7


def _scatter_update(var, indices, rows):
    """`ResourceScatterUpdate` of the rows, then the variable's value read after it."""
    tf = tf_api()
    with tf.control_dependencies([var._scatter_op("update", indices, rows, None)]):
        return var.value()
