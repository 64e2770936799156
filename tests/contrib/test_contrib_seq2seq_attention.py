"""contrib.seq2seq's BahdanauAttention, LuongAttention and AttentionWrapper (decoded by
dynamic_decode) against TF 1.15's definitions of them written out over TF's own ops and
RNNCell in the oracle (TF 2 has no contrib): variables, graphs, values and gradients."""

import numpy as np
import pytest
from contrib_oracle import compare
from oracle import ORACLE_HELPERS
from test_contrib_seq2seq_decoder import REFERENCE as DECODERS

ATTENTION = r"""
if not hasattr(tf, "contrib"):
    import math
    from tensorflow.python.ops.rnn_cell_impl import _zero_state_tensors as ZERO
    def dim(t, i):
        d = tf.compat.dimension_value(t.get_shape()[i])
        return d if d is not None else tf.shape(t)[i]
    class Mechanism:
        def __init__(self, query_layer, memory, fn, lengths, memory_layer, name):
            self.query_layer, self.memory_layer = query_layer, memory_layer
            self.dtype = memory_layer.dtype
            mask_value = tf.as_dtype(memory_layer.dtype).as_numpy_dtype(-np.inf)
            def masked_fn(score, prev):
                if lengths is not None:
                    with tf.control_dependencies([tf.assert_positive(
                            lengths, message="All values in memory_sequence_length must "
                            "greater than zero.")]):
                        m = tf.sequence_mask(lengths, maxlen=tf.shape(score)[1])
                        score = tf.where(m, score, mask_value * tf.ones_like(score))
                return fn(score, prev)
            self._fn = masked_fn
            with tf.name_scope(name, "BaseAttentionMechanismInit", [memory]):
                memory = tf.convert_to_tensor(memory, name="memory")
                if lengths is not None:  # (the scores mask with the lengths as given)
                    lens = tf.convert_to_tensor(lengths, name="memory_sequence_length")
                    mask = tf.sequence_mask(lens, maxlen=tf.shape(memory)[1],
                                            dtype=memory.dtype)
                    extra = tf.ones(memory.get_shape().ndims - 2, dtype=tf.int32)
                    with tf.control_dependencies([tf.assert_equal(
                            dim(lens, 0), dim(memory, 0),
                            message="memory_sequence_length and memory tensor batch sizes "
                            "do not match.")]):
                        memory = memory * tf.reshape(
                            mask, tf.concat((tf.shape(mask), extra), 0))
                self.values = memory
                self.keys = memory_layer(memory)
                self.batch_size = dim(self.keys, 0)
                self.alignments_size = dim(self.keys, 1)
        def initial_alignments(self, batch_size, dtype):
            return ZERO(self.alignments_size, batch_size, dtype)
    class BahdanauAttention(Mechanism):
        def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False):
            super().__init__(tf.layers.Dense(num_units, name="query_layer", use_bias=False,
                                             dtype=tf.float32),
                             memory, lambda s, _: tf.nn.softmax(s), memory_sequence_length,
                             tf.layers.Dense(num_units, name="memory_layer", use_bias=False,
                                             dtype=tf.float32), "BahdanauAttention")
            self._normalize = normalize
        def __call__(self, query, state):
            with tf.variable_scope(None, "bahdanau_attention", [query]):
                q = tf.expand_dims(self.query_layer(query), 1)
                units = dim(self.keys, 2)
                v = tf.get_variable("attention_v", [units], dtype=q.dtype)
                if self._normalize:
                    g = tf.get_variable("attention_g", dtype=q.dtype, shape=(),
                                        initializer=tf.constant_initializer(
                                            math.sqrt(1. / units)))
                    b = tf.get_variable("attention_b", [units], dtype=q.dtype,
                                        initializer=tf.zeros_initializer())
                    nv = g * v * tf.rsqrt(tf.reduce_sum(tf.square(v)))
                    score = tf.reduce_sum(nv * tf.tanh(self.keys + q + b), [2])
                else:
                    score = tf.reduce_sum(v * tf.tanh(self.keys + q), [2])
            a = self._fn(score, state)
            return a, a
    class LuongAttention(Mechanism):
        def __init__(self, num_units, memory, memory_sequence_length=None, scale=False):
            super().__init__(None, memory, lambda s, _: tf.nn.softmax(s),
                             memory_sequence_length,
                             tf.layers.Dense(num_units, name="memory_layer", use_bias=False,
                                             dtype=tf.float32), "LuongAttention")
            self._scale = scale
        def __call__(self, query, state):
            with tf.variable_scope(None, "luong_attention", [query]):
                g = None
                if self._scale:
                    g = tf.get_variable("attention_g", dtype=query.dtype,
                                        initializer=tf.ones_initializer, shape=())
                score = tf.squeeze(tf.matmul(tf.expand_dims(query, 1), self.keys,
                                             transpose_b=True), [1])
                if g is not None:
                    score = g * score
            a = self._fn(score, state)
            return a, a
    State = collections.namedtuple("AttentionWrapperState", (
        "cell_state", "attention", "time", "alignments", "alignment_history",
        "attention_state"))
    class AttentionWrapper(tf.nn.rnn_cell.RNNCell):
        def __init__(self, cell, mech, attention_layer_size=None, alignment_history=False,
                     output_attention=True, name=None):
            super().__init__(name=name)
            self._cell, self._m = cell, mech
            self._layer = None if attention_layer_size is None else tf.layers.Dense(
                attention_layer_size, name="attention_layer", use_bias=False,
                dtype=mech.dtype)
            self._size = attention_layer_size or dim(mech.values, -1)
            self._hist, self._out_att = alignment_history, output_attention
            with tf.name_scope(name, "AttentionWrapperInit"):
                pass
        output_size = property(lambda self: self._size if self._out_att
                               else self._cell.output_size)
        state_size = property(lambda self: State(
            self._cell.state_size, self._size, tf.TensorShape([]), self._m.alignments_size,
            self._m.alignments_size if self._hist else (), self._m.alignments_size))
        def checks(self, batch, message):
            return [tf.assert_equal(batch, self._m.batch_size, message=message)]
        def zero_state(self, batch_size, dtype):
            with tf.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
                cs = self._cell.get_initial_state(batch_size=batch_size, dtype=dtype)
                with tf.control_dependencies(self.checks(batch_size, ZERO_MSG % self.name)):
                    cs = tf.nest.map_structure(
                        lambda s: tf.identity(s, name="checked_cell_state"), cs)
                al = self._m.initial_alignments(batch_size, dtype)
                return State(
                    cell_state=cs, time=tf.zeros([], dtype=tf.int32),
                    attention=ZERO(self._size, batch_size, dtype), alignments=al,
                    attention_state=self._m.initial_alignments(batch_size, dtype),
                    alignment_history=tf.TensorArray(dtype, size=0, dynamic_size=True,
                                                     element_shape=al.shape)
                    if self._hist else ())
        def call(self, inputs, state):
            out, ncs = self._cell(tf.concat([inputs, state.attention], -1), state.cell_state)
            with tf.control_dependencies(self.checks(dim(out, 0), CALL_MSG % self.name)):
                out = tf.identity(out, name="checked_cell_output")
            al, nst = self._m(out, state=state.attention_state)
            ctx = tf.squeeze(tf.matmul(tf.expand_dims(al, 1), self._m.values), [1])
            att = self._layer(tf.concat([out, ctx], 1)) if self._layer else ctx
            hist = state.alignment_history.write(state.time, al) if self._hist else ()
            att = tf.concat([att], 1)
            ns = State(time=state.time + 1, cell_state=ncs, attention=att,
                       attention_state=nst, alignments=al, alignment_history=hist)
            return (att if self._out_att else out), ns
    ZERO_MSG = ("When calling zero_state of AttentionWrapper %s: Non-matching batch sizes "
                "between the memory (encoder output) and the requested batch size.  Are you "
                "using the BeamSearchDecoder?  If so, make sure your encoder output has been "
                "tiled to beam_width via tf.contrib.seq2seq.tile_batch, and the batch_size= "
                "argument passed to zero_state is batch_size * beam_width.")
    CALL_MSG = ("When applying AttentionWrapper %s: Non-matching batch sizes between the "
                "memory (encoder output) and the query (decoder output).  Are you using the "
                "BeamSearchDecoder?  You may need to tile your memory input via the "
                "tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width.")
    S.BahdanauAttention, S.LuongAttention = BahdanauAttention, LuongAttention
    S.AttentionWrapper = AttentionWrapper
"""
# the NMT tutorial's attention decoder, shrunk: an LSTM encoder's outputs as the memory
# (lengths masked), the wrapped decoder cell started from the encoder's final state
PROGRAM = r"""
src = tf.constant(np.cos(np.arange(2 * 5 * 3) * 0.7).reshape(2, 5, 3), tf.float32)
dec_in = tf.constant(np.sin(np.arange(2 * 3 * 2) * 0.9).reshape(2, 3, 2), tf.float32)
with tf.variable_scope("encoder"):
    memory, enc_state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), src,
                                          sequence_length=[5, 3], dtype=tf.float32)
with tf.variable_scope("decoder") as scope:
    mech = MECH
    cell = S.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(4), mech, attention_layer_size=LAYER,
                              alignment_history=True, name="attention")
    init = cell.zero_state(2, tf.float32)
    init = init._replace(cell_state=enc_state)
    helper = S.TrainingHelper(dec_in, [3, 2])
    outputs, st, lens = S.dynamic_decode(S.BasicDecoder(cell, helper, init), scope=scope)
history = st.alignment_history.stack()
loss = tf.reduce_sum(tf.square(outputs.rnn_output)) + 0.5 * tf.reduce_sum(st.attention)
logits = outputs.rnn_output
inf_out, inf_lens = outputs.rnn_output, lens
"""
RECORD = r"""
train_vars = tf.trainable_variables()
grads = [tf.convert_to_tensor(g) for g in tf.gradients(loss, train_vars)]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = s.run([loss, outputs, history, st.cell_state, grads])
ops = [g[:3] for g in graph()]
result = {"forward": ops[:[g[0][:10] for g in ops].index("gradients/")],
          "vars": [(v.name, v.shape.as_list()) for v in tf.global_variables()],
          "vals": vals}
"""
CASES = {
    "bahdanau": ("S.BahdanauAttention(5, memory, memory_sequence_length=[5, 3])", "3"),
    "bahdanau_normed_no_layer": (
        "S.BahdanauAttention(5, memory, memory_sequence_length=[5, 3], normalize=True)",
        "None"),
    "luong_scaled": ("S.LuongAttention(4, memory, memory_sequence_length=[5, 3], scale=True)",
                     "6"),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_attention_wrapper_like_tf(oracle, case):
    mech, layer = CASES[case]
    program = PROGRAM.replace("MECH", mech).replace("LAYER", layer)
    code = "import numpy as np\n" + ORACLE_HELPERS + DECODERS + ATTENTION + program + RECORD
    compare(oracle, code, ("vars", "forward"))


def test_hardmax_and_state_clone(tf):
    s2s = tf.contrib.seq2seq
    h = s2s.hardmax(tf.constant([[0.1, 0.7, 0.2], [3.0, -1.0, 2.0]]))
    assert h.op.name == "Hardmax/one_hot"
    with tf.Session() as sess:
        assert sess.run(h).tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    state = s2s.AttentionWrapperState(tf.zeros([2, 3]), tf.zeros([2, 4]), 0, (), (), ())
    fed = tf.placeholder(tf.float32, [None, None])
    assert state.clone(cell_state=fed).cell_state.shape.as_list() == [2, 3]


def test_attention_wrapper_checks_its_arguments(tf):
    s2s = tf.contrib.seq2seq
    with pytest.raises(TypeError, match="attention_mechanism must be an AttentionMechanism "
                                        "or list of multiple AttentionMechanism instances, "
                                        "saw type: str"):
        s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(2), "mechanism")
    mech = s2s.LuongAttention(2, tf.zeros([1, 3, 2]))
    with pytest.raises(ValueError, match="Only one of attention_layer_size and "
                                         "attention_layer should be set"):
        s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(2), mech, attention_layer_size=2,
                             attention_layer=tf.layers.Dense(2))
    with pytest.raises(TypeError, match="The argument 'cell' \\(3\\) is not an RNNCell"):
        s2s.AttentionWrapper(3, mech)


def test_zero_state_over_a_memory_of_unknown_length(tf):
    # TF's _concat takes the memory length as a tensor: alignments (batch, length) of zeros
    memory = tf.placeholder(tf.float32, [2, None, 4])
    mech = tf.contrib.seq2seq.BahdanauAttention(3, memory)
    cell = tf.contrib.seq2seq.AttentionWrapper(tf.nn.rnn_cell.GRUCell(3), mech)
    state = cell.zero_state(2, tf.float32)
    assert state.alignments.shape.as_list() == [2, None]
    assert state.attention.shape.as_list() == [2, 4]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())  # (the length is read from the keys)
        got = sess.run(state.alignments, {memory: np.zeros([2, 5, 4])})
    assert got.shape == (2, 5) and not got.any()
