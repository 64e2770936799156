"""Keras recurrent layers of TF1 graph mode: SimpleRNN, GRU (both reset_after variants), LSTM,
their cells (recurrent_cells.py) and RNN over a cell or a list of cells (StackedRNNCells); the
time loop is Keras' own (rnn_loop.py: `lstm/while/...`, `lstm/lstm_cell_1/...` for the first
step).

Weights are named by the cell inside the layer: `lstm/lstm_cell/kernel:0`.

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 4, 2])
>>> tf.keras.layers.LSTM(3)(x).shape.as_list()
[None, 3]
"""

import inspect

from scopeflow.core.shape import TensorShape
from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.layers import rnn_loop
from scopeflow.keras.layers.recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "SimpleRNN", "SimpleRNNCell"]


class RNN(Layer):
    """Runs a cell over the time axis of `(batch, time, features)` inputs."""

    _cell_scope = True  # the cell's weights and step ops in its own name scope
    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, time_major=False, zero_output_for_mask=False,
                 **kwargs):
        if isinstance(cell, (list, tuple)):  # made before the layer is named, as Keras
            from scopeflow.keras.layers.stacked_cells import StackedRNNCells
            cell = StackedRNNCells(cell)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.unroll = go_backwards, stateful, unroll
        self.time_major = time_major
        self.zero_output_for_mask = zero_output_for_mask
        self._states = None
        self._num_constants = 0

    def _clone(self, **overrides):
        """A new layer of the same configuration (Bidirectional's forward/backward copies)."""
        if not hasattr(self, "_config"):  # RNN(cell): rebuilt from its config, as tf_keras
            config = dict(self.get_config(), **overrides)
            cells = [self.cell] + list(getattr(self.cell, "cells", []))
            custom = {type(c).__name__: type(c) for c in cells}
            return type(self).from_config(config, custom_objects=custom)
        units, cell_args, layer_args = self._config
        layer_args = {k: v for k, v in layer_args.items()
                      if k not in ("input_shape", "batch_input_shape", "weights")}
        return type(self)(units, **dict(cell_args, **dict(layer_args, **overrides)))

    def __call__(self, inputs, *args, initial_state=None, constants=None, **kwargs):
        """Keras tensors given as `initial_state` / `constants` join the inputs (the layer's
        node records them); other tensors pass to `call` as they are, as tf_keras."""
        inputs, initial_state, constants = standardize_args(
            inputs, initial_state, constants, self._num_constants)
        if initial_state is None and constants is None:
            return super().__call__(inputs, *args, **kwargs)
        if constants is not None:
            self._num_constants = len(constants)
        extra = list(initial_state or []) + list(constants or [])
        if keras_inputs(extra, _MIXED_RNN % (initial_state, constants)):
            return super().__call__([inputs] + extra, *args, **kwargs)
        if initial_state is not None:
            kwargs["initial_state"] = initial_state
        if constants is not None:
            kwargs["constants"] = constants
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape):
        if isinstance(input_shape, list):  # [inputs, *initial_state, *constants]
            input_shape = input_shape[0]
        cells = self.cell.leaf_cells() if hasattr(self.cell, "leaf_cells") else [self.cell]
        for cell in cells:  # a cell takes the layer's dtype (Keras; not a stack of cells)
            if cell._dtype is None:
                cell._dtype = self._dtype
        input_shape = TensorShape(input_shape)
        # the step's input, (batch, features), a tuple as tf_keras hands a cell's build
        dims = tuple(input_shape.as_list()) if input_shape.ndims is not None else None
        step_shape = dims and (dims[1:] if self.time_major else dims[:1] + dims[2:])
        if not self.cell.built:
            with K.name_scope(self.cell.name) if self._cell_scope else _no_scope():
                self.cell.build(step_shape)
                self.cell.built = True
        self._batch_size = input_shape.as_list()[1 if self.time_major else 0]
        if self.stateful:
            self.reset_states()
        self.built = True

    @property
    def states(self):
        """A stateful layer's state variables (nested as the cell's `state_size`), else Nones."""
        if self._states is None:
            sizes = self.cell.state_size
            if isinstance(sizes, (list, tuple)):
                return nest.map_structure(lambda _: None, list(sizes))
            return [None]
        return self._states

    @states.setter
    def states(self, states):
        self._states = states

    def reset_states(self, states=None):
        """Zeroes a stateful layer's states, or sets them to `states` (numpy arrays)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        batch = getattr(self, "_batch_size", None)
        if not batch:
            raise ValueError(_NO_BATCH)
        sizes = self.cell.state_size
        flat_sizes = nest.flatten(sizes)
        if self._states is None:
            tf = tf_api()
            dtype = self._dtype or K.floatx()
            zeros = [tf.zeros([batch] + _dims(s), dtype=dtype) for s in flat_sizes]
            flat = [K.variable(z, dtype) for z in zeros]
            self._states = (nest.pack_sequence_as(sizes, flat)
                            if isinstance(sizes, (list, tuple)) else [flat[0]])
        elif states is None:
            import numpy as np
            for var, size in zip(nest.flatten(self._states), flat_sizes):
                K.set_value(var, np.zeros([batch] + _dims(size)))
        else:
            flat_vars = nest.flatten(self._states)
            values = nest.flatten(states)
            if len(values) != len(flat_vars):
                raise ValueError("Layer %s expects %d states, but it received %d state "
                                 "values. States received: %s"
                                 % (self.name, len(flat_vars), len(values), states))
            for i, (value, var) in enumerate(zip(values, flat_vars)):
                if tuple(value.shape) != tuple(var.shape.as_list()):
                    raise ValueError("State %d is incompatible with layer %s: expected "
                                     "shape=%s but found shape=%s"
                                     % (i, self.name, (batch, var), value.shape))
            K.batch_set_value(list(zip(flat_vars, values)))

    trainable_weights = property(lambda self: self.cell.trainable_weights if self.trainable
                                 else [])

    @property
    def non_trainable_weights(self):
        return self.cell.non_trainable_weights if self.trainable else self.cell.weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    def get_initial_state(self, inputs):
        """Zeros of `(batch,) + size` for each state, nested as the cell's `state_size`."""
        tf = tf_api()
        shape = tf.shape(inputs)
        batch = shape[1] if self.time_major else shape[0]
        sizes = self.cell.state_size
        zeros = [tf.zeros([batch] + _dims(s), dtype=inputs.dtype) for s in nest.flatten(sizes)]
        return nest.pack_sequence_as(sizes, zeros) if isinstance(sizes, (list, tuple)) \
            else zeros

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        if isinstance(inputs, list):  # [inputs, *initial_state, *constants]
            n = self._num_constants
            if n:
                constants = inputs[-n:]
            initial_state = inputs[1:len(inputs) - n] or initial_state
            inputs = inputs[0]
        if initial_state is not None and not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        if self.stateful:
            initial_state = self._stateful_initial(initial_state)
        elif initial_state is None:
            initial_state = self.get_initial_state(inputs)
        for cell in self._cells():
            if hasattr(cell, "reset_dropout_mask"):
                cell.reset_dropout_mask()
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        timesteps = inputs.shape.as_list()[0 if self.time_major else 1]
        if self.unroll and timesteps is None:
            raise ValueError("Cannot unroll a RNN if the time dimension is undefined. \n"
                             "- If using a Sequential model, specify the time dimension by "
                             "passing an `input_shape` or `batch_input_shape` argument to your "
                             "first layer. If your first layer is an Embedding, you can also "
                             "use the `input_length` argument.\n- If using the functional API, "
                             "specify the time dimension by passing a `shape` or `batch_shape` "
                             "argument to your Input layer.")
        loop = rnn_loop.Loop(self._step_fn(training, constants), self.go_backwards, mask,
                             self.unroll, self.time_major, self.zero_output_for_mask)
        last, outputs, states = rnn_loop.run(loop, inputs, nest.flatten(initial_state))
        if self.stateful:  # the last states carry to the next run (Keras: layer updates)
            tf = tf_api()
            self.add_update([tf.assign(var, tf.cast(state, var.dtype.base_dtype))
                             for var, state in zip(nest.flatten(self.states), states)])
        out = outputs if self.return_sequences else last
        if self.return_state:  # a stack's states nest per cell: [out, [h, c], h, ...]
            if isinstance(self.cell.state_size, tuple):
                states = nest.pack_sequence_as(
                    [list(s) if isinstance(s, (list, tuple)) else s
                     for s in self.cell.state_size], list(states))
            return [out] + list(states)
        return out

    def _stateful_initial(self, initial_state):
        """The state variables; a given initial state only while they are all zero."""
        tf = tf_api()
        if initial_state is not None:
            nonzero = tf.add_n([tf.math.count_nonzero(s) for s in nest.flatten(self.states)])
            states, given = self.states, initial_state
            initial_state = tf.cond(nonzero > 0, lambda: states, lambda: given, strict=True)
        else:
            initial_state = self.states
        dtype = self._dtype or self.cell._dtype
        return nest.map_structure(
            lambda v: v if dtype is None or v.dtype.base_dtype == dtype else tf.cast(v, dtype),
            initial_state)

    def _cells(self):
        return [self.cell] + (self.cell.leaf_cells() if hasattr(self.cell, "leaf_cells")
                              else [])

    def _step_fn(self, training, constants=None):
        """The cell as Keras' loop calls it: in the cell's name scope, the states a tuple,
        the constants (captured by the loop) as the cell's `constants` argument."""
        cell = self.cell
        kwargs = {"training": training} if getattr(cell, "_expects_training_arg", True) \
            else {}
        if constants:
            if "constants" not in inspect.signature(cell.call).parameters:
                raise ValueError("RNN cell %s does not support constants. Received: "
                                 "constants=%s" % (cell, constants))
            kwargs["constants"] = tuple(constants)

        def step(x_t, states):
            with K.name_scope(cell.name) if self._cell_scope else _no_scope():
                out, new_states = cell.call(x_t, states, **kwargs)
            if not isinstance(new_states, (list, tuple)):
                new_states = [new_states]
            return out, new_states
        return step

    def _loop_config(self):
        from scopeflow.keras.serialization import layer_base_config
        config = layer_base_config(self)
        config.update(return_sequences=self.return_sequences, return_state=self.return_state,
                      go_backwards=self.go_backwards, stateful=self.stateful,
                      unroll=self.unroll, time_major=self.time_major)
        return config

    def get_config(self):
        """tf_keras' RNN config: the loop's flags and the cell as `{"class_name", "config"}`."""
        from scopeflow.keras.serialization import serialize
        config = self._loop_config()
        if self.zero_output_for_mask:
            config["zero_output_for_mask"] = True
        config["cell"] = serialize(self.cell)
        if self._num_constants:
            config["num_constants"] = self._num_constants
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = config.pop("cell")
        num_constants = config.pop("num_constants", 0)
        if isinstance(cell, dict):
            from scopeflow.keras.serialization import layer_from_config
            cell = layer_from_config(cell, custom_objects)
        layer = cls(cell, **config)
        layer._num_constants = num_constants
        return layer

    def compute_mask(self, inputs, mask=None):
        """The sequence keeps the input's mask; a last output or a state has none."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out_mask = mask if self.return_sequences else None
        if self.return_state:
            return [out_mask] + [None] * len(nest.flatten(self.cell.state_size))
        return out_mask


def _rnn_class(name, cell_cls, cell_name, defaults):
    def __init__(self, units, **kwargs):
        layer_args = {k: kwargs.pop(k) for k in list(kwargs)
                      if k in ("return_sequences", "return_state", "go_backwards", "stateful",
                               "unroll", "time_major", "name", "trainable", "input_shape",
                               "batch_input_shape", "batch_size", "input_dim", "dtype",
                               "activity_regularizer", "weights", "zero_output_for_mask")}
        for key, value in defaults.items():
            kwargs.setdefault(key, value)
        self._config = (units, dict(kwargs), dict(layer_args))
        cell = cell_cls(units, name=cell_name, dtype=layer_args.get("dtype"), **kwargs)
        RNN.__init__(self, cell, **layer_args)
        self.units = int(units)

    def get_config(self):
        """tf_keras' layer config: the loop's flags, then the cell's arguments (its
        dropout clipped to [0, 1]) with the layer's activity_regularizer; the cell is then
        serialized and dropped, as Keras does (its objects count as shared)."""
        from scopeflow.keras.serialization import serialize
        config = self._loop_config()
        args = {}
        for key, value in self.cell._cell_args().items():
            args[key] = value
            if key == "bias_regularizer":
                args["activity_regularizer"] = self._activity_regularizer
        config.update(serialize(args))
        serialize(self.cell)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        return cls(config.pop("units"), **config)

    return type(name, (RNN,), {"__init__": __init__, "get_config": get_config,
                               "from_config": from_config,
                               "__doc__": "`tf.keras.layers.%s`." % name})


SimpleRNN = _rnn_class("SimpleRNN", SimpleRNNCell, "simple_rnn_cell", {})
GRU = _rnn_class("GRU", GRUCell, "gru_cell", {})
LSTM = _rnn_class("LSTM", LSTMCell, "lstm_cell", {})


_NO_BATCH = ("If a RNN is stateful, it needs to know its batch size. Specify the batch size "
             "of your input tensors: \n- If using a Sequential model, specify the batch size "
             "by passing a `batch_input_shape` argument to your first layer.\n- If using the "
             "functional API, specify the batch size by passing a `batch_shape` argument to "
             "your Input layer.")


_MIXED_RNN = ("The initial state or constants of an RNN layer cannot be specified via a mix "
              "of TF-Keras tensors and non-Keras tensors (a \"Keras tensor\" is a tensor that "
              "was returned by a TF-Keras layer  or by `Input` during Functional model "
              "construction). Received: initial_state=%s, constants=%s")


def standardize_args(inputs, initial_state, constants, num_constants):
    """`(inputs, initial_state, constants)` of a call given `[inputs, *states, *constants]`
    (a model loaded from a file) or keywords; the states and constants as lists or None."""
    if isinstance(inputs, list):
        if num_constants:
            constants = inputs[-num_constants:]
            inputs = inputs[:-num_constants]
        if len(inputs) > 1:
            initial_state = inputs[1:]
            inputs = inputs[:1]
        inputs = tuple(inputs) if len(inputs) > 1 else inputs[0]

    def as_list(x):
        if x is None or isinstance(x, list):
            return x
        return list(x) if isinstance(x, tuple) else [x]
    return inputs, as_list(initial_state), as_list(constants)


def keras_inputs(tensors, mixed_error):
    """Whether `tensors` (initial states, constants) are Keras tensors: all or none may be
    (ValueError `mixed_error` otherwise); an empty list counts as Keras tensors."""
    flat = nest.flatten(tensors)
    if not flat:
        return True
    first = K._keras_made(flat[0])
    if any(K._keras_made(t) != first for t in flat):
        raise ValueError(mixed_error)
    return first


def _no_scope():
    import contextlib
    return contextlib.nullcontext()


def _dims(size):
    return list(size) if isinstance(size, (list, tuple)) else [int(size)]
