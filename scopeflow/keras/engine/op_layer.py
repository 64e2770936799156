"""TF1 Keras' automatic op wrapping: a raw TensorFlow op applied to Keras tensors (`x + 3.0`)
becomes a `TensorFlowOpLayer` ("tf_op_layer_" + the op's name) when its output reaches a
layer call or a Functional model, its other inputs evaluated once as constants.

>>> import scopeflow as tf
>>> x = tf.keras.Input((2,))
>>> y = tf.keras.layers.ReLU()(x + 1.0)
>>> [l.name for l in tf.keras.Model(x, y).layers]
['input_1', 'tf_op_layer_add', 're_lu']
"""

from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.engine.node import Node, keras_history

PREFIX = "tf_op_layer_"


class TensorFlowOpLayer(Layer):
    """An op of the graph as a layer: a call makes a copy of it (same type and attributes)
    on the call's inputs, its constant inputs made again as Consts."""

    def __init__(self, op, name, constants=None, trainable=True, dtype=None):
        super().__init__(name=PREFIX + name, trainable=trainable, dtype=dtype)
        self._op_type, self._op_name = op.type, op.name
        self._op_attrs = dict(op._attrs)
        self._input_names = [t.name.rsplit(":", 1)[0] if t.value_index == 0 else t.name
                             for t in op.inputs]
        self.constants = dict(constants or {})
        self.built = True
        from google.protobuf import json_format
        self._node_def = json_format.MessageToDict(op.node_def)

    def get_config(self):
        return {"name": self.name[len(PREFIX):], "trainable": self.trainable,
                "dtype": self.dtype, "node_def": self._node_def,
                "constants": dict(self.constants)}

    def _autocast(self, x):
        return x  # TF's op layers never autocast

    def call(self, inputs):
        from scopeflow.ops import nest
        from scopeflow.ops.constant import constant
        inputs = nest.flatten(inputs)
        graph = inputs[0].graph
        name = graph.unique_name(self._op_name)
        for index in sorted(self.constants):
            inputs.insert(index, constant(self.constants[index],
                                          name=self._input_names[index]))
        op = graph.create_op(self._op_type, inputs, name=name + "/",
                             attrs=dict(self._op_attrs))
        return op.outputs[0] if len(op.outputs) == 1 else op.outputs


def uses_keras_history(tensors):
    """Whether any of `tensors` or the tensors they were computed from is a Keras tensor."""
    from scopeflow.ops import nest
    checked, to_check = set(), nest.flatten(tensors)
    while to_check:
        following = []
        for t in to_check:
            if id(t) in checked:
                continue
            checked.add(id(t))
            if keras_history(t) is not None:
                return True
            following.extend(getattr(getattr(t, "op", None), "inputs", ()))
        to_check = following
    return False


def needs_keras_history(tensors):
    """Whether `tensors` (a layer call's inputs, outside any layer's call) hold a tensor
    computed from Keras tensors by raw ops."""
    from scopeflow.ops import nest
    flat = nest.flatten(tensors)
    if all(keras_history(t) is not None for t in flat):
        return False
    return uses_keras_history(flat) and _only_constants_beside(flat)


# ops whose values a session cannot give without a feed or an initialized variable
_NOT_CONSTANT = {"Placeholder", "PlaceholderWithDefault", "VariableV2", "Variable",
                 "VarHandleOp"}


def _only_constants_beside(tensors):
    """Whether the ops between Keras tensors and `tensors` take nothing but Keras tensors and
    constants. (Other inputs, such as a variable of a tf.layers layer whose outputs carry no
    Keras history here, are left unwrapped, as before op layers.)"""
    seen, to_check = set(), list(tensors)
    while to_check:
        t = to_check.pop()
        if id(t) in seen or keras_history(t) is not None or not hasattr(t, "op"):
            continue
        seen.add(id(t))
        if t.op.type in _NOT_CONSTANT:
            return False
        to_check.extend(t.op.inputs)
    return True


def create_keras_history(tensors):
    """Op layers for the ops between Keras tensors and `tensors`; the layers made."""
    created = []
    _wrap(tensors, set(), created)
    return created


def _wrap(tensors, processed, created):
    from scopeflow.core.variables import init_scope
    from scopeflow.keras import backend
    from scopeflow.ops import nest
    for t in nest.flatten(tensors):
        if keras_history(t) is not None or not hasattr(t, "op"):
            continue
        op = t.op
        if op in processed:
            continue
        constants, layer_inputs = {}, []
        for i, op_input in enumerate(op.inputs):
            if uses_keras_history(op_input):
                layer_inputs.append(op_input)
            else:
                with init_scope():
                    constants[i] = backend.function([], op_input)([])
        layer_inputs = layer_inputs[0] if len(layer_inputs) == 1 else layer_inputs
        _wrap(layer_inputs, processed, created)
        op_layer = TensorFlowOpLayer(op, name=op.name, constants=constants)
        created.append(op_layer)
        outputs = op.outputs
        Node(op_layer, layer_inputs, outputs, (), {})
        processed.add(op)
