"""contrib.rnn's LayerNormBasicLSTMCell against TF 1.15's definition of it, run over TF's own
RNNCell and tf_slim.layer_norm in the oracle (TF 2 has no contrib): graph, variables, values
and gradients."""

import numpy as np
import pytest
from oracle import ORACLE_HELPERS, explain, run_here

from scopeflow.ops import nest

REFERENCE = r"""
if hasattr(tf, "contrib"):
    LayerNormBasicLSTMCell = tf.contrib.rnn.LayerNormBasicLSTMCell
else:
    from tensorflow.python.framework import ops as _ops
    _ops.Tensor = tf.Tensor
    import tf_slim

    class LayerNormBasicLSTMCell(tf.nn.rnn_cell.RNNCell):  # TF 1.15's contrib class
        def __init__(self, num_units, forget_bias=1.0, layer_norm=True, norm_gain=1.0,
                     norm_shift=0.0, dropout_keep_prob=1.0, dropout_prob_seed=None):
            super().__init__()
            self._num_units, self._forget_bias = num_units, forget_bias
            self._layer_norm, self._gain, self._shift = layer_norm, norm_gain, norm_shift
            self._keep_prob, self._seed = dropout_keep_prob, dropout_prob_seed
        state_size = property(lambda self: tf.nn.rnn_cell.LSTMStateTuple(
            self._num_units, self._num_units))
        output_size = property(lambda self: self._num_units)
        def _norm(self, inp, scope, dtype):
            shape = inp.get_shape()[-1:]
            with tf.variable_scope(scope):
                tf.get_variable("gamma", shape=shape, dtype=dtype,
                                initializer=tf.constant_initializer(self._gain))
                tf.get_variable("beta", shape=shape, dtype=dtype,
                                initializer=tf.constant_initializer(self._shift))
            return tf_slim.layer_norm(inp, reuse=True, scope=scope)
        def _linear(self, args):
            out_size = 4 * self._num_units
            w = tf.get_variable("kernel", [args.get_shape()[-1], out_size], dtype=args.dtype)
            out = tf.matmul(args, w)
            if not self._layer_norm:
                out = tf.nn.bias_add(out, tf.get_variable("bias", [out_size], dtype=args.dtype))
            return out
        def call(self, inputs, state):
            c, h = state
            args = tf.concat([inputs, h], 1)
            i, j, f, o = tf.split(value=self._linear(args), num_or_size_splits=4, axis=1)
            if self._layer_norm:
                i = self._norm(i, "input", args.dtype)
                j = self._norm(j, "transform", args.dtype)
                f = self._norm(f, "forget", args.dtype)
                o = self._norm(o, "output", args.dtype)
            g = tf.tanh(j)
            if (not isinstance(self._keep_prob, float)) or self._keep_prob < 1:
                g = tf.nn.dropout(g, self._keep_prob, seed=self._seed)
            new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * g
            if self._layer_norm:
                new_c = self._norm(new_c, "state", args.dtype)
            new_h = tf.tanh(new_c) * tf.sigmoid(o)
            return new_h, tf.nn.rnn_cell.LSTMStateTuple(new_c, new_h)
"""
RUN = r"""
import numpy as np
tf.set_random_seed(4)
x = tf.constant(np.cos(np.arange(2 * 4 * 3) * 0.8).reshape(2, 4, 3), tf.float32)
out, st = tf.nn.dynamic_rnn(CELL, x, dtype=tf.float32)
loss = tf.reduce_sum(out * out) + tf.reduce_sum(st.c)
grads = tf.gradients(loss, tf.trainable_variables() + [x])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = s.run([out, st, grads])
result = {"graph": [g[:3] for g in graph()], "vals": vals,
          "vars": [(v.name, v.shape.as_list()) for v in tf.global_variables()]}
"""


@pytest.mark.oracle
@pytest.mark.parametrize("cell", [
    "LayerNormBasicLSTMCell(4, norm_gain=1.3, norm_shift=0.2)",
    "LayerNormBasicLSTMCell(3, forget_bias=0.5, layer_norm=False)",
])
def test_layer_norm_basic_lstm_cell_like_tf(oracle, cell):
    code = "import numpy as np\n" + ORACLE_HELPERS + REFERENCE + RUN.replace("CELL", cell)
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    mine, theirs = here["ok"], there["ok"]
    assert mine["vars"] == theirs["vars"]
    # the forward graph op for op; the backward pass by its values (Mean's gradient of the last
    # layer norm takes another of TF's two forms there: scopeflow knows a static shape that TF
    # leaves unknown inside the loop)
    fwd = [[g for g in r["graph"] if not g[0].startswith("gradients/")] for r in (mine, theirs)]
    assert fwd[0] == fwd[1], explain(code, fwd[0], fwd[1])
    np.testing.assert_allclose(nest.flatten(mine["vals"]), nest.flatten(theirs["vals"]),
                               rtol=1e-4, atol=2e-5)  # values rounded to 5 places
