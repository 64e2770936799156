"""`tf.keras.models.load_model` of a TF2 Keras SavedModel directory written by tf_keras
(`model.save(path, save_format="tf")` in eager mode): the model is rebuilt from the config in
`keras_metadata.pb` (Keras' SavedMetadata proto, read here without its generated classes) and
its weights restored from `variables/variables`, each found through the checkpoint's object
graph (`layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`, or `variables/3/...` where TF
reached a variable first through a variable list). scopeflow's `model.save(path,
save_format="tf")` writes the same files.
"""

import json
import os

METADATA = "keras_metadata.pb"


def is_keras_saved_model(path):
    return os.path.isdir(str(path)) and os.path.exists(os.path.join(str(path), METADATA))


def load(path, custom_objects=None, compile=True):  # noqa: A002 - Keras' argument name
    from scopeflow.keras import serialization
    nodes = _metadata(os.path.join(str(path), METADATA))
    root = nodes["root"]
    if root.get("is_graph_network") is False and root.get("class_name") not in (
            "Sequential", "Functional", "Model"):  # subclassed: no layer graph to rebuild
        from scopeflow.keras.saved_model_revive import revive
        return revive(path, _untuple(nodes))
    config = root.get("model_config") or {"class_name": root["class_name"],
                                          "config": root["config"]}
    model = serialization.model_from_config(_untuple(config), custom_objects)
    _restore(model, os.path.join(str(path), "variables", "variables"))
    training = root.get("training_config")
    if compile and training is not None:
        serialization.compile_from(model, _untuple(training), custom_objects)
    return model


def refuse(path):
    """TF's error for a SavedModel directory without Keras metadata: its OSError where there
    is no `saved_model.pb`, its IndexError for a TF1 SavedModel (`simple_save`, a builder's):
    tf_keras looks for a root object in an empty object graph."""
    from scopeflow.saved_model.loader import parse_saved_model
    meta = parse_saved_model(path).meta_graphs[0]
    if not meta.object_graph_def.nodes:
        raise IndexError("list index out of range")
    raise NotImplementedError(
        "%s is a SavedModel without keras_metadata.pb (written before TF 2.5, or by "
        "tf.saved_model.save): load it with tf.saved_model.loader.load(sess, ['serve'], path) "
        "and run its 'serving_default' signature." % path)


def _restore(model, prefix):
    """The model's variables set from the checkpoint at `prefix`."""
    from scopeflow.keras import backend as K, checkpoint_weights
    if not checkpoint_weights.has_object_graph(prefix):
        model.load_weights(prefix)
        return
    pairs, missing = checkpoint_weights.values(model, prefix)
    if missing:
        raise ValueError("The SavedModel's checkpoint at %s has no value for %s."
                         % (prefix, ", ".join(v.name for v in missing)))
    K.batch_set_value(pairs)


def _metadata(filename):
    """{node path ("root", "root.d1", ...): JSON metadata} of a SavedMetadata file."""
    with open(filename, "rb") as f:
        data = f.read()
    out = {}
    for number, value in _fields(data):
        if number != 1:  # SavedMetadata.nodes
            continue
        node = dict(_fields(value))  # SavedObject: 2 node_id, 3 node_path, 5 metadata
        if 3 in node and 5 in node:
            meta = json.loads(node[5].decode("utf8"))
            meta["_node_id"] = node.get(2, 0)
            out[node[3].decode("utf8")] = meta
    if "root" not in out:
        raise ValueError("%s has no metadata for the root object: not a Keras SavedModel."
                         % filename)
    return out


def _fields(data):
    """(field number, value) of a protobuf message: varints as ints, length-delimited
    fields as bytes."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 2:
            size, i = _varint(data, i)
            value, i = data[i:i + size], i + size
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, i = data[i:i + size], i + size
        else:
            raise ValueError("Unsupported protobuf wire type %d in keras_metadata.pb" % wire)
        yield number, value


def _varint(data, i):
    shift = result = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def _untuple(value):
    """Keras' JSON tuples (`{"class_name": "__tuple__", "items": [...]}`) as lists."""
    if isinstance(value, dict):
        if value.get("class_name") == "__tuple__" and "items" in value:
            return [_untuple(v) for v in value["items"]]
        return {k: _untuple(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untuple(v) for v in value]
    return value
