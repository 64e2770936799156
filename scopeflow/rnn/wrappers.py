"""Cells built from cells: MultiRNNCell (stacked), DropoutWrapper, ResidualWrapper,
DeviceWrapper. Wrappers call their cell in the caller's scope, so the wrapped variables keep
their own names (`rnn/basic_lstm_cell/kernel`)."""

from scopeflow.core.frame import default_graph
from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.rnn.cells import LSTMStateTuple, RNNCell


class MultiRNNCell(RNNCell):
    """Cells applied in sequence, each in scope `cell_<i>`; state is a tuple of their states.

    >>> import scopeflow as tf
    >>> c = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.GRUCell(2)])
    >>> c.state_size, c.output_size
    ((3, 2), 2)
    """

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_nested(cells):
            raise TypeError("cells must be a list or tuple, but received: %s." % (cells,))
        self._cells, self._state_is_tuple = cells, state_is_tuple
        if not state_is_tuple and any(nest.is_nested(c.state_size) for c in cells):
            raise ValueError("Some cells return tuples of states, but the flag "
                             "state_is_tuple is not set. State sizes are: %s"
                             % str([c.state_size for c in cells]))

    @property
    def state_size(self):
        sizes = tuple(cell.state_size for cell in self._cells)
        return sizes if self._state_is_tuple else sum(sizes)

    output_size = property(lambda self: self._cells[-1].output_size)

    def zero_state(self, batch_size, dtype):
        with default_graph().name_scope(type(self).__name__ + "ZeroState"):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return super().zero_state(batch_size, dtype)

    def call(self, inputs, state):
        tf = tf_api()
        pos, cur, new_states = 0, inputs, []
        for i, cell in enumerate(self._cells):
            with variable_scope("cell_%d" % i):
                if self._state_is_tuple:
                    if not nest.is_nested(state):
                        raise ValueError("Expected state to be a tuple of length %d, but "
                                         "received: %s" % (len(self.state_size), state))
                    cur_state = state[i]
                else:
                    cur_state = tf.slice(state, [0, pos], [-1, cell.state_size])
                    pos += cell.state_size
                cur, new_state = cell(cur, cur_state)
                new_states.append(new_state)
        return cur, (tuple(new_states) if self._state_is_tuple else tf.concat(new_states, 1))

    @property
    def weights(self):
        seen, out = set(), []
        for w in [w for c in self._cells for w in c.weights] + super().weights:
            if id(w) not in seen:
                seen.add(id(w))
                out.append(w)
        return out

    variables = weights


class _Wrapper(RNNCell):
    """A cell around `cell`, called in the caller's scope."""

    def __init__(self, cell, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.cell = cell

    state_size = property(lambda self: self.cell.state_size)
    output_size = property(lambda self: self.cell.output_size)
    weights = property(lambda self: self.cell.weights)
    variables = weights
    trainable_weights = property(lambda self: self.cell.trainable_weights)
    trainable_variables = trainable_weights

    def zero_state(self, batch_size, dtype):
        with default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return self.cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        return self._call_wrapped_cell(inputs, state, self.cell.__call__, scope=scope)


def _default_state_filter(substate):
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


class DropoutWrapper(_Wrapper):
    """Dropout on a cell's inputs, outputs and (all but LSTM `c`) state."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None, **kwargs):
        super().__init__(cell, dtype=dtype, **kwargs)
        tf = tf_api()
        from scopeflow.ops.constant import constant_value
        self._seed, self._variational = seed, variational_recurrent
        self._state_filter = dropout_state_filter_visitor or _default_state_filter
        with default_graph().name_scope("DropoutWrapperInit"):
            for prob, attr in ((input_keep_prob, "input_keep_prob"),
                               (state_keep_prob, "state_keep_prob"),
                               (output_keep_prob, "output_keep_prob")):
                t = tf.convert_to_tensor(prob)
                known = constant_value(t)
                if known is not None and not 0 <= known <= 1:
                    raise ValueError("Parameter %s must be between 0 and 1. Received %s"
                                     % (attr, known))
                setattr(self, "_" + attr, float(known) if known is not None else t)

    def _dropout(self, values, keep_prob, keep=None):
        tf = tf_api()
        keep = values if keep is None else keep
        flat_keep = [True] * len(nest.flatten(values)) if keep is values else nest.flatten(keep)
        flat = nest.flatten(values)
        out = [tf.nn.dropout(v, rate=1.0 - keep_prob, seed=self._seed) if k else v
               for v, k in zip(flat, flat_keep)]
        return nest.pack_sequence_as(values, out)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        def should(p):
            return not isinstance(p, float) or p < 1

        if should(self._input_keep_prob):
            inputs = self._dropout(inputs, self._input_keep_prob)
        output, new_state = cell_call_fn(inputs, state, **kwargs)
        if should(self._state_keep_prob):
            keep = _filter_states(new_state, self._state_filter)
            new_state = self._dropout(new_state, self._state_keep_prob, keep)
        if should(self._output_keep_prob):
            output = self._dropout(output, self._output_keep_prob)
        return output, new_state


def _filter_states(state, visitor):
    """Per-leaf booleans: which state tensors the state dropout touches."""
    verdict = visitor(state)
    if isinstance(verdict, bool) or not nest.is_nested(state):
        return nest.map_structure(lambda _: bool(verdict), state)
    if isinstance(state, LSTMStateTuple):
        return verdict
    return type(state)(_filter_states(s, visitor) for s in state)


class ResidualWrapper(_Wrapper):
    """`output = inputs + cell(inputs)`."""

    def __init__(self, cell, residual_fn=None, **kwargs):
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        outputs, new_state = cell_call_fn(inputs, state, **kwargs)

        def default(i, o):
            return nest.map_structure(lambda a, b: a + b, i, o)

        return (self._residual_fn or default)(inputs, outputs), new_state


class DeviceWrapper(_Wrapper):
    """Runs the cell on `device`."""

    def __init__(self, cell, device, **kwargs):
        super().__init__(cell, **kwargs)
        self._device = device

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        with tf_api().device(self._device):
            return cell_call_fn(inputs, state, **kwargs)
