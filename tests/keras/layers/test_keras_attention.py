"""Keras Attention and AdditiveAttention as tf_keras builds them in TF1 graphs: dot and concat
scores, use_scale, query/value masks (given or carried by Embedding(mask_zero=True)), causal
masks, return_attention_scores and dropout under the learning phase, op for op (name, type,
inputs), with weights, values, gradients, output masks and configs."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = """
K = tf.keras; L = K.layers
q = tf.placeholder(tf.float32, [2, 3, 4], name='q')
v = tf.placeholder(tf.float32, [2, 5, 4], name='v')
k = tf.placeholder(tf.float32, [2, 5, 4], name='k')
qm = tf.placeholder(tf.bool, [2, 3], name='qm')
vm = tf.placeholder(tf.bool, [2, 5], name='vm')
tf.set_random_seed(3)
layers = [L.Attention(), L.Attention(use_scale=True, score_mode='concat'),
          L.AdditiveAttention(), L.AdditiveAttention(use_scale=False, dropout=0.5),
          L.Attention(use_scale=True, causal=True)]
outs = [layers[0]([q, v]),
        layers[1]([q, v, k], mask=[qm, vm], return_attention_scores=True,
                  use_causal_mask=True),
        layers[2]([q, v], mask=[qm, vm]),
        layers[3]([q, v, k], mask=[None, vm], training=False),
        layers[4]([q, v], return_attention_scores=True)]
ids = tf.placeholder(tf.int32, [2, 5], name='ids')
emb = L.Embedding(7, 4, mask_zero=True, embeddings_initializer='ones')(ids)
outs.append(L.AdditiveAttention(name='emb_att')([emb, emb]))
flat = tf.nest.flatten(outs)
grads = tf.gradients(sum(tf.reduce_sum(o * o) for o in flat), [q, v, k] +
                     [w for layer in layers for w in layer.weights])
grads = [g for g in grads if g is not None]
g = [[o.name, o.type, [i.name for i in o.inputs]] for o in tf.get_default_graph().get_operations()]
rng = np.random.RandomState(0)
feed = {q: rng.standard_normal((2, 3, 4)), v: rng.standard_normal((2, 5, 4)),
        k: rng.standard_normal((2, 5, 4)), qm: [[True, False, True], [True, True, False]],
        vm: [[True, True, False, True, False], [False, True, True, True, True]],
        ids: [[1, 2, 0, 3, 0], [4, 0, 5, 6, 1]]}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for i, w in enumerate(w for layer in layers for w in layer.weights):
        s.run(w.assign(np.full(w.shape.as_list(), 0.7 + 0.2 * i)))
    values = s.run(flat + grads, feed)
masks = [getattr(t, '_keras_mask', None) for t in flat]
result = [[t.name for t in flat], [t.shape.as_list() for t in flat],
          [m.name if m is not None else None for m in masks],
          [w.name for layer in layers for w in layer.weights],
          [layer.get_config() for layer in layers], g, values]
"""


@pytest.mark.oracle
def test_attention_layers_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)


MODEL = """
K = tf.keras; L = K.layers
q, v = K.Input((3, 4)), K.Input((None, 4))
att = L.Attention(use_scale=True, dropout=0.3)
add = L.AdditiveAttention()
o1 = att([q, v], use_causal_mask=True)
o2, s2 = add([q, v, v], return_attention_scores=True)
m = K.Model([q, v], [o1, o2, s2])
g = [[o.name, o.type, [i.name for i in o.inputs]] for o in tf.get_default_graph().get_operations()]
rng = np.random.RandomState(1)
data = [rng.standard_normal((2, 3, 4)).astype('float32'),
        rng.standard_normal((2, 6, 4)).astype('float32')]
add.set_weights([np.array([0.5, -1.0, 2.0, 0.25], 'float32')])
configs = [att.get_config(), add.get_config()]
again = [type(l).from_config(c).get_config() for l, c in zip([att, add], configs)]
result = [[t.shape.as_list() for t in m.outputs], g, m.predict(data), configs, again,
          [w.name for w in m.weights]]
"""


@pytest.mark.oracle
def test_attention_in_a_model_matches_tf(oracle):
    here, there = run_here(MODEL), oracle(MODEL)
    assert "ok" in there, there
    assert agree(here, there), explain(MODEL, here, there)


ERRORS = [
    "L.Attention()(tf.zeros([2, 3, 4]))",
    "L.Attention()([tf.zeros([2, 3, 4])])",
    "L.AdditiveAttention()([tf.zeros([2, 3, 4])] * 4)",
    "L.Attention()([tf.zeros([2, 3, 4])] * 2, mask=[tf.ones([2, 3], tf.bool)])",
    "L.Attention(score_mode='general')",
]


@pytest.mark.oracle
@pytest.mark.parametrize("call", ERRORS)
def test_attention_errors_match_tf(oracle, call):
    code = "L = tf.keras.layers\nresult = %s.name\n" % call
    here, there = run_here(code), oracle(code)
    assert "raises" in there, there
    assert agree(here, there), explain(code, here, there)
