"""`tf.nn.rnn_cell`: RNNCell and the TF1 cells, named and computed as in TF.

A cell is a TF1 layer: called first inside `rnn/`, its variables are `rnn/<cell name>/kernel`
and `.../bias`, and every later call reuses them (also from another variable scope).
"""

import collections
import re

import numpy as np

from scopeflow.core import stack
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import VariableScope, get_variable_scope, variable_scope
from scopeflow.layers.base import Layer
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """The (cell state, output) pair of an LSTM."""

    __slots__ = ()

    @property
    def dtype(self):
        if self.c.dtype != self.h.dtype:
            raise TypeError("Inconsistent internal state: %s vs %s"
                            % (str(self.c.dtype), str(self.h.dtype)))
        return self.c.dtype


def _concat(prefix, suffix, static=False):
    """[batch] + state size, as a shape tensor or (static=True) a list (TF's `_concat`)."""
    tf = tf_api()
    if hasattr(prefix, "op"):
        from scopeflow.ops.constant import constant_value
        known = constant_value(prefix)
        p = tf.expand_dims(prefix, 0) if prefix.shape.ndims == 0 else prefix
        p_static = [None if known is None else int(known)]
    else:  # (None: a batch of unknown size, TensorShape(None) as in TF)
        shape = tf.TensorShape(prefix)
        p_static = shape.as_list() if shape.ndims is not None else None
        p = tf.constant(p_static, dtype=tf.int32) if shape.is_fully_defined() else None
    if hasattr(suffix, "op"):  # a size known when run (attention over a memory of any length)
        from scopeflow.ops.constant import constant_value
        known = constant_value(suffix)
        if suffix.shape.ndims not in (0, 1):
            raise ValueError("suffix tensor must be either a scalar or vector, but saw tensor: "
                             "%s" % suffix)
        s = tf.expand_dims(suffix, 0) if suffix.shape.ndims == 0 else suffix
        s_static = None if known is None else list(np.atleast_1d(known))
    else:
        s_static = tf.TensorShape(suffix).as_list()
        s = tf.constant(s_static, dtype=tf.int32)
    if static:
        shape = tf.TensorShape(p_static).concatenate(s_static)
        return shape.as_list() if shape.ndims is not None else None
    return tf.concat((p, s), 0)


def _zero_state_tensors(state_size, batch_size, dtype):
    tf = tf_api()

    def one(s):
        z = tf.zeros(_concat(batch_size, s), dtype=dtype)
        z.set_shape(_concat(batch_size, s, static=True))
        return z

    return nest.map_structure(one, state_size)


class RNNCell(Layer):
    """Abstract RNN cell: `(output, new_state) = cell(inputs, state)`."""

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)
        self._is_tf_rnn_cell = True

    def __call__(self, inputs, state, scope=None):
        first, here = _note_call(self, scope)
        try:
            if scope is not None:
                with variable_scope(scope, custom_getter=self._rnn_get_variable) as scope:
                    return super().__call__(inputs, state, scope=scope)
            if getattr(self, "_rnncell_scope", None) is None:
                self._rnncell_scope = variable_scope(get_variable_scope(),
                                                     custom_getter=self._rnn_get_variable)
            with self._rnncell_scope:
                return super().__call__(inputs, state)
        except ValueError as e:
            _teach(e, self, first, here)
            raise

    def _rnn_get_variable(self, getter, *args, **kwargs):
        v = getter(*args, **kwargs)
        trainable = any(v is t for t in
                        default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES))
        own = self._trainable_weights if trainable else self._non_trainable_weights
        if all(v is not w for w in own):
            own.append(v)
        return v

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def build(self, _):
        pass

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        if inputs is not None:
            batch_size = inputs.shape.as_list()[0] or tf_api().shape(inputs)[0]
            dtype = dtype or inputs.dtype
        return self.zero_state(batch_size, dtype)

    def zero_state(self, batch_size, dtype):
        """Zeros of shape [batch] + state size, in scope `<Cell>ZeroState`."""
        with default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return _zero_state_tensors(self.state_size, batch_size, dtype)


class LayerRNNCell(RNNCell):
    """An RNN cell whose variables come from `add_weight` in its own layer scope."""

    def __call__(self, inputs, state, scope=None, *args, **kwargs):
        first, here = _note_call(self, scope)
        try:
            return Layer.__call__(self, inputs, state, *args, scope=scope, **kwargs)
        except ValueError as e:
            _teach(e, self, first, here)
            raise


def _note_call(cell, scope):
    """Records, per graph, each variable scope a cell is called in with the first calling
    stack there (scopeflow.insight lints one cell used under two scopes); returns (the
    cell's first call or None, this call) as (cell, scope name, stack)."""
    current = get_variable_scope().name
    name = getattr(scope, "name", scope)
    if isinstance(name, str) and not isinstance(scope, VariableScope) and current:
        name = current + "/" + name
    here = (cell, current if name is None else name, stack.capture())
    cells = default_graph().__dict__.setdefault("_rnn_cell_scopes", {})
    entry = cells.get(id(cell))
    if entry is None:
        cells[id(cell)] = (cell, {here[1]: here[2]})
        return None, here
    scopes = entry[1]
    scopes.setdefault(here[1], here[2])
    scope0, tb0 = next(iter(scopes.items()))
    return (cell, scope0, tb0), here


def _teach(e, cell, first, here):
    """A ValueError of a later call of a cell (its input does not fit the weights the first
    call made), or of a second cell whose weights another cell already made in the same
    scope, is told both calls and the fix, after TF's message."""
    if type(e) is not ValueError or not e.args or _TAUGHT in str(e) or _OTHER in str(e):
        return
    if first is not None:
        e.args = (str(e) + _reuse_lesson(cell, first, here),) + e.args[1:]
        return
    m = re.match(r"Variable (\S+) already exists, disallowed", str(e))
    owner = m and next((c for c, _ in default_graph().__dict__.get("_rnn_cell_scopes",
                                                                    {}).values()
                        if c is not cell and any(w.op.name == m.group(1) for w in c.weights)),
                       None)
    if owner:
        scopes = default_graph().__dict__["_rnn_cell_scopes"][id(owner)][1]
        (scope0, tb0) = next(iter(scopes.items()))
        e.args = (str(e) + (
            "%s: the %s first called at %s under variable scope %r made %r; this %s, another "
            "cell object, is called at %s under the same variable scope %r. To share the weights, "
            "call the first cell object again; for weights of its own, run this cell under "
            "another scope (e.g. tf.nn.dynamic_rnn(..., scope='rnn_2'), or inside "
            "tf.variable_scope('decoder'))." % (
                _OTHER, type(owner).__name__, _where(tb0), scope0, m.group(1),
                type(cell).__name__, _where(here[2]), here[1])),) + e.args[1:]


_TAUGHT = "\nThis RNN cell object"
_OTHER = "\nA second RNN cell in one scope"


def _where(tb):
    user = [f for f in stack.frames(tb) if stack.is_user_frame(f)]
    return "%s:%d" % (user[-1].filename, user[-1].lineno) if user else "(unknown line)"


def _reuse_lesson(cell, first, here):
    def where(call):
        return _where(call[2])

    weights = ", ".join("%s %s" % (w.op.name, w.shape) for w in cell.weights[:2])
    return ("%s (%s) was first called at %s under variable scope %r, where it made its "
            "weights (%s); this call at %s, under variable scope %r, reuses those weights and "
            "its input does not fit them. One cell object holds one set of weights: create a "
            "new cell for each layer or direction, e.g. MultiRNNCell([BasicLSTMCell(n) for _ in "
            "range(k)]) instead of MultiRNNCell([cell] * k); to share the weights on purpose, "
            "give the second call inputs of the same depth."
            % (_TAUGHT, type(cell).__name__, where(first), first[1],
               weights or "none yet", where(here), here[1]))


def _input_depth(cell, inputs_shape):
    depth = inputs_shape.as_list()[-1] if inputs_shape.ndims else None
    if depth is None:
        raise ValueError("Expected inputs.shape[-1] to be known, saw shape: %s"
                         % str(inputs_shape))
    return depth


class BasicRNNCell(LayerRNNCell):
    """`output = new_state = act(W [inputs, state] + b)`.

    >>> import scopeflow as tf
    >>> tf.nn.rnn_cell.BasicRNNCell(4).state_size
    4
    """

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._activation = activation or tf_api().tanh

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        self._kernel = self.add_weight("kernel", shape=[depth + self._num_units, self._num_units])
        self._bias = self.add_weight("bias", shape=[self._num_units],
                                     initializer=tf_api().zeros_initializer(dtype=self._dtype))
        self.built = True

    def call(self, inputs, state):
        tf = tf_api()
        gate = tf.nn.bias_add(tf.matmul(tf.concat([inputs, state], 1), self._kernel), self._bias)
        output = self._activation(gate)
        return output, output


class GRUCell(LayerRNNCell):
    """Gated recurrent unit (Cho et al. 2014), variables under `gates/` and `candidate/`."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._activation = activation or tf_api().tanh
        self._kernel_initializer, self._bias_initializer = kernel_initializer, bias_initializer

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        tf = tf_api()
        depth, n = _input_depth(self, inputs_shape), self._num_units
        bias = self._bias_initializer
        self._gate_kernel = self.add_weight("gates/kernel", shape=[depth + n, 2 * n],
                                            initializer=self._kernel_initializer)
        self._gate_bias = self.add_weight(
            "gates/bias", shape=[2 * n],
            initializer=bias if bias is not None else tf.constant_initializer(1.0,
                                                                              dtype=self._dtype))
        self._candidate_kernel = self.add_weight("candidate/kernel", shape=[depth + n, n],
                                                 initializer=self._kernel_initializer)
        self._candidate_bias = self.add_weight(
            "candidate/bias", shape=[n],
            initializer=bias if bias is not None else tf.zeros_initializer(dtype=self._dtype))
        self.built = True

    def call(self, inputs, state):
        tf = tf_api()
        gate = tf.matmul(tf.concat([inputs, state], 1), self._gate_kernel)
        value = tf.sigmoid(tf.nn.bias_add(gate, self._gate_bias))
        r, u = tf.split(value=value, num_or_size_splits=2, axis=1)
        candidate = tf.matmul(tf.concat([inputs, r * state], 1), self._candidate_kernel)
        c = self._activation(tf.nn.bias_add(candidate, self._candidate_bias))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class BasicLSTMCell(LayerRNNCell):
    """LSTM without peepholes or projection; state is LSTMStateTuple(c, h).

    >>> import scopeflow as tf
    >>> tf.nn.rnn_cell.BasicLSTMCell(4).state_size
    LSTMStateTuple(c=4, h=4)
    """

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units, self._forget_bias = num_units, forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation or tf_api().tanh

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel = self.add_weight("kernel", shape=[depth + n, 4 * n])
        self._bias = self.add_weight("bias", shape=[4 * n],
                                     initializer=tf_api().zeros_initializer(dtype=self._dtype))
        self.built = True

    def call(self, inputs, state):
        tf = tf_api()
        one = tf.constant(1, dtype=tf.int32)
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = tf.split(value=state, num_or_size_splits=2, axis=one)
        gate = tf.nn.bias_add(tf.matmul(tf.concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = tf.split(value=gate, num_or_size_splits=4, axis=one)
        forget = tf.constant(self._forget_bias, dtype=f.dtype)
        act = self._activation
        new_c = tf.add(tf.multiply(c, tf.sigmoid(tf.add(f, forget))),
                       tf.multiply(tf.sigmoid(i), act(j)))
        new_h = tf.multiply(act(new_c), tf.sigmoid(o))
        if self._state_is_tuple:
            return new_h, LSTMStateTuple(new_c, new_h)
        return new_h, tf.concat([new_c, new_h], 1)


class LSTMCell(LayerRNNCell):
    """LSTM with optional peepholes, cell clipping and output projection."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units, self._use_peepholes = num_units, use_peepholes
        self._cell_clip, self._initializer = cell_clip, initializer
        self._num_proj, self._proj_clip = num_proj, proj_clip
        self._unit_shards, self._proj_shards = num_unit_shards, num_proj_shards
        self._forget_bias, self._state_is_tuple = forget_bias, state_is_tuple
        self._activation = activation or tf_api().tanh

    @property
    def state_size(self):
        h = self._num_proj or self._num_units
        return (LSTMStateTuple(self._num_units, h) if self._state_is_tuple
                else self._num_units + h)

    output_size = property(lambda self: self._num_proj or self._num_units)

    def _shards(self, n):
        return None if n is None else tf_api().fixed_size_partitioner(n)

    def build(self, inputs_shape):
        tf = tf_api()
        depth, n = _input_depth(self, inputs_shape), self._num_units
        h_depth = self._num_proj or n
        self._kernel = self.add_weight("kernel", shape=[depth + h_depth, 4 * n],
                                       initializer=self._initializer,
                                       partitioner=self._shards(self._unit_shards))
        self._bias = self.add_weight("bias", shape=[4 * n],
                                     initializer=tf.zeros_initializer(dtype=self._dtype))
        if self._use_peepholes:
            for gate in ("f", "i", "o"):
                setattr(self, "_w_%s_diag" % gate, self.add_weight(
                    "w_%s_diag" % gate, shape=[n], initializer=self._initializer))
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight("projection/kernel", shape=[n, self._num_proj],
                                                initializer=self._initializer,
                                                partitioner=self._shards(self._proj_shards))
        self.built = True

    def call(self, inputs, state):
        tf = tf_api()
        n, sig, act = self._num_units, tf.sigmoid, self._activation
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = tf.slice(state, [0, 0], [-1, n])
            m_prev = tf.slice(state, [0, n], [-1, self._num_proj or n])
        if inputs.shape.with_rank(2).as_list()[1] is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        matrix = tf.nn.bias_add(tf.matmul(tf.concat([inputs, m_prev], 1), self._kernel),
                                self._bias)
        i, j, f, o = tf.split(value=matrix, num_or_size_splits=4, axis=1)
        if self._use_peepholes:
            c = (sig(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev
                 + sig(i + self._w_i_diag * c_prev) * act(j))
        else:
            c = sig(f + self._forget_bias) * c_prev + sig(i) * act(j)
        if self._cell_clip is not None:
            c = tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sig(o + self._w_o_diag * c) * act(c)
        else:
            m = sig(o) * act(c)
        if self._num_proj is not None:
            m = tf.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = tf.clip_by_value(m, -self._proj_clip, self._proj_clip)
        return m, (LSTMStateTuple(c, m) if self._state_is_tuple else tf.concat([c, m], 1))
