"""`model.save(path, save_format="tf")` in TF1 graph mode: the Keras session's graph and
variables as a TF1 SavedModel (tag `serve`) whose `serving_default` predict signature maps the
input layers' names to the model inputs and the output layers' names to its outputs, the keys
TF's Keras SavedModels use. `tf.saved_model.loader.load` reads it, in TF and here.

>>> # model.save("/tmp/m", save_format="tf"); then, in a fresh graph:
>>> # sig = tf.saved_model.loader.load(sess, ["serve"], "/tmp/m").signature_def["serving_default"]
"""

import os

from scopeflow.keras import backend as K
from scopeflow.saved_model import constants as C


def export(model, path):
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
    with session.graph.as_default():
        builder.add_meta_graph_and_variables(
            session, [C.SERVING],
            {C.DEFAULT_SERVING_SIGNATURE_DEF_KEY: predict_signature_def(inputs, outputs)})
    builder.save()


def _clear_former_export(path):
    """Keras overwrites an export: the files a SavedModel has go, nothing else does."""
    if not os.path.isdir(path):
        return
    for name in (C.SAVED_MODEL_FILENAME_PB, C.SAVED_MODEL_FILENAME_PBTXT):
        if os.path.exists(os.path.join(path, name)):
            os.remove(os.path.join(path, name))
    variables = os.path.join(path, C.VARIABLES_DIRECTORY)
    if os.path.isdir(variables):
        for name in os.listdir(variables):
            os.remove(os.path.join(variables, name))
        os.rmdir(variables)
