"""`tf.contrib.seq2seq` attention: Bahdanau (additive, optionally normalized) and Luong
(multiplicative, optionally scaled) mechanisms over a memory, and `AttentionWrapper`, the RNN
cell that attends after each step, with TF 1.15's scopes (`memory_layer`,
`attention_wrapper/bahdanau_attention/query_layer`, `attention_v`, `attention_layer`)."""

import collections
import math

import numpy as np

from scopeflow.contrib.seq2seq.basic_decoder import assert_like_rnncell
from scopeflow.core.scopes import variable_scope
from scopeflow.core.shape import TensorShape
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.rnn.cells import RNNCell, _zero_state_tensors


class AttentionMechanism:
    """The base of every attention mechanism (what AttentionWrapper accepts)."""


def _dim(t, axis):
    """The static size of `t`'s `axis`, else the dynamic one."""
    return t.shape[axis].value or tf_api().shape(t)[axis]


def _prepare_memory(memory, lengths, check_inner_dims_defined):
    """The memory as tensors, zeroed past each example's length."""
    tf = tf_api()
    memory = nest.map_structure(lambda m: tf.convert_to_tensor(m, name="memory"), memory)
    if lengths is not None:
        lengths = tf.convert_to_tensor(lengths, name="memory_sequence_length")
    if check_inner_dims_defined:
        for m in nest.flatten(memory):
            if not m.shape[2:].is_fully_defined():
                raise ValueError("Expected memory %s to have fully defined inner dims, but saw "
                                 "shape: %s" % (m.name, m.shape))
    if lengths is None:
        return memory
    first = nest.flatten(memory)[0]
    mask = tf.sequence_mask(lengths, maxlen=tf.shape(first)[1], dtype=first.dtype)
    mask_batch = _dim(lengths, 0)

    def masked(m):
        rank = m.shape.ndims if m.shape.ndims is not None else tf.rank(m)
        extra_ones = tf.ones(rank - 2, dtype=tf.int32)
        batch = _dim(m, 0)
        with tf.control_dependencies([tf.assert_equal(
                mask_batch, batch,
                message="memory_sequence_length and memory tensor batch sizes do not match.")]):
            return m * tf.reshape(mask, tf.concat((tf.shape(mask), extra_ones), 0))

    return nest.map_structure(masked, memory)


def _mask_score(score, lengths, mask_value):
    """`score` with `mask_value` past each example's memory length."""
    tf = tf_api()
    if lengths is None:
        return score
    with tf.control_dependencies([tf.assert_positive(
            lengths, message="All values in memory_sequence_length must greater than zero.")]):
        mask = tf.sequence_mask(lengths, maxlen=tf.shape(score)[1])
        return tf.where(mask, score, mask_value * tf.ones_like(score))


class _BaseAttentionMechanism(AttentionMechanism):
    """Keys (the memory through `memory_layer`), values (the masked memory) and the masked,
    normalized scores of a query."""

    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length=None,
                 memory_layer=None, check_inner_dims_defined=True, score_mask_value=None,
                 name=None):
        tf = tf_api()
        self._query_layer, self._memory_layer = query_layer, memory_layer
        self.dtype = memory_layer.dtype
        if not callable(probability_fn):
            raise TypeError("probability_fn must be callable, saw type: %s"
                            % type(probability_fn).__name__)
        if score_mask_value is None:
            score_mask_value = tf.as_dtype(self._memory_layer.dtype).as_numpy_dtype(-np.inf)
        self._probability_fn = lambda score, prev: probability_fn(
            _mask_score(score, memory_sequence_length, score_mask_value), prev)
        with tf.name_scope(name, "BaseAttentionMechanismInit", nest.flatten(memory)):
            self._values = _prepare_memory(memory, memory_sequence_length,
                                           check_inner_dims_defined)
            self._keys = self.memory_layer(self._values) if self.memory_layer else self._values
            self._batch_size = _dim(self._keys, 0)
            self._alignments_size = _dim(self._keys, 1)

    memory_layer = property(lambda self: self._memory_layer)
    query_layer = property(lambda self: self._query_layer)
    values = property(lambda self: self._values)
    keys = property(lambda self: self._keys)
    batch_size = property(lambda self: self._batch_size)
    alignments_size = property(lambda self: self._alignments_size)
    state_size = property(lambda self: self._alignments_size)

    def initial_alignments(self, batch_size, dtype):
        """Zeros (batch, memory length)."""
        return _zero_state_tensors(self._alignments_size, batch_size, dtype)

    def initial_state(self, batch_size, dtype):
        return self.initial_alignments(batch_size, dtype)


def _dense(units, name, dtype):
    return tf_api().layers.Dense(units, name=name, use_bias=False, dtype=dtype)


class LuongAttention(_BaseAttentionMechanism):
    """Multiplicative attention: score = query . keys (times a learned `attention_g`)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="LuongAttention"):
        tf = tf_api()
        probability_fn = probability_fn or tf.nn.softmax
        dtype = dtype or tf.float32
        super().__init__(None, memory, lambda score, _: probability_fn(score),
                         memory_sequence_length, _dense(num_units, "memory_layer", dtype),
                         score_mask_value=score_mask_value, name=name)
        self._num_units, self._scale, self._name = num_units, scale, name

    def __call__(self, query, state):
        tf = tf_api()
        with variable_scope(None, "luong_attention", [query]):
            g = None
            if self._scale:
                g = tf.get_variable("attention_g", dtype=query.dtype,
                                    initializer=tf.ones_initializer, shape=())
            depth, key_units = query.shape[-1], self._keys.shape[-1]
            if depth != key_units:
                raise ValueError(
                    "Incompatible or unknown inner dimensions between query and keys.  Query "
                    "(%s) has units: %s.  Keys (%s) have units: %s.  Perhaps you need to set "
                    "num_units to the keys' dimension (%s)?"
                    % (query, depth, self._keys, key_units, key_units))
            score = tf.squeeze(tf.matmul(tf.expand_dims(query, 1), self._keys,
                                         transpose_b=True), [1])
            if g is not None:
                score = g * score
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class BahdanauAttention(_BaseAttentionMechanism):
    """Additive attention: score = v . tanh(keys + query_layer(query)) (v weight-normalized
    with a learned gain `attention_g` and bias `attention_b` when `normalize`)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="BahdanauAttention"):
        tf = tf_api()
        probability_fn = probability_fn or tf.nn.softmax
        dtype = dtype or tf.float32
        super().__init__(_dense(num_units, "query_layer", dtype), memory,
                         lambda score, _: probability_fn(score), memory_sequence_length,
                         _dense(num_units, "memory_layer", dtype),
                         score_mask_value=score_mask_value, name=name)
        self._num_units, self._normalize, self._name = num_units, normalize, name

    def __call__(self, query, state):
        tf = tf_api()
        with variable_scope(None, "bahdanau_attention", [query]):
            processed = self.query_layer(query) if self.query_layer else query
            dtype, keys = processed.dtype, self._keys
            units = _dim(keys, 2)
            processed = tf.expand_dims(processed, 1)  # (batch, 1, units)
            v = tf.get_variable("attention_v", [units], dtype=dtype)
            if self._normalize:
                g = tf.get_variable("attention_g", dtype=dtype, shape=(),
                                    initializer=tf.constant_initializer(math.sqrt(1.0 / units)))
                b = tf.get_variable("attention_b", [units], dtype=dtype,
                                    initializer=tf.zeros_initializer())
                normed_v = g * v * tf.rsqrt(tf.reduce_sum(tf.square(v)))
                score = tf.reduce_sum(normed_v * tf.tanh(keys + processed + b), [2])
            else:
                score = tf.reduce_sum(v * tf.tanh(keys + processed), [2])
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def hardmax(logits, name=None):
    """One-hot of the argmax over the last axis, in `logits`' dtype."""
    tf = tf_api()
    with tf.name_scope(name, "Hardmax", [logits]):
        logits = tf.convert_to_tensor(logits, name="logits")
        depth = logits.shape[-1].value
        if depth is None:
            depth = tf.shape(logits)[-1]
        return tf.one_hot(tf.argmax(logits, -1), depth, dtype=logits.dtype)


class AttentionWrapperState(collections.namedtuple(
        "AttentionWrapperState", ("cell_state", "attention", "time", "alignments",
                                  "alignment_history", "attention_state"))):
    """The state of an AttentionWrapper."""

    def clone(self, **kwargs):
        """A copy with `kwargs` replaced; a tensor keeps the static shape it replaces."""
        tf = tf_api()

        def keep_shape(old, new):
            if isinstance(old, tf.Tensor) and isinstance(new, tf.Tensor):
                new.set_shape(old.shape)
            return new

        return nest.map_structure(keep_shape, self, super()._replace(**kwargs))


def _compute_attention(mechanism, cell_output, attention_state, attention_layer):
    tf = tf_api()
    alignments, next_state = mechanism(cell_output, state=attention_state)
    # (batch, 1, memory length) x (batch, memory length, depth) -> (batch, depth)
    context = tf.squeeze(tf.matmul(tf.expand_dims(alignments, 1), mechanism.values), [1])
    if attention_layer is not None:
        attention = attention_layer(tf.concat([cell_output, context], 1))
    else:
        attention = context
    return attention, alignments, next_state


_BATCH_MESSAGES = {
    "init": ("When constructing AttentionWrapper %s: Non-matching batch sizes between the "
             "memory (encoder output) and initial_cell_state.  Are you using the "
             "BeamSearchDecoder?  You may need to tile your initial state via the "
             "tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width."),
    "zero": ("When calling zero_state of AttentionWrapper %s: Non-matching batch sizes "
             "between the memory (encoder output) and the requested batch size.  Are you "
             "using the BeamSearchDecoder?  If so, make sure your encoder output has been "
             "tiled to beam_width via tf.contrib.seq2seq.tile_batch, and the batch_size= "
             "argument passed to zero_state is batch_size * beam_width."),
    "call": ("When applying AttentionWrapper %s: Non-matching batch sizes between the memory "
             "(encoder output) and the query (decoder output).  Are you using the "
             "BeamSearchDecoder?  You may need to tile your memory input via the "
             "tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width."),
}


def _check_mechanisms(mechanism):
    """(mechanisms, whether a list was given), with TF's TypeErrors."""
    if isinstance(mechanism, (list, tuple)):
        for m in mechanism:
            if not isinstance(m, AttentionMechanism):
                raise TypeError("attention_mechanism must contain only instances of "
                                "AttentionMechanism, saw type: %s" % type(m).__name__)
        return tuple(mechanism), True
    if not isinstance(mechanism, AttentionMechanism):
        raise TypeError("attention_mechanism must be an AttentionMechanism or list of multiple "
                        "AttentionMechanism instances, saw type: %s" % type(mechanism).__name__)
    return (mechanism,), False


class AttentionWrapper(RNNCell):
    """`cell` fed [inputs, previous attention]; after each step its output queries every
    mechanism and the (projected) contexts are the attention it outputs."""

    def __init__(self, cell, attention_mechanism, attention_layer_size=None,
                 alignment_history=False, cell_input_fn=None, output_attention=True,
                 initial_cell_state=None, name=None, attention_layer=None, attention_fn=None):
        super().__init__(name=name)
        tf = tf_api()
        assert_like_rnncell("cell", cell)
        mechanisms, self._is_multi = _check_mechanisms(attention_mechanism)
        if cell_input_fn is None:
            cell_input_fn = lambda inputs, attention: tf.concat([inputs, attention], -1)
        elif not callable(cell_input_fn):
            raise TypeError("cell_input_fn must be callable, saw type: %s"
                            % type(cell_input_fn).__name__)
        if attention_layer_size is not None and attention_layer is not None:
            raise ValueError("Only one of attention_layer_size and attention_layer should be set")
        if attention_layer_size is not None:
            sizes = tuple(attention_layer_size if isinstance(attention_layer_size, (list, tuple))
                          else (attention_layer_size,))
            if len(sizes) != len(mechanisms):
                raise ValueError("If provided, attention_layer_size must contain exactly one "
                                 "integer per attention_mechanism, saw: %d vs %d"
                                 % (len(sizes), len(mechanisms)))
            self._attention_layers = tuple(
                _dense(size, "attention_layer", mechanisms[i].dtype)
                for i, size in enumerate(sizes))
            self._attention_layer_size = sum(sizes)
        elif attention_layer is not None:
            layers = tuple(attention_layer if isinstance(attention_layer, (list, tuple))
                           else (attention_layer,))
            if len(layers) != len(mechanisms):
                raise ValueError("If provided, attention_layer must contain exactly one layer "
                                 "per attention_mechanism, saw: %d vs %d"
                                 % (len(layers), len(mechanisms)))
            self._attention_layers = layers
            self._attention_layer_size = sum(
                layer.compute_output_shape(
                    [m.values.shape[0], cell.output_size + m.values.shape[-1].value])[-1].value
                for layer, m in zip(layers, mechanisms))
        else:
            self._attention_layers = None
            self._attention_layer_size = sum(m.values.shape[-1].value for m in mechanisms)
        self._attention_fn = attention_fn or _compute_attention
        self._cell, self._attention_mechanisms = cell, mechanisms
        self._cell_input_fn, self._output_attention = cell_input_fn, output_attention
        self._alignment_history = alignment_history
        with tf.name_scope(name, "AttentionWrapperInit"):
            if initial_cell_state is None:
                self._initial_cell_state = None
            else:
                last = nest.flatten(initial_cell_state)[-1]
                with tf.control_dependencies(self._batch_size_checks(
                        _dim(last, 0), _BATCH_MESSAGES["init"] % self._base_name)):
                    self._initial_cell_state = nest.map_structure(
                        lambda s: tf.identity(s, name="check_initial_cell_state"),
                        initial_cell_state)

    def _batch_size_checks(self, batch_size, message):
        tf = tf_api()
        return [tf.assert_equal(batch_size, m.batch_size, message=message)
                for m in self._attention_mechanisms]

    def _item_or_tuple(self, seq):
        t = tuple(seq)
        return t if self._is_multi else t[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        mechs = self._attention_mechanisms
        return AttentionWrapperState(
            cell_state=self._cell.state_size, time=TensorShape([]),
            attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size for m in mechs),
            attention_state=self._item_or_tuple(m.state_size for m in mechs),
            alignment_history=self._item_or_tuple(
                m.alignments_size if self._alignment_history else () for m in mechs))

    def zero_state(self, batch_size, dtype):
        tf = tf_api()
        with tf.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            if self._initial_cell_state is not None:
                cell_state = self._initial_cell_state
            else:
                cell_state = self._cell.get_initial_state(batch_size=batch_size, dtype=dtype)
            with tf.control_dependencies(self._batch_size_checks(
                    batch_size, _BATCH_MESSAGES["zero"] % self._base_name)):
                cell_state = nest.map_structure(
                    lambda s: tf.identity(s, name="checked_cell_state"), cell_state)
            alignments = [m.initial_alignments(batch_size, dtype)
                          for m in self._attention_mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state, time=tf.zeros([], dtype=tf.int32),
                attention=_zero_state_tensors(self._attention_layer_size, batch_size, dtype),
                alignments=self._item_or_tuple(alignments),
                attention_state=self._item_or_tuple(
                    m.initial_state(batch_size, dtype) for m in self._attention_mechanisms),
                alignment_history=self._item_or_tuple(
                    tf.TensorArray(dtype, size=0, dynamic_size=True,
                                   element_shape=a.shape) if self._alignment_history else ()
                    for a in alignments))

    def call(self, inputs, state):
        tf = tf_api()
        if not isinstance(state, AttentionWrapperState):
            raise TypeError("Expected state to be instance of AttentionWrapperState. Received "
                            "type %s instead." % type(state))
        cell_output, next_cell_state = self._cell(
            self._cell_input_fn(inputs, state.attention), state.cell_state)
        with tf.control_dependencies(self._batch_size_checks(
                _dim(cell_output, 0), _BATCH_MESSAGES["call"] % self.name)):
            cell_output = tf.identity(cell_output, name="checked_cell_output")
        states = state.attention_state if self._is_multi else [state.attention_state]
        histories = state.alignment_history if self._is_multi else [state.alignment_history]
        alignments, attentions, next_states, next_histories = [], [], [], []
        for i, mechanism in enumerate(self._attention_mechanisms):
            attention, align, next_state = self._attention_fn(
                mechanism, cell_output, states[i],
                self._attention_layers[i] if self._attention_layers else None)
            next_histories.append(histories[i].write(state.time, align)
                                  if self._alignment_history else ())
            next_states.append(next_state)
            alignments.append(align)
            attentions.append(attention)
        attention = tf.concat(attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(next_states),
            alignments=self._item_or_tuple(alignments),
            alignment_history=self._item_or_tuple(next_histories))
        return (attention if self._output_attention else cell_output), next_state
