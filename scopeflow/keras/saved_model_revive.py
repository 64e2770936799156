"""`tf.keras.models.load_model` of a subclassed Keras model's TF 2 SavedModel (no layer config
to rebuild from): a model of the saved class name whose weights are the SavedModel's
variables (named as saved, values from `variables/variables`) and whose call runs the traced
serving function, inlined into the caller's graph (checkpoint/import_calls.py).

Its sublayers come back from the object graph (saved_model_objects.py) under their attribute
names, nested as saved (a custom layer holding layers, a Sequential holding a custom layer),
holding the model's variables. As tf_keras does after loading, the model is called once on
an input named as the saved call's (`m.inputs`, `m.outputs`), and `m.signatures` maps
`serving_default` to the serving function (keyword inputs, a dict of outputs).
"""

import os

from scopeflow.keras.engine.functional import Model


class RevivedModel(Model):
    """A model made from a SavedModel's serving signature."""

    def __init__(self, name, saved):
        super().__init__(name=name)
        self._saved = saved
        self._weights_list = saved.make_variables()
        self._graph = None
        self.built = True

    def _listed(self, name):
        if self._graph is None or self._graph.child(0, name) is None:
            return list(self._weights_list)
        return self._graph.listed(0, name)

    weights = property(lambda self: self._listed("variables"))
    variables = weights
    trainable_weights = property(lambda self: self._listed("trainable_variables")
                                 if self.trainable else [])
    non_trainable_weights = property(
        lambda self: [v for v in self.weights
                      if all(v is not t for t in self.trainable_weights)])

    @property
    def signatures(self):
        """{"serving_default": f}: f(**inputs) is the serving function's outputs by key."""
        saved = self._saved

        def serving_default(**inputs):
            missing = sorted(set(saved.input_keys) - set(inputs))
            if missing:
                raise TypeError("serving_default missing required arguments: %s"
                                % ", ".join(missing))
            outs = saved.call([inputs[k] for k in saved.input_keys], self._weights_list)
            outs = outs if isinstance(outs, list) else [outs]
            return dict(zip(saved.output_keys, outs))
        return {"serving_default": serving_default}

    def call(self, inputs, training=None, mask=None):
        """The traced call, as tf_keras revives it in a TF1 graph: a cond on the training
        flag (the learning phase where not given) between the call traced with
        training=True and with training=False; else the serving function."""
        fns = self._graph.training_functions(0) if self._graph is not None else {}
        if not fns:
            return self._saved.call(inputs, self._weights_list)
        from scopeflow.keras import backend as K
        from scopeflow.layers.core import smart_cond
        return smart_cond(K.learning_phase() if training is None else training,
                          lambda: self._graph.call(fns[True], inputs),
                          lambda: self._graph.call(fns[False], inputs))

    def _build_from_data(self, array):
        """predict/evaluate's inputs: a placeholder shaped like the data, called once."""
        self._build_on(batch_shape=(None,) + tuple(array.shape[1:]), dtype=array.dtype.name)

    def _build_on(self, batch_shape, dtype, name=None):
        from scopeflow.keras.engine.input_layer import Input
        x = Input(batch_shape=batch_shape, dtype=dtype, name=name)
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
        self.meta = meta
        self.input_keys, self.output_keys = sorted(sig.inputs), sorted(sig.outputs)
        self.input_specs = [sig.inputs[k] for k in self.input_keys]
        self.input_names = [sig.inputs[k].name.split(":")[0] for k in self.input_keys]
        self.outputs = [sig.outputs[k].name for k in self.output_keys]
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
        graph = default_graph()
        scope = graph.get_name_scope()  # the model's call scope: `m/StatefulPartitionedCall`
        state = importer._Import(graph, scope + "/" if scope else "", {}, uniquify=True)
        state.library = self.library
        op, _ = inline_call(state, self.call_node, tensors)
        outs = [op.outputs[int(name.split(":")[1])] for name in self.outputs]
        return outs[0] if len(outs) == 1 else outs


def revive(path, nodes):
    """The RevivedModel of a subclassed model's SavedModel directory; `nodes`: the Keras
    metadata by object path ("root", "root.d1", ...)."""
    from scopeflow import dtypes
    from scopeflow.keras.saved_model_objects import ObjectGraph, revive_children
    root = nodes["root"]
    cls = type(str(root.get("class_name", "Model")), (RevivedModel,), {
        "get_config": lambda self: {}})
    model = cls(root.get("name"), _Saved(str(path)))
    if model._saved.meta.HasField("object_graph_def"):
        model._graph = ObjectGraph(model._saved.meta, model._saved, model._weights_list)
        revive_children(model, model._graph, nodes)
    if len(model._saved.input_specs) == 1:  # called once on its input, as tf_keras
        spec = model._saved.input_specs[0]
        shape = None if spec.tensor_shape.unknown_rank else \
            [d.size if d.size >= 0 else None for d in spec.tensor_shape.dim]
        model._build_on(shape, dtypes.as_dtype(spec.dtype).name,
                        name=model._saved.input_keys[0])
    return model
