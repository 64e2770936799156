"""`tf.contrib.rnn.LSTMBlockFusedCell`: a whole time-major sequence through one `BlockLSTM` op
(scopeflow/ops/rnn_block_lstm.py), with TF 1.15's masking and final-state gathering."""

from scopeflow import dtypes as _dt
from scopeflow.layers.base import Layer
from scopeflow.layers.core import tf_api
from scopeflow.ops.rnn_block_lstm import block_lstm
from scopeflow.rnn.cells import LSTMStateTuple


class LSTMBlockFusedCell(Layer):
    """LSTM over inputs (time, batch, depth) -> (outputs (time, batch, units), final state).

    >>> import scopeflow as tf
    >>> cell = tf.contrib.rnn.LSTMBlockFusedCell(4)
    >>> out, st = cell(tf.zeros([5, 2, 3]), dtype=tf.float32)
    >>> out.shape.as_list(), st.h.shape.as_list()
    ([5, 2, 4], [2, 4])
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 reuse=None, dtype=None, name="lstm_fused_cell"):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)
        self._num_units, self._forget_bias = num_units, forget_bias
        self._cell_clip = cell_clip if cell_clip is not None else -1
        self._use_peephole = use_peephole

    num_units = property(lambda self: self._num_units)

    def build(self, input_shape):
        tf, n = tf_api(), self._num_units
        if isinstance(input_shape, (list, tuple)):  # a list of (batch, depth) steps
            input_shape = input_shape[0]
        depth = input_shape.as_list()[-1]
        self._kernel = self.add_weight("kernel", shape=[depth + n, 4 * n])
        self._bias = self.add_weight("bias", shape=[4 * n],
                                     initializer=tf.constant_initializer(0.0))
        if self._use_peephole:
            self._peepholes = [self.add_weight(w, shape=[n])
                               for w in ("w_i_diag", "w_f_diag", "w_o_diag")]
        self.built = True

    def call(self, inputs, initial_state=None, dtype=None, sequence_length=None):
        tf = tf_api()
        is_list = isinstance(inputs, list)
        if is_list:
            inputs = tf.stack(inputs)
        shape = inputs.shape.with_rank(3).as_list()
        if not shape[2]:
            raise ValueError("Expecting inputs_shape[2] to be set: %s" % inputs.shape)
        batch = shape[1] if shape[1] is not None else tf.shape(inputs)[1]
        time = shape[0] if shape[0] is not None else tf.shape(inputs)[0]
        if initial_state is None:
            if dtype is None:
                raise ValueError("Either initial_state or dtype needs to be specified")
            z = tf.zeros(tf.stack([batch, self._num_units]), dtype=dtype)
            initial_state = z, z
        else:
            if len(initial_state) != 2:
                raise ValueError("Expecting initial_state to be a tuple with length 2 or None")
            dtype = dtype or initial_state[0].dtype
        if sequence_length is not None:
            sequence_length = tf.convert_to_tensor(sequence_length)
        cs0, h0 = initial_state
        cell_states, outputs = self._call_cell(inputs, cs0, h0, dtype, sequence_length)
        if sequence_length is not None:
            mask = tf.transpose(tf.sequence_mask(sequence_length, time, dtype=dtype), [1, 0])
            outputs *= tf.tile(tf.expand_dims(mask, [-1]), [1, 1, self._num_units])
            # the state after step length - 1 (-1: the initial state)
            states = tf.concat([tf.expand_dims(cs0, [0]), cell_states], 0)
            outs = tf.concat([tf.expand_dims(h0, [0]), outputs], 0)
            final_c, final_h = (tf.gather_nd(t, tf.stack([sequence_length, tf.range(batch)],
                                                         axis=1)) for t in (states, outs))
        else:
            final_c, final_h = cell_states[-1], outputs[-1]
        if is_list:
            outputs = tf.unstack(outputs)
        return outputs, LSTMStateTuple(final_c, final_h)

    def _call_cell(self, inputs, cs0, h0, dtype, sequence_length):
        tf = tf_api()
        if self._use_peephole:
            wci, wcf, wco = self._peepholes
        else:
            wci = wcf = wco = tf.zeros([self._num_units], dtype=dtype)
        shape = inputs.shape.with_rank(3).as_list()
        time = shape[0] if shape[0] is not None else tf.shape(inputs)[0]
        if sequence_length is None:
            max_len = tf.cast(time, _dt.int64)
        else:
            max_len = tf.cast(tf.reduce_max(sequence_length), _dt.int64)
        _, cs, _, _, _, _, h = block_lstm(max_len, inputs, cs0, h0, self._kernel, wci, wcf,
                                          wco, self._bias, forget_bias=self._forget_bias,
                                          cell_clip=self._cell_clip,
                                          use_peephole=self._use_peephole)
        return cs, h
