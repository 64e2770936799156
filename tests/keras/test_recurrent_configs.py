"""Configs of Keras' recurrent, wrapper and normalization layers against real TF + tf_keras:
SimpleRNN/LSTM/GRU and their cells, RNN(cell), Bidirectional, TimeDistributed,
BatchNormalization and LayerNormalization write every argument as tf_keras does (built or
not), `from_config` takes them back, and a model of them moves both ways between TF and here
as JSON (`to_json` / `model_from_json`) and as an HDF5 model file with the same predictions."""

import json

import pytest
from approx import agree, explain
from oracle import run_here

LAYERS = """
L = tf.keras.layers
s = tf.placeholder(tf.float32, [None, 5, 3]); x = tf.placeholder(tf.float32, [None, 4, 4, 2])
ls = [(L.SimpleRNN(3), s), (L.SimpleRNN(2, activation='relu', use_bias=False, return_state=True), s),
      (L.LSTM(4, return_sequences=True, dropout=0.1, recurrent_dropout=0.2, unit_forget_bias=False), s),
      (L.LSTM(2, kernel_regularizer='l2', recurrent_constraint='non_neg', go_backwards=True), s),
      (L.GRU(2, recurrent_activation='sigmoid', bias_initializer='ones', implementation=2), s),
      (L.SimpleRNNCell(3), None), (L.LSTMCell(2, dropout=0.5), None), (L.GRUCell(3), None),
      (L.RNN(L.LSTMCell(3), return_sequences=True), s), (L.RNN(L.SimpleRNNCell(2), go_backwards=True), s),
      (L.Bidirectional(L.LSTM(3), merge_mode='sum'), s), (L.Bidirectional(L.GRU(2, return_sequences=True)), s),
      (L.TimeDistributed(L.Dense(2)), s), (L.BatchNormalization(), x),
      (L.BatchNormalization(axis=1, momentum=0.9, center=False, gamma_regularizer='l1'), x),
      (L.LayerNormalization(), s), (L.LayerNormalization(axis=[1, 2], epsilon=1e-5, beta_constraint='non_neg'), s)]
out = []
for l, t in ls:
    before = l.get_config()
    if t is not None:
        l(t)
    c = l.get_config()
    back = type(l).from_config(dict(c, name=c['name'] + '_copy')).get_config()
    out.append([type(l).__name__, before, c, back == dict(c, name=c['name'] + '_copy')])
result = out
"""

MODEL = """import json
import numpy as np
K = tf.keras; L = tf.keras.layers
C = tf.constant_initializer
inp = K.Input((5, 3), name='x')
h = L.LSTM(4, return_sequences=True, kernel_initializer=C(np.linspace(-.5, .5, 48)), recurrent_initializer=C(.1), name='lstm')(inp)
h = L.Bidirectional(L.GRU(2, return_sequences=True, kernel_initializer=C(.2), recurrent_initializer=C(-.1)), merge_mode='sum', name='bi')(h)
h = L.TimeDistributed(L.Dense(3, kernel_initializer=C(np.linspace(-1, 1, 6))), name='td')(h)
h = L.LayerNormalization(axis=[1, 2], epsilon=1e-5, name='ln')(h)
h = L.RNN(L.SimpleRNNCell(3, kernel_initializer=C(.3), recurrent_initializer=C(.2)), name='rnn')(h)
h = L.BatchNormalization(momentum=0.9, beta_initializer=C(.5), name='bn')(h)
m = K.Model(inp, h)
xs = np.cos(np.arange(30, dtype='float32')).reshape(2, 5, 3)
m.save(DIR + '/SIDE.h5')
cfg = json.loads(m.to_json())
again = json.loads(K.models.model_from_json(m.to_json()).to_json())
result = [cfg['config'], again['config'] == cfg['config'], m.predict(xs)]
"""

LOAD = """import json
import numpy as np
K = tf.keras
xs = np.cos(np.arange(30, dtype='float32')).reshape(2, 5, 3)
m = K.models.model_from_json(JSON)
lm = K.models.load_model(DIR + '/SIDE.h5')
result = [json.loads(m.to_json())['config'], [w.name for w in m.weights], lm.predict(xs)]
"""


@pytest.mark.oracle
def test_layer_configs_match_tf(oracle):
    here, there = run_here(LAYERS), oracle(LAYERS)
    assert agree(here, there), explain(LAYERS, here, there)


@pytest.mark.oracle
def test_models_move_both_ways(oracle, tmp_path):
    prefix = "DIR = %r\n" % str(tmp_path)
    made_here = run_here(prefix + MODEL.replace("SIDE", "here"))
    made_there = oracle(prefix + MODEL.replace("SIDE", "there"))
    assert agree(made_here, made_there), explain(MODEL, made_here, made_there)
    cfg = made_here["ok"][0]
    text = json.dumps({"class_name": "Functional", "config": cfg,
                       "keras_version": "2.15.0", "backend": "tensorflow"})
    for side, run in (("there", run_here), ("here", oracle)):  # each reads the other's
        code = prefix + LOAD.replace("SIDE", side).replace("JSON", repr(text))
        got = run(code)
        assert "ok" in got, explain(code, got, made_there)
        assert agree({"ok": got["ok"][0]}, {"ok": cfg}), explain(code, got, cfg)
        assert agree({"ok": got["ok"][2]}, {"ok": made_there["ok"][2]}), explain(code, got,
                                                                              made_there)
