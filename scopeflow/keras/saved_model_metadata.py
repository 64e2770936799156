"""`keras_metadata.pb` of a SavedModel: tf_keras' `SavedMetadata` message, one `SavedObject`
(node id, path such as `root.layer_with_weights-0`, identifier, JSON metadata) for the model
and each layer of it (and of models inside it), from which tf_keras' `load_model` and
scopeflow's rebuild the model from its config.

The message class is built from a descriptor mirroring tf_keras' `saved_metadata.proto` field
for field (its wire format is tf_keras').

>>> SavedMetadata().nodes.add(node_id=1, node_path="root.layer-0").node_path
'root.layer-0'
"""

import json

from google.protobuf import descriptor_pb2
from tensorboard.compat.proto import versions_pb2

from scopeflow.checkpoint.protos import message_classes

FILENAME = "keras_metadata.pb"
_F = descriptor_pb2.FieldDescriptorProto
_FILE = "scopeflow/keras/saved_metadata.proto"
_PRODUCER, _MIN_CONSUMER = 2, 1  # tf_keras' metadata version


def _file_proto():
    fdp = descriptor_pb2.FileDescriptorProto(name=_FILE, package="scopeflow.keras",
                                             syntax="proto3")
    fdp.dependency.append(versions_pb2.DESCRIPTOR.name)
    meta = fdp.message_type.add(name="SavedMetadata")
    meta.field.add(name="nodes", number=1, type=_F.TYPE_MESSAGE, label=_F.LABEL_REPEATED,
                   type_name=".scopeflow.keras.SavedObject")
    obj = fdp.message_type.add(name="SavedObject")
    for name, number, kind in (("node_id", 2, _F.TYPE_INT32), ("node_path", 3, _F.TYPE_STRING),
                               ("identifier", 4, _F.TYPE_STRING),
                               ("metadata", 5, _F.TYPE_STRING)):
        obj.field.add(name=name, number=number, type=kind, label=_F.LABEL_OPTIONAL)
    obj.field.add(name="version", number=6, type=_F.TYPE_MESSAGE, label=_F.LABEL_OPTIONAL,
                  type_name="." + versions_pb2.VersionDef.DESCRIPTOR.full_name)
    return fdp


SavedMetadata = message_classes(_FILE, _file_proto, ("SavedMetadata",))["SavedMetadata"]


def identifier(obj):
    """tf_keras' identifier of a saved object (`_tf_keras_layer`, ...)."""
    from scopeflow.keras.engine.base_layer import Layer
    from scopeflow.keras.engine.functional import Model, Sequential
    from scopeflow.keras.engine.input_layer import InputLayer
    from scopeflow.keras.layers.recurrent import RNN
    if isinstance(obj, list):
        return "trackable_list_wrapper"
    for cls, name in ((Sequential, "_tf_keras_sequential"), (Model, "_tf_keras_network"),
                      (InputLayer, "_tf_keras_input_layer"), (RNN, "_tf_keras_rnn_layer"),
                      (Layer, "_tf_keras_layer")):
        if isinstance(obj, cls):
            return name
    return "_generic_user_object"


def metadata_bytes(tree, root_metadata):
    """The serialized `SavedMetadata` of an `ObjectTree`: the root (with `root_metadata`) and
    every layer of a model in it (the models' layers, recursively)."""
    from scopeflow.keras import serialization
    from scopeflow.keras.engine.functional import Model
    message = SavedMetadata()
    layers = {id(tree.nodes[0])}
    for node_id, obj in enumerate(tree.nodes):
        if id(obj) not in layers:
            continue
        if isinstance(obj, Model) and obj._is_graph_network:
            layers.update(id(layer) for layer in obj.layers)
        meta = root_metadata if node_id == 0 else layer_metadata(obj)
        node = message.nodes.add(node_id=node_id, node_path=".".join(("root",) +
                                                                       tree.paths[node_id]),
                                 identifier=identifier(obj),
                                 metadata=json.dumps(meta, default=serialization.json_default))
        node.version.producer, node.version.min_consumer = _PRODUCER, _MIN_CONSUMER
    return message.SerializeToString(deterministic=True)


def layer_metadata(layer):
    """What tf_keras' loader reads of a layer: class, config, name, dtype, trainable, the
    shape it was built for (a model: its config as a network)."""
    from scopeflow.keras import serialization
    from scopeflow.keras.engine.functional import Model
    from scopeflow.keras.engine.input_layer import InputLayer
    config = layer.get_config()
    if isinstance(layer, InputLayer):
        return {"class_name": "InputLayer", "name": layer.name, "dtype": config.get("dtype"),
                "sparse": config.get("sparse", False), "ragged": config.get("ragged", False),
                "batch_input_shape": config.get("batch_input_shape"), "config": config}
    dtype = getattr(layer.dtype, "name", layer.dtype)
    meta = {"name": layer.name, "trainable": layer.trainable, "dtype": dtype,
            "batch_input_shape": config.get("batch_input_shape"),
            "stateful": bool(getattr(layer, "stateful", False)),
            "must_restore_from_config": False, "class_name": type(layer).__name__,
            "config": config, "build_input_shape": _build_input_shape(layer)}
    if isinstance(layer, Model):
        meta.update(class_name=serialization.model_class_name(layer), is_graph_network=True,
                    dtype=None, batch_input_shape=None)
        meta.pop("stateful")
    return meta


def _build_input_shape(layer):
    """The input shape(s) of the layer's first call, as tf_keras' TensorShape JSON."""
    from scopeflow.ops import nest
    if not layer._inbound_nodes:
        return None
    shapes = nest.map_structure(
        lambda t: {"class_name": "TensorShape", "items": t.shape.as_list()},
        layer._inbound_nodes[0].inputs)
    return shapes


def root_metadata(model, training_config):
    """The model's own node: its layer metadata, its config again as `model_config`, the
    Keras version, and how it was compiled (None when it was not)."""
    from scopeflow.keras import serialization
    from scopeflow.keras.hdf5 import KERAS_VERSION
    meta = layer_metadata(model)
    meta.update(keras_version=KERAS_VERSION, backend="tensorflow",
                model_config={"class_name": serialization.model_class_name(model),
                              "config": meta["config"]})
    if training_config is not None:
        meta["training_config"] = training_config
    return meta
