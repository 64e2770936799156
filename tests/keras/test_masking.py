"""Keras masks in TF1 graph mode against real TF + tf_keras: Embedding(mask_zero) and Masking
make them, Dense / Dropout / Activation pass them on, LSTM / GRU / SimpleRNN skip masked steps
(also backwards and inside Bidirectional / TimeDistributed), merge layers combine them,
GlobalAveragePooling1D averages the kept steps, and the loss and metrics of `fit` weigh them."""

import pytest
from approx import agree, explain
from oracle import run_here

LAYERS = """K = tf.keras; L = tf.keras.layers
C = tf.constant_initializer
def m(t):
    mk = getattr(t, '_keras_mask', None)
    return None if mk is None else [mk.name, mk.shape.as_list(), mk.dtype.name]
ids = K.Input((5,), dtype='int32')
e = L.Embedding(6, 3, mask_zero=True, embeddings_initializer=C(np.linspace(-1, 1, 18)))(ids)
d = L.Dense(2, kernel_initializer=C(.3))(e)
f = L.Flatten()(e)
l = L.LSTM(2, return_sequences=True, kernel_initializer=C(.2), recurrent_initializer=C(.1))(e)
l2 = L.LSTM(2, kernel_initializer=C(.2), recurrent_initializer=C(.1))(e)
g = L.GRU(2, return_sequences=True, kernel_initializer=C(.2), recurrent_initializer=C(.1), go_backwards=True)(e)
s = L.SimpleRNN(2, return_state=True, kernel_initializer=C(.2), recurrent_initializer=C(.1))(e)
td = L.TimeDistributed(L.Dense(2, kernel_initializer=C(.3)))(l)
bi = L.Bidirectional(L.LSTM(2, return_sequences=True, kernel_initializer=C(.2), recurrent_initializer=C(.1)))(e)
gp = L.GlobalAveragePooling1D()(e)
x = K.Input((4, 2))
mk = L.Masking(0.)(x)
lm = L.LSTM(2, kernel_initializer=C(.2), recurrent_initializer=C(.1))(mk)
dr = L.Dropout(0.5)(mk); ac = L.Activation('relu')(mk)
cc = L.Concatenate()([mk, x])
outs = [e, d, f, l, l2, g, s[0], td, bi, gp, mk, lm, dr, ac, cc]
masks = [m(t) for t in outs]
masks[7] = masks[7][1:]  # TimeDistributed: TF reshapes the same mask anew
sess = K.backend.get_session()
idv = np.array([[1, 2, 0, 3, 0], [0, 0, 4, 5, 1]])
xv = np.array([[[1., 2.], [0., 0.], [3., 1.], [0., 0.]], [[0., 0.], [1., 1.], [2., 0.], [1., -1.]]], 'float32')
vals = sess.run(outs, {ids: idv, x: xv})
result = [masks, [v.tolist() for v in vals]]
"""

TRAINING = """K = tf.keras; L = tf.keras.layers
C = tf.constant_initializer
ids = np.array([[1, 2, 0, 3, 0], [0, 0, 4, 5, 1], [2, 2, 2, 0, 0]])
ys = np.arange(30, dtype='float32').reshape(3, 5, 2) / 30.0
m = K.Sequential([L.Embedding(6, 3, mask_zero=True, input_length=5, embeddings_initializer=C(np.linspace(-1, 1, 18))),
                  L.LSTM(4, return_sequences=True, kernel_initializer=C(.2), recurrent_initializer=C(.1)),
                  L.TimeDistributed(L.Dense(2, kernel_initializer=C(.3)))])
m.compile(K.optimizers.SGD(0.5), 'mse', metrics=['mae'], weighted_metrics=['mse'])
sw = np.array([1., 2., .5], 'float32')
a = m.test_on_batch(ids, ys)
b = m.test_on_batch(ids, ys, sample_weight=sw)
h = m.fit(ids, ys, epochs=2, batch_size=2, shuffle=False, verbose=0)
m2 = K.Sequential([L.Masking(0., input_shape=(5, 2)), L.GRU(3, kernel_initializer=C(.2), recurrent_initializer=C(.1)), L.Dense(1, kernel_initializer=C(.3))])
m2.compile(K.optimizers.SGD(0.5), 'mse')
xm = ys.copy(); xm[0, 1] = 0.; xm[2, 3:] = 0.
h2 = m2.fit(xm, ys[:, 0, :1], epochs=2, batch_size=2, shuffle=False, verbose=0)
result = [a, b, h.history, m.predict(ids), h2.history, m2.predict(xm)]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [LAYERS, TRAINING])
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


def test_mask_is_on_the_tensor(tf):
    ids = tf.placeholder(tf.int32, [None, 4])
    e = tf.keras.layers.Embedding(5, 2, mask_zero=True)(ids)
    assert e._keras_mask.name == "embedding/NotEqual:0"
    assert getattr(tf.keras.layers.Flatten()(e), "_keras_mask", None) is None
