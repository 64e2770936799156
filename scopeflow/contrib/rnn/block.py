"""`tf.contrib.rnn.LSTMBlockCell`: an LSTM whose step is one `LSTMBlockCell` op (TF's fused
kernel, scopeflow/ops/rnn_block.py), variables named as `LSTMCell`'s (`lstm_cell/kernel`)."""

from scopeflow.layers.core import tf_api
from scopeflow.ops.rnn_block import lstm_block_cell
from scopeflow.rnn.cells import LayerRNNCell, LSTMStateTuple


class LSTMBlockCell(LayerRNNCell):
    """LSTM (forget bias, optional peepholes and cell clipping) as one fused op per step.

    >>> import scopeflow as tf
    >>> cell = tf.contrib.rnn.LSTMBlockCell(4)
    >>> out, st = cell(tf.zeros([2, 3]), cell.zero_state(2, tf.float32))
    >>> out.op.type, [v.name for v in cell.weights]
    ('LSTMBlockCell', ['lstm_cell/kernel:0', 'lstm_cell/bias:0'])
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        super().__init__(_reuse=reuse, dtype=dtype, name=name)
        self._num_units, self._forget_bias = num_units, forget_bias
        self._use_peephole = use_peephole
        self._cell_clip = cell_clip if cell_clip is not None else -1

    state_size = property(lambda self: LSTMStateTuple(self._num_units, self._num_units))
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        dims = inputs_shape.as_list() if inputs_shape.ndims else None
        if not dims or len(dims) < 2 or not dims[1]:
            raise ValueError("Expecting inputs_shape[1] to be set: %s" % str(inputs_shape))
        n = self._num_units
        self._kernel = self.add_weight("kernel", shape=[dims[1] + n, 4 * n])
        self._bias = self.add_weight("bias", shape=[4 * n],
                                     initializer=tf_api().constant_initializer(0.0))
        if self._use_peephole:
            self._peepholes = [self.add_weight(w, shape=[n])
                               for w in ("w_i_diag", "w_f_diag", "w_o_diag")]
        self.built = True

    def call(self, inputs, state):
        if len(state) != 2:
            raise ValueError("Expecting state to be a tuple with length 2.")
        if self._use_peephole:
            wci, wcf, wco = self._peepholes
        else:
            wci = wcf = wco = tf_api().zeros([self._num_units], dtype=self.dtype)
        cs_prev, h_prev = state
        _, cs, _, _, _, _, h = lstm_block_cell(
            inputs, cs_prev, h_prev, self._kernel, wci, wcf, wco, self._bias,
            forget_bias=self._forget_bias, cell_clip=self._cell_clip,
            use_peephole=self._use_peephole)
        return h, LSTMStateTuple(cs, h)
