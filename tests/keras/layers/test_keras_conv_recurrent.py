"""Keras ConvLSTM3D, ConvLSTM2D and ConvLSTM1D as tf_keras builds them in TF1 graphs: weights in the
layer's scope, the first step outside the while loop, valid/same padding, strides,
channels_first, return_sequences/return_state, go_backwards, dropout under the learning
phase; graphs op for op (name, type, inputs), values, gradients, configs and output shapes."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = """
import re
K = tf.keras; L = K.layers
x = tf.placeholder(tf.float32, [None, 3, 5, 5, 2], name='x')
xf = tf.placeholder(tf.float32, [None, 3, 2, 5, 4], name='xf')
s = tf.placeholder(tf.float32, [None, 4, 6, 2], name='s')
v = tf.placeholder(tf.float32, [None, 2, 4, 3, 5, 2], name='v')
vf = tf.placeholder(tf.float32, [None, 2, 2, 4, 3, 5], name='vf')
layers = [L.ConvLSTM2D(4, 3), L.ConvLSTM2D(3, (2, 3), padding='same', strides=(2, 1),
                                           return_sequences=True, return_state=True),
          L.ConvLSTM2D(2, 2, data_format='channels_first', go_backwards=True,
                       return_sequences=True, unit_forget_bias=False, use_bias=False),
          L.ConvLSTM2D(2, 3, dilation_rate=2, padding='same', activation='relu',
                       recurrent_activation='sigmoid'),
          L.ConvLSTM1D(3, 3, return_state=True),
          L.ConvLSTM1D(2, 2, padding='same', return_sequences=True, dropout=0.4,
                       recurrent_dropout=0.3),
          L.ConvLSTM3D(2, 2, return_state=True),
          L.ConvLSTM3D(3, (2, 1, 3), padding='same', strides=(2, 1, 1), return_sequences=True),
          L.ConvLSTM3D(2, 2, data_format='channels_first', dilation_rate=(1, 2, 1))]
ins = [x, x, xf, x, s, s, v, v, vf]
outs = [layer(i) for layer, i in zip(layers, ins)]
flat = tf.nest.flatten(outs)
# (TF's first channels_first conv of a process asks Keras' session for its devices, which
# adds VarIsInitializedOp checks of every variable, in no fixed order: left out)
g = [[o.name, o.type, [i.name for i in o.inputs]] for o in tf.get_default_graph().get_operations()
     if not re.search('/(VarIsInitializedOp(_[0-9]+)?|init)$', o.name)]
weights = [w for layer in layers for w in layer.weights]
grads = tf.gradients(sum(tf.reduce_sum(t * t) for t in flat), [x, xf, s, v, vf] + weights)
rng = np.random.RandomState(0)
feed = {x: rng.standard_normal((2, 3, 5, 5, 2)), xf: rng.standard_normal((2, 3, 2, 5, 4)),
        s: rng.standard_normal((2, 4, 6, 2)), v: rng.standard_normal((2, 2, 4, 3, 5, 2)),
        vf: rng.standard_normal((2, 2, 2, 4, 3, 5))}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    # one run of all the assigns (a run per assign makes and runs a program each)
    sess.run([w.assign(rng.uniform(-0.5, 0.5, w.shape.as_list())) for w in weights])
    values = sess.run(flat + grads, feed)
result = [[t.name for t in flat], [t.shape.as_list() for t in flat], [w.name for w in weights],
          [layer.get_config() for layer in layers],
          [layer.compute_output_shape(i.shape) for layer, i in zip(layers, ins)], g, values]
"""


@pytest.mark.oracle
def test_conv_lstm_layers_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
