"""`tf.nn.rnn_cell`: the TF1 recurrent cells and wrappers."""
# ruff: noqa: F401 - re-exports

from scopeflow.rnn.cells import (
                                 BasicLSTMCell,
                                 BasicRNNCell,
                                 GRUCell,
                                 LSTMCell,
                                 LSTMStateTuple,
                                 RNNCell,
)
from scopeflow.rnn.wrappers import DeviceWrapper, DropoutWrapper, MultiRNNCell, ResidualWrapper
