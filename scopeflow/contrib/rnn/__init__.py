"""`tf.contrib.rnn`: TF1's core cells and loops (the very objects of `tf.nn.rnn_cell` and
`tf.nn`), the stacked bidirectional loops, and contrib's own cells."""
# ruff: noqa: F401 - re-exports

from scopeflow.contrib.rnn.block import GRUBlockCell, GRUBlockCellV2, LSTMBlockCell
from scopeflow.contrib.rnn.block_fused import LSTMBlockFusedCell
from scopeflow.contrib.rnn.cells import LayerNormBasicLSTMCell
from scopeflow.contrib.rnn.projection import (
                                           EmbeddingWrapper,
                                           InputProjectionWrapper,
                                           OutputProjectionWrapper,
)
from scopeflow.contrib.rnn.stacked import (
                                           stack_bidirectional_dynamic_rnn,
                                           stack_bidirectional_rnn,
)
from scopeflow.rnn.cells import (
                                           BasicLSTMCell,
                                           BasicRNNCell,
                                           GRUCell,
                                           LayerRNNCell,
                                           LSTMCell,
                                           LSTMStateTuple,
                                           RNNCell,
)
from scopeflow.rnn.rnn import _batch_size as best_effort_input_batch_size
from scopeflow.rnn.rnn import _transpose_batch_time as transpose_batch_time
from scopeflow.rnn.rnn import static_bidirectional_rnn, static_rnn
from scopeflow.rnn.state_saving import static_state_saving_rnn
from scopeflow.rnn.wrappers import (
                                           DeviceWrapper,
                                           DropoutWrapper,
                                           MultiRNNCell,
                                           ResidualWrapper,
)
