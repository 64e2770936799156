"""The Keras `Layer` of TF1 graph mode, on the tf.layers core.

Keras names differ from tf.layers': a layer's name comes from the per-graph counter zero-based
(`dense`, `dense_1`, ...), each call opens a `name_scope` of that name (uniquified by the graph:
a second call of `dense` runs in `dense_1/`), and weights are `tf.Variable`s named by the name
scope of the call that builds the layer (`dense/kernel:0`), not by variable_scope.

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 3])
>>> tf.keras.layers.Dense(2)(x).name
'dense/BiasAdd:0'
"""

import functools
import inspect
import re
import threading

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.keras import backend as K
from scopeflow.keras import constraints, initializers, regularizers
from scopeflow.keras.engine.node import Node
from scopeflow.layers import base as _tl
from scopeflow.ops import nest

_KERAS_KWARGS = ("input_shape", "batch_input_shape", "batch_size", "weights", "autocast",
                 "input_dim", "dynamic")


def _copy_inputs(outputs, inputs, name):
    """`outputs` with each that is one of `inputs` replaced by its identity (in scope `name`),
    as TF's Keras keeps the inputs' history: Activation(None)(x) is name/name/Identity."""
    from scopeflow.ops.array import identity
    given = {id(t) for t in nest.flatten(inputs) if hasattr(t, "op")}
    if not any(id(t) in given for t in nest.flatten(outputs)):
        return outputs
    with default_graph().name_scope(name):
        return nest.map_structure(lambda t: identity(t) if id(t) in given else t, outputs)


class _CallContext(threading.local):
    depth = 0  # how many layer calls are running (raw ops inside one are not wrapped)


_CALLS = _CallContext()


class Layer(_tl.Layer):
    """Base of Keras layers: `build(input_shape)`, `call(inputs)`, `add_weight(...)`."""

    _masking = False  # supports_masking: the input's mask passes to the output

    def __init_subclass__(cls, **kwargs):
        """Each constructor records the arguments of the user's call (for `get_config`)."""
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return

        @functools.wraps(init)
        def recording_init(self, *args, **kw):
            from scopeflow.keras.serialization import record_init
            record_init(self, cls, args, kw)
            init(self, *args, **kw)

        cls.__init__ = recording_init

    def __init__(self, trainable=True, name=None, dtype=None, dynamic=False, **kwargs):
        extra = {k: kwargs.pop(k) for k in list(kwargs) if k in _KERAS_KWARGS}
        unknown = [k for k in kwargs if k not in ("activity_regularizer", "_scope", "_reuse")]
        if unknown:
            raise TypeError("Keyword argument not understood:", unknown[0])
        self._activity_regularizer = regularizers.get(kwargs.pop("activity_regularizer", None))
        super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)
        self._inbound_nodes = []
        self.supports_masking = type(self)._masking  # carries its input mask through
        self._initial_weights = extra.get("weights")
        self._batch_input_shape = _batch_input_shape(extra)
        params = inspect.signature(self.call).parameters
        self._expects_training_arg = "training" in params
        self._expects_mask_arg = "mask" in params

    def _init_set_name(self, name, zero_based=True):
        if not name:
            name = K.unique_object_name(to_snake_case(type(self).__name__), zero_based)
        self._name = self._base_name = name

    def _name_scope(self):
        return self.name

    activity_regularizer = property(lambda self: self._activity_regularizer)
    input = property(lambda self: self._node_attr("inputs", 0))
    output = property(lambda self: self._node_attr("outputs", 0))
    inbound_nodes = property(lambda self: list(self._inbound_nodes))

    def _node_attr(self, attr, index):
        if not self._inbound_nodes:
            raise AttributeError("Layer %s is not connected, no input to return." % self.name)
        return getattr(self._inbound_nodes[index], attr)

    def get_input_at(self, node_index):
        return self._node_attr("inputs", node_index)

    def get_output_at(self, node_index):
        return self._node_attr("outputs", node_index)

    @property
    def input_shape(self):
        return nest.map_structure(lambda t: K.int_shape(t), self.input)

    @property
    def output_shape(self):
        """The output shape of every call (AttributeError when calls differ, as Keras)."""
        if not self._inbound_nodes:
            raise AttributeError("The layer has never been called and thus has no defined "
                                 "output shape.")
        shapes = [nest.map_structure(K.int_shape, n.outputs) for n in self._inbound_nodes]
        if any(str(s) != str(shapes[0]) for s in shapes):
            raise AttributeError('The layer "%s" has multiple inbound nodes, with different '
                                 "output shapes. Hence the notion of \"output shape\" is "
                                 "ill-defined for the layer. Use `get_output_shape_at("
                                 "node_index)` instead." % self.name)
        return shapes[0]

    # ---- weights -----------------------------------------------------------------------------
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, partitioner=None, use_resource=None,
                   **kwargs):
        """A `tf.Variable` named `<call scope>/name`, tracked by the layer and by Keras."""
        from scopeflow.core.variables import VariableSynchronization, VariableV1
        shape = () if shape is None else shape
        dtype = _dt.as_dtype(dtype or self._dtype or K.floatx())
        initializer = initializers.get(initializer)
        if initializer is None:
            initializer = initializers.GlorotUniform() if dtype.is_floating else \
                initializers.Zeros()
        if kwargs.get("synchronization") == VariableSynchronization.ON_READ:
            trainable = False
        trainable = True if trainable is None else trainable
        shape = [getattr(d, "value", d) for d in shape]
        v = VariableV1(initial_value=functools.partial(initializer, shape, dtype=dtype),
                       name=name, trainable=trainable, dtype=dtype,
                       constraint=constraints.get(constraint), use_resource=True,
                       aggregation=kwargs.get("aggregation", _aggregation_none()))
        K.track_variable(v)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(v)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            with default_graph().name_scope(name + "/Regularizer"):
                self._losses.append(regularizer(v))
        return v

    add_variable = add_weight

    def add_update(self, updates, inputs=None):
        updates = list(updates) if isinstance(updates, (list, tuple)) else [updates]
        for u in updates:
            u = u() if callable(u) else u
            self._updates.append(_tl.update_op(u))

    def add_loss(self, losses, inputs=None):
        losses = list(losses) if isinstance(losses, (list, tuple)) else [losses]
        self._losses.extend(loss() if callable(loss) else loss for loss in losses)

    # A layer held in an attribute (or a list of them) is part of its holder, as tf_keras
    # tracks it: its weights and losses follow the holder's own (MultiHeadAttention's
    # projections, a user's layer of layers).
    def _sublayers(self):
        out = []
        for value in vars(self).values():
            for v in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(v, Layer) and v is not self and all(v is not o for o in out):
                    out.append(v)
        return out

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return _dedup(list(self._trainable_weights) +
                      [w for layer in self._sublayers() for w in layer.trainable_weights])

    @property
    def non_trainable_weights(self):
        own = list(self._non_trainable_weights) if self.trainable else \
            list(self._trainable_weights) + list(self._non_trainable_weights)
        nested = [w for layer in self._sublayers() for w in (
            layer.non_trainable_weights if self.trainable else layer.weights)]
        return _dedup(own + nested)

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    variables = weights

    @property
    def losses(self):
        return _dedup(list(self._losses) + [x for layer in self._sublayers()
                                             for x in layer.losses])

    def get_weights(self):
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        params = self.weights
        if len(params) != len(weights):
            raise ValueError("You called `set_weights(weights)` on layer \"%s\" with a weight "
                             "list of length %d, but the layer was expecting %d weights."
                             % (self.name, len(weights), len(params)))
        K.batch_set_value(list(zip(params, weights)))

    def count_params(self):
        if not self.built:
            if getattr(self, "_is_graph_network", False):
                self.build(None)
            else:
                raise ValueError("You tried to call `count_params` on %s, but the layer isn't "
                                 "built. You can build it manually via: `%s.build("
                                 "batch_input_shape)`." % (self.name, self.name))
        return sum(K.count_params(w) for w in self.weights)

    # ---- calling -----------------------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        inputs = nest.map_structure(_tl._as_tensor, inputs)
        if not _CALLS.depth:
            from scopeflow.keras.engine import op_layer
            if op_layer.needs_keras_history(inputs):  # raw ops on Keras tensors: op layers
                op_layer.create_keras_history(inputs)
        _CALLS.depth += 1
        try:
            return self._call_in_context(inputs, *args, **kwargs)
        finally:
            _CALLS.depth -= 1

    def _call_in_context(self, inputs, *args, **kwargs):
        call_kwargs = dict(kwargs)  # the caller's, recorded in the node (not a mask made here)
        g = default_graph()
        masks = kwargs.get("mask", _input_masks(inputs))
        if self._expects_mask_arg and "mask" not in kwargs and masks is not None:
            kwargs["mask"] = masks
        with g.name_scope(self._name_scope()):
            if not self.built:
                self._maybe_build(inputs)
            cast = nest.map_structure(self._autocast, inputs)
            if not self._expects_training_arg:
                kwargs.pop("training", None)
            outputs = self.call(cast, *args, **kwargs)
            if self._activity_regularizer is not None:
                with g.name_scope("ActivityRegularizer"):
                    for out in nest.flatten(outputs):
                        self._losses.append(self._activity_regularizer(out))
            _set_masks(outputs, self.compute_mask(inputs, masks))
            outputs = _copy_inputs(outputs, (inputs, args, call_kwargs), self.name)
        Node(self, inputs, outputs, args, call_kwargs)
        return outputs

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs: the input's for a layer that supports masking, else None."""
        return mask if self.supports_masking else None

    apply = __call__

    def _maybe_build(self, inputs):
        flat = nest.flatten(inputs)
        if self._dtype is None and flat and hasattr(flat[0], "dtype"):
            dtype = flat[0].dtype.base_dtype
            self._dtype = dtype if dtype.is_floating else _dt.as_dtype(K.floatx())
        shapes = nest.map_structure(lambda t: t.shape, inputs)
        if not getattr(type(self).build, "_is_default", False):  # Model's: only when asked
            self.build(shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_output_shape(self, input_shape):
        raise NotImplementedError

    def get_config(self):
        """Name, trainable, dtype, input shape and the constructor's arguments, serialized."""
        from scopeflow.keras.serialization import layer_base_config, layer_config
        if next(c for c in type(self).__mro__
                if c.__module__.split(".")[0] == "scopeflow") is not Layer:
            return layer_config(self)  # a built-in layer, or a user's subclass of one
        # a user's layer: Keras' base config, which cannot hold the constructor's own
        # arguments unless the layer's get_config adds them
        init = next(c for c in type(self).__mro__ if "__init__" in c.__dict__)
        params = inspect.signature(init.__init__).parameters.values()
        own = [p for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY) and
               p.name not in ("self", "name", "trainable", "dtype", "dynamic")]
        if own and type(self).get_config is Layer.get_config:
            raise NotImplementedError("Layers with arguments in `__init__` must override "
                                      "`get_config`.")
        return layer_base_config(self)

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def to_snake_case(name):
    """tf_keras' class-name → layer-name rule: unlike tf.layers', a digit does not end a
    word (`ConvLSTM2D` → `conv_lstm2d`, tf.layers would say `conv_lst_m2d`)."""
    step = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", step).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


def _input_masks(inputs):
    """The Keras masks of the inputs (same structure), or None when none has one."""
    masks = [getattr(t, "_keras_mask", None) for t in nest.flatten(inputs)]
    if all(m is None for m in masks):
        return None
    return nest.pack_sequence_as(inputs, masks) if nest.is_nested(inputs) else masks[0]


def _set_masks(outputs, masks):
    if masks is None:
        return
    # as tf_keras: the flat masks pair with the flat outputs (a lone mask marks the first)
    for out, mask in zip(nest.flatten(outputs), nest.flatten(masks)):
        if mask is not None and hasattr(out, "_op"):
            out._keras_mask = mask


def _aggregation_none():
    from scopeflow.core.variables import VariableAggregation
    return VariableAggregation.NONE


def _batch_input_shape(extra):
    if "batch_input_shape" in extra:
        return tuple(extra["batch_input_shape"])
    if "input_shape" in extra:
        return (extra.get("batch_size"),) + tuple(extra["input_shape"])
    if "input_dim" in extra and extra["input_dim"] is not None:
        return (extra.get("batch_size"), extra["input_dim"])
    return None


def _dedup(items):
    out = []
    for x in items:
        if all(x is not o for o in out):
            out.append(x)
    return out
