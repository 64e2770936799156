"""`model.save_weights(prefix)` / `load_weights(prefix)` in TF's checkpoint format, as tf_keras
writes it: the variables under their object-graph keys
(`layer_with_weights-0/cell/kernel/.ATTRIBUTES/VARIABLE_VALUE`) with the checkpoint's
`_CHECKPOINTABLE_OBJECT_GRAPH`, so that tf_keras' `load_weights` reads what scopeflow writes
and the reverse (a checkpoint's own object graph says where each variable is).

>>> # model.save_weights("/tmp/ckpt/w"); other_model.load_weights("/tmp/ckpt/w")
"""

from scopeflow.keras import backend as K
from scopeflow.keras.saved_model_graph import OBJECT_GRAPH_KEY, ObjectTree, checkpoint_keys


def save(model, prefix):
    """Writes the model's variables (their values in Keras' session) and its object graph."""
    from scopeflow.checkpoint.saver import Saver
    from scopeflow.keras.saved_model_export import _add_object_graph
    tree = ObjectTree(model)
    saver = Saver(tree.checkpoint_keys(), allow_empty=True)
    path = saver.save(K.get_session(), str(prefix), write_meta_graph=False)
    _add_object_graph(path, tree)


def values(model, prefix):
    """([(variable, value)], [variables it has no value for]) of the model's variables in the
    object-based checkpoint at `prefix` (tf_keras leaves those without one as they are)."""
    from tensorboard.compat.proto.trackable_object_graph_pb2 import TrackableObjectGraph

    from scopeflow.checkpoint.bundle import BundleReader
    reader = BundleReader(str(prefix))
    graph = TrackableObjectGraph.FromString(reader.lookup(OBJECT_GRAPH_KEY).item())
    keys = checkpoint_keys(model, graph)
    missing = [v for v in model.weights if all(v is not w for w in keys.values())]
    return [(v, reader.lookup(key)) for key, v in keys.items()], missing


def has_object_graph(prefix):
    """Whether the checkpoint at `prefix` is object-based (tf_keras' `save_weights`); False
    where there is none (the name-based Saver then says what is missing)."""
    import os

    from scopeflow.checkpoint.bundle import BundleReader
    if not os.path.exists(str(prefix) + ".index"):
        return False
    return BundleReader(str(prefix)).contains(OBJECT_GRAPH_KEY)
