"""The base of `tf.keras.optimizers` in TF1 graph mode (Keras' OptimizerV2): hyperparameters
and the step count are variables (`iter`, `learning_rate`, ...) made under the optimizer's
name scope at its first update; `apply_gradients` builds TF's graph (coefficients shared per
dtype, one fused `ResourceApply*` op per variable under `<name>/update_<var>`, the step
count's increment after them).
"""

import warnings

import numpy as np

from scopeflow.indexed_slices import is_indexed_slices
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
        self._initial_decay = float(decay or 0.0)
        _check_kwargs(dict(kwargs, clipnorm=clipnorm, clipvalue=clipvalue, decay=decay))
        self.global_clipnorm = kwargs.get("global_clipnorm")
        if clipnorm is not None and self.global_clipnorm is not None:
            raise ValueError("Cannot accept both `clipnorm` and `global_clipnorm`. Received: "
                             "`clipnorm`=%s, `global_clipnorm`=%s." % (clipnorm,
                                                                       self.global_clipnorm))

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
            if _is_schedule(hyper[name]):
                return hyper[name]
            self._create_hypers()
            return self._vars[name]
        raise AttributeError(name)

    def _add_weight(self, name, init, dtype="float32"):
        """A non-trainable resource variable Keras initializes; `init` makes its value
        (a Python number becomes the `Initializer/initial_value` constant)."""
        from scopeflow.core.variables import VariableV1
        from scopeflow.keras import backend as K
        tf = tf_api()
        with tf.init_scope():
            v = VariableV1(init, name=name, trainable=False, dtype=dtype, use_resource=True)
        K.track_variable(v)
        return v

    @property
    def iterations(self):
        if self._iterations is None:
            self._iterations = self._add_weight(
                "iter", lambda: tf_api().zeros([], "int64"), "int64")
        return self._iterations

    def _create_hypers(self):
        if self._vars:
            return
        self.iterations  # noqa: B018 - made first, as Keras does
        for name in sorted(self._hyper):
            if _is_schedule(self._hyper[name]):  # called on the step, no variable
                continue
            value = np.float32(self._hyper[name])
            self._vars[name] = self._add_weight(name, lambda value=value: value)

    def _slot_names(self):
        return ()

    def _create_slots(self, var_list):
        """Slots named `<scope>/<var>/<slot>`, slot by slot over all variables (Keras' order)."""
        for slot_name in self._slot_names():
            for var in var_list:
                key = (id(var), slot_name)
                if key in self._slots:
                    continue
                shape, dtype = var.shape, var.dtype.base_dtype
                init = self._slot_initializer(slot_name, shape, dtype)
                self._slots[key] = self._add_weight(
                    "%s/%s" % (var.op.name, slot_name), init, dtype)

    def _slot_initializer(self, slot_name, shape, dtype):
        return lambda: tf_api().zeros(shape, dtype)

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
        """`tf.gradients` of `loss` under `<name>/gradients` (Keras' graph-mode form)."""
        tf = tf_api()
        params = list(params)
        with tf.name_scope(self._name + "/gradients"):
            grads = tf.gradients(loss, params)
        for g, p in zip(grads, params):
            if g is None:
                raise ValueError(
                    "Variable %s has `None` for gradient. Please make sure that all of your ops "
                    "have a gradient defined (i.e. are differentiable). Common ops without "
                    "gradient: K.argmax, K.round, K.eval." % (p,))
        return grads

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        return [self.apply_gradients(list(zip(grads, params)))]

    def minimize(self, loss, var_list, grad_loss=None, name=None):
        return self.get_updates(loss() if callable(loss) else loss, list(var_list))[0]

    def apply_gradients(self, grads_and_vars, name=None):
        """One fused update op per variable under `<name>/<name>/update_<var>`, then the step
        count's increment; returns that op (TF's OptimizerV2 graph)."""
        tf = tf_api()
        pairs = _filter_empty(grads_and_vars)
        var_list = [v for _, v in pairs]
        with tf.name_scope(self._name):
            with tf.init_scope():
                self._create_all_weights(var_list)
            if not pairs:
                return tf.no_op()
            coefficients = self._prepare(var_list)
            grads = self._transform_gradients(_all_reduce([g for g, _ in pairs]))
            with tf.name_scope(name or self._name):
                updates = []
                for g, v in zip(grads, var_list):
                    with tf.name_scope("update_" + v.op.name):
                        c = coefficients[v.dtype.base_dtype]
                        if is_indexed_slices(g):  # rows of an embedding, say
                            if getattr(v, "constraint", None) is not None:
                                raise RuntimeError("Cannot use a constraint function on a "
                                                   "sparse variable.")
                            updates.append(self._resource_apply_sparse_duplicate_indices(
                                g.values, v, g.indices, c))
                            continue
                        update = self._resource_apply_dense(g, v, c)
                        if getattr(v, "constraint", None) is not None:
                            with tf.control_dependencies([update]):
                                update = v.assign(v.constraint(v))
                        updates.append(update)
                with tf.control_dependencies([tf.group(*updates)]):
                    return self.iterations.assign_add(1, read_value=False)

    def _prepare(self, var_list):
        """The coefficients of each dtype among `var_list`, made in the variables' order."""
        coefficients = {}
        for v in var_list:
            dtype = v.dtype.base_dtype
            if dtype not in coefficients:
                coefficients[dtype] = self._prepare_local(dtype)
        return coefficients

    def _prepare_local(self, dtype):
        """The coefficients shared by every variable of `dtype` (`lr_t` first)."""
        return {"lr_t": tf_api().identity(self._decayed_lr(dtype))}

    def _hyper_t(self, name, dtype):
        """`tf.identity` of a hyperparameter variable (its read named `Identity_N/...`)."""
        tf = tf_api()
        v = self._vars[name]
        return tf.identity(v if v.dtype.base_dtype == dtype else tf.cast(v, dtype))

    def _decayed_lr(self, dtype):
        tf = tf_api()
        schedule = self._hyper.get("learning_rate")
        lr = tf.cast(schedule(self.iterations), dtype) if _is_schedule(schedule) else \
            self._vars["learning_rate"]
        if self._initial_decay > 0:
            step = tf.cast(self.iterations, dtype)
            decay = tf.cast(self._initial_decay, dtype)
            return lr / (1.0 + decay * step)
        return lr

    def _transform_gradients(self, grads):
        tf = tf_api()
        if self.clipvalue is not None:
            grads = [tf.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            grads = [tf.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            grads = tf.clip_by_global_norm(grads, self.global_clipnorm)[0]
        return grads

    def _resource_apply_dense(self, grad, var, coefficients):
        raise NotImplementedError

    def _resource_apply_sparse_duplicate_indices(self, grad, var, indices, coefficients):
        """The rows' gradients summed per distinct index (`Unique`, `UnsortedSegmentSum`),
        then `_resource_apply_sparse`."""
        tf = tf_api()
        unique, positions = tf.unique(indices)
        summed = tf.unsorted_segment_sum(grad, positions, tf.shape(unique)[0])
        return self._resource_apply_sparse(summed, var, unique, coefficients)

    def _resource_apply_sparse(self, grad, var, indices, coefficients):
        raise NotImplementedError("%s has no update for sparse gradients" % type(self).__name__)

    @staticmethod
    def _resource_scatter_add(var, indices, values):
        """`ResourceScatterAdd` of the rows, then the variable's value read after it."""
        tf = tf_api()
        with tf.control_dependencies([var._scatter_op("add", indices, values, None)]):
            return var.value()

    def _serialize_hyperparameter(self, name):
        """A hyperparameter's value: its variable's (float32) once made, else as given (a
        schedule itself, as Keras; `optimizers.serialize` writes its config)."""
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
        if self.global_clipnorm is not None:
            config["global_clipnorm"] = self.global_clipnorm
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
        if isinstance(config.get("learning_rate"), dict):
            from scopeflow.keras.schedules import deserialize
            config["learning_rate"] = deserialize(config["learning_rate"], custom_objects)
        return cls(**config)


def _is_schedule(value):
    from scopeflow.keras.schedules import LearningRateSchedule
    return isinstance(value, LearningRateSchedule)


def _filter_empty(grads_and_vars):
    """The pairs with a gradient; TF's error when none has one."""
    pairs = list(grads_and_vars)
    kept = [(g, v) for g, v in pairs if g is not None]
    if pairs and not kept:
        raise ValueError("No gradients provided for any variable: %s. Provided `grads_and_vars` "
                         "is %s." % (([v.name for _, v in pairs],), tuple(pairs)))
    return kept


def _all_reduce(grads):
    """The gradients as Keras' one-replica all-reduce passes them on: an `Identity` of each
    (left unused, as in TF) and one `IdentityN` over them whose first outputs are used; with
    any sparse (IndexedSlices) gradient, the gradients themselves (TF's merge_call path)."""
    if any(is_indexed_slices(g) for g in grads):
        return list(grads)
    tf = tf_api()
    for g in grads:
        tf.identity(g)
    from scopeflow.ops.array import identity_n
    return list(identity_n(grads + grads))[:len(grads)]


_ALLOWED_KWARGS = ("global_clipnorm", "decay", "clipvalue", "clipnorm", "lr")


def _check_kwargs(kwargs):
    """Keras' checks of an optimizer's extra keyword arguments: known names only, none
    negative, and `lr` (read by each optimizer in place of `learning_rate`) deprecated."""
    for k, v in kwargs.items():
        if k not in _ALLOWED_KWARGS:
            raise TypeError("Unexpected keyword argument passed to optimizer: %s. Allowed kwargs "
                            "are {%s}." % (k, ", ".join(repr(a) for a in _ALLOWED_KWARGS)))
        if v is not None and not callable(v) and v < 0:
            raise ValueError("Expected %s >= 0, received: %s" % (k, v))
        if k == "lr":
            warnings.warn("The `lr` argument is deprecated, use `learning_rate` instead.",
                          stacklevel=3)
