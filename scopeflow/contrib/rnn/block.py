"""`tf.contrib.rnn.LSTMBlockCell` / `GRUBlockCell(V2)`: cells whose step is one fused op
(`LSTMBlockCell`, `GRUBlockCell`: TF's kernels, scopeflow/ops/rnn_block.py). LSTMBlockCell and
GRUBlockCellV2 name their variables as LSTMCell / GRUCell do; GRUBlockCell uses w_ru, b_ru,
w_c, b_c."""

from scopeflow.layers.core import tf_api
from scopeflow.ops.rnn_block import gru_block_cell, lstm_block_cell
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


class GRUBlockCell(LayerRNNCell):
    """GRU (Cho et al. 2014) as one fused `GRUBlockCell` op per step.

    >>> import scopeflow as tf
    >>> cell = tf.contrib.rnn.GRUBlockCellV2(4)
    >>> out, _ = cell(tf.zeros([2, 3]), cell.zero_state(2, tf.float32))
    >>> out.op.type, [v.name for v in cell.weights][:2]
    ('GRUBlockCell', ['gru_cell/gates/kernel:0', 'gru_cell/gates/bias:0'])
    """

    _names = ("w_ru", "b_ru", "w_c", "b_c")

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        super().__init__(_reuse=reuse, name=name)
        if (cell_size is None) == (num_units is None):
            raise ValueError("Exactly one of num_units or cell_size must be provided.")
        self._cell_size = num_units if num_units is not None else cell_size

    state_size = property(lambda self: self._cell_size)
    output_size = property(lambda self: self._cell_size)

    def build(self, input_shape):
        dims = input_shape.as_list() if input_shape.ndims else None
        if not dims or len(dims) < 2 or dims[1] is None:
            raise ValueError("Expecting input_size to be set.")
        tf, n = tf_api(), self._cell_size
        w_ru, b_ru, w_c, b_c = self._names
        self._gate_kernel = self.add_weight(w_ru, shape=[dims[1] + n, 2 * n])
        self._gate_bias = self.add_weight(b_ru, shape=[2 * n],
                                          initializer=tf.constant_initializer(1.0))
        self._candidate_kernel = self.add_weight(w_c, shape=[dims[1] + n, n])
        self._candidate_bias = self.add_weight(b_c, shape=[n],
                                               initializer=tf.constant_initializer(0.0))
        self.built = True

    def call(self, inputs, h_prev):
        cell_size = h_prev.shape.with_rank(2).as_list()[1]
        if cell_size != self._cell_size:
            raise ValueError("Shape of h_prev[1] incorrect: cell_size %i vs %s"
                             % (self._cell_size, cell_size))
        _, _, _, new_h = gru_block_cell(inputs, h_prev, self._gate_kernel,
                                        self._candidate_kernel, self._gate_bias,
                                        self._candidate_bias)
        return new_h, new_h


class GRUBlockCellV2(GRUBlockCell):
    """GRUBlockCell with GRUCell's variable names (gates/kernel, candidate/bias, ...)."""

    _names = ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")
