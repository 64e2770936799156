"""A user's RNN cell (a Layer with `state_size` and `call(x, states)`) inside RNN,
Bidirectional and a stack of cells, against TF + tf_keras: its `build` gets what tf_keras
passes (a tuple `(batch, features)`, the previous cell's size in a stack), its weights are
named as TF's, a cell without `output_size` or a `training` argument still runs, and values
agree."""

import pytest
from approx import agree
from oracle import ORACLE_HELPERS, explain, run_here

CELLS = """
import numpy as np
seen = []
class Cell(tf.keras.layers.Layer):
    def __init__(self, units, **kw):
        super().__init__(**kw)
        self.units = units
        self.state_size = units
    def build(self, input_shape):
        seen.append([type(input_shape).__name__, str(input_shape)])
        self.k = self.add_weight("k", (input_shape[-1], self.units),
                                 initializer=tf.keras.initializers.Constant(0.1))
        self.built = True
    def call(self, x, states):
        h = tf.tanh(tf.matmul(x, self.k) + states[0])
        return h, [h]
    def get_config(self):
        c = super().get_config(); c["units"] = self.units; return c
L = tf.keras.layers
x = tf.placeholder(tf.float32, [None, 5, 3])
ys = [L.RNN(Cell(4))(x), L.Bidirectional(L.RNN(Cell(2)))(x),
      L.RNN([Cell(2), Cell(3)], return_sequences=True)(x),
      L.RNN([L.SimpleRNNCell(2, kernel_initializer="ones", recurrent_initializer="zeros"), Cell(3)])(x)]
x3 = tf.keras.Input((None, 3))
ys.append(L.RNN(Cell(2), return_sequences=True, time_major=True)(x3))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    xs = np.cos(np.arange(30, dtype="float32")).reshape(2, 5, 3)
    vals = sess.run(ys[:4], {x: xs})
result = [seen, [v.name for v in tf.global_variables()], [y.shape for y in ys], vals]
"""

NO_CONFIG = """
def err(f):
    try:
        return ["ok", f()]
    except Exception as e:
        return [type(e).__name__, str(e)]
class Cell(tf.keras.layers.Layer):
    def __init__(self, units, **kw):
        super().__init__(**kw)
        self.units = units
        self.state_size = units
    def call(self, x, states):
        return x, states
class L0(tf.keras.layers.Layer):
    def call(self, x):
        return x * 2
class D2(tf.keras.layers.Dense):
    def __init__(self, units, extra=3, **kw):
        super().__init__(units, **kw)
L = tf.keras.layers
result = [err(lambda: Cell(3).get_config()),
          err(lambda: L.Bidirectional(L.RNN(Cell(2))).name),
          err(lambda: L.RNN(Cell(2)).get_config()),
          err(lambda: L0().get_config()),
          err(lambda: D2(2, extra=5, activation="relu").get_config())]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [CELLS, NO_CONFIG], ids=["cells", "no_config"])
def test_custom_cells_as_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)


# a cell subclassing tf.keras.layers.AbstractRNNCell (the docs' MinimalRNNCell) and its
# get_initial_state from a batch size or from inputs
ABSTRACT = ORACLE_HELPERS + """import numpy as np
K = tf.keras; L = K.layers
class MinimalRNNCell(L.AbstractRNNCell):
    def __init__(self, units, **kwargs):
        self.units = units
        super().__init__(**kwargs)
    @property
    def state_size(self):
        return self.units
    @property
    def output_size(self):
        return self.units
    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer=tf.constant_initializer(0.3), name='kernel')
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer=tf.constant_initializer(-0.2), name='recurrent_kernel')
        self.built = True
    def call(self, inputs, states):
        prev_output = states[0]
        h = K.backend.dot(inputs, self.kernel)
        output = h + K.backend.dot(prev_output, self.recurrent_kernel)
        return output, output
x = tf.placeholder(tf.float32, [None, 4, 3])
cell = MinimalRNNCell(2)
layer = L.RNN(cell, return_sequences=True)
y = layer(x)
init = cell.get_initial_state(batch_size=3, dtype=tf.float32)
init2 = cell.get_initial_state(inputs=tf.zeros((5, 3)))
s = K.backend.get_session()
result = [y.name, y.shape.as_list(), [w.name for w in layer.weights], s.run(y, {x: np.arange(24, dtype='float32').reshape(2, 4, 3) / 10}),
          s.run(init).tolist(), s.run(init2).tolist(), isinstance(cell, L.Layer), err(lambda: L.AbstractRNNCell().state_size)]
"""


@pytest.mark.oracle
def test_abstract_rnn_cell_as_tf(oracle):
    here, there = run_here(ABSTRACT), oracle(ABSTRACT)
    assert "ok" in there, there
    assert agree(here, there), explain(ABSTRACT, here, there)
