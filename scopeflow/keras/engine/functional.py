"""Keras models in TF1 graph mode: the functional `Model`, subclassed models and `Sequential`.

A functional model is the graph of layer calls (nodes) between its inputs and outputs; calling
it on new tensors calls those layers again inside the model's name scope.

>>> import scopeflow as tf
>>> K = tf.keras
>>> a = K.Input(shape=(3,), name="a")
>>> m = K.Model(a, K.layers.Dense(2)(a))
>>> m.name, [layer.name for layer in m.layers]
('model', ['a', 'dense'])
"""

from scopeflow.core.tensor import is_tensor
from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.engine.input_layer import Input, InputLayer
from scopeflow.keras.engine.node import keras_history
from scopeflow.keras.engine.training import TrainingMixin
from scopeflow.ops import nest


def _dedup(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


class Model(TrainingMixin, Layer):
    """`tf.keras.Model(inputs, outputs)` or a subclass with layers as attributes and `call`."""

    def __new__(cls, *args, **kwargs):
        """`Model(inputs, outputs)` makes a Functional, as tf_keras."""
        given = len(args) + ("inputs" in kwargs) + ("outputs" in kwargs)
        if cls is Model and given >= 2:
            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if args else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        object.__setattr__(self, "_tracked", [])
        super().__init__(name=kwargs.pop("name", None), trainable=kwargs.pop("trainable", True),
                         dtype=kwargs.pop("dtype", None), **kwargs)
        self._is_graph_network = False
        self.inputs, self.outputs = [], []
        self._nodes, self._graph_layers = [], []
        self._init_training()
        if inputs is not None and outputs is not None:
            self._init_graph_network(inputs, outputs)

    def __setattr__(self, name, value):
        if isinstance(value, Layer) and not name.startswith("_") and \
                all(value is not t for t in getattr(self, "_tracked", [])):
            self._tracked.append(value)
        elif isinstance(value, (list, tuple)) and not name.startswith("_") and value and \
                all(isinstance(v, Layer) for v in value):
            self._tracked.extend(v for v in value if all(v is not t for t in self._tracked))
        object.__setattr__(self, name, value)

    def _build_from_data(self, array):
        """A subclassed model's deferred build at its first fit/predict (tf_keras' `_set_inputs`):
        a placeholder `input_1` shaped like the data, its call's outputs named `output_N`."""
        if is_tensor(array):  # (fit on an iterator's get_next(): built on the tensor)
            x = array
        else:
            dtype = K.floatx() if array.dtype.kind == "f" else array.dtype.name
            x = K.placeholder(shape=(None,) + tuple(array.shape[1:]), dtype=dtype,
                              name="input_1")
        self.inputs, self.outputs = [x], nest.flatten(self(x))
        self._subclass_output_names = ["output_%d" % (i + 1) for i in range(len(self.outputs))]

    # ---- the graph of layers ---------------------------------------------------------------
    def _init_graph_network(self, inputs, outputs):
        self._nested_inputs, self._nested_outputs = inputs, outputs
        flat_in = nest.flatten(inputs)
        for t in flat_in:
            if keras_history(t) is None:
                InputLayer(input_tensor=t, name=t.op.name)
        self.inputs, self.outputs = flat_in, nest.flatten(outputs)
        self._nodes = _topological_nodes(self.outputs)
        self._graph_layers = _layers_by_depth(self._nodes, self.outputs)
        self._is_graph_network = True
        self.built = True

    @property
    def input(self):
        return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)

    @property
    def output(self):
        return self.outputs[0] if len(self.outputs) == 1 else list(self.outputs)

    @property
    def output_shape(self):
        """A graph network's: its outputs' shapes (called or not), as Keras' Functional."""
        if not self._is_graph_network:
            return super().output_shape
        return nest.map_structure(K.int_shape, self.output)

    @property
    def layers(self):
        if self._is_graph_network:
            return list(self._graph_layers)
        return list(self._tracked)

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError("No such layer: %s. Existing layers are: %s."
                         % (name, [layer.name for layer in self.layers]))

    def build(self, input_shape):
        """Keras' Model.build in graph mode: a model that is not a graph network is called
        once on float placeholders of `input_shape` (a shape, a list or a dict of them),
        which builds its layers."""
        if self._is_graph_network or self.built and input_shape is None:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("Input shape must be defined when calling build on a model "
                             "subclass network.")
        from scopeflow.core.shape import TensorShape
        from scopeflow.layers.core import tf_api
        tf = tf_api()

        def placeholder(shape):
            return tf.placeholder(K.floatx(), shape=TensorShape(shape))
        if isinstance(input_shape, list) and all(d is None or isinstance(d, int)
                                                 for d in input_shape):
            input_shape = tuple(input_shape)
        if isinstance(input_shape, dict):
            x = {k: placeholder(v) for k, v in input_shape.items()}
        elif isinstance(input_shape, list):
            x = [placeholder(v) for v in input_shape]
        else:
            x = placeholder(input_shape)
        self.call(x, **({"training": False} if self._training_required() else {}))
        self.built = True

    build._is_default = True  # not called by __call__, as Keras' Model.build

    def _training_required(self):
        """Whether `call` takes `training` as a positional argument without a default."""
        import inspect
        params = list(inspect.signature(self.call).parameters.values())[1:]
        return any(p.name == "training" and p.default is p.empty for p in params)

    def call(self, inputs, training=None, mask=None):
        if not self._is_graph_network:
            raise NotImplementedError("A subclassed Model must implement `call`.")
        return self._run_internal_graph(inputs, training)

    def _run_internal_graph(self, inputs, training):
        mapped = {id(t): x for t, x in zip(self.inputs, nest.flatten(inputs))}
        for node in self._nodes:
            if isinstance(node.layer, InputLayer):
                continue
            args = nest.map_structure(lambda t: mapped.get(id(t), t), node.inputs)
            kwargs = dict(node.kwargs)
            if training is not None and node.layer._expects_training_arg:
                kwargs.setdefault("training", training)
            out = node.layer(args, *node.args, **kwargs)
            for old, new in zip(node.output_tensors, nest.flatten(out)):
                mapped[id(old)] = new
        return nest.map_structure(lambda t: mapped[id(t)], self._nested_outputs)

    # ---- weights over all layers -----------------------------------------------------------
    def _all_layers(self):
        return [layer for layer in self.layers if layer is not self]

    def _assert_weights_created(self):
        """tf_keras' check: a model whose class defines `build` (a Sequential, a subclass
        with its own) has no weights to show before it is built."""
        cls = type(self)
        if "build" in cls.__dict__ and cls is not Model and not self.built:
            raise ValueError("Weights for model '%s' have not yet been created. Weights are "
                             "created when the model is first called on inputs or `build()` "
                             "is called with an `input_shape`." % self.name)

    @property
    def trainable_weights(self):
        """The layers' (in order), then the model's own (Keras' order)."""
        self._assert_weights_created()
        if not self.trainable:
            return []
        return _dedup([w for layer in self._all_layers() for w in layer.trainable_weights] +
                      list(self._trainable_weights))

    @property
    def non_trainable_weights(self):
        """Frozen: every trainable weight first, then the non-trainable ones (Keras)."""
        self._assert_weights_created()
        layers = self._all_layers()
        frozen = [w for layer in layers for w in layer.non_trainable_weights]
        if not self.trainable:
            frozen = [w for layer in layers for w in layer.trainable_weights] + list(
                self._trainable_weights) + frozen
        return _dedup(frozen + list(self._non_trainable_weights))

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def weights(self):
        """Layer by layer (each layer's trainable, then non-trainable weights), then the
        model's own, as Keras orders `get_weights()`."""
        self._assert_weights_created()
        return _dedup([w for layer in self._all_layers() for w in layer.weights] +
                      list(self._trainable_weights) + list(self._non_trainable_weights))

    variables = weights

    @property
    def updates(self):
        return _dedup(list(self._updates) + [u for layer in self._all_layers()
                                             for u in layer.updates])

    @property
    def state_updates(self):
        """The updates of stateful layers (a stateful RNN's carried states): Keras runs them
        in evaluate and predict too."""
        return _dedup([u for layer in self._all_layers() if getattr(layer, "stateful", False)
                       for u in layer.updates])

    def reset_states(self):
        """Zeroes the states of every stateful layer."""
        for layer in self._all_layers():
            if hasattr(layer, "reset_states") and getattr(layer, "stateful", False):
                layer.reset_states()

    @property
    def losses(self):
        return _dedup(list(self._losses) + [x for layer in self._all_layers()
                                            for x in layer.losses])

    def get_config(self):
        from scopeflow.keras.serialization import model_config, subclassed_model_config
        if not self._is_graph_network and type(self).__module__.split(".")[0] != "scopeflow":
            return subclassed_model_config(self)
        return model_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from scopeflow.keras.serialization import model_from_config
        name = "Sequential" if issubclass(cls, Sequential) else "Functional"
        return model_from_config({"class_name": name, "config": config}, custom_objects)

    def to_json(self, **kwargs):
        import json

        from scopeflow.keras import serialization
        return json.dumps({"class_name": serialization.model_class_name(self),
                           "config": self.get_config(), "keras_version": "2.21.0",
                           "backend": "tensorflow"}, default=serialization.json_default,
                          **kwargs)

    def summary(self, line_length=None, positions=None, print_fn=None):
        if not self.built:
            raise ValueError("This model has not yet been built. Build the model first by "
                             "calling `build()` or by calling the model on a batch of data.")
        from scopeflow.keras.engine.summary import print_summary
        print_summary(self, line_length=line_length, print_fn=print_fn)


class Functional(Model):
    """What `tf.keras.Model(inputs, outputs)` makes: a model of a graph of layers."""

    def _init_set_name(self, name, zero_based=True):
        if not name:  # named as a Model ("model", "model_1"), as tf_keras
            name = K.unique_object_name("model", zero_based)
        self._name = self._base_name = name


class Sequential(Model):
    """A stack of layers, each called on the previous one's output.

    >>> import scopeflow as tf
    >>> K = tf.keras
    >>> m = K.Sequential([K.layers.Dense(2, input_shape=(3,))])
    >>> m.outputs[0].name
    'dense/BiasAdd:0'
    """

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self._stack = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return [layer for layer in self._stack if not isinstance(layer, InputLayer)]

    def add(self, layer):
        hist = keras_history(layer)
        if hist is not None and isinstance(hist[0], InputLayer):  # `add(K.Input(...))`
            layer = hist[0]
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer. Found: %s"
                            % (layer,))
        self._stack.append(layer)
        if isinstance(layer, InputLayer):
            self.inputs = [layer._inbound_nodes[0].outputs]
            self.outputs = list(self.inputs)
        elif not self.outputs and layer._batch_input_shape is not None:
            x = Input(batch_shape=layer._batch_input_shape, dtype=layer.dtype,
                      name=layer.name + "_input")
            self.inputs, self.outputs = [x], [layer(x)]
        elif self.outputs:
            self.outputs = [layer(self.outputs[0])]
        if self.outputs:
            self._nodes = _topological_nodes(self.outputs)
            self._is_graph_network = True
            self.built = True

    def _build_from_data(self, array):
        """Deferred build at the first fit/predict: an Input shaped like the data."""
        first = self.layers[0]
        if is_tensor(array):  # (fit on an iterator's get_next(): built on the tensor)
            x, self._on_tensor = Input(tensor=array), True
        else:
            x = Input(batch_shape=(None,) + tuple(array.shape[1:]),
                      dtype=first.dtype or array.dtype.name)
        self.inputs, self.outputs = [x], [self(x)]
        self._nodes = _topological_nodes(self.outputs)
        self._is_graph_network = self.built = True

    def pop(self):
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        self._stack.pop()

    def build(self, input_shape=None):
        if input_shape is not None and self.layers and not self.built:
            Model.build(self, input_shape)
        self.built = True

    build._is_default = True

    def call(self, inputs, training=None, mask=None):
        x = inputs
        for layer in self.layers:
            kwargs = {"training": training} if training is not None and \
                layer._expects_training_arg else {}
            x = layer(x, **kwargs)
        return x

    def _all_layers(self):
        return self.layers


def _topological_nodes(outputs):
    """The nodes that made `outputs`, each after the nodes that made its inputs."""
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            if parent is not None:
                visit(parent)
        order.append(node)

    for t in outputs:
        hist = keras_history(t)
        if hist is None:
            raise ValueError("Output tensors of a Functional model must be the output of a "
                             "TensorFlow `Layer` (thus holding past layer metadata). Found: %s"
                             % (t,))
        visit(hist[0]._inbound_nodes[hist[1]])
    return order


def _layers_by_depth(nodes, outputs):
    """Layers deepest first (inputs first), ties in the order their first node was made."""
    depth = {id(n): 0 for n in nodes}
    for node in reversed(nodes):
        for parent in node.parents:  # (an Input's node makes its own input: no parent)
            if parent is not None and parent is not node and id(parent) in depth:
                depth[id(parent)] = max(depth[id(parent)], depth[id(node)] + 1)
    layer_depth, first = {}, {}
    for i, node in enumerate(nodes):
        key = id(node.layer)
        layer_depth[key] = max(layer_depth.get(key, 0), depth[id(node)])
        first.setdefault(key, (i, node.layer))
    ranked = sorted(first.values(), key=lambda p: (-layer_depth[id(p[1])], p[0]))
    return [layer for _, layer in ranked]
