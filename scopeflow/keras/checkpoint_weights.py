"""`model.save_weights(prefix)` / `load_weights(prefix)` in TF's checkpoint format, as tf_keras
writes it: the variables under their object-graph keys
(`layer_with_weights-0/cell/kernel/.ATTRIBUTES/VARIABLE_VALUE`, `d1/kernel/...` for a
subclassed model's attribute `d1`), the optimizer's step count, hyperparameters and slots
(`optimizer/iter/...`, `<variable's path>/.OPTIMIZER_SLOT/optimizer/m/...`) with the
checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH`, so that tf_keras' `load_weights` reads what
scopeflow writes and the reverse (a checkpoint's own object graph says where each variable is).
As in tf_keras, optimizer values load into an optimizer that has no variables yet once it makes
them (the model's first train function).

>>> # model.save_weights("/tmp/ckpt/w"); other_model.load_weights("/tmp/ckpt/w")
"""

from scopeflow.keras import backend as K
from scopeflow.keras.saved_model_graph import (
    OBJECT_GRAPH_KEY,
    ObjectTree,
    checkpoint_keys,
    checkpoint_nodes,
)


def _optimizer(model):
    from scopeflow.keras.optimizer_base import Optimizer
    opt = getattr(model, "optimizer", None)
    return opt if isinstance(opt, Optimizer) else None


def save(model, prefix):
    """Writes the model's and its optimizer's variables (their values in Keras' session) and
    their object graph."""
    from scopeflow.checkpoint.saver import Saver
    from scopeflow.keras.saved_model_export import _add_object_graph
    tree = ObjectTree(model, _optimizer(model))
    saver = Saver(tree.checkpoint_keys(), allow_empty=True)
    path = saver.save(K.get_session(), str(prefix), write_meta_graph=False)
    _add_object_graph(path, tree)


def load(model, prefix):
    """Sets the model's variables from the object-based checkpoint at `prefix`; optimizer
    values whose variables do not exist yet wait on the model for `restore_deferred`."""
    reader, graph = _read(prefix)
    nodes = checkpoint_nodes(model, graph)
    pairs = [(v, reader.lookup(k)) for k, v in checkpoint_keys(model, graph, nodes).items()]
    deferred = []
    if _optimizer(model) is not None:
        for key, spec in _optimizer_keys(graph, nodes).items():
            v = _resolve(_optimizer(model), spec)
            if v is None:
                deferred.append((spec, reader.lookup(key)))
            else:
                pairs.append((v, reader.lookup(key)))
    K.batch_set_value(pairs)
    model._deferred_optimizer_values = deferred


def values(model, prefix):
    """([(variable, value)], [variables it has no value for]) of the model's variables in the
    object-based checkpoint at `prefix` (a SavedModel's: no optimizer)."""
    reader, graph = _read(prefix)
    keys = checkpoint_keys(model, graph)
    missing = [v for v in model.weights if all(v is not w for w in keys.values())]
    return [(v, reader.lookup(key)) for key, v in keys.items()], missing


def restore_deferred(model):
    """Sets the optimizer values `load` kept back, now that the optimizer made its variables."""
    deferred = getattr(model, "_deferred_optimizer_values", None)
    if not deferred or _optimizer(model) is None:
        return
    pairs = [(_resolve(_optimizer(model), spec), value) for spec, value in deferred]
    model._deferred_optimizer_values = [d for d, (v, _) in zip(deferred, pairs) if v is None]
    K.batch_set_value([(v, value) for v, value in pairs if v is not None])


def _read(prefix):
    from tensorboard.compat.proto.trackable_object_graph_pb2 import TrackableObjectGraph

    from scopeflow.checkpoint.bundle import BundleReader
    reader = BundleReader(str(prefix))
    return reader, TrackableObjectGraph.FromString(reader.lookup(OBJECT_GRAPH_KEY).item())


def _optimizer_keys(graph, nodes):
    """{checkpoint key: ("hyper", name) or ("slot", variable, slot name)} of the values the
    checkpoint's root `optimizer` holds, slots only of the model's variables."""
    root = {c.local_name: c.node_id for c in graph.nodes[0].children}
    if "optimizer" not in root:
        return {}
    node = graph.nodes[root["optimizer"]]
    out = {}
    for child in node.children:
        for attr in graph.nodes[child.node_id].attributes:
            out[attr.checkpoint_key] = ("hyper", child.local_name)
    for slot in node.slot_variables:
        if slot.original_variable_node_id in nodes:
            var = nodes[slot.original_variable_node_id]
            for attr in graph.nodes[slot.slot_variable_node_id].attributes:
                out[attr.checkpoint_key] = ("slot", var, slot.slot_name)
    return out


def _resolve(optimizer, spec):
    """The optimizer's variable for `spec`, or None where it has not made it yet."""
    if spec[0] == "hyper":
        if spec[1] == "iter":
            return optimizer._iterations
        return optimizer._vars.get(spec[1])
    return optimizer._slots.get((id(spec[1]), spec[2]))


def has_object_graph(prefix):
    """Whether the checkpoint at `prefix` is object-based (tf_keras' `save_weights`); False
    where there is none (the name-based Saver then says what is missing)."""
    import os

    from scopeflow.checkpoint.bundle import BundleReader
    if not os.path.exists(str(prefix) + ".index"):
        return False
    return BundleReader(str(prefix)).contains(OBJECT_GRAPH_KEY)
