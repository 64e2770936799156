"""Keras recurrent layers of TF1 graph mode: SimpleRNN, GRU (both reset_after variants), LSTM,
their cells and RNN over a cell or a list of cells (StackedRNNCells); the time loop is one
`tf.while_loop` (the same loop as `tf.nn.dynamic_rnn`).

Weights are named by the cell inside the layer: `lstm/lstm_cell/kernel:0`.

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 4, 2])
>>> tf.keras.layers.LSTM(3)(x).shape.as_list()
[None, 3]
"""

from scopeflow.keras import activations, backend as K, constraints, initializers, regularizers
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest


class _Cell(Layer):
    """A cell: `call(inputs, states) -> (output, new_states)`, weights made in `build`."""

    n_gates = 1

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 dropout=0.0, recurrent_dropout=0.0, **kwargs):
        options = {k: kwargs.pop(k, None) for k in (
            "kernel_constraint", "recurrent_constraint", "bias_constraint", "unit_forget_bias",
            "implementation", "reset_after")}
        super().__init__(**kwargs)
        self._unit_forget_bias = options["unit_forget_bias"]
        self.reset_after = bool(options["reset_after"])  # GRU's (TF1 Keras: False)
        self.implementation = 1 if options["implementation"] is None else \
            options["implementation"]
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.regularizers = [regularizers.get(r) for r in
                             (kernel_regularizer, recurrent_regularizer, bias_regularizer)]
        self.constraints = [constraints.get(options[k]) for k in
                            ("kernel_constraint", "recurrent_constraint", "bias_constraint")]
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))

    def get_config(self):
        """Every argument, as tf_keras' cells write them (no recurrent_activation for
        SimpleRNN; unit_forget_bias for LSTM; implementation for LSTM and GRU; GRU's
        reset_after)."""
        from scopeflow.keras.serialization import layer_base_config, serialize
        config = dict(layer_base_config(self), **serialize(self._cell_args()))
        config.pop("batch_input_shape", None)
        return config

    def _cell_args(self):
        """The cell's arguments in Keras' order (shared with the layer that runs it)."""
        a = {"units": self.units, "activation": activations.serialize(self.activation)}
        if not isinstance(self, SimpleRNNCell):
            a["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        a.update(use_bias=self.use_bias, kernel_initializer=self.kernel_initializer,
                 recurrent_initializer=self.recurrent_initializer,
                 bias_initializer=self.bias_initializer)
        if isinstance(self, LSTMCell):
            a["unit_forget_bias"] = self._unit_forget_bias is not False
        a.update(zip(("kernel_regularizer", "recurrent_regularizer", "bias_regularizer"),
                     self.regularizers))
        a.update(zip(("kernel_constraint", "recurrent_constraint", "bias_constraint"),
                     self.constraints))
        a.update(dropout=self.dropout, recurrent_dropout=self.recurrent_dropout)
        if not isinstance(self, SimpleRNNCell):
            a["implementation"] = self.implementation
        if isinstance(self, GRUCell):
            a["reset_after"] = self.reset_after
        return a

    state_size = property(lambda self: self.units)
    output_size = property(lambda self: self.units)

    def build(self, input_shape):
        n = self.n_gates * self.units
        dim = input_shape.as_list()[-1]
        self.kernel = self.add_weight("kernel", (dim, n), initializer=self.kernel_initializer,
                                      regularizer=self.regularizers[0],
                                      constraint=self.constraints[0])
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, n),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.regularizers[1],
                                                constraint=self.constraints[1])
        self.bias = None
        if self.use_bias:  # GRU(reset_after): input and recurrent biases, (2, 3 * units)
            shape = (2, n) if self.reset_after else (n,)
            self.bias = self.add_weight("bias", shape, initializer=self._bias_init(),
                                        regularizer=self.regularizers[2],
                                        constraint=self.constraints[2])
        self.built = True

    def _bias_init(self):
        return self.bias_initializer

    def _w(self, name):
        """A weight as the time loop uses it: read once before the loop (see RNN.call)."""
        return self._reads.get(name) if getattr(self, "_reads", None) else getattr(self, name)

    def _inputs_part(self, inputs):
        tf = tf_api()
        z = tf.matmul(inputs, self._w("kernel"))
        return tf.nn.bias_add(z, self._w("bias")) if self.use_bias else z


class SimpleRNNCell(_Cell):
    """`h = activation(x W + b + h R)`."""

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)

    def call(self, inputs, states, training=None):
        tf = tf_api()
        h = self.activation(self._inputs_part(inputs) + tf.matmul(states[0],
                                                                   self._w("recurrent_kernel")))
        return h, [h]


class GRUCell(_Cell):
    """Gates z, r and candidate h̃. `reset_after=False` (Keras v1's default): the reset gate
    before the recurrent matmul; `reset_after=True` (TF 2's, CuDNN's): after it, with a
    second (recurrent) bias."""

    n_gates = 3

    def call(self, inputs, states, training=None):
        tf = tf_api()
        h = states[0]
        u = self.units
        rk, bias = self._w("recurrent_kernel"), self._w("bias")
        x = tf.matmul(inputs, self._w("kernel"))  # (batch, 3 * units): z, r, h̃ parts
        if self.use_bias:
            x = tf.nn.bias_add(x, bias[0] if self.reset_after else bias)
        if self.reset_after:  # r scales the recurrent part, its bias included
            inner = tf.matmul(h, rk)
            if self.use_bias:
                inner = tf.nn.bias_add(inner, bias[1])
            z = self.recurrent_activation(x[:, :u] + inner[:, :u])
            r = self.recurrent_activation(x[:, u:2 * u] + inner[:, u:2 * u])
            hh = self.activation(x[:, 2 * u:] + r * inner[:, 2 * u:])
        else:
            z = self.recurrent_activation(x[:, :u] + tf.matmul(h, rk[:, :u]))
            r = self.recurrent_activation(x[:, u:2 * u] + tf.matmul(h, rk[:, u:2 * u]))
            hh = self.activation(x[:, 2 * u:] + tf.matmul(r * h, rk[:, 2 * u:]))
        h = z * h + (1 - z) * hh
        return h, [h]


class LSTMCell(_Cell):
    """Gates i, f, c̃, o; state `[h, c]`; forget-gate bias starts at one."""

    n_gates = 4
    state_size = property(lambda self: [self.units, self.units])

    def _bias_init(self):
        if self._unit_forget_bias is False:
            return self.bias_initializer
        u, init = self.units, self.bias_initializer

        def bias(shape, dtype=None, partition_info=None):
            tf = tf_api()
            return tf.concat([init((u,), dtype=dtype), tf.ones((u,), dtype=dtype),
                              init((2 * u,), dtype=dtype)], 0)
        return bias

    def call(self, inputs, states, training=None):
        tf = tf_api()
        h, c = states
        z = self._inputs_part(inputs) + tf.matmul(h, self._w("recurrent_kernel"))
        u = self.units
        i = self.recurrent_activation(z[:, :u])
        f = self.recurrent_activation(z[:, u:2 * u])
        c = f * c + i * self.activation(z[:, 2 * u:3 * u])
        o = self.recurrent_activation(z[:, 3 * u:])
        h = o * self.activation(c)
        return h, [h, c]


class _Step:
    """The cell as the time loop calls it: `(x_t, state tuple) -> (output, state tuple)`."""

    def __init__(self, cell):
        self.cell, self.output_size = cell, cell.output_size

    def __call__(self, x, state):
        out, new = self.cell.call(x, list(state))
        return out, tuple(new)


class _MaskedStep(_Step):
    """A step that skips masked samples: the input carries the step's mask as its last
    column, the state the previous output first. A masked sample keeps its states and repeats
    its previous output (or outputs zeros, `zero_output`)."""

    def __init__(self, cell, zero_output):
        super().__init__(cell)
        self.zero_output = zero_output

    def __call__(self, x, state):
        tf = tf_api()
        keep = x[:, -1] > 0.5  # (batch,)
        out, new = self.cell.call(x[:, :-1], list(state[1:]))
        prev = tf.zeros_like(out) if self.zero_output else state[0]
        out = tf.where(keep, out, prev)
        new = [tf.where(keep, n, old) for n, old in zip(new, state[1:])]
        return out, (out,) + tuple(new)


class RNN(Layer):
    """Runs a cell over the time axis of `(batch, time, features)` inputs."""

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

    def _clone(self, **overrides):
        """A new layer of the same configuration (Bidirectional's forward/backward copies)."""
        units, cell_args, layer_args = self._config
        layer_args = {k: v for k, v in layer_args.items()
                      if k not in ("input_shape", "batch_input_shape", "weights")}
        return type(self)(units, **dict(cell_args, **dict(layer_args, **overrides)))

    def build(self, input_shape):
        cells = self.cell.leaf_cells() if hasattr(self.cell, "leaf_cells") else [self.cell]
        for cell in cells:  # a cell takes the layer's dtype (Keras; not a stack of cells)
            if cell._dtype is None:
                cell._dtype = self._dtype
        with K.name_scope(self.cell.name):
            self.cell.build(input_shape[:1].concatenate(input_shape[2:]))
            self.cell.built = True
        self.built = True

    trainable_weights = property(lambda self: self.cell.trainable_weights if self.trainable
                                 else [])

    @property
    def non_trainable_weights(self):
        return self.cell.non_trainable_weights if self.trainable else self.cell.weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    def call(self, inputs, mask=None, training=None, initial_state=None, _batch_major=False):
        from scopeflow.rnn.rnn import _dynamic_rnn_loop, _transpose_batch_time
        tf = tf_api()
        if self.time_major and not _batch_major:  # (time, batch, ...): run batch-major, sequences back to time-major
            out = self.call(_transpose_batch_time(inputs), mask, training, initial_state,
                            _batch_major=True)
            if not self.return_sequences:
                return out
            if self.return_state:
                return [_transpose_batch_time(out[0])] + list(out[1:])
            return _transpose_batch_time(out)
        sizes = nest.flatten(self.cell.state_size)
        if initial_state is None:
            batch = tf.shape(inputs)[0]
            initial_state = [tf.zeros(tf.stack([batch, s]), inputs.dtype) for s in sizes]
        elif not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        step = _Step(self.cell)
        x = inputs
        if mask is not None:  # (batch, time) -> one more feature column
            step = _MaskedStep(self.cell, self.zero_output_for_mask)
            x = tf.concat([inputs, tf.expand_dims(tf.cast(mask, inputs.dtype), -1)], -1)
            initial_state = [tf.zeros(tf.stack([tf.shape(inputs)[0], self.cell.output_size]),
                                      inputs.dtype)] + list(initial_state)
        x = _transpose_batch_time(x)
        if self.go_backwards:
            x = tf.reverse(x, [0])
        cells = self.cell.leaf_cells() if hasattr(self.cell, "leaf_cells") else [self.cell]
        for cell in cells:
            cell._reads = {n: tf.convert_to_tensor(getattr(cell, n))
                           for n in ("kernel", "recurrent_kernel", "bias")
                           if getattr(cell, n, None) is not None}
        try:
            outputs, states = _dynamic_rnn_loop(step, x, tuple(initial_state), None,
                                                inputs.dtype)
        finally:
            for cell in cells:
                cell._reads = None
        if mask is not None:
            states = states[1:]
        outputs = _transpose_batch_time(outputs)
        dims = inputs.shape.as_list()
        outputs.set_shape([dims[0], dims[1], self.cell.output_size])
        out = outputs if self.return_sequences else outputs[:, -1]
        if self.return_state:  # a stack's states nest per cell: [out, [h, c], h, ...]
            if isinstance(self.cell.state_size, tuple):
                states = nest.pack_sequence_as(
                    [list(s) if isinstance(s, (list, tuple)) else s
                     for s in self.cell.state_size], list(states))
            return [out] + list(states)
        return out

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
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = config.pop("cell")
        if isinstance(cell, dict):
            from scopeflow.keras.serialization import layer_from_config
            cell = layer_from_config(cell, custom_objects)
        return cls(cell, **config)

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
