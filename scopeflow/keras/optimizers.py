"""`tf.keras.optimizers` of TF1 graph mode (Keras' OptimizerV2): hyperparameters and the step
count are variables (`iter`, `learning_rate`, ...) made in the scope of the first update.

>>> import scopeflow as tf
>>> tf.keras.optimizers.get("adam").__class__.__name__
'Adam'
"""

import numpy as np

from scopeflow.layers.core import tf_api


class Optimizer:
    """Base: `get_updates(loss, params)` / `apply_gradients(grads_and_vars)`."""

    _CONFIG = ()  # get_config's keys after the name, in Keras' order

    def __init__(self, name, clipnorm=None, clipvalue=None, decay=0.0, **kwargs):
        self._name = name
        self._hyper = {}
        self._vars = {}
        self._slots = {}
        self._iterations = None
        self.clipnorm, self.clipvalue = clipnorm, clipvalue
        self._initial_decay = float(kwargs.pop("lr_decay", decay) or 0.0)
        if "lr" in kwargs:
            kwargs["learning_rate"] = kwargs.pop("lr")

    def _set_hyper(self, name, value):
        if name in self._vars:
            from scopeflow.keras import backend as K
            K.set_value(self._vars[name], value)
        self._hyper[name] = value

    def _get_hyper(self, name, dtype=None):
        self._create_hypers()
        v = self._vars[name]
        return v if dtype is None else tf_api().cast(v, dtype)

    def __getattr__(self, name):
        hyper = self.__dict__.get("_hyper", {})
        if name in hyper or name == "lr" and "learning_rate" in hyper:
            name = "learning_rate" if name == "lr" else name
            self._create_hypers()
            return self._vars[name]
        raise AttributeError(name)

    def _add_weight(self, name, value, dtype="float32"):
        from scopeflow.core.variables import VariableV1
        from scopeflow.keras import backend as K
        tf = tf_api()
        with tf.init_scope():
            v = VariableV1(lambda: tf.constant(value, dtype=dtype), name=name, trainable=False,
                           dtype=dtype, use_resource=True)
        K.track_variable(v)
        return v

    @property
    def iterations(self):
        if self._iterations is None:
            self._iterations = self._add_weight("iter", 0, "int64")
        return self._iterations

    def _create_hypers(self):
        if self._vars:
            return
        self.iterations  # noqa: B018 - made first, as Keras does
        for name in sorted(self._hyper):
            self._vars[name] = self._add_weight(name, float(self._hyper[name]))

    def _slot_names(self):
        return ()

    def _create_slots(self, var_list):
        """Slots named `<scope>/<var>/<slot>`, slot by slot over all variables (Keras' order)."""
        from scopeflow.core.variables import VariableV1
        from scopeflow.keras import backend as K
        tf = tf_api()
        for slot_name in self._slot_names():
            init = self._slot_initial_value(slot_name)
            for var in var_list:
                key = (id(var), slot_name)
                if key in self._slots:
                    continue
                shape, dtype = var.shape, var.dtype.base_dtype
                with tf.init_scope():
                    slot = VariableV1(lambda: tf.fill(shape, tf.constant(init, dtype)),
                                      name="%s/%s" % (var.op.name, slot_name), dtype=dtype,
                                      trainable=False, use_resource=True)
                K.track_variable(slot)
                self._slots[key] = slot

    def _slot_initial_value(self, slot_name):
        return 0.0

    def _slot(self, var, slot_name):
        return self._slots[(id(var), slot_name)]

    def get_slot(self, var, slot_name):
        return self._slots[(id(var), slot_name)]

    @property
    def weights(self):
        """The step count and the slots, in the order they were made (Keras' `weights`)."""
        return [self.iterations] + list(self._slots.values()) \
            if self._iterations is not None else []

    def variables(self):
        return self.weights

    def _create_all_weights(self, var_list):
        """The step count, hyperparameter variables and the slots of `var_list`, made now."""
        self._create_hypers()
        self._create_slots(var_list)

    def get_weights(self):
        from scopeflow.keras import backend as K
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Sets the step count and the slots from values in `weights`' order."""
        from scopeflow.keras import backend as K
        params = self.weights
        if len(params) != len(weights):
            raise ValueError("You called `set_weights(weights)` on optimizer %s with a  weight "
                             "list of length %d, but the optimizer was expecting %d weights. "
                             "Provided weights: %s..."
                             % (self._name, len(weights), len(params), str(weights)[:50]))
        if not params:
            return
        pairs = []
        for current, p, w in zip(K.batch_get_value(params), params, weights):
            if current.shape != np.shape(w):
                raise ValueError("Optimizer weight shape %s not compatible with provided "
                                 "weight shape %s." % (current.shape, np.shape(w)))
            pairs.append((p, w))
        K.batch_set_value(pairs)

    def get_gradients(self, loss, params):
        tf = tf_api()
        grads = tf.gradients(loss, params)
        if any(g is None for g in grads):
            raise ValueError("An operation has `None` for gradient. Please make sure that all "
                             "of your ops have a gradient defined (i.e. are differentiable).")
        if self.clipnorm is not None:
            grads = [tf.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.clipvalue is not None:
            grads = [tf.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        return [self.apply_gradients(list(zip(grads, params)))]

    def minimize(self, loss, var_list, grad_loss=None, name=None):
        return self.get_updates(loss() if callable(loss) else loss, list(var_list))[0]

    def apply_gradients(self, grads_and_vars, name=None):
        tf = tf_api()
        grads_and_vars = [(g, v) for g, v in grads_and_vars if g is not None]
        self._create_hypers()
        self._create_slots([v for _, v in grads_and_vars])
        lr = self._decayed_lr()
        ops = []
        for g, v in grads_and_vars:
            with tf.name_scope(v.op.name):
                ops.append(self._apply_dense(g, v, lr))
        with tf.control_dependencies(ops):
            return tf.assign_add(self.iterations, tf.constant(1, "int64")).op

    def _decayed_lr(self):
        tf = tf_api()
        lr = self._vars["learning_rate"]
        if "decay" in self._vars and self._initial_decay > 0:
            it = tf.cast(self.iterations, lr.dtype.base_dtype)
            return lr / (1.0 + self._vars["decay"] * it)
        return tf.identity(lr)

    def _apply_dense(self, grad, var, lr):
        raise NotImplementedError

    def _serialize_hyperparameter(self, name):
        """A hyperparameter's value: its variable's (float32) once made, else as given."""
        if name in self._vars:
            from scopeflow.keras import backend as K
            return K.get_value(self._vars[name])
        return self._hyper[name]

    def get_config(self):
        config = {"name": self._name}
        if self.clipnorm is not None:
            config["clipnorm"] = self.clipnorm
        if self.clipvalue is not None:
            config["clipvalue"] = self.clipvalue
        for key in self._CONFIG:
            config[key] = self._initial_decay if key == "decay" else \
                self._serialize_hyperparameter(key) if key in self._hyper else \
                getattr(self, key)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "lr" in config:
            config["learning_rate"] = config.pop("lr")
        return cls(**config)


class SGD(Optimizer):
    """`var -= lr * grad`, with (Nesterov) momentum when `momentum > 0`."""

    _CONFIG = ("learning_rate", "decay", "momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", kwargs.get("learning_rate", learning_rate))
        self._set_hyper("decay", self._initial_decay)
        self._set_hyper("momentum", momentum)
        self._momentum, self.nesterov = momentum > 0, nesterov

    def _slot_names(self):
        return ("momentum",) if self._momentum else ()

    def _apply_dense(self, grad, var, lr):
        tf = tf_api()
        if not self._momentum:
            return tf.assign_sub(var, lr * grad).op
        m = self._slot(var, "momentum")
        mom = self._vars["momentum"]
        new_m = tf.assign(m, mom * m - lr * grad)
        step = mom * new_m - lr * grad if self.nesterov else new_m
        return tf.assign_add(var, step).op


class Adam(Optimizer):
    """Adam with Keras' epsilon (1e-7) outside the square root."""

    _CONFIG = ("learning_rate", "decay", "beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="Adam", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", kwargs.get("learning_rate", learning_rate))
        self._set_hyper("decay", self._initial_decay)
        self._set_hyper("beta_1", beta_1)
        self._set_hyper("beta_2", beta_2)
        self.epsilon, self.amsgrad = epsilon or 1e-7, amsgrad

    def _slot_names(self):
        return ("m", "v", "vhat") if self.amsgrad else ("m", "v")

    def _apply_dense(self, grad, var, lr):
        tf = tf_api()
        m, v = self._slot(var, "m"), self._slot(var, "v")
        b1, b2 = self._vars["beta_1"], self._vars["beta_2"]
        t = tf.cast(self.iterations + 1, var.dtype.base_dtype)
        lr_t = lr * tf.sqrt(1 - tf.pow(b2, t)) / (1 - tf.pow(b1, t))
        # TF's ApplyAdam kernel: m += (g - m)(1 - b1), v += (g^2 - v)(1 - b2)
        m_t = tf.assign_add(m, (grad - m) * (1 - b1))
        v_t = tf.assign_add(v, (tf.square(grad) - v) * (1 - b2))
        if self.amsgrad:
            vhat = self._slot(var, "vhat")
            v_t = tf.assign(vhat, tf.maximum(vhat, v_t))
        return tf.assign_sub(var, lr_t * m_t / (tf.sqrt(v_t) + self.epsilon)).op


class RMSprop(Optimizer):
    """`ms = rho ms + (1-rho) g^2; var -= lr g / (sqrt(ms) + eps)` (momentum optional)."""

    _CONFIG = ("learning_rate", "decay", "rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="RMSprop", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", kwargs.get("learning_rate", learning_rate))
        self._set_hyper("decay", self._initial_decay)
        self._set_hyper("rho", rho)
        self._set_hyper("momentum", momentum)
        self.epsilon, self.centered = epsilon or 1e-7, centered

    def _slot_names(self):
        return ("rms",) + (("momentum",) if self._hyper["momentum"] else ()) + \
            (("mg",) if self.centered else ())

    def _apply_dense(self, grad, var, lr):
        tf = tf_api()
        rms = self._slot(var, "rms")
        rho = self._vars["rho"]
        rms_t = tf.assign(rms, rho * rms + (1 - rho) * tf.square(grad))
        denom = rms_t
        if self.centered:
            mg = self._slot(var, "mg")
            mg_t = tf.assign(mg, rho * mg + (1 - rho) * grad)
            denom = rms_t - tf.square(mg_t)
        if self._hyper["momentum"]:
            mom = self._slot(var, "momentum")
            mom_t = tf.assign(mom, self._vars["momentum"] * mom +
                              lr * grad / tf.sqrt(denom + self.epsilon))
            return tf.assign_sub(var, mom_t).op
        return tf.assign_sub(var, lr * grad / (tf.sqrt(denom) + self.epsilon)).op


class Adagrad(Optimizer):
    """`acc += g^2; var -= lr g / (sqrt(acc) + eps)`."""

    _CONFIG = ("learning_rate", "decay", "initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="Adagrad", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", kwargs.get("learning_rate", learning_rate))
        self._set_hyper("decay", self._initial_decay)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def _slot_names(self):
        return ("accumulator",)

    def _slot_initial_value(self, slot_name):
        return float(self.initial_accumulator_value)

    def _apply_dense(self, grad, var, lr):
        tf = tf_api()
        acc = self._slot(var, "accumulator")
        acc_t = tf.assign_add(acc, tf.square(grad))
        return tf.assign_sub(var, lr * grad / (tf.sqrt(acc_t) + self.epsilon)).op


class TFOptimizer:
    """A `tf.train.Optimizer` used by `compile`: one `minimize` per step."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self._name = type(optimizer).__name__

    def get_updates(self, loss, params):
        return [self.optimizer.minimize(loss, var_list=params)]


sgd, adam, rmsprop, adagrad = SGD, Adam, RMSprop, Adagrad
_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad}


def get(identifier):
    """An optimizer from a name, a Keras optimizer, or a `tf.train` optimizer (wrapped)."""
    if isinstance(identifier, (Optimizer, TFOptimizer)):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() not in _BY_NAME:
            raise ValueError("Unknown optimizer: %s" % identifier)
        return _BY_NAME[identifier.lower()]()
    if hasattr(identifier, "minimize") and hasattr(identifier, "compute_gradients"):
        return TFOptimizer(identifier)
    raise ValueError("Could not interpret optimizer identifier: " + str(identifier))
