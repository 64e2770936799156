"""`tf.nn.static_state_saving_rnn`: static_rnn whose state comes from and goes to a state saver."""

from scopeflow.core.frame import default_graph
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.rnn.rnn import static_rnn


def _names_match(state_size, state_name):
    if nest.is_nested(state_size) != nest.is_nested(state_name):
        raise ValueError("state_name should be the same type as cell.state_size.  "
                         "state_name: %s, cell.state_size: %s"
                         % (str(state_name), str(state_size)))
    if nest.is_nested(state_size) and \
            len(nest.flatten(state_name)) != len(nest.flatten(state_size)):
        raise ValueError("#elems(state_name) != #elems(state_size): %d vs. %d"
                         % (len(nest.flatten(state_name)), len(nest.flatten(state_size))))


def static_state_saving_rnn(cell, inputs, state_saver, state_name, sequence_length=None,
                            scope=None):
    """static_rnn starting from `state_saver.state(name)`; the last output and the final
    state are identities that run after `state_saver.save_state(name, state)`.

    `state_name` is one name, or a structure of names like `cell.state_size`.
    """
    tf = tf_api()
    _names_match(cell.state_size, state_name)
    names = nest.flatten(state_name)
    initial = nest.pack_sequence_as(cell.state_size, [state_saver.state(n) for n in names]) \
        if nest.is_nested(state_name) else state_saver.state(state_name)
    outputs, state = static_rnn(cell, inputs, initial_state=initial,
                                sequence_length=sequence_length, scope=scope)
    flat_state = nest.flatten(state)
    saves = [state_saver.save_state(n, s) for n, s in zip(names, flat_state)]
    with default_graph().control_dependencies(saves):
        last = outputs[-1]
        outputs[-1] = nest.pack_sequence_as(last, [tf.identity(o) for o in nest.flatten(last)])
        state = nest.pack_sequence_as(state, [tf.identity(s) for s in flat_state])
    return outputs, state
