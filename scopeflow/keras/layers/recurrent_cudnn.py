"""`tf.compat.v1.keras.layers.CuDNNLSTM` and `CuDNNGRU`: tf_keras' graph, op for op: the
canonical weights (kernel, recurrent_kernel, bias with separate input and recurrent halves)
sliced per gate, flattened into cuDNN's opaque params and run through one `CudnnRNNV3` op
(scopeflow/ops/rnn_cudnn.py computes it as cuDNN does; TF has no CPU kernel for it).

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 4, 2])
>>> tf.keras.layers.CuDNNLSTM(3)(x).shape.as_list()
[None, 3]
"""

import collections

from scopeflow.keras import constraints, initializers, regularizers
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.layers.recurrent import RNN
from scopeflow.layers.base import InputSpec, _as_tensor, assert_input_compatibility
from scopeflow.layers.core import tf_api
from scopeflow.ops import rnn_cudnn  # noqa: F401  (registers CudnnRNNV3)

__all__ = ["CuDNNGRU", "CuDNNLSTM"]

_ARGS = ("kernel_initializer", "recurrent_initializer", "bias_initializer",
         "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
         "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint")


class _CuDNNRNN(RNN):
    """tf_keras' _CuDNNRNN: an RNN without a cell object, its loop one CudnnRNNV3 op."""

    _n_gates = 4
    _mode = "lstm"

    def __init__(self, units, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, time_major=False, **kwargs):
        self.units = units
        sizes = (units, units) if self._mode == "lstm" else units
        self.cell = collections.namedtuple("cell", "state_size")(state_size=sizes)
        kwargs.pop("zero_output_for_mask", None)  # (Bidirectional's copies; no masking here)
        Layer.__init__(self, activity_regularizer=activity_regularizer, **kwargs)
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.time_major = go_backwards, stateful, time_major
        self.unroll, self.zero_output_for_mask = False, False
        self.supports_masking = False
        self.input_spec = [InputSpec(ndim=3)]
        self._states = None
        self._num_constants = 0
        self._vector_shape = tf_api().constant([-1])
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, (list, tuple)):  # (tf_keras' base layer: input_spec)
            assert_input_compatibility(self.input_spec, _as_tensor(inputs), self.name)
        return RNN.__call__(self, inputs, *args, **kwargs)

    def build(self, input_shape):
        from scopeflow.core.shape import TensorShape
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        input_shape = TensorShape(input_shape)
        self._batch_size = input_shape.as_list()[1 if self.time_major else 0]
        if self.stateful:
            self.reset_states()
        input_dim = int(input_shape[-1])
        n = self.units * self._n_gates
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, n),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, n),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight(name="bias", shape=(2 * n,),
                                    initializer=self._bias_initializer(),
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint)
        self.built = True

    def _bias_initializer(self):
        return self.bias_initializer

    @property
    def trainable_weights(self):
        if self.trainable and self.built:
            return [self.kernel, self.recurrent_kernel, self.bias]
        return []

    @property
    def non_trainable_weights(self):
        if not self.trainable and self.built:
            return [self.kernel, self.recurrent_kernel, self.bias]
        return []

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(mask, list):
            mask = mask[0]
        if mask is not None:
            raise ValueError("Masking is not supported for CuDNN RNNs.")
        if isinstance(inputs, list):
            initial_state = inputs[1:]
            inputs = inputs[0]
        elif initial_state is not None:
            pass
        elif self.stateful:
            initial_state = self.states
        else:
            initial_state = self.get_initial_state(inputs)
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        if len(initial_state) != len(self.states):
            raise ValueError("Layer has %d states but was passed %d initial states."
                             % (len(self.states), len(initial_state)))
        tf = tf_api()
        if self.go_backwards:
            inputs = tf.reverse(inputs, [1])
        output, states = self._process_batch(inputs, list(initial_state))
        if self.stateful:
            self.add_update([tf.assign(var, state) for var, state in zip(self.states, states)])
        if self.return_state:
            return [output] + states
        return output

    def _params(self, kernels, biases):
        """gru_lstm_utils.canonical_to_params: each piece flattened, then one concat."""
        tf = tf_api()
        return tf.concat([tf.reshape(x, self._vector_shape) for x in kernels + biases], axis=0)

    def _run(self, inputs, input_h, input_c, params):
        tf = tf_api()
        batch_dim = tf.shape(inputs)[1]
        max_sequence_length = tf.shape(inputs)[0]
        sequence_lengths = tf.fill([batch_dim], max_sequence_length)
        return tf.raw_ops.CudnnRNNV3(input=inputs, input_h=input_h, input_c=input_c,
                                     params=params, is_training=True, rnn_mode=self._mode,
                                     sequence_lengths=sequence_lengths)

    def _outputs(self, outputs):
        tf = tf_api()
        if self.return_sequences:
            return outputs if self.time_major else tf.transpose(outputs, perm=(1, 0, 2))
        return outputs[-1]

    def get_config(self):
        from scopeflow.keras.serialization import layer_base_config, serialize
        config = layer_base_config(self)
        if "batch_input_shape" in config:  # (tf_keras' base Layer config keeps the tuple)
            config["batch_input_shape"] = tuple(config["batch_input_shape"])
        config.update(return_sequences=self.return_sequences, return_state=self.return_state,
                      go_backwards=self.go_backwards, stateful=self.stateful,
                      time_major=self.time_major, units=self.units)
        args = {}
        for key in _ARGS:
            if key == "bias_initializer" and self._mode == "lstm":
                args[key] = self.bias_initializer
                args["unit_forget_bias"] = self.unit_forget_bias
                continue
            args[key] = (self._activity_regularizer if key == "activity_regularizer"
                         else getattr(self, key))
        config.update(serialize(args))
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)

    def compute_mask(self, inputs, mask=None):
        return None


class CuDNNLSTM(_CuDNNRNN):
    """`tf.compat.v1.keras.layers.CuDNNLSTM`: states [h, c]; bias (8 * units,), the input
    biases of gates i, f, c, o then the recurrent ones; the forget gate's input bias starts
    at one (unit_forget_bias)."""

    def __init__(self, units, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, **kwargs):
        self.unit_forget_bias = unit_forget_bias
        _CuDNNRNN.__init__(self, units, kernel_initializer=kernel_initializer,
                           recurrent_initializer=recurrent_initializer,
                           bias_initializer=bias_initializer, **kwargs)

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        u, init = self.units, self.bias_initializer

        def bias_initializer(_, *args, **kwargs):
            tf = tf_api()
            return tf.concat([init((u * 5,), *args, **kwargs),
                              tf.ones_initializer()((u,), *args, **kwargs),
                              init((u * 2,), *args, **kwargs)], axis=0)
        return bias_initializer

    def _process_batch(self, inputs, initial_state):
        tf = tf_api()
        if not self.time_major:
            inputs = tf.transpose(inputs, perm=(1, 0, 2))
        input_h = tf.expand_dims(initial_state[0], axis=0)
        input_c = tf.expand_dims(initial_state[1], axis=0)
        u = self.units
        k, r, b = self.kernel, self.recurrent_kernel, self.bias
        params = self._params(
            [k[:, :u], k[:, u:u * 2], k[:, u * 2:u * 3], k[:, u * 3:],
             r[:, :u], r[:, u:u * 2], r[:, u * 2:u * 3], r[:, u * 3:]],
            [b[:u], b[u:u * 2], b[u * 2:u * 3], b[u * 3:u * 4], b[u * 4:u * 5],
             b[u * 5:u * 6], b[u * 6:u * 7], b[u * 7:]])
        outputs, h, c, _, _ = self._run(inputs, input_h, input_c, params)
        if self.stateful or self.return_state:
            h, c = h[0], c[0]
        return self._outputs(outputs), [h, c]


class CuDNNGRU(_CuDNNRNN):
    """`tf.compat.v1.keras.layers.CuDNNGRU`: Keras' gate order z, r, h in the weights (cuDNN's
    r, z, h in the params); bias (6 * units,), input then recurrent biases."""

    _n_gates = 3
    _mode = "gru"

    def _process_batch(self, inputs, initial_state):
        tf = tf_api()
        if not self.time_major:
            inputs = tf.transpose(inputs, perm=(1, 0, 2))
        input_h = tf.expand_dims(initial_state[0], axis=0)
        u = self.units
        k, r, b = self.kernel, self.recurrent_kernel, self.bias
        params = self._params(
            [k[:, u:u * 2], k[:, :u], k[:, u * 2:], r[:, u:u * 2], r[:, :u], r[:, u * 2:]],
            [b[u:u * 2], b[:u], b[u * 2:u * 3], b[u * 4:u * 5], b[u * 3:u * 4], b[u * 5:]])
        outputs, h, _, _, _ = self._run(inputs, input_h, 0, params)
        if self.stateful or self.return_state:
            h = h[0]
        return self._outputs(outputs), [h]
