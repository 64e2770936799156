"""contrib.rnn's Input/OutputProjectionWrapper and EmbeddingWrapper against TF 1.15's
definitions of them run over TF's own RNNCell in the oracle (TF 2 has no contrib)."""

import pytest
from contrib_oracle import compare
from oracle import ORACLE_HELPERS

REFERENCE = r"""
import math
if hasattr(tf, "contrib"):
    R = tf.contrib.rnn
else:
    def _linear(args, size):
        w = tf.get_variable("kernel", [args.get_shape()[1], size], dtype=args.dtype)
        b = tf.get_variable("bias", [size], dtype=args.dtype,
                            initializer=tf.constant_initializer(0.0, dtype=args.dtype))
        return tf.nn.bias_add(tf.matmul(args, w), b)
    class _W(tf.nn.rnn_cell.RNNCell):
        def __init__(self, cell):
            super().__init__()
            self._cell = cell
        state_size = property(lambda self: self._cell.state_size)
        output_size = property(lambda self: self._cell.output_size)
        def zero_state(self, batch_size, dtype):
            with tf.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
                return self._cell.zero_state(batch_size, dtype)
    class InputProjectionWrapper(_W):
        def __init__(self, cell, num_proj, activation=None):
            super().__init__(cell)
            self._n, self._act = num_proj, activation
        def call(self, inputs, state):
            p = _linear(inputs, self._n)
            return self._cell(self._act(p) if self._act else p, state)
    class OutputProjectionWrapper(_W):
        def __init__(self, cell, output_size, activation=None):
            super().__init__(cell)
            self._n, self._act = output_size, activation
        output_size = property(lambda self: self._n)
        def call(self, inputs, state):
            out, st = self._cell(inputs, state)
            p = _linear(out, self._n)
            return (self._act(p) if self._act else p), st
    class EmbeddingWrapper(_W):
        def __init__(self, cell, embedding_classes, embedding_size, initializer=None):
            super().__init__(cell)
            self._c, self._s, self._init = embedding_classes, embedding_size, initializer
        def call(self, inputs, state):
            with tf.device("/cpu:0"):
                init = self._init or tf.get_variable_scope().initializer or \
                    tf.random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
                dt = state[0].dtype if isinstance(state, tuple) else state.dtype
                e = tf.get_variable("embedding", [self._c, self._s], initializer=init, dtype=dt)
                return self._cell(tf.nn.embedding_lookup(e, tf.reshape(inputs, [-1])), state)
    import types
    R = types.SimpleNamespace(InputProjectionWrapper=InputProjectionWrapper,
                              OutputProjectionWrapper=OutputProjectionWrapper,
                              EmbeddingWrapper=EmbeddingWrapper)
tf.set_random_seed(6)
"""
RECORD = r"""
loss = tf.reduce_sum(tf.square(out))
grads = [tf.convert_to_tensor(g) for g in tf.gradients(loss, tf.trainable_variables())]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = s.run([out, st, grads])
result = {"graph": [g[:3] for g in graph() if not g[0].startswith("gradients/")],
          "vars": [(v.name, v.shape.as_list()) for v in tf.global_variables()], "vals": vals}
"""
PROGRAMS = [
    ("x = tf.constant(np.cos(np.arange(2 * 3 * 6)).reshape(2, 3, 6), tf.float32)\n"
     "cell = R.OutputProjectionWrapper(R.InputProjectionWrapper(\n"
     "    tf.nn.rnn_cell.GRUCell(4), 5, activation=tf.tanh), 7)\n"
     "out, st = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"),
    ("ids = [tf.constant([1, 3]), tf.constant([0, 2]), tf.constant([3, 3])]\n"
     "cell = R.EmbeddingWrapper(tf.nn.rnn_cell.BasicLSTMCell(3), 4, 5)\n"
     "outs, st = tf.nn.static_rnn(cell, ids, dtype=tf.float32)\nout = tf.stack(outs)\n"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("i", range(len(PROGRAMS)))
def test_core_rnn_wrappers_like_tf(oracle, i):
    code = "import numpy as np\n" + ORACLE_HELPERS + REFERENCE + PROGRAMS[i] + RECORD
    compare(oracle, code, ("vars", "graph"))


def test_output_projection_wrapper_checks(tf):
    with pytest.raises(ValueError, match="Parameter output_size must be > 0: 0."):
        tf.contrib.rnn.OutputProjectionWrapper(tf.nn.rnn_cell.GRUCell(2), 0)
    with pytest.raises(TypeError, match="The parameter cell is not RNNCell."):
        tf.contrib.rnn.InputProjectionWrapper("cell", 3)
