"""Keras recurrent cells of TF1 graph mode: SimpleRNNCell, GRUCell (both reset_after
variants), LSTMCell; each step is built op for op as tf_keras builds it (implementation 1:
a matmul per gate; 2: one fused matmul), with its dropout masks.

Dropout masks are made once per layer call, at the first step (outside the time loop), as a
`cond` on the learning phase, and reused by every step (`simple_rnn_cell_1/cond/Merge`).

>>> import scopeflow as tf
>>> cell = tf.keras.layers.LSTMCell(3, dropout=0.5)
>>> cell.state_size, cell.output_size
([3, 3], 3)
"""

from scopeflow.keras import activations, constraints, initializers, regularizers
from scopeflow.core.shape import TensorShape
from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import tf_api


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
            "implementation", "reset_after", "seed")}
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
        if self.recurrent_dropout != 0 and self.implementation != 1:
            self.implementation = 1  # Keras: the fused kernels take no recurrent dropout
        self._seed = options["seed"]  # Keras' legacy RandomGenerator: seed, seed + 1, ...
        self._masks = {}

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
        dim = TensorShape(input_shape).as_list()[-1]  # a tuple from RNN, as tf_keras
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

    # ---- dropout masks (tf_keras' DropoutRNNCellMixin) ---------------------------------------
    def reset_dropout_mask(self):
        """Forget the masks: the next step makes new ones (the RNN layer calls this per call)."""
        self._masks = {}

    reset_recurrent_dropout_mask = reset_dropout_mask

    def get_dropout_mask_for_cell(self, inputs, training, count=1):
        return self._mask("dropout", inputs, training, count)

    def get_recurrent_dropout_mask_for_cell(self, inputs, training, count=1):
        return self._mask("recurrent_dropout", inputs, training, count)

    def _mask(self, kind, inputs, training, count):
        """`count` masks shaped as `inputs`: ones scaled by 1 / (1 - rate) where kept, in
        training; ones otherwise. Made on first use, then cached until the next reset."""
        rate = getattr(self, kind)
        if rate == 0:
            return None
        if kind not in self._masks:
            from scopeflow.ops.shape_ops import ones_like_v2
            tf = tf_api()
            ones = ones_like_v2(inputs)

            def dropped():
                return tf.nn.dropout(ones, rate=rate, seed=self._next_seed())
            masks = [K.in_train_phase(dropped, ones, training=training) for _ in range(count)]
            self._masks[kind] = masks if count > 1 else masks[0]
        return self._masks[kind]

    def _next_seed(self):
        seed = self._seed
        if seed is not None:
            self._seed += 1
        return seed


def _dot(x, w):
    return tf_api().matmul(x, w)


def _bias(x, b):
    return tf_api().nn.bias_add(x, b)


def _dropped(x, masks, rate, count):
    """`x` times each mask when 0 < rate < 1, else `x` as it is (count copies)."""
    if 0.0 < rate < 1.0:
        return [x * m for m in masks]
    return [x] * count


class SimpleRNNCell(_Cell):
    """`h = activation(x W + b + h R)`."""

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)

    def call(self, inputs, states, training=None):
        prev = states[0] if isinstance(states, (list, tuple)) else states
        dp = self.get_dropout_mask_for_cell(inputs, training)
        rec_dp = self.get_recurrent_dropout_mask_for_cell(prev, training)
        h = _dot(inputs * dp if dp is not None else inputs, self.kernel)
        if self.bias is not None:
            h = _bias(h, self.bias)
        if rec_dp is not None:
            prev = prev * rec_dp
        out = h + _dot(prev, self.recurrent_kernel)
        if self.activation is not None:
            out = self.activation(out)
        return out, [out] if isinstance(states, (list, tuple)) else out


class GRUCell(_Cell):
    """Gates z, r and candidate h̃. `reset_after=False` (Keras v1's default): the reset gate
    before the recurrent matmul; `reset_after=True` (TF 2's, CuDNN's): after it, with a
    second (recurrent) bias."""

    n_gates = 3

    def call(self, inputs, states, training=None):
        tf = tf_api()
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        dp = self.get_dropout_mask_for_cell(inputs, training, count=3)
        rec_dp = self.get_recurrent_dropout_mask_for_cell(h_tm1, training, count=3)
        in_bias = rec_bias = None
        if self.use_bias:
            in_bias, rec_bias = ((self.bias, None) if not self.reset_after
                                 else tf.unstack(self.bias))
        if self.implementation == 1:
            z, hh = self._gates_split(inputs, h_tm1, dp, rec_dp, (in_bias, rec_bias))
        else:
            z, hh = self._gates_fused(inputs, h_tm1, dp, (in_bias, rec_bias))
        h = z * h_tm1 + (1 - z) * hh
        return h, [h] if isinstance(states, (list, tuple)) else h

    def _gates_split(self, inputs, h_tm1, dp, rec_dp, biases):
        u, (in_bias, rec_bias) = self.units, biases
        x_z, x_r, x_h = [_dot(i, self.kernel[:, a:b]) for i, (a, b) in zip(
            _dropped(inputs, dp, self.dropout, 3), ((None, u), (u, 2 * u), (2 * u, None)))]
        if self.use_bias:
            x_z = _bias(x_z, in_bias[:u])
            x_r = _bias(x_r, in_bias[u:2 * u])
            x_h = _bias(x_h, in_bias[2 * u:])
        h_z, h_r, h_h = _dropped(h_tm1, rec_dp, self.recurrent_dropout, 3)
        rec_z = _dot(h_z, self.recurrent_kernel[:, :u])
        rec_r = _dot(h_r, self.recurrent_kernel[:, u:2 * u])
        if self.reset_after and self.use_bias:
            rec_z = _bias(rec_z, rec_bias[:u])
            rec_r = _bias(rec_r, rec_bias[u:2 * u])
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            rec_h = _dot(h_h, self.recurrent_kernel[:, 2 * u:])
            if self.use_bias:
                rec_h = _bias(rec_h, rec_bias[2 * u:])
            rec_h = r * rec_h
        else:
            rec_h = _dot(r * h_h, self.recurrent_kernel[:, 2 * u:])
        return z, self.activation(x_h + rec_h)

    def _gates_fused(self, inputs, h_tm1, dp, biases):
        tf = tf_api()
        u, (in_bias, rec_bias) = self.units, biases
        if 0.0 < self.dropout < 1.0:
            inputs = inputs * dp[0]
        matrix_x = _dot(inputs, self.kernel)
        if self.use_bias:
            matrix_x = _bias(matrix_x, in_bias)
        x_z, x_r, x_h = tf.split(matrix_x, 3, axis=-1)
        if self.reset_after:
            inner = _dot(h_tm1, self.recurrent_kernel)
            if self.use_bias:
                inner = _bias(inner, rec_bias)
        else:
            inner = _dot(h_tm1, self.recurrent_kernel[:, :2 * u])
        rec_z, rec_r, rec_h = tf.split(inner, [u, u, -1], axis=-1)
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            rec_h = r * rec_h
        else:
            rec_h = _dot(r * h_tm1, self.recurrent_kernel[:, 2 * u:])
        return z, self.activation(x_h + rec_h)


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
        h_tm1, c_tm1 = states[0], states[1]
        dp = self.get_dropout_mask_for_cell(inputs, training, count=4)
        rec_dp = self.get_recurrent_dropout_mask_for_cell(h_tm1, training, count=4)
        if self.implementation == 1:
            xs = _dropped(inputs, dp, self.dropout, 4)
            kernels = tf.split(self.kernel, num_or_size_splits=4, axis=1)
            x = [_dot(i, k) for i, k in zip(xs, kernels)]
            if self.use_bias:
                x = [_bias(xi, b) for xi, b in
                     zip(x, tf.split(self.bias, num_or_size_splits=4, axis=0))]
            hs = _dropped(h_tm1, rec_dp, self.recurrent_dropout, 4)
            c, o = self._carry_and_output(x, hs, c_tm1)
        else:
            if 0.0 < self.dropout < 1.0:
                inputs = inputs * dp[0]
            z = _dot(inputs, self.kernel)
            z += _dot(h_tm1, self.recurrent_kernel)
            if self.use_bias:
                z = _bias(z, self.bias)
            z0, z1, z2, z3 = tf.split(z, num_or_size_splits=4, axis=1)
            i = self.recurrent_activation(z0)
            f = self.recurrent_activation(z1)
            c = f * c_tm1 + i * self.activation(z2)
            o = self.recurrent_activation(z3)
        h = o * self.activation(c)
        return h, [h, c]

    def _carry_and_output(self, x, hs, c_tm1):
        u, rk = self.units, self.recurrent_kernel
        i = self.recurrent_activation(x[0] + _dot(hs[0], rk[:, :u]))
        f = self.recurrent_activation(x[1] + _dot(hs[1], rk[:, u:2 * u]))
        c = f * c_tm1 + i * self.activation(x[2] + _dot(hs[2], rk[:, 2 * u:3 * u]))
        o = self.recurrent_activation(x[3] + _dot(hs[3], rk[:, 3 * u:]))
        return c, o


class AbstractRNNCell(Layer):
    """`tf.keras.layers.AbstractRNNCell`: the base of a custom cell, which gives `call(inputs,
    states) -> (output, new_states)`, `state_size` and `output_size`."""

    def call(self, inputs, states):
        raise NotImplementedError

    @property
    def state_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """Zeros of (batch,) + size per state (one tensor for a single state size)."""
        from scopeflow.ops import nest
        tf = tf_api()
        if inputs is not None:
            batch_size, dtype = tf.shape(inputs)[0], inputs.dtype
        sizes = self.state_size
        zeros = [tf.zeros([batch_size, *(s if isinstance(s, (list, tuple)) else [int(s)])],
                          dtype=dtype) for s in nest.flatten(sizes)]
        return nest.pack_sequence_as(sizes, zeros) if nest.is_nested(sizes) else zeros[0]
