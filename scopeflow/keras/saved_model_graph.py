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
    """[(local name, child)] of a model, a layer, a list of cells, or [] for a variable."""
    from scopeflow.keras.engine.base_layer import Layer
    from scopeflow.keras.engine.functional import Model
    if isinstance(obj, list):
        return [(str(i), c) for i, c in enumerate(obj)]
    if not isinstance(obj, Layer):
        return []
    if isinstance(obj, Model) and obj._is_graph_network:
        return _model_children(obj)
    out = [(name, getattr(obj, name)) for name in _sublayer_attributes(obj)]
    own = list(obj._trainable_weights) + list(obj._non_trainable_weights)
    return out + [(weight_name(v), v) for v in own]


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


def weight_name(v):
    """The name a layer gave `add_weight` (`kernel` of `dense/kernel`)."""
    return v.op.name.rsplit("/", 1)[-1]


def is_variable(obj):
    return hasattr(obj, "op") and hasattr(obj, "initializer")


class ObjectTree:
    """The objects reachable from `root`, numbered breadth-first, each with its children's
    node ids and the path of its first reference (which names its checkpoint key)."""

    def __init__(self, root):
        self.nodes, self.paths, self.edges = [root], [()], [[]]
        ids = {id(root): 0}
        i = 0
        while i < len(self.nodes):
            for name, child in children(self.nodes[i]):
                if id(child) not in ids:
                    ids[id(child)] = len(self.nodes)
                    self.nodes.append(child)
                    self.paths.append(self.paths[i] + (name,))
                    self.edges.append([])
                self.edges[i].append((name, ids[id(child)]))
            i += 1

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
        return graph

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


def checkpoint_keys(model, graph):
    """{checkpoint key: variable} of `model`'s variables in a checkpoint's object graph
    (`TrackableObjectGraph`), found by walking both from their roots by local names."""
    out = {}
    stack = [(model, 0)]
    seen = set()
    while stack:
        obj, node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = graph.nodes[node_id]
        if is_variable(obj):
            for attr in node.attributes:
                if attr.name == _VALUE:
                    out[attr.checkpoint_key] = obj
            continue
        refs = {c.local_name: c.node_id for c in node.children}
        for name, child in children(obj):
            if name in refs:
                stack.append((child, refs[name]))
    return out
