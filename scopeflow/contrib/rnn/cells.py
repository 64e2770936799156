"""contrib.rnn's cells built from ordinary ops: LayerNormBasicLSTMCell."""

from scopeflow.core.getters import get_variable
from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.rnn.cells import LSTMStateTuple, RNNCell
from scopeflow.slim.layers.extra import layer_norm


class LayerNormBasicLSTMCell(RNNCell):
    """BasicLSTMCell with layer normalization of the four gates and of the new cell state
    (Ba et al. 2016) and recurrent dropout on the candidate (Semeniuta et al. 2016).

    Variables under `layer_norm_basic_lstm_cell/`: `kernel`, then `gamma` / `beta` under
    `input`, `transform`, `forget`, `output`, `state` (or `bias` without layer norm).

    >>> import scopeflow as tf
    >>> cell = tf.contrib.rnn.LayerNormBasicLSTMCell(4)
    >>> out, st = cell(tf.zeros([2, 3]), cell.zero_state(2, tf.float32))
    >>> out.shape.as_list(), len(cell.weights)
    ([2, 4], 11)
    """

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=None,
                 layer_norm=True, norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0,
                 dropout_prob_seed=None, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units, self._forget_bias = num_units, forget_bias
        self._activation = activation or tf_api().tanh
        self._layer_norm, self._norm_gain, self._norm_shift = layer_norm, norm_gain, norm_shift
        self._keep_prob, self._seed = dropout_keep_prob, dropout_prob_seed

    state_size = property(lambda self: LSTMStateTuple(self._num_units, self._num_units))
    output_size = property(lambda self: self._num_units)

    def _norm(self, inp, scope, dtype):
        tf = tf_api()
        shape = inp.shape[-1:]
        with variable_scope(scope):
            get_variable("gamma", shape=shape, dtype=dtype,
                         initializer=tf.constant_initializer(self._norm_gain))
            get_variable("beta", shape=shape, dtype=dtype,
                         initializer=tf.constant_initializer(self._norm_shift))
        return layer_norm(inp, reuse=True, scope=scope)

    def _linear(self, args):
        tf, size = tf_api(), 4 * self._num_units
        out = tf.matmul(args, get_variable("kernel", [args.shape[-1], size], dtype=args.dtype))
        if not self._layer_norm:
            out = tf.nn.bias_add(out, get_variable("bias", [size], dtype=args.dtype))
        return out

    def call(self, inputs, state):
        tf = tf_api()
        c, h = state
        args = tf.concat([inputs, h], 1)
        dtype = args.dtype
        i, j, f, o = tf.split(value=self._linear(args), num_or_size_splits=4, axis=1)
        if self._layer_norm:
            i, j, f, o = (self._norm(t, s, dtype) for t, s in
                          zip((i, j, f, o), ("input", "transform", "forget", "output")))
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = tf.nn.dropout(g, self._keep_prob, seed=self._seed)
        new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state", dtype)
        new_h = self._activation(new_c) * tf.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)
