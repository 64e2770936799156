"""Keras `StackedRNNCells`: cells run one after the other at each time step, as one cell.

`tf.keras.layers.RNN([cell_a, cell_b])` wraps its list in one; weights are named by both
scopes: `rnn/stacked_rnn_cells/lstm_cell/kernel:0`.

>>> import scopeflow as tf
>>> L = tf.keras.layers
>>> cells = L.StackedRNNCells([L.SimpleRNNCell(2), L.LSTMCell(3)])
>>> cells.state_size, cells.output_size
((2, [3, 3]), 3)
"""

from scopeflow.core.shape import TensorShape
from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.ops import nest


class StackedRNNCells(Layer):
    """Each cell's output is the next one's input; the states are all cells' states, in
    order (nested as `state_size`)."""

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError("All cells must have a `call` method and a `state_size` "
                                 "attribute. Received cells: %s" % (cells,))
        if kwargs.pop("reverse_state_order", False):
            raise NotImplementedError("StackedRNNCells(reverse_state_order=True) is not "
                                      "supported")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self):
        return tuple(cell.state_size for cell in self.cells)

    @property
    def output_size(self):
        return self.cells[-1].output_size

    def build(self, input_shape):
        """Each cell's build gets a tuple `(batch, features)`, as tf_keras' (its features the
        previous cell's `output_size`, else its first state size)."""
        input_shape = TensorShape(input_shape)
        batch = input_shape.as_list()[0] if input_shape.ndims else None
        input_shape = tuple(input_shape.as_list()) if input_shape.ndims is not None else None
        for cell in self.cells:
            if not cell.built:
                with K.name_scope(cell.name):
                    cell.build(input_shape)
                    cell.built = True
            size = getattr(cell, "output_size", None)
            if size is None:
                size = cell.state_size
                size = size[0] if isinstance(size, (list, tuple)) else size
            input_shape = (batch,) + tuple(TensorShape(size).as_list())
        self.built = True

    def call(self, inputs, states, training=None):
        nested = nest.pack_sequence_as(self.state_size, nest.flatten(states))
        new_states = []
        for cell, cell_states in zip(self.cells, nested):
            cell_states = list(cell_states) if isinstance(cell_states, (list, tuple)) else \
                [cell_states]
            kwargs = {"training": training} if getattr(cell, "_expects_training_arg", True) \
                else {}
            with K.name_scope(cell.name):  # as Keras' cell.__call__
                inputs, cell_states = cell.call(inputs, cell_states, **kwargs)
            new_states.append(cell_states)
        return inputs, nest.flatten(new_states)

    def leaf_cells(self):
        return [c for cell in self.cells for c in
                (cell.leaf_cells() if hasattr(cell, "leaf_cells") else [cell])]

    trainable_weights = property(lambda self: [w for c in self.cells
                                               for w in c.trainable_weights]
                                 if self.trainable else [])

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return [w for c in self.cells for w in c.weights]
        return [w for c in self.cells for w in c.non_trainable_weights]

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    def get_config(self):
        """`{"cells": [{"class_name", "config"}, ...]}` and the layer's name/trainable/dtype."""
        from scopeflow.keras.serialization import layer_base_config, serialize
        config = layer_base_config(self)
        config.pop("batch_input_shape", None)
        config["cells"] = [serialize(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from scopeflow.keras.serialization import layer_from_config
        config = dict(config)
        cells = [layer_from_config(c, custom_objects) if isinstance(c, dict) else c
                 for c in config.pop("cells")]
        return cls(cells, **config)
