"""`tf.contrib.rnn.stack_bidirectional_rnn` / `stack_bidirectional_dynamic_rnn`: bidirectional
layers stacked, each layer fed the fw and bw outputs of the one below, concatenated.

Variables: `stack_bidirectional_rnn/cell_<i>/bidirectional_rnn/{fw,bw}/<cell>/...` as in TF.
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.rnn.rnn import bidirectional_dynamic_rnn, static_bidirectional_rnn


def _check(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    """TF's argument checks, with its wording."""
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    for side, cells in (("fw", cells_fw), ("bw", cells_bw)):
        if not isinstance(cells, list):
            raise ValueError(  # noqa: TRY004 - TF raises ValueError here
                "cells_%s must be a list of RNNCells (one per layer)." % side)
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for side, states in (("fw", initial_states_fw), ("bw", initial_states_bw)):
        if states is not None and (not isinstance(states, list)
                                   or len(states) != len(cells_fw)):
            raise ValueError("initial_states_%s must be a list of state tensors (one per "
                             "layer)." % side)


def _layers(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    """(i, cell_fw, cell_bw, initial_fw, initial_bw) per layer."""
    _check(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    for i, (fw, bw) in enumerate(zip(cells_fw, cells_bw)):
        yield (i, fw, bw, initial_states_fw[i] if initial_states_fw else None,
               initial_states_bw[i] if initial_states_bw else None)


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                            initial_states_bw=None, dtype=None, sequence_length=None,
                            scope=None):
    """(outputs: a list of [batch, fw + bw depth], final fw states, final bw states).

    >>> import scopeflow as tf
    >>> xs = [tf.zeros([2, 3])] * 4
    >>> cells = lambda: [tf.nn.rnn_cell.GRUCell(5), tf.nn.rnn_cell.GRUCell(6)]
    >>> outs, fw, bw = tf.contrib.rnn.stack_bidirectional_rnn(cells(), cells(), xs,
    ...                                                       dtype=tf.float32)
    >>> len(outs), outs[0].shape.as_list(), len(fw)
    (4, [2, 12], 2)
    """
    states_fw, states_bw, layer = [], [], inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, fw, bw, init_fw, init_bw in _layers(cells_fw, cells_bw, initial_states_fw,
                                                   initial_states_bw):
            with variable_scope("cell_%d" % i) as cell_scope:
                layer, state_fw, state_bw = static_bidirectional_rnn(
                    fw, bw, layer, initial_state_fw=init_fw, initial_state_bw=init_bw,
                    sequence_length=sequence_length, dtype=dtype, scope=cell_scope)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                    initial_states_bw=None, dtype=None, sequence_length=None,
                                    parallel_iterations=None, time_major=False, scope=None):
    """(outputs [batch, time, fw + bw depth], final fw states, final bw states)."""
    states_fw, states_bw, layer = [], [], inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, fw, bw, init_fw, init_bw in _layers(cells_fw, cells_bw, initial_states_fw,
                                                   initial_states_bw):
            with variable_scope("cell_%d" % i):
                outputs, (state_fw, state_bw) = bidirectional_dynamic_rnn(
                    fw, bw, layer, initial_state_fw=init_fw, initial_state_bw=init_bw,
                    sequence_length=sequence_length, parallel_iterations=parallel_iterations,
                    dtype=dtype, time_major=time_major)
                layer = tf_api().concat(outputs, 2)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer, tuple(states_fw), tuple(states_bw)
