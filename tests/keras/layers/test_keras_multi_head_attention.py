"""tf.keras.layers.MultiHeadAttention and EinsumDense as tf_keras builds them in TF1 graphs:
the projections' variables (`multi_head_attention/query/kernel`, resource variables), every
op by name, type and inputs, output and score shapes, configs, and values and gradients from
the same weights — self-attention, cross attention with a key, two attention axes, an
`output_shape`, an attention mask, Keras input masks (kept on the output) and the causal
mask, and an LSTM's sequence through it (Einsum's graph gradient reaches the loop's weights)."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = """
import re
K = tf.keras; L = K.layers
q = tf.placeholder(tf.float32, [None, 3, 4], name='q')
v = tf.placeholder(tf.float32, [None, 5, 6], name='v')
k = tf.placeholder(tf.float32, [None, 5, 2], name='k')
img = tf.placeholder(tf.float32, [None, 2, 3, 4], name='img')
am = tf.placeholder(tf.bool, [None, 3, 5], name='am')
tokens = tf.placeholder(tf.int32, [None, 5], name='tokens')
layers = [L.MultiHeadAttention(2, 3), L.MultiHeadAttention(3, 2, value_dim=4, use_bias=False),
          L.MultiHeadAttention(2, 2, attention_axes=(1, 2), output_shape=(3, 2)),
          L.MultiHeadAttention(1, 4, dropout=0.5), L.MultiHeadAttention(2, 2),
          L.EinsumDense('abc,cd->abd', output_shape=(None, 7), bias_axes='d',
                        activation='relu'),
          L.EinsumDense('...b,bc->...c', output_shape=5),
          L.LSTM(3, return_sequences=True), L.MultiHeadAttention(1, 2)]
table = np.cos(np.arange(54.0)).reshape(9, 6)
emb = L.Embedding(9, 6, mask_zero=True,
                  embeddings_initializer=tf.constant_initializer(table))(tokens)
outs = [layers[0](q, q, return_attention_scores=True),
        layers[1](q, v, k, attention_mask=am),
        layers[2](img, img, return_attention_scores=True),
        layers[3](q, v, training=False),
        layers[4](emb, emb, use_causal_mask=True, return_attention_scores=True),
        layers[5](q), layers[6](img)]
seq = layers[7](q)  # a loop's output through MultiHeadAttention: its weights' gradients
outs.append(layers[8](seq, seq))
flat = tf.nest.flatten(outs)
g = [[o.name, o.type, [i.name for i in o.inputs]] for o in tf.get_default_graph().get_operations()
     if not re.search('/(VarIsInitializedOp(_[0-9]+)?|init)$', o.name)]
weights = [w for layer in layers for w in layer.weights]
# (an ellipsis Einsum's gradient is the SymbolicGradient fallback here, and a tf.gradients
# call holding one gives a while loop's weights no gradient: differentiated on its own)
ellipsis = outs[6]
grads = tf.gradients(sum(tf.reduce_sum(t * t) for t in flat if t is not ellipsis),
                     [q, v, k, img] + weights)
grads += tf.gradients(tf.reduce_sum(ellipsis * ellipsis), [img] + layers[6].weights)
rng = np.random.RandomState(0)
feed = {q: rng.standard_normal((2, 3, 4)), v: rng.standard_normal((2, 5, 6)),
        k: rng.standard_normal((2, 5, 2)), img: rng.standard_normal((2, 2, 3, 4)),
        am: rng.uniform(size=(2, 3, 5)) > 0.3, tokens: [[1, 2, 3, 0, 0], [4, 5, 6, 7, 0]]}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for w in weights:
        sess.run(w.assign(rng.uniform(-0.5, 0.5, w.shape.as_list())))
    values = sess.run(flat + [t for t in grads if t is not None], feed)
configs = [{k: (v.as_list() if hasattr(v, 'as_list') else v) for k, v in layer.get_config().items()}
           for layer in layers]
result = [[t.name for t in flat], [t.shape.as_list() for t in flat],
          [getattr(t, '_keras_mask', None) is not None for t in flat],
          [None if t is None else t.name for t in grads[:-2]],
          [[w.name, w.shape.as_list(), w.trainable] for w in weights], configs, g, values]
"""


@pytest.mark.oracle
def test_multi_head_attention_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
