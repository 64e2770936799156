"""The recurrent names of `tf.nn`: the loops and the `rnn_cell` namespace."""

from scopeflow.api import rnn_cell
from scopeflow.rnn.rnn import (
                               bidirectional_dynamic_rnn,
                               dynamic_rnn,
                               static_bidirectional_rnn,
                               static_rnn,
)
from scopeflow.rnn.raw import raw_rnn
from scopeflow.rnn.state_saving import static_state_saving_rnn

__all__ = ["bidirectional_dynamic_rnn", "dynamic_rnn", "raw_rnn", "rnn_cell",
           "static_bidirectional_rnn", "static_rnn", "static_state_saving_rnn"]
