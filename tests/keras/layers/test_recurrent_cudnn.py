"""tf.compat.v1.keras.layers.CuDNNLSTM / CuDNNGRU: TF's graph op for op (weights, the per-gate
slices flattened into one CudnnRNNV3, stateful updates, go_backwards, time_major, its gradient
graph through CudnnRNNBackpropV3), configs and parameter counts compared with TF directly;
values (outputs, states, gradients) against TF's Keras LSTM / GRU(reset_after=True,
recurrent_activation='sigmoid') given the converted weights, as TF has no CPU kernel for
CudnnRNNV3."""

import pytest
from approx import agree, explain
from oracle import run_here

GRAPH = """
import re
L = tf.keras.layers
x = tf.placeholder(tf.float32, [None, 5, 3], name='x')
xt = tf.placeholder(tf.float32, [5, 2, 3], name='xt')
layers = [L.CuDNNLSTM(4, return_sequences=True, return_state=True, go_backwards=True),
          L.CuDNNGRU(2, stateful=True, batch_input_shape=(2, 5, 3)),
          L.CuDNNLSTM(3, time_major=True, unit_forget_bias=False, return_sequences=True),
          L.CuDNNGRU(3, return_state=True, time_major=True)]
outs = [layers[0](x), layers[1](tf.placeholder(tf.float32, [2, 5, 3], name='b')),
        layers[2](xt), layers[3](xt)]
bi = L.Bidirectional(L.CuDNNLSTM(2, return_sequences=True))
outs.append(bi(x))
flat = tf.nest.flatten(outs)
weights = [w for layer in layers + [bi] for w in layer.weights]
grads = tf.gradients(sum(tf.reduce_sum(t * t) for t in flat), weights + [x])
g = [[o.name, o.type, [i.name for i in o.inputs], [t.shape.as_list() if t.shape.ndims is not
      None else None for t in o.outputs]] for o in tf.get_default_graph().get_operations()
     if not re.search('/(VarIsInitializedOp(_[0-9]+)?|init)$', o.name)]
attrs = [sorted((k, str(o.get_attr(k))) for k in o.node_def.attr)
         for o in tf.get_default_graph().get_operations() if o.type.startswith('Cudnn')]
configs = [layer.get_config() for layer in layers]
bi_config = bi.get_config()
again = [type(layer).from_config(c).get_config() == c for layer, c in zip(layers, configs)]
model = tf.keras.Sequential([L.CuDNNLSTM(4, input_shape=(5, 3), return_sequences=True),
                             L.CuDNNGRU(2)])
lines = []
model.summary(print_fn=lines.append)
result = [[t.name for t in flat], [t.shape.as_list() for t in flat], [w.name for w in weights],
          [w.shape.as_list() for w in weights], configs, bi_config, again, g, attrs,
          [layer.count_params() for layer in layers], lines[3:]]
"""

# the CuDNN layers run here; TF runs Keras' LSTM / GRU on the same weights converted as
# tf_keras' hdf5 loader converts them (per gate: input kernels transposed through cuDNN's
# column-major layout, recurrent kernels transposed; LSTM biases summed, GRU's stacked)
COMMON = """
rng = np.random.RandomState(0)
xv = rng.standard_normal((2, 5, 3)).astype('float32')
kl = [rng.uniform(-.5, .5, s).astype('float32') for s in ((3, 16), (4, 16), (32,))]
kg = [rng.uniform(-.5, .5, s).astype('float32') for s in ((3, 9), (3, 9), (18,))]
h0 = rng.standard_normal((2, 4)).astype('float32')
c0 = rng.standard_normal((2, 4)).astype('float32')
x = tf.placeholder(tf.float32, [2, 5, 3], name='x')
L = tf.keras.layers
"""

HERE = COMMON + """
lstm = L.CuDNNLSTM(4, return_sequences=True, return_state=True)
gru = L.CuDNNGRU(3, return_sequences=True, return_state=True, go_backwards=True)
ys = lstm(x, initial_state=[tf.constant(h0), tf.constant(c0)]) + gru(x)
loss = sum(tf.reduce_sum(t * t) for t in ys)
dw = tf.gradients(loss, [x] + lstm.weights + gru.weights)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    lstm.set_weights(kl); gru.set_weights(kg)
    result = sess.run(ys + dw, {x: xv})
"""

THERE = COMMON + """
def blocks(k, n, f):
    return np.hstack([f(b) for b in np.hsplit(k, n)])
def to_keras(k):
    return k.T.reshape(k.shape, order='F')
def from_keras(k):
    return k.T.reshape(k.shape, order='C')
lstm = L.LSTM(4, return_sequences=True, return_state=True, recurrent_activation='sigmoid')
gru = L.GRU(3, return_sequences=True, return_state=True, go_backwards=True, reset_after=True,
            recurrent_activation='sigmoid')
ys = lstm(x, initial_state=[tf.constant(h0), tf.constant(c0)]) + gru(x)
loss = sum(tf.reduce_sum(t * t) for t in ys)
dw = tf.gradients(loss, [x] + lstm.weights + gru.weights)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    lstm.set_weights([blocks(kl[0], 4, to_keras), blocks(kl[1], 4, lambda b: b.T),
                      kl[2][:16] + kl[2][16:]])
    gru.set_weights([blocks(kg[0], 3, to_keras), blocks(kg[1], 3, lambda b: b.T),
                     kg[2].reshape(2, -1)])
    v = sess.run(ys + dw, {x: xv})
n = len(ys)
gl, gg = v[n + 1:n + 4], v[n + 4:]
result = v[:n + 1] + [blocks(gl[0], 4, from_keras), blocks(gl[1], 4, lambda b: b.T),
                      np.concatenate([gl[2], gl[2]]), blocks(gg[0], 3, from_keras),
                      blocks(gg[1], 3, lambda b: b.T), gg[2].reshape(-1)]
"""


@pytest.mark.oracle
def test_cudnn_layers_build_tf_graph(oracle):
    here, there = run_here(GRAPH), oracle(GRAPH)
    assert "ok" in there, there
    assert agree(here, there), explain(GRAPH, here, there)


@pytest.mark.oracle
def test_cudnn_layers_compute_as_keras_lstm_gru(oracle):
    here, there = run_here(HERE), oracle(THERE)
    assert "ok" in there, there
    assert agree(here, there), explain(HERE, here, there)


def test_cudnn_lstm_model_trains():
    here = run_here("""
rng = np.random.RandomState(1)
xv = rng.standard_normal((16, 6, 3)).astype('float32')
yv = xv.sum(axis=(1, 2))[:, None] / 4
model = tf.keras.Sequential([tf.keras.layers.CuDNNLSTM(8, input_shape=(6, 3)),
                             tf.keras.layers.Dense(1)])
model.compile(tf.keras.optimizers.Adam(0.05), 'mse')
h = model.fit(xv, yv, epochs=15, batch_size=16, verbose=0)
result = h.history['loss']
""")
    losses = here["ok"]
    assert losses[-1] < 0.5 * losses[0], losses



# (TF runs no session on a graph holding a CudnnRNNV3 on a CPU: the cuDNN-layout file is
# written with h5py as tf_keras writes one)
LOAD = """
import os, tempfile, h5py
L = tf.keras.layers
rng = np.random.RandomState(2)
path = os.path.join(tempfile.mkdtemp(), 'w.h5')
saved = [('cu_dnnlstm', [(3, 16), (4, 16), (32,)]),
         ('bidirectional', [(4, 6), (2, 6), (12,)] * 2), ('cu_dnngru', [(4, 9), (3, 9), (18,)])]
values = [[rng.uniform(-1, 1, s).astype('float32') for s in shapes] for _, shapes in saved]
with h5py.File(path, 'w') as f:
    f.attrs['layer_names'] = [name.encode() for name, _ in saved]
    f.attrs['backend'], f.attrs['keras_version'] = b'tensorflow', b'2.21.0'
    for (name, _), ws in zip(saved, values):
        g = f.create_group(name)
        names = [('%s/w%d:0' % (name, i)).encode() for i in range(len(ws))]
        g.attrs['weight_names'] = names
        for n, w in zip(names, ws):
            g.create_dataset(n, data=w)
plain = tf.keras.Sequential([L.LSTM(4, input_shape=(5, 3), return_sequences=True),
                             L.Bidirectional(L.GRU(2, return_sequences=True, reset_after=True)),
                             L.GRU(3, reset_after=True)])
plain.load_weights(path)
result = plain.get_weights()
"""

LOAD_BAD = """
import os, tempfile, h5py
path = os.path.join(tempfile.mkdtemp(), 'w.h5')
with h5py.File(path, 'w') as f:
    f.attrs['layer_names'] = [b'cu_dnngru']
    f.attrs['backend'], f.attrs['keras_version'] = b'tensorflow', b'2.21.0'
    g = f.create_group('cu_dnngru')
    g.attrs['weight_names'] = [b'k:0', b'r:0', b'b:0']
    for n, s in zip(('k:0', 'r:0', 'b:0'), ((3, 6), (2, 6), (12,))):
        g.create_dataset(n, data=np.zeros(s, 'float32'))
tf.keras.Sequential([tf.keras.layers.GRU(2, input_shape=(5, 3))]).load_weights(path)
"""


@pytest.mark.oracle
@pytest.mark.parametrize("program", [LOAD, LOAD_BAD])
def test_cudnn_weights_load_into_lstm_gru(oracle, program):
    here, there = run_here(program), oracle(program)
    assert agree(here, there), explain(program, here, there)


def test_lstm_gru_weights_load_into_cudnn_layers():
    """The other way (TF cannot run a CuDNN layer's session on a CPU): the round trip."""
    here = run_here("""
import os, tempfile
L = tf.keras.layers
path = os.path.join(tempfile.mkdtemp(), 'w.h5')
def model(lstm, gru, kw={}, gkw={}):
    return tf.keras.Sequential([lstm(4, input_shape=(5, 3), return_sequences=True, **kw),
                                L.Bidirectional(gru(2, return_sequences=True, **kw, **gkw)),
                                gru(3, **kw, **gkw)])
cudnn = model(L.CuDNNLSTM, L.CuDNNGRU)
rng = np.random.RandomState(3)
start = [rng.uniform(-1, 1, w.shape) for w in cudnn.get_weights()]
cudnn.set_weights(start)
cudnn.save_weights(path)
plain = model(L.LSTM, L.GRU, {'recurrent_activation': 'sigmoid'}, {'reset_after': True})
plain.load_weights(path)
plain.save_weights(path)
x = rng.standard_normal((2, 5, 3))
a = cudnn.predict(x)
cudnn.load_weights(path)  # (LSTM biases come back split in halves: the same sums)
result = [[w.shape for w in plain.get_weights()], float(np.abs(a - cudnn.predict(x)).max()),
          float(np.abs(a - plain.predict(x)).max())]
""")["ok"]
    assert here[0][1] == [4, 16] and here[1] < 1e-5 and here[2] < 1e-4, here
