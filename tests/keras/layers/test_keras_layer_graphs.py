"""Keras layers of issue 13's list whose graphs differed from tf_keras' (TF 2.21, TF1 graph
mode), op for op (name, type, inputs) with their values and configs: causal Conv1D and
SeparableConv1D (conv.py), SpatialDropout's noise shape made inside the training branch
(noise.py), TimeDistributed's inner layer under its own name scope and its mask Reshape
(wrappers.py), ELU's SelectV2 (backend_ops.py), AlphaDropout (was missing). Variable reads are left out of the graph
compared: Keras' Conv1D reads its kernel inside `Conv1D/ExpandDims_1` in TF, at the layer's
scope here (a known difference of tf.nn.convolution, not of these layers)."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = """
K = tf.keras; L = K.layers
rng = np.random.RandomState(0)
x = K.Input((7, 3)); img = K.Input((3, 3, 4))
layers = [L.Conv1D(2, 3, padding='causal'), L.Conv1D(2, 2, padding='causal', strides=2),
          L.SeparableConv1D(4, 3, depth_multiplier=2, padding='causal', activation='relu'),
          L.SeparableConv1D(4, 2, strides=2), L.SpatialDropout1D(0.5),
          L.TimeDistributed(L.Dense(2)), L.ELU(0.5)]
ys = [layer(x) for layer in layers] + [L.SpatialDropout2D(0.3)(img),
                                       L.SpatialDropout2D(0.3, data_format='channels_first')(img)]
def read(t):
    return 'read' if t.op.type == 'ReadVariableOp' else t.name
g = [[o.name, o.type, [read(i) for i in o.inputs]] for o in tf.get_default_graph().get_operations()
     if o.type != 'ReadVariableOp']
for layer in layers:
    layer.set_weights([rng.standard_normal(w.shape.as_list()).astype('float32')
                       for w in layer.weights])
m = K.Model([x, img], ys)
data = [rng.standard_normal((2, 7, 3)).astype('float32'),
        rng.standard_normal((2, 3, 3, 4)).astype('float32')]
result = [[y.name for y in ys], [y.shape.as_list() for y in ys], g, m.predict(data),
          [layer.get_config() for layer in layers]]
"""


@pytest.mark.oracle
def test_layer_graphs_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert agree(here, there), explain(PROGRAM, here, there)


ALPHA = """
K = tf.keras; L = K.layers
x = K.Input((3, 4))
layer = L.AlphaDropout(0.2)
y, y2 = layer(x), layer(x, training=True)
g = [[o.name, o.type, [i.name for i in o.inputs]] for o in tf.get_default_graph().get_operations()]
data = np.arange(24, dtype='float32').reshape(2, 3, 4)
result = [y.name, y2.name, g, K.Model(x, y).predict(data), layer.get_config(),
          L.AlphaDropout.from_config(layer.get_config()).get_config()]
"""


@pytest.mark.oracle
def test_alpha_dropout_matches_tf(oracle):
    here, there = run_here(ALPHA), oracle(ALPHA)
    assert agree(here, there), explain(ALPHA, here, there)
