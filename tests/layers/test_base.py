"""tf.layers.Layer's constructor against real TF: keyword arguments TF's v1 Layer does not know
raise its TypeError, for layers and the RNN cells built on it (a program passing
`kernel_initializer` to BasicRNNCell ran here and failed under TF)."""

from oracle import ORACLE_HELPERS, explain, run_here

PROGRAM = ORACLE_HELPERS + """
cell = tf.nn.rnn_cell
result = [
    err(lambda: cell.BasicRNNCell(5, kernel_initializer=tf.ones_initializer())),
    err(lambda: cell.GRUCell(5, foo=1, bar=2)),
    err(lambda: cell.LSTMCell(5, kernel_initializer=1)),
    err(lambda: cell.DropoutWrapper(cell.GRUCell(2), foo=1)),
    err(lambda: tf.layers.Dense(5, foo=1)),
    err(lambda: tf.layers.Conv2D(5, 3, bogus=1)),
    err(lambda: tf.layers.Layer(bogus=1)),
    # the ones TF's base Layer takes
    err(lambda: cell.BasicLSTMCell(5, input_shape=(3,), weights=None)),
    err(lambda: tf.layers.Dense(5, input_shape=(3,), batch_size=2, autocast=False,
                                implementation=1, input_dim=3, batch_input_shape=(2, 3))),
]
"""


def test_unknown_keyword_arguments_raise_tfs_type_error(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert here == there, explain(PROGRAM, here, there)
