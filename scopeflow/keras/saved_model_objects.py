"""The layers of a subclassed model's SavedModel, revived from its object graph as tf_keras
revives them in TF1 graph mode: each Keras object node (keras_metadata.pb) becomes a layer
holding the SavedModel's variables under the attribute names it saved them as.

- a built-in class (Dense, ...) comes back from its saved config;
- a Sequential from its sublayers, in their saved order, on its saved input;
- a user's class comes back as a layer of that class name whose config is the saved one,
  its sublayers (revived the same way) as attributes, and whose call is its traced
  `__call__` function (training=False), inlined into the caller's graph; a layer whose call
  was never traced raises tf_keras' error when called.
"""

from scopeflow.keras.engine.base_layer import Layer
from scopeflow.ops import nest

_NOT_TRACED = (
    "Cannot call custom layer {} of type {}, because the call function was not serialized "
    "to the SavedModel.Please try one of the following methods to fix this issue:\n\n(1) "
    "Implement `get_config` and `from_config` in the layer/model class, and pass the object "
    "to the `custom_objects` argument when loading the model. For more details, see: "
    "https://www.tensorflow.org/guide/keras/save_and_serialize\n\n(2) Ensure that the "
    "subclassed model or layer overwrites `call` and not `__call__`. The input shape and "
    "dtype will be automatically recorded when the object is called, and used when saving. "
    "To manually specify the input shape/dtype, decorate the call function with "
    "`@tf.function(input_signature=...)`.")


class ObjectGraph:
    """A SavedModel's object graph with its variables made: `variables[node_id]`."""

    def __init__(self, meta, saved, variables):
        """`variables`: the serving call's variables, in its handles' order."""
        self.graph = meta.object_graph_def
        self.saved = saved
        bound = next((list(cf.bound_inputs) for name, cf in
                      self.graph.concrete_functions.items()
                      if name.startswith("__inference_signature_wrapper")), [])
        self.variables = dict(zip(bound, variables))

    def child(self, node_id, name):
        for c in self.graph.nodes[node_id].children:
            if c.local_name == name:
                return c.node_id
        return None

    def children(self, node_id):
        return [(c.local_name, c.node_id) for c in self.graph.nodes[node_id].children]

    def listed(self, node_id, name):
        """The variables of a layer's `variables` / `trainable_variables` list, in order."""
        lst = self.child(node_id, name)
        if lst is None:
            return []
        return [self.variables[i] for _, i in self.children(lst) if i in self.variables]

    def call_function(self, node_id):
        """The concrete function of a layer's traced `__call__` (training=False where traced
        both ways), or None."""
        fn = self.child(node_id, "__call__")
        if fn is None:
            return None
        names = list(self.graph.nodes[fn].function.concrete_functions)
        for name in names:
            sig = self.graph.concrete_functions[name].canonicalized_input_signature
            if "bool_value: true" not in str(sig):
                return name
        return names[0] if names else None

    def training_functions(self, node_id):
        """{training flag: concrete function} of a layer's `__call__` traced both ways."""
        fn = self.child(node_id, "__call__")
        out = {}
        for name in self.graph.nodes[fn].function.concrete_functions if fn is not None else ():
            sig = str(self.graph.concrete_functions[name].canonicalized_input_signature)
            for flag in (True, False):
                if "bool_value: %s" % str(flag).lower() in sig:
                    out[flag] = name
        return out if len(out) == 2 else {}

    def call(self, fn_name, inputs):
        """The outputs of concrete function `fn_name` on `inputs` (flattened), its captured
        variables bound; structured as its output signature."""
        from tensorboard.compat.proto.node_def_pb2 import NodeDef

        from scopeflow.checkpoint import importer
        from scopeflow.checkpoint.import_calls import inline_call
        from scopeflow.core.frame import default_graph
        from scopeflow.ops.constant import convert_to_tensor
        concrete = self.graph.concrete_functions[fn_name]
        tensors = [convert_to_tensor(x) for x in nest.flatten(inputs)]
        tensors += [self.variables[i].handle for i in concrete.bound_inputs]
        node = NodeDef(name="StatefulPartitionedCall", op="StatefulPartitionedCall")
        node.attr["f"].func.name = fn_name
        graph = default_graph()
        scope = graph.get_name_scope()
        state = importer._Import(graph, scope + "/" if scope else "", {}, uniquify=True)
        state.library = self.saved.library
        op, _ = inline_call(state, node, tensors)
        outs = list(op.outputs)
        kind = concrete.output_signature.WhichOneof("kind")
        return outs[0] if kind == "tensor_spec_value" and len(outs) == 1 else outs


class RevivedLayer(Layer):
    """A user's layer brought back from a SavedModel (its class is not known here)."""

    def __init__(self, name, config, graph, node_id):
        super().__init__(name=name)
        self._saved_config = config
        self._graph, self._node_id = graph, node_id
        self._call_fn = graph.call_function(node_id)
        self.built = True

    weights = property(lambda self: self._graph.listed(self._node_id, "variables"))
    variables = weights
    trainable_weights = property(
        lambda self: self._graph.listed(self._node_id, "trainable_variables")
        if self.trainable else [])
    non_trainable_weights = property(
        lambda self: [v for v in self.weights
                      if all(v is not t for t in self.trainable_weights)])

    def get_config(self):
        return dict(self._saved_config)

    def call(self, inputs, training=None):
        if self._call_fn is None:
            raise ValueError(_NOT_TRACED.format(self.name, type(self)))
        return self._graph.call(self._call_fn, inputs)


def revive_children(model, graph, nodes, path="root"):
    """Sets the revived sublayers of the Keras object at `path` as `model`'s attributes."""
    for attr, meta in _direct(nodes, path):
        layer = revive_node(graph, nodes, path + "." + attr, meta)
        if layer is not None:
            setattr(model, attr, layer)


def _direct(nodes, path):
    return [(p[len(path) + 1:], meta) for p, meta in nodes.items()
            if p.startswith(path + ".") and "." not in p[len(path) + 1:]]


def revive_node(graph, nodes, path, meta):
    """The layer of Keras object `path` (its metadata `meta`), or None."""
    node_id = meta["_node_id"]
    class_name = meta.get("class_name")
    if class_name == "Sequential":
        return _revive_sequential(graph, nodes, path, meta)
    if class_name == "Functional" and "layers" in (meta.get("config") or {}):
        return _revive_functional(graph, nodes, meta)
    layer = _builtin(meta, graph, node_id)
    if layer is not None:
        return layer
    cls = type(str(class_name), (RevivedLayer,), {})
    layer = cls(meta.get("name"), meta.get("config") or {}, graph, node_id)
    revive_children(layer, graph, nodes, path)
    for attr, child in graph.children(node_id):  # its own weights, as attributes
        if child in graph.variables and not attr[0].isdigit():
            object.__setattr__(layer, attr, graph.variables[child])
    return layer


def _builtin(meta, graph, node_id):
    """A built-in layer from its saved config holding the saved variables, or None."""
    from scopeflow.keras.serialization import layer_from_config
    try:
        layer = layer_from_config({"class_name": meta["class_name"], "config": meta["config"]})
    except (ValueError, TypeError, KeyError):
        return None
    if type(layer).__module__.split(".")[0] != "scopeflow":
        return None  # a custom_objects class: not a built-in
    trainable = graph.listed(node_id, "trainable_variables")
    for attr, child in graph.children(node_id):
        if child not in graph.variables or attr[0].isdigit():
            continue
        v = graph.variables[child]
        setattr(layer, attr, v)
        is_trainable = layer.trainable and any(v is t for t in trainable)
        (layer._trainable_weights if is_trainable else layer._non_trainable_weights).append(v)
    layer.built = True
    return layer


def _saved_layers(graph, nodes, meta, skip=()):
    """The revived layers of a model's children `layer-0`, `layer-1`, ... in order (those of
    a class in `skip` left out)."""
    by_id = {m["_node_id"]: (p, m) for p, m in nodes.items()}
    out, k = [], 0
    while graph.child(meta["_node_id"], "layer-%d" % k) is not None:
        p, m = by_id[graph.child(meta["_node_id"], "layer-%d" % k)]
        if m.get("class_name") not in skip:
            out.append(revive_node(graph, nodes, p, m))
        k += 1
    return out


def _revive_functional(graph, nodes, meta):
    """A functional model rebuilt from its saved config on its revived layers (holding the
    saved variables), as tf_keras' reconstruct_from_config with its created layers."""
    from scopeflow.keras.serialization import model_from_config
    created = {layer.name: layer for layer in _saved_layers(graph, nodes, meta, ("InputLayer",))
               if layer is not None}
    return model_from_config({"class_name": "Functional", "config": meta["config"]},
                             created=created)


def _revive_sequential(graph, nodes, path, meta):
    """A Sequential of its revived layers (children `layer-0`, `layer-1`, ...), built on its
    saved InputLayer's shape."""
    from scopeflow.keras.engine.functional import Sequential
    from scopeflow.keras.engine.input_layer import Input
    config = meta.get("config") or {}
    model = Sequential(name=config.get("name", meta.get("name")))
    for conf in config.get("layers", [])[:1]:
        c = conf.get("config", {})
        if conf.get("class_name") == "InputLayer":
            model.add(Input(batch_shape=c.get("batch_input_shape"), dtype=c.get("dtype"),
                            name=c.get("name")))
    for layer in _saved_layers(graph, nodes, meta):
        model.add(layer)
    return model
