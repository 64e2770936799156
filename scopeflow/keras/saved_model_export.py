"""`model.save(path, save_format="tf")` in TF1 graph mode: the Keras session's graph and
variables as a TF1 SavedModel (tag `serve`) whose `serving_default` predict signature maps the
input layers' names to the model inputs and the output layers' names to its outputs, the keys
TF's Keras SavedModels use. `tf.saved_model.loader.load` reads it, in TF and here.

A Sequential or functional model also gets what `tf.keras.models.load_model` (tf_keras' and
scopeflow's) rebuilds it from: `keras_metadata.pb` (the layers' configs), the model's object
graph in the meta graph, and its variables under their object-graph checkpoint keys
(`layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`) with the checkpoint's own
`_CHECKPOINTABLE_OBJECT_GRAPH`.

>>> # model.save("/tmp/m", save_format="tf"); then, in a fresh graph:
>>> # sig = tf.saved_model.loader.load(sess, ["serve"], "/tmp/m").signature_def["serving_default"]
"""

import os

import numpy as np

from scopeflow.checkpoint.bundle import BundleReader, atomic_write, write_bundle
from scopeflow.keras import backend as K
from scopeflow.keras import saved_model_metadata as metadata
from scopeflow.keras import serialization
from scopeflow.keras.saved_model_graph import OBJECT_GRAPH_KEY, ObjectTree
from scopeflow.saved_model import constants as C


def export(model, path, include_optimizer=True):
    """Writes `model` (its graph, the variables' values in Keras' session) to directory
    `path`, replacing the SavedModel files a former export left there."""
    from scopeflow.saved_model.builder import SavedModelBuilder
    from scopeflow.saved_model.signature_def_utils import predict_signature_def
    if not model.outputs:
        raise ValueError("Model cannot be saved because the input shapes have not been set. "
                         "Usually, input shapes are automatically determined from calling "
                         "`.fit()` or `.predict()`. To manually set the shapes, call "
                         "`model.build(input_shape)`.")
    _clear_former_export(str(path))
    session = K.get_session()
    inputs = {model._output_layer(t).name: t for t in model.inputs}  # an Input's own layer
    outputs = {model._output_layer(t).name: t for t in model.outputs}
    builder = SavedModelBuilder(str(path))
    tree = ObjectTree(model) if model._is_graph_network else None
    with session.graph.as_default():
        builder.add_meta_graph_and_variables(
            session, [C.SERVING],
            {C.DEFAULT_SERVING_SIGNATURE_DEF_KEY: predict_signature_def(inputs, outputs)},
            saver=None if tree is None else _saver(tree, session.graph))
    if tree is not None:
        builder._saved_model.meta_graphs[0].object_graph_def.CopyFrom(
            tree.saved_object_graph(metadata.identifier))
    builder.save()
    if tree is not None:
        _add_object_graph(os.path.join(str(path), C.VARIABLES_DIRECTORY,
                                       C.VARIABLES_FILENAME), tree)
        training = serialization.training_config(model) if include_optimizer else None
        atomic_write(os.path.join(str(path), metadata.FILENAME), metadata.metadata_bytes(
            tree, metadata.root_metadata(model, training)))


def _saver(tree, graph):
    """A Saver of the model's variables by object-graph keys, and of the graph's other
    variables (the optimizer's) by their names."""
    from scopeflow.checkpoint.saveables import all_saveable_objects
    from scopeflow.checkpoint.saver import Saver
    var_list = tree.checkpoint_keys()
    mine = {id(v) for v in var_list.values()}
    for v in all_saveable_objects(graph):
        if id(v) not in mine and hasattr(v, "op"):
            var_list[v.op.name] = v
    return Saver(var_list, sharded=True, allow_empty=True)


def _add_object_graph(prefix, tree):
    """The checkpoint at `prefix` again, with its `_CHECKPOINTABLE_OBJECT_GRAPH` entry."""
    reader = BundleReader(prefix)
    tensors = {name: reader.lookup(name) for name in reader.names()}
    tensors[OBJECT_GRAPH_KEY] = np.array(
        tree.trackable_object_graph().SerializeToString(deterministic=True), dtype=object)
    write_bundle(prefix, tensors)


def _clear_former_export(path):
    """Keras overwrites an export: the files a SavedModel has go, nothing else does."""
    if not os.path.isdir(path):
        return
    for name in (C.SAVED_MODEL_FILENAME_PB, C.SAVED_MODEL_FILENAME_PBTXT, metadata.FILENAME):
        if os.path.exists(os.path.join(path, name)):
            os.remove(os.path.join(path, name))
    variables = os.path.join(path, C.VARIABLES_DIRECTORY)
    if os.path.isdir(variables):
        for name in os.listdir(variables):
            os.remove(os.path.join(variables, name))
        os.rmdir(variables)
