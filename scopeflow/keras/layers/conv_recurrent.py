"""Keras convolutional LSTMs (ConvLSTM1D, 2D, 3D): an LSTM whose gates are convolutions
over volumes (rank 3), images (rank 2) or sequences (rank 1), as tf_keras builds them in TF1
graphs: weights `<layer>/kernel`, `recurrent_kernel`, `bias`, and the step's ops in the layer's own scope
(tf_keras' ConvRNN calls the cell outside its name scope).

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 3, 5, 5, 2])
>>> layer = tf.keras.layers.ConvLSTM2D(4, 3)
>>> layer(x).shape.as_list(), [w.name for w in layer.weights][0]
([None, 3, 3, 4], 'conv_lstm2d/kernel:0')
"""

from scopeflow.core.shape import TensorShape
from scopeflow.keras import activations, backend as K
from scopeflow.keras.layers.recurrent import RNN
from scopeflow.keras.layers.recurrent_cells import LSTMCell, _Cell, _dropped
from scopeflow.layers.core import tf_api
from scopeflow.layers.utils import (conv_output_length, normalize_data_format,
                                    normalize_padding, normalize_tuple)

_CONV_ARGS = ("strides", "padding", "data_format", "dilation_rate")
_ARG_ORDER = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
              "activation", "recurrent_activation", "use_bias", "kernel_initializer",
              "recurrent_initializer", "bias_initializer", "unit_forget_bias",
              "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
              "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
              "recurrent_dropout")


class ConvLSTMCell(_Cell):
    """One ConvLSTM step over `(batch, *spatial, channels)`: gates i, f, c̃, o, each the
    input's convolution (+ bias) plus the state's "same" convolution."""

    n_gates = 4

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, unit_forget_bias=True, **kwargs):
        super().__init__(filters, unit_forget_bias=unit_forget_bias, **kwargs)
        if rank > 3:
            raise ValueError("Rank %d convolutions are not currently implemented. Received: "
                             "rank=%d" % (rank, rank))
        self.rank, self.filters = rank, filters
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format or K.image_data_format())
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")

    state_size = property(lambda self: (self.filters, self.filters))

    def build(self, input_shape):
        dim = input_shape[1 if self.data_format == "channels_first" else -1]
        if dim is None:
            raise ValueError("The channel dimension of the inputs (last axis) should be "
                             "defined. Found None. Full input shape received: input_shape=%s"
                             % (input_shape,))
        self.kernel_shape = self.kernel_size + (dim, self.filters * 4)
        self.kernel = self.add_weight("kernel", self.kernel_shape,
                                      initializer=self.kernel_initializer,
                                      regularizer=self.regularizers[0],
                                      constraint=self.constraints[0])
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel", self.kernel_size + (self.filters, self.filters * 4),
            initializer=self.recurrent_initializer, regularizer=self.regularizers[1],
            constraint=self.constraints[1])
        self.bias = self.add_weight(
            "bias", (self.filters * 4,), initializer=self._bias_init(),
            regularizer=self.regularizers[2],
            constraint=self.constraints[2]) if self.use_bias else None
        self.built = True

    _bias_init = LSTMCell._bias_init  # zeros, ones (forget gate), zeros; `units` = filters

    def call(self, inputs, states, training=None):
        tf = tf_api()
        h_tm1, c_tm1 = states[0], states[1]
        dp = self.get_dropout_mask_for_cell(inputs, training, count=4)
        rec_dp = self.get_recurrent_dropout_mask_for_cell(h_tm1, training, count=4)
        xs = _dropped(inputs, dp, self.dropout, 4)
        hs = _dropped(h_tm1, rec_dp, self.recurrent_dropout, 4)
        kernels = tf.split(self.kernel, 4, axis=self.rank + 1)
        recurrent = tf.split(self.recurrent_kernel, 4, axis=self.rank + 1)
        biases = tf.split(self.bias, 4) if self.use_bias else [None] * 4
        x = [self.input_conv(xi, k, b, padding=self.padding)
             for xi, k, b in zip(xs, kernels, biases)]
        h = [self.recurrent_conv(hi, k) for hi, k in zip(hs, recurrent)]
        i = self.recurrent_activation(x[0] + h[0])
        f = self.recurrent_activation(x[1] + h[1])
        c = f * c_tm1 + i * self.activation(x[2] + h[2])
        o = self.recurrent_activation(x[3] + h[3])
        out = o * self.activation(c)
        return out, [out, c]

    def _conv(self, x, w, strides, padding, dilation_rate):
        conv = (K.conv1d, K.conv2d, K.conv3d)[self.rank - 1]
        return conv(x, w, strides=strides if self.rank > 1 else strides[0], padding=padding,
                    data_format=self.data_format,
                    dilation_rate=dilation_rate if self.rank > 1 else dilation_rate[0])

    def input_conv(self, x, w, b=None, padding="valid"):
        out = self._conv(x, w, self.strides, padding, self.dilation_rate)
        return out if b is None else K.bias_add(out, b, data_format=self.data_format)

    def recurrent_conv(self, x, w):
        ones = (1,) * self.rank
        return self._conv(x, w, ones, "same", ones)

    def _cell_args(self):
        """The arguments in tf_keras' order (shared with the layer's config)."""
        a = {"filters": self.filters, "kernel_size": self.kernel_size}
        a.update((k, getattr(self, k)) for k in _CONV_ARGS)
        a.update(activation=activations.serialize(self.activation),
                 recurrent_activation=activations.serialize(self.recurrent_activation),
                 use_bias=self.use_bias, kernel_initializer=self.kernel_initializer,
                 recurrent_initializer=self.recurrent_initializer,
                 bias_initializer=self.bias_initializer,
                 unit_forget_bias=self._unit_forget_bias is not False)
        a.update(zip(("kernel_regularizer", "recurrent_regularizer", "bias_regularizer"),
                     self.regularizers))
        a.update(zip(("kernel_constraint", "recurrent_constraint", "bias_constraint"),
                     self.constraints))
        a.update(dropout=self.dropout, recurrent_dropout=self.recurrent_dropout)
        return a


class ConvLSTM(RNN):
    """A ConvLSTMCell run over the time axis of `(batch, time, *spatial, channels)`."""

    _cell_scope = False  # tf_keras' ConvRNN: weights and step ops in the layer's scope

    def __init__(self, rank, filters, kernel_size, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, **kwargs):
        layer_args = {k: kwargs.pop(k) for k in list(kwargs) if k in _LAYER_ARGS}
        if kwargs.pop("unroll", False):
            raise TypeError("Unrolling is not possible with convolutional RNNs. Received: "
                            "unroll=True")
        cell = ConvLSTMCell(rank, filters, kernel_size, name="conv_lstm_cell",
                            dtype=layer_args.get("dtype"), **kwargs)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **layer_args)
        self.rank = rank

    def __getattr__(self, name):  # filters, kernel_size, ...: the cell's
        if name in _ARG_ORDER and "cell" in self.__dict__:
            return getattr(self.cell, name)
        raise AttributeError(name)

    def get_initial_state(self, inputs):
        """The zero input step convolved by a zero kernel: zeros of the output's shape."""
        tf = tf_api()
        step = K.sum(K.zeros_like(inputs), axis=1)  # (batch, *spatial, channels)
        shape = list(self.cell.kernel_shape)
        shape[-1] = self.cell.filters
        state = self.cell.input_conv(step, tf.zeros(tuple(shape), step.dtype),
                                     padding=self.cell.padding)
        return [state, state]

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        cell, dims = self.cell, TensorShape(input_shape).as_list()
        first = cell.data_format == "channels_first"
        spatial = dims[3:] if first else dims[2:-1]
        out = [conv_output_length(d, cell.kernel_size[i], cell.padding, cell.strides[i],
                                  cell.dilation_rate[i]) for i, d in enumerate(spatial)]
        one = [dims[0]] + ([cell.filters] + out if first else out + [cell.filters])
        seq = one[:1] + [dims[1]] + one[1:] if self.return_sequences else one
        if self.return_state:
            return [TensorShape(seq), TensorShape(one), TensorShape(one)]
        return TensorShape(seq)

    def get_config(self):
        """tf_keras' layer config: the loop's flags, then the cell's arguments with the
        layer's activity_regularizer after bias_regularizer."""
        from scopeflow.keras.serialization import serialize
        config = self._loop_config()
        for key, value in self.cell._cell_args().items():
            config[key] = serialize(value)
            if key == "bias_regularizer":
                config["activity_regularizer"] = serialize(self._activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_LAYER_ARGS = ("name", "trainable", "input_shape", "batch_input_shape", "batch_size",
               "input_dim", "dtype", "activity_regularizer", "weights", "time_major")


class ConvLSTM1D(ConvLSTM):
    """`tf.keras.layers.ConvLSTM1D`: inputs `(batch, time, steps, channels)`."""

    def __init__(self, filters, kernel_size, **kwargs):
        super().__init__(1, filters, kernel_size, **kwargs)


class ConvLSTM2D(ConvLSTM):
    """`tf.keras.layers.ConvLSTM2D`: inputs `(batch, time, rows, cols, channels)`."""

    def __init__(self, filters, kernel_size, **kwargs):
        super().__init__(2, filters, kernel_size, **kwargs)


class ConvLSTM3D(ConvLSTM):
    """`tf.keras.layers.ConvLSTM3D`: inputs `(batch, time, d1, d2, d3, channels)`."""

    def __init__(self, filters, kernel_size, **kwargs):
        super().__init__(3, filters, kernel_size, **kwargs)
