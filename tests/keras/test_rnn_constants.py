"""Keras RNNs given `constants=` (a cell whose call takes them, read at every step from the
loop's Enter) and Bidirectional given `initial_state=` (the forward layer's states, then the
backward layer's) against TF + tf_keras: graphs, variables, values, gradients, configs, and
the errors for a cell without constants, an odd number of states, or Keras tensors mixed with
others."""

import re

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

CELL = ORACLE_HELPERS + """L = tf.keras.layers
class Cell(L.Layer):
    def __init__(self, units, **kw):
        super().__init__(**kw)
        self.units = units
        self.state_size = units
    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")
    def call(self, inputs, states, constants):
        h = tf.matmul(inputs, self.kernel) + constants[0] * constants[-1]
        out = tf.tanh(h + tf.matmul(states[0], self.recurrent_kernel))
        return out, [out]
    def get_config(self):
        return dict(super().get_config(), units=self.units)
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [None, 3, 2])
c = tf.placeholder(tf.float32, [None, 4])
h = tf.placeholder(tf.float32, [None, 4])
feed = {x: np.cos(np.arange(12.)).reshape(2, 3, 2), c: np.sin(np.arange(8.)).reshape(2, 4),
        h: np.full((2, 4), 0.5)}
"""

# each sets `y` (a tensor or list) from x, c, h
CALLS = [
    "y = L.RNN(Cell(4))(x, constants=c)",
    ("y = L.RNN(Cell(4), return_sequences=True, go_backwards=True)(x, constants=[c, c],"
     " initial_state=h)"),
    "y = L.RNN(Cell(4), unroll=True, return_state=True)(x, constants=[c])",
    ("x._keras_mask = tf.reduce_any(tf.not_equal(x, 0.), -1)\n"
     "y = L.RNN(Cell(4), return_sequences=True)(x, constants=c)"),
    "y = L.Bidirectional(L.RNN(Cell(4), return_sequences=True))(x, constants=c)",
    "y = L.Bidirectional(L.LSTM(4, return_sequences=True))(x, initial_state=[h, c, c, h])",
    ("y = L.Bidirectional(L.GRU(4, return_state=True), merge_mode='sum')(x,"
     " initial_state=[h, c])"),
    ("y = L.Bidirectional(L.RNN(Cell(4)), merge_mode=None)(x, initial_state=[h, c],"
     " constants=[h])"),
]

RECORD = """
ys = y if isinstance(y, list) else [y]
ws = tf.trainable_variables()
grads = tf.gradients(tf.add_n([tf.reduce_sum(t * t) for t in ys]), [x, c, h] + ws)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = s.run([t for t in ys], feed)
    gs = s.run([g for g in grads if g is not None], feed)
result = [graph(), [[v.name, v.shape.as_list()] for v in ws], [t.name for t in ys],
          [g is None for g in grads], vals, gs]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("call", CALLS)
def test_graph_values_and_gradients_match_tf(oracle, call):
    code = CELL + call + RECORD
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)


# Keras tensors as states and constants: they join the layer's inputs (its node, the model's
# config) and the model runs them through predict and from_config
FUNCTIONAL = CELL + """
xi = tf.keras.Input((3, 2)); ci = tf.keras.Input((4,)); hi = tf.keras.Input((4,))
gi = tf.keras.Input((3,))
r = L.RNN(Cell(4), return_sequences=True)(xi, constants=ci, initial_state=[hi])
b = L.Bidirectional(L.RNN(Cell(4)))(xi, constants=ci, initial_state=[hi, hi])
bl = L.Bidirectional(L.LSTM(3))(xi, initial_state=[gi, gi, gi, gi])
m = tf.keras.Model([xi, ci, hi, gi], [r, b, bl])
built = graph()
arrays = [feed[x], feed[c], feed[h], feed[h][:, 1:]]
p = m.predict(arrays)
conf = m.get_config()
for layer in conf["layers"]:
    for node in layer["inbound_nodes"]:
        for entry in node:
            entry[3] = {}  # the call's None keywords, which tf_keras records for Bidirectional
if "cell" not in conf["layers"][4]["config"]:
    conf["layers"][4]["config"].update(m.layers[4].get_config())
m2 = tf.keras.Model.from_config(conf, custom_objects={"Cell": Cell})
m2.set_weights(m.get_weights())
p2 = m2.predict(arrays)
# (tf_keras' model config leaves out RNN(Cell)'s cell and num_constants, so TF cannot
# rebuild it from there; the layers' own configs carry them)
result = [built, [w.name for w in m.weights], [t.name for t in m.outputs], p, p2,
          [l.get_config().get("num_constants") for l in m.layers]]
"""


@pytest.mark.oracle
def test_keras_tensor_states_and_constants_match_tf(oracle):
    here, there = run_here(FUNCTIONAL), oracle(FUNCTIONAL)
    assert "ok" in there, there
    assert agree(here, there), explain(FUNCTIONAL, here, there)


ERRORS = [
    "L.RNN(L.SimpleRNNCell(4))(x, constants=c)",
    "L.Bidirectional(L.LSTM(4))(x, initial_state=[h, c, h])",
    "L.RNN(Cell(4))(tf.keras.Input((3, 2)), constants=c, initial_state=tf.keras.Input((4,)))",
    "L.Bidirectional(L.GRU(4))(x, initial_state=[h, tf.keras.Input((4,))])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", ERRORS)
def test_errors_match_tf(oracle, code):
    code = CELL + code + "\nresult = 1"
    here, there = run_here(code), oracle(code)
    assert "raises" in there, there
    assert "raises" in here and there["raises"] in here["mro"], explain(code, here, there)
    # the messages name the cell by its Python repr (module path, address): left out
    assert _OBJECT.sub("<object>", here["msg"]) == _OBJECT.sub("<object>", there["msg"]), \
        explain(code, here, there)


_OBJECT = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")
