"""`tf.keras.optimizers` of TF1 graph mode (Keras' OptimizerV2): hyperparameters and the step
count are variables (`iter`, `learning_rate`, ...) made in the scope of the first update.

>>> import scopeflow as tf
>>> tf.keras.optimizers.get("adam").__class__.__name__
'Adam'
"""

from scopeflow.keras.optimizer_base import Optimizer
from scopeflow.keras.optimizers_adaptive import Adadelta, Adamax, Ftrl, Nadam
from scopeflow.layers.core import tf_api


class SGD(Optimizer):
    """`var -= lr * grad` (`ResourceApplyGradientDescent`), with (Nesterov) momentum when
    `momentum > 0` (`ResourceApplyKerasMomentum`)."""

    _CONFIG = ("learning_rate", "decay", "momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", kwargs.get("lr", learning_rate))
        self._set_hyper("decay", self._initial_decay)
        if not 0 <= momentum <= 1:
            raise ValueError("`momentum` must be between [0, 1]. Received: momentum=%s (of "
                             "type %s)." % (momentum, type(momentum)))
        self._set_hyper("momentum", momentum)
        self._momentum, self.nesterov = momentum > 0, nesterov

    def _slot_names(self):
        return ("momentum",) if self._momentum else ()

    def _prepare_local(self, dtype):
        c = super()._prepare_local(dtype)
        c["momentum"] = self._hyper_t("momentum", dtype)
        return c

    def _resource_apply_dense(self, grad, var, c):
        from scopeflow.keras import optimizer_ops
        from scopeflow.train.gradient_descent import apply_gradient_descent
        if not self._momentum:
            return apply_gradient_descent(var, c["lr_t"], grad)
        return optimizer_ops.apply_keras_momentum(
            var, self._slot(var, "momentum"), c["lr_t"], grad, c["momentum"],
            use_nesterov=bool(self.nesterov))

    def _resource_apply_sparse_duplicate_indices(self, grad, var, indices, c):
        if self._momentum:
            return super()._resource_apply_sparse_duplicate_indices(grad, var, indices, c)
        return var._scatter_op("add", indices, -grad * c["lr_t"], None)  # rows may repeat

    def _resource_apply_sparse(self, grad, var, indices, c):
        from scopeflow.keras import optimizer_ops
        return optimizer_ops.sparse_apply_keras_momentum(
            var, self._slot(var, "momentum"), c["lr_t"], grad, indices, c["momentum"],
            use_nesterov=bool(self.nesterov))


class Adam(Optimizer):
    """Adam with Keras' epsilon (1e-7) outside the square root (`ResourceApplyAdam`, or
    `ResourceApplyAdamWithAmsgrad`)."""

    _CONFIG = ("learning_rate", "decay", "beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="Adam", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", kwargs.get("lr", learning_rate))
        self._set_hyper("decay", self._initial_decay)
        self._set_hyper("beta_1", beta_1)
        self._set_hyper("beta_2", beta_2)
        self.epsilon, self.amsgrad = epsilon or 1e-7, amsgrad

    def _slot_names(self):
        return ("m", "v", "vhat") if self.amsgrad else ("m", "v")

    def _prepare_local(self, dtype):
        tf = tf_api()
        c = super()._prepare_local(dtype)
        step = tf.cast(self.iterations + 1, dtype)
        b1, b2 = self._hyper_t("beta_1", dtype), self._hyper_t("beta_2", dtype)
        b1_power, b2_power = tf.pow(b1, step), tf.pow(b2, step)
        c["lr"] = c["lr_t"] * (tf.sqrt(1 - b2_power) / (1 - b1_power))
        c.update(epsilon=tf.convert_to_tensor(self.epsilon, dtype), beta_1_t=b1,
                 beta_1_power=b1_power, one_minus_beta_1_t=1 - b1, beta_2_t=b2,
                 beta_2_power=b2_power, one_minus_beta_2_t=1 - b2)
        return c

    def _resource_apply_dense(self, grad, var, c):
        from scopeflow.keras import optimizer_ops
        from scopeflow.train.adam import apply_adam
        m, v = self._slot(var, "m"), self._slot(var, "v")
        args = (c["beta_1_power"], c["beta_2_power"], c["lr_t"], c["beta_1_t"], c["beta_2_t"],
                c["epsilon"], grad)
        if self.amsgrad:
            return optimizer_ops.apply_adam_with_amsgrad(var, m, v, self._slot(var, "vhat"),
                                                         *args)
        return apply_adam(var, m, v, *args)

    def _resource_apply_sparse(self, grad, var, indices, c):
        """Keras' sparse Adam: each moment decays whole, the rows' terms scatter-added."""
        tf = tf_api()
        m, v = self._slot(var, "m"), self._slot(var, "v")
        m_rows = grad * c["one_minus_beta_1_t"]
        m_t = tf.assign(m, m * c["beta_1_t"])
        with tf.control_dependencies([m_t]):
            m_t = self._resource_scatter_add(m, indices, m_rows)
        v_rows = (grad * grad) * c["one_minus_beta_2_t"]
        v_t = tf.assign(v, v * c["beta_2_t"])
        with tf.control_dependencies([v_t]):
            v_t = self._resource_scatter_add(v, indices, v_rows)
        if not self.amsgrad:
            var_update = tf.assign_sub(var, c["lr"] * m_t / (tf.sqrt(v_t) + c["epsilon"]))
            return tf.group(var_update, m_t, v_t)
        v_hat = self._slot(var, "vhat")
        v_hat_t = tf.maximum(v_hat, v_t)
        with tf.control_dependencies([v_hat_t]):
            v_hat_t = tf.assign(v_hat, v_hat_t)
        var_update = tf.assign_sub(var, c["lr"] * m_t / (tf.sqrt(v_hat_t) + c["epsilon"]))
        return tf.group(var_update, m_t, v_t, v_hat_t)


class RMSprop(Optimizer):
    """`ms = rho ms + (1-rho) g^2; var -= lr g / (sqrt(ms) + eps)`; with momentum the fused
    `ResourceApply(Centered)RMSProp`."""

    _CONFIG = ("learning_rate", "decay", "rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="RMSprop", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", kwargs.get("lr", learning_rate))
        self._set_hyper("decay", self._initial_decay)
        self._set_hyper("rho", rho)
        self._set_hyper("momentum", momentum)
        self.epsilon, self.centered = epsilon or 1e-7, centered

    def _slot_names(self):
        return ("rms",) + (("momentum",) if self._hyper["momentum"] else ()) + \
            (("mg",) if self.centered else ())

    def _prepare_local(self, dtype):
        tf = tf_api()
        c = super()._prepare_local(dtype)
        rho = self._hyper_t("rho", dtype)
        c.update(neg_lr_t=-c["lr_t"], epsilon=tf.convert_to_tensor(self.epsilon, dtype),
                 rho=rho, momentum=self._hyper_t("momentum", dtype))
        c["one_minus_rho"] = 1.0 - rho
        return c

    def _resource_apply_dense(self, grad, var, c):
        from scopeflow.train.rmsprop import apply_centered_rms_prop, apply_rms_prop
        tf = tf_api()
        rms = self._slot(var, "rms")
        if self._hyper["momentum"]:
            mom = self._slot(var, "momentum")
            args = (c["lr_t"], c["rho"], c["momentum"], c["epsilon"], grad)
            if self.centered:
                return apply_centered_rms_prop(var, self._slot(var, "mg"), rms, mom, *args)
            return apply_rms_prop(var, rms, mom, *args)
        rms_t = tf.assign(rms, c["rho"] * rms + c["one_minus_rho"] * tf.square(grad))
        denom = rms_t
        if self.centered:
            mg = self._slot(var, "mg")
            mg_t = tf.assign(mg, c["rho"] * mg + c["one_minus_rho"] * grad)
            denom = rms_t - tf.square(mg_t)
        var_t = var - c["lr_t"] * grad / (tf.sqrt(denom) + c["epsilon"])
        return tf.assign(var, var_t).op

    def _resource_apply_sparse(self, grad, var, indices, c):
        from scopeflow.train.rmsprop import sparse_apply_centered_rms_prop, sparse_apply_rms_prop
        tf = tf_api()
        rms = self._slot(var, "rms")
        if self._hyper["momentum"]:
            mom = self._slot(var, "momentum")
            args = (c["lr_t"], c["rho"], c["momentum"], c["epsilon"], grad, indices)
            if self.centered:
                return sparse_apply_centered_rms_prop(var, self._slot(var, "mg"), rms, mom,
                                                      *args)
            return sparse_apply_rms_prop(var, rms, mom, *args)
        rms_rows = (grad * grad) * c["one_minus_rho"]
        rms_t = tf.assign(rms, rms * c["rho"])
        with tf.control_dependencies([rms_t]):
            rms_t = self._resource_scatter_add(rms, indices, rms_rows)
            denom = tf.gather(rms_t, indices)
        if self.centered:
            mg = self._slot(var, "mg")
            mg_rows = grad * c["one_minus_rho"]
            mg_t = tf.assign(mg, mg * c["rho"])
            with tf.control_dependencies([mg_t]):
                mg_t = self._resource_scatter_add(mg, indices, mg_rows)
                denom = denom - tf.square(tf.gather(mg_t, indices))
        var_update = self._resource_scatter_add(
            var, indices, c["neg_lr_t"] * grad / (tf.sqrt(denom) + c["epsilon"]))
        if self.centered:
            return tf.group(var_update, rms_t, mg_t)
        return tf.group(var_update, rms_t)


class Adagrad(Optimizer):
    """`acc += g^2; var -= lr g / (sqrt(acc) + eps)` (`ResourceApplyAdagradV2`)."""

    _CONFIG = ("learning_rate", "decay", "initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="Adagrad", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", kwargs.get("lr", learning_rate))
        self._set_hyper("decay", self._initial_decay)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def _slot_names(self):
        return ("accumulator",)

    def _slot_initializer(self, slot_name, shape, dtype):
        value = float(self.initial_accumulator_value)
        return lambda: tf_api().constant(value, dtype=dtype, shape=shape)

    def _prepare_local(self, dtype):
        tf = tf_api()
        c = super()._prepare_local(dtype)
        c.update(epsilon=tf.convert_to_tensor(self.epsilon, dtype), neg_lr_t=-c["lr_t"],
                 zero=tf.zeros((), "int64"))
        return c

    def _resource_apply_dense(self, grad, var, c):
        from scopeflow.keras import optimizer_ops
        return optimizer_ops.apply_adagrad_v2(var, self._slot(var, "accumulator"), c["lr_t"],
                                              c["epsilon"], grad)

    def _resource_apply_sparse(self, grad, var, indices, c):
        from scopeflow.keras import optimizer_ops
        return optimizer_ops.sparse_apply_adagrad_v2(
            var, self._slot(var, "accumulator"), c["lr_t"], c["epsilon"], grad, indices)


class TFOptimizer:
    """A `tf.train.Optimizer` used by `compile`: its step count `TFOptimizer/iterations` is
    the global step of one `apply_gradients` per batch."""

    def __init__(self, optimizer):
        from scopeflow.keras import backend as K
        self.optimizer = optimizer
        self._name = type(optimizer).__name__
        with tf_api().name_scope("TFOptimizer"):
            self.iterations = K.variable(0, dtype="int64", name="iterations")

    @property
    def weights(self):
        raise NotImplementedError

    def get_weights(self):
        return self.weights

    def get_updates(self, loss, params):
        grads = self.optimizer.compute_gradients(loss, params)
        return [self.optimizer.apply_gradients(grads, global_step=self.iterations)]


sgd, adam, rmsprop, adagrad = SGD, Adam, RMSprop, Adagrad
_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad, "adamax": Adamax,
            "nadam": Nadam, "adadelta": Adadelta, "ftrl": Ftrl}


def get(identifier):
    """An optimizer from a name, a Keras optimizer, or a `tf.train` optimizer (wrapped)."""
    if isinstance(identifier, (Optimizer, TFOptimizer)):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() not in _BY_NAME:
            from scopeflow.keras.object_registration import unknown
            raise unknown("optimizer", identifier)
        return _BY_NAME[identifier.lower()]()
    if hasattr(identifier, "minimize") and hasattr(identifier, "compute_gradients"):
        return TFOptimizer(identifier)
    raise ValueError("Could not interpret optimizer identifier: " + str(identifier))


def serialize(optimizer):
    """`{"class_name", "config"}`, a learning-rate schedule in it as its own config."""
    from scopeflow.keras.object_registration import serialize_object
    out = serialize_object(optimizer)
    config = out.get("config", {}) if isinstance(out, dict) else {}
    for key, value in config.items():
        if isinstance(value, schedules.LearningRateSchedule):
            config[key] = schedules.serialize(value)
    return out


def deserialize(config, custom_objects=None):
    """An optimizer from its `serialize`d config (its class name, or Keras' lower-case one)."""
    from scopeflow.keras.object_registration import deserialize_object
    if isinstance(config, str):  # tf_keras reads a name as a config dict: TypeError
        raise TypeError("string indices must be integers, not 'str'")
    classes = dict(_BY_NAME, **{c.__name__: c for c in _BY_NAME.values()})
    return deserialize_object(config, classes, get, custom_objects, "optimizer")

from scopeflow.keras import optimizers_legacy as legacy  # noqa: E402,F401 - the same classes
from scopeflow.keras import schedules  # noqa: E402,F401 - tf.keras.optimizers.schedules
