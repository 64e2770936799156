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


# inputs checked against the layer's InputSpec before it builds (no variable made), in
# tf_keras' words, naming the layer as it is then (a tf.layers function's layer: its Keras
# name, not yet its scope's); after building, the channel / last axis is fixed too
SPECS = ORACLE_HELPERS + """
L = tf.layers
x2, x3, x4 = tf.zeros([2, 3]), tf.zeros([2, 3, 3]), tf.zeros([1, 5, 5, 3])
result = [err(lambda: L.conv2d(x2, 4, 3)), err(lambda: L.conv2d(x2, 4, 3)),
          L.conv2d(x4, 4, 3).name, err(lambda: L.conv2d(x2, 4, 3)),
          err(lambda: L.dense(tf.zeros([2]), 4)), err(lambda: L.conv1d(x2, 4, 3)),
          err(lambda: L.max_pooling2d(x3, 2, 2)), err(lambda: L.average_pooling1d(x2, 2, 2)),
          err(lambda: L.max_pooling3d(x4, 2, 2)), err(lambda: L.flatten(tf.zeros([])))]
conv, dense, sep = L.Conv2D(4, 3), L.Dense(2), L.SeparableConv2D(2, 2)
bn, tconv = L.BatchNormalization(), L.Conv2DTranspose(2, 2, data_format="channels_first")
result += [conv.name, err(lambda: conv(x2)), conv.name, err(lambda: conv(x4)),
           err(lambda: conv(tf.zeros([1, 5, 5, 2]))), err(lambda: dense(x2)),
           err(lambda: dense(tf.zeros([2, 4]))), err(lambda: sep(x4)),
           err(lambda: sep(tf.zeros([1, 5, 5, 5, 3]))), err(lambda: bn(x4)),
           err(lambda: bn(tf.zeros([1, 5, 5, 2]))), err(lambda: bn(x2)),
           err(lambda: tconv(tf.zeros([1, 3, 4, 4]))), err(lambda: tconv(tf.zeros([1, 2, 4, 4])))]
result += [sorted(v.name for v in tf.global_variables())]
"""


def test_inputs_are_checked_against_the_input_spec_as_tf(oracle):
    here, there = run_here(SPECS), oracle(SPECS)
    assert here == there, explain(SPECS, here, there)
