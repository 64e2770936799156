"""`tf.keras.Input` / `InputLayer`: a placeholder named after its layer (`input_1`, ...).

>>> import scopeflow as tf
>>> tf.keras.Input(shape=(3,), name="a").name
'a:0'
"""

from scopeflow import dtypes as _dt
from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.engine.node import Node


class InputLayer(Layer):
    """The layer of a model input: no weights, one node whose output is the placeholder."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None,
                 sparse=False, name=None, ragged=False, batch_input_shape=None, optional=False,
                 **kwargs):
        if not name:
            name = "input_%d" % K.get_uid("input")
        super().__init__(name=name, dtype=dtype, trainable=False)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (batch_size,) + tuple(input_shape)
        dtype = _dt.as_dtype(dtype or (input_tensor.dtype.base_dtype if input_tensor is not None
                                       else K.floatx()))
        self._dtype = dtype
        if input_tensor is None:
            tf = K.tf_api()
            shape = None if batch_input_shape is None else list(batch_input_shape)
            input_tensor = tf.placeholder(dtype, shape=shape, name=self.name)
        self._batch_input_shape = None if batch_input_shape is None else tuple(batch_input_shape)
        self.is_placeholder = input_tensor.op.type == "Placeholder"
        self.sparse, self.ragged, self.optional = sparse, ragged, optional
        self.built = True
        Node(self, input_tensor, input_tensor, (), {})

    @property
    def output_shape(self):
        return [K.int_shape(self._inbound_nodes[0].outputs)]

    def get_config(self):
        shape = None if self._batch_input_shape is None else list(self._batch_input_shape)
        return {"batch_input_shape": shape, "dtype": getattr(self.dtype, "name", self.dtype),
                "sparse": self.sparse, "ragged": self.ragged, "name": self.name,
                "optional": self.optional}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False, tensor=None,  # noqa: N802
          ragged=False, batch_shape=None, **kwargs):
    """`tf.keras.Input`: the placeholder of a new InputLayer (or `tensor`, wrapped)."""
    if batch_shape is None and shape is None and tensor is None:
        raise ValueError("Please provide to Input a `shape` or a `tensor` or a `type_spec` "
                         "argument. Note that `shape` does not include the batch dimension.")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       sparse=sparse, input_tensor=tensor, ragged=ragged,
                       batch_input_shape=batch_shape)
    return layer._inbound_nodes[0].outputs
