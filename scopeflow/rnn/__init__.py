"""Recurrent networks: TF1 cells (`tf.nn.rnn_cell`) and the loops that run them."""
# ruff: noqa: F401 - re-exports

from scopeflow.rnn.cells import (
                                 BasicLSTMCell,
                                 BasicRNNCell,
                                 GRUCell,
                                 LayerRNNCell,
                                 LSTMCell,
                                 LSTMStateTuple,
                                 RNNCell,
)
from scopeflow.rnn.rnn import (
                                 bidirectional_dynamic_rnn,
                                 dynamic_rnn,
                                 static_bidirectional_rnn,
                                 static_rnn,
)
from scopeflow.rnn.wrappers import DeviceWrapper, DropoutWrapper, MultiRNNCell, ResidualWrapper
