"""`tf.keras.models.load_model` of a subclassed Keras model's TF 2 SavedModel (no layer config
to rebuild from): a model of the saved class name whose weights are the SavedModel's
variables (named as saved, values from `variables/variables`) and whose call runs the traced
serving function, inlined into the caller's graph (checkpoint/import_calls.py).

The model's call is the serving function; its direct sublayers of built-in classes come back
from their saved configs as layers of the model (`model.layers`, and under their attribute
names, `model.d1`) holding the model's variables (a handle `<model>/<layer>/<weight>` is the
layer's `<weight>`), so they can be called on their own, as tf_keras revives them.
"""

import os

from scopeflow.keras.engine.functional import Model


class RevivedModel(Model):
    """A model made from a SavedModel's serving signature."""

    def __init__(self, name, saved):
        super().__init__(name=name)
        self._saved = saved
        self._weights_list = saved.make_variables()
        self.built = True

    trainable_weights = property(lambda self: list(self._weights_list) if self.trainable
                                 else [])
    non_trainable_weights = property(lambda self: [] if self.trainable
                                     else list(self._weights_list))
    weights = property(lambda self: list(self._weights_list))
    variables = weights

    def call(self, inputs, training=None, mask=None):
        return self._saved.call(inputs, self._weights_list)

    def _build_from_data(self, array):
        """predict/evaluate's inputs: a placeholder shaped like the data, called once."""
        from scopeflow.keras.engine.input_layer import Input
        x = Input(batch_shape=(None,) + tuple(array.shape[1:]), dtype=array.dtype.name)
        self.inputs, self.outputs = [x], [self(x)]


class _Saved:
    """The parts of a SavedModel the revived model needs: the serving call, the variables it
    reads and their checkpoint keys."""

    def __init__(self, path):
        from scopeflow.saved_model.loader import parse_saved_model
        meta = parse_saved_model(path).meta_graphs[0]
        self.path = path
        self.graph_def = meta.graph_def
        self.library = {f.signature.name: f for f in self.graph_def.library.function}
        self.nodes = {n.name: n for n in self.graph_def.node}
        sig = meta.signature_def["serving_default"]
        self.input_names = [sig.inputs[k].name.split(":")[0] for k in sorted(sig.inputs)]
        self.outputs = [sig.outputs[k].name for k in sorted(sig.outputs)]
        self.call_node = self.nodes[self.outputs[0].split(":")[0]]
        self.handles = [i for i in self.call_node.input
                        if not i.startswith("^") and i not in self.input_names]
        self.keys = self._checkpoint_keys(meta.saver_def.restore_op_name)

    def _checkpoint_keys(self, restore_op):
        """{VarHandleOp name: checkpoint key} from the restore function's assignments."""
        call = self.nodes[restore_op]
        fdef = self.library[call.attr["f"].func.name]
        bound = {a.name: call.input[k] for k, a in enumerate(fdef.signature.input_arg)}
        body = {n.name: n for n in fdef.node_def}
        names = [s.decode() for s in
                 body["RestoreV2/tensor_names"].attr["value"].tensor.string_val]
        keys = {}
        for n in fdef.node_def:
            if n.op != "AssignVariableOp":
                continue
            source = body[n.input[1].split(":")[0]]  # Identity of a RestoreV2 output
            keys[bound[n.input[0]]] = names[int(source.input[0].split(":")[-1])]
        return keys

    def make_variables(self):
        """One resource variable per handle the serving call reads, holding the saved value."""
        from scopeflow.checkpoint.reader import NewCheckpointReader
        from scopeflow.core.variables import VariableV1
        from scopeflow.keras import backend as K
        reader = NewCheckpointReader(os.path.join(self.path, "variables", "variables"))
        out = []
        for handle in self.handles:
            value = reader.get_tensor(self.keys[handle])
            v = VariableV1(value, name=handle, use_resource=True)
            K.track_variable(v)
            out.append(v)
        return out

    def call(self, inputs, variables):
        """The serving function's outputs on `inputs` (a tensor or a list, in the signature's
        sorted input order), the handles bound to `variables`."""
        from scopeflow.checkpoint import importer
        from scopeflow.checkpoint.import_calls import inline_call
        from scopeflow.core.frame import default_graph
        from scopeflow.ops.constant import convert_to_tensor
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        bound = dict(zip(self.input_names, (convert_to_tensor(x) for x in inputs)))
        bound.update((h, v.handle) for h, v in zip(self.handles, variables))
        tensors = [bound[i] for i in self.call_node.input if not i.startswith("^")]
        state = importer._Import(default_graph(), "", {}, uniquify=True)
        state.library = self.library
        op, _ = inline_call(state, self.call_node, tensors)
        outs = [op.outputs[int(name.split(":")[1])] for name in self.outputs]
        return outs[0] if len(outs) == 1 else outs


def revive(path, root, children=()):
    """The RevivedModel of a subclassed model's SavedModel directory; `children` holds
    `(attribute, metadata)` of its direct sublayers."""
    cls = type(str(root.get("class_name", "Model")), (RevivedModel,), {
        "get_config": lambda self: {}})
    model = cls(root.get("name"), _Saved(str(path)))
    for attr, meta in children:
        layer = _revive_layer(meta, model)
        if layer is not None:
            setattr(model, attr, layer)
    return model


def _revive_layer(meta, model):
    """A built-in layer rebuilt from its saved config, holding the model's variables whose
    handles name it; None for a class Keras does not know here."""
    from scopeflow.keras.serialization import layer_from_config
    try:
        layer = layer_from_config({"class_name": meta["class_name"], "config": meta["config"]})
    except (ValueError, TypeError, KeyError):
        return None
    for handle, v in zip(model._saved.handles, model._weights_list):
        parts = handle.split("/")
        if len(parts) >= 2 and parts[-2] == layer.name:
            setattr(layer, parts[-1], v)
            trainable = layer.trainable and not parts[-1].startswith("moving_")
            (layer._trainable_weights if trainable else layer._non_trainable_weights).append(v)
    layer.built = True
    return layer
