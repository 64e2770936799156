"""contrib.rnn's wrappers that used to be in core: EmbeddingWrapper, InputProjectionWrapper,
OutputProjectionWrapper (TF 1.15's core_rnn_cell), variables in the wrapper's own scope
(`output_projection_wrapper/kernel`, the wrapped cell's below it)."""

import math

from scopeflow.core.frame import default_graph
from scopeflow.core.getters import get_variable
from scopeflow.core.scopes import get_variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.rnn.cells import RNNCell


def _linear(args, output_size):
    """args (batch, n) @ kernel (n, output_size) + bias, TF's _Linear (bias zeros)."""
    tf = tf_api()
    dims = args.shape.as_list() if args.shape.ndims is not None else None
    if dims is None or len(dims) != 2:
        raise ValueError("linear is expecting 2D arguments: %s" % [args.shape])
    if dims[1] is None:
        raise ValueError("linear expects shape[1] to be provided for shape %s, but saw %s"
                         % (args.shape, dims[1]))
    kernel = get_variable("kernel", [dims[1], output_size], dtype=args.dtype)
    bias = get_variable("bias", [output_size], dtype=args.dtype,
                        initializer=tf.constant_initializer(0.0, dtype=args.dtype))
    return tf.nn.bias_add(tf.matmul(args, kernel), bias)


class _CoreWrapper(RNNCell):
    """A cell around `cell` with its own variable scope; zero state is the cell's."""

    def __init__(self, cell, reuse=None):
        super().__init__(_reuse=reuse)
        if not isinstance(cell, RNNCell) and not (
                hasattr(cell, "output_size") and hasattr(cell, "state_size")
                and callable(cell)):
            raise TypeError("The parameter cell is not RNNCell.")
        self._cell = cell

    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)

    def zero_state(self, batch_size, dtype):
        with default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)


class InputProjectionWrapper(_CoreWrapper):
    """Projects the inputs to `num_proj` (then `activation`) before the cell."""

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        super().__init__(cell, reuse)
        self._num_proj, self._activation = num_proj, activation

    def call(self, inputs, state):
        projected = _linear(inputs, self._num_proj)
        if self._activation:
            projected = self._activation(projected)
        return self._cell(projected, state)


class OutputProjectionWrapper(_CoreWrapper):
    """Projects the cell's output to `output_size` (then `activation`).

    >>> import scopeflow as tf
    >>> cell = tf.contrib.rnn.OutputProjectionWrapper(tf.nn.rnn_cell.GRUCell(4), 7)
    >>> out, _ = cell(tf.zeros([2, 3]), cell.zero_state(2, tf.float32))
    >>> out.shape.as_list()
    [2, 7]
    """

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(cell, reuse)
        if output_size < 1:
            raise ValueError("Parameter output_size must be > 0: %d." % output_size)
        self._output_size, self._activation = output_size, activation

    output_size = property(lambda self: self._output_size)

    def call(self, inputs, state):
        output, new_state = self._cell(inputs, state)
        projected = _linear(output, self._output_size)
        if self._activation:
            projected = self._activation(projected)
        return projected, new_state


class EmbeddingWrapper(_CoreWrapper):
    """Embeds integer inputs (batch,) or (batch, 1) with an `embedding` variable first."""

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(cell, reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError("Both embedding_classes and embedding_size must be > 0: %d, %d."
                             % (embedding_classes, embedding_size))
        self._classes, self._size = embedding_classes, embedding_size
        self._initializer = initializer

    def call(self, inputs, state):
        tf = tf_api()
        with default_graph().device("/cpu:0"):
            initializer = self._initializer or get_variable_scope().initializer
            if not initializer:  # variance 1: uniform on (-sqrt 3, sqrt 3)
                initializer = tf.random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
            dtype = state[0].dtype if isinstance(state, tuple) else state.dtype
            embedding = get_variable("embedding", [self._classes, self._size],
                                     initializer=initializer, dtype=dtype)
            embedded = tf.nn.embedding_lookup(embedding, tf.reshape(inputs, [-1]))
            return self._cell(embedded, state)
