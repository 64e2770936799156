"""The object graph of a Keras model, as tf_keras' SavedModels and checkpoints track it: the
model, its layers as `layer-N` (and `layer_with_weights-N`), a layer's sublayers (`cell`,
`cells/0`, `forward_layer`, `layer`) and its variables by their weight names (`kernel`).

Writing: `ObjectTree(model)` numbers the objects breadth-first and gives the SavedModel's
`SavedObjectGraph`, the checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH` and the checkpoint keys
(`layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`). Reading: `checkpoint_keys(model,
graph)` finds each of the model's variables in a TF-written object graph, whatever key TF gave
it (`variables/3/...` for a variable reached first through a model's variable list).

>>> # tree = ObjectTree(model); tree.saved_object_graph(); tree.checkpoint_keys()
"""

from tensorboard.compat.proto import saved_object_graph_pb2, trackable_object_graph_pb2

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
_VALUE = "VARIABLE_VALUE"
_VERSION = {"producer": 1, "min_consumer": 1}


def children(obj):
    """[(local name, child)] of a model, a layer, a list, an optimizer; [] for a variable."""
    from scopeflow.keras.engine.base_layer import Layer
    from scopeflow.keras.engine.functional import Model
    from scopeflow.keras.optimizer_base import Optimizer
    if isinstance(obj, list):
        return [(str(i), c) for i, c in enumerate(obj)]
    if isinstance(obj, Optimizer):
        return optimizer_children(obj)
    if not isinstance(obj, Layer):
        return []
    if isinstance(obj, Model) and obj._is_graph_network:
        return _model_children(obj)
    own = list(obj._trainable_weights) + list(obj._non_trainable_weights)
    if not type(obj).__module__.startswith("scopeflow."):
        return _subclass_children(obj, [(weight_name(v), v) for v in own])
    out = [(name, getattr(obj, name)) for name in _sublayer_attributes(obj)]
    return out + [(weight_name(v), v) for v in own]


def _subclass_children(obj, weights):
    """A user's Layer or Model: the weights by their `add_weight` names, then the public
    attributes holding layers, variables or lists of them, in assignment order (a name
    already given is not given again; `self.s = self.add_weight("scale")` is both)."""
    out = list(weights)
    taken = {name for name, _ in out}
    for name, value in vars(obj).items():
        if name.startswith("_") or name in taken or not _trackable(value):
            continue
        out.append((name, list(value) if isinstance(value, (list, tuple)) else value))
        taken.add(name)
    return out


def _trackable(value):
    from scopeflow.keras.engine.base_layer import Layer
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_trackable(v) for v in value)
    return isinstance(value, Layer) or is_variable(value)


def _model_children(model):
    """`layer_with_weights-N` then `layer-N` for each layer, as tf_keras tracks them."""
    out, n = [], 0
    for i, layer in enumerate(model.layers):
        if layer.weights:
            out.append(("layer_with_weights-%d" % n, layer))
            n += 1
        out.append(("layer-%d" % i, layer))
    return out


def _sublayer_attributes(layer):
    from scopeflow.keras.layers.recurrent import RNN
    from scopeflow.keras.layers.stacked_cells import StackedRNNCells
    from scopeflow.keras.layers.wrappers import Bidirectional, Wrapper
    if isinstance(layer, Bidirectional):
        return ("forward_layer", "backward_layer")
    if isinstance(layer, Wrapper):
        return ("layer",)
    if isinstance(layer, RNN):
        return ("cell",)
    if isinstance(layer, StackedRNNCells):
        return ("cells",)
    return ()


def optimizer_children(optimizer):
    """[(name, variable)] of a Keras optimizer: its step count, then its hyperparameters
    (sorted by name, as tf_keras makes them), once made."""
    if optimizer._iterations is None:
        return []
    return [("iter", optimizer._iterations)] + list(optimizer._vars.items())


def weight_name(v):
    """The name a layer gave `add_weight` (`kernel` of `dense/kernel`)."""
    return v.op.name.rsplit("/", 1)[-1]


def is_variable(obj):
    return hasattr(obj, "op") and hasattr(obj, "initializer")


class ObjectTree:
    """The objects reachable from `root`, numbered breadth-first, each with its children's
    node ids and the path of its first reference (which names its checkpoint key). With an
    `optimizer` (a checkpoint's): the root's `optimizer` and `root` (itself; tf_keras checkpoints
    through `Checkpoint(root=model)`), and the optimizer's slot variables numbered last."""

    def __init__(self, root, optimizer=None):
        self.nodes, self.paths, self.edges = [root], [()], [[]]
        self.slots = []  # (optimizer node, original variable node, slot name, slot node)
        ids = {id(root): 0}
        i = 0
        while i < len(self.nodes):
            extra = [("optimizer", optimizer), ("root", root)] if i == 0 and optimizer else []
            for name, child in children(self.nodes[i]) + extra:
                if id(child) not in ids:
                    ids[id(child)] = len(self.nodes)
                    self._append(child, self.paths[i] + (name,))
                self.edges[i].append((name, ids[id(child)]))
            i += 1
        if optimizer is not None:
            self._add_slots(optimizer, ids)

    def _append(self, obj, path):
        self.nodes.append(obj)
        self.paths.append(path)
        self.edges.append([])

    def _add_slots(self, optimizer, ids):
        """Slot variables slot name by slot name, each over its variables in node order, with
        keys `<variable's path>/.OPTIMIZER_SLOT/optimizer/<slot>` (tf_keras' checkpoints)."""
        at = ids[id(optimizer)]
        order = list(dict.fromkeys(name for _, name in optimizer._slots))
        for slot_name in order:
            found = sorted((ids[var_id], slot) for (var_id, name), slot in
                           optimizer._slots.items() if name == slot_name and var_id in ids)
            for original, slot in found:
                self._append(slot, self.paths[original] + (".OPTIMIZER_SLOT",)
                             + self.paths[at] + (slot_name,))
                self.slots.append((at, original, slot_name, len(self.nodes) - 1))

    def checkpoint_keys(self):
        """{checkpoint key: variable} of every variable in the tree."""
        return {_key(p): v for v, p in zip(self.nodes, self.paths) if is_variable(v)}

    def trackable_object_graph(self):
        """The checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH` message."""
        graph = trackable_object_graph_pb2.TrackableObjectGraph()
        for obj, path, edges in zip(self.nodes, self.paths, self.edges):
            node = graph.nodes.add()
            for name, child in edges:
                node.children.add(node_id=child, local_name=name)
            if is_variable(obj):
                node.attributes.add(name=_VALUE, full_name=obj.op.name,
                                     checkpoint_key=_key(path))
        for at, original, slot_name, slot in self.slots:
            graph.nodes[at].slot_variables.add(original_variable_node_id=original,
                                               slot_name=slot_name, slot_variable_node_id=slot)
        for node, value in zip(graph.nodes, self._has_values()):
            node.has_checkpoint_values.value = value
        return graph

    def _has_values(self):
        """Per node: whether it or an object below it holds a value (TF records this)."""
        out = [is_variable(obj) for obj in self.nodes]
        for i in reversed(range(len(self.nodes))):  # children come after their first parent
            out[i] = out[i] or any(out[c] for _, c in self.edges[i] if c > i) or \
                any(s[0] == i for s in self.slots)
        return out

    def saved_object_graph(self, identifier):
        """The SavedModel's `SavedObjectGraph`: user objects named by `identifier(obj)`,
        variables with their dtype, shape and name."""
        graph = saved_object_graph_pb2.SavedObjectGraph()
        for obj, edges in zip(self.nodes, self.edges):
            node = graph.nodes.add()
            for name, child in edges:
                node.children.add(node_id=child, local_name=name)
            if is_variable(obj):
                _variable_proto(node.variable, obj)
            else:
                node.user_object.identifier = identifier(obj)
                node.user_object.version.producer = _VERSION["producer"]
                node.user_object.version.min_consumer = _VERSION["min_consumer"]
        return graph


def _key(path):
    return "/".join(path) + "/.ATTRIBUTES/" + _VALUE


def _variable_proto(proto, v):
    proto.dtype = v.dtype.base_dtype.as_datatype_enum
    for d in v.shape.as_list():
        proto.shape.dim.add(size=d)
    proto.trainable = bool(v.trainable)
    proto.name = v.op.name


def checkpoint_keys(model, graph, nodes=None):
    """{checkpoint key: variable} of `model`'s variables in a checkpoint's object graph
    (`TrackableObjectGraph`); `nodes`: `checkpoint_nodes(model, graph)` where known."""
    nodes = checkpoint_nodes(model, graph) if nodes is None else nodes
    return {attr.checkpoint_key: v for node_id, v in nodes.items()
            for attr in graph.nodes[node_id].attributes if attr.name == _VALUE}


def checkpoint_nodes(model, graph):
    """{node id: variable} of `model`'s variables in a checkpoint's object graph, found by
    walking both from their roots by local names."""
    out = {}
    stack = [(model, 0)]
    seen = set()
    while stack:
        obj, node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        if is_variable(obj):
            out[node_id] = obj
            continue
        refs = {c.local_name: c.node_id for c in graph.nodes[node_id].children}
        for name, child in children(obj):
            if name in refs:
                stack.append((child, refs[name]))
    return out
