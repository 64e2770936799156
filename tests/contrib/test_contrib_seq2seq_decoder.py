"""contrib.seq2seq's dynamic_decode, BasicDecoder, TrainingHelper and GreedyEmbeddingHelper
against TF 1.15's definitions of them written out over TF's own ops in the oracle (TF 2 has no
contrib): variable names, graphs, values and gradients of a plain seq2seq's training and
inference decoders."""

import pytest
from contrib_oracle import compare
from oracle import ORACLE_HELPERS

REFERENCE = r"""
import abc, collections
if hasattr(tf, "contrib"):
    S = tf.contrib.seq2seq
else:
    from tensorflow.python.util import nest
    def transpose_bt(x):
        if x.get_shape().ndims is not None and x.get_shape().ndims < 2:
            return x
        r = tf.rank(x)
        t = tf.transpose(x, tf.concat(([1, 0], tf.range(2, r)), axis=0))
        d = x.get_shape().as_list()
        t.set_shape([d[1], d[0]] + d[2:])
        return t
    def unstack_ta(inp):
        return tf.TensorArray(dtype=inp.dtype, size=tf.shape(inp)[0],
                              element_shape=inp.get_shape()[1:]).unstack(inp)
    class Decoder(abc.ABC):
        tracks_own_finished = False
        def finalize(self, outputs, final_state, sequence_lengths):
            raise NotImplementedError
    class Helper(abc.ABC):
        pass
    Out = collections.namedtuple("BasicDecoderOutput", ("rnn_output", "sample_id"))
    class TrainingHelper(Helper):
        def __init__(self, inputs, sequence_length, time_major=False, name=None):
            with tf.name_scope(name, "TrainingHelper", [inputs, sequence_length]):
                inputs = tf.convert_to_tensor(inputs, name="inputs")
                if not time_major:
                    inputs = nest.map_structure(transpose_bt, inputs)
                self._tas = nest.map_structure(unstack_ta, inputs)
                self._len = tf.convert_to_tensor(sequence_length, name="sequence_length")
                self._zero = nest.map_structure(lambda i: tf.zeros_like(i[0, :]), inputs)
                self.batch_size = tf.size(sequence_length)
        sample_ids_shape = tf.TensorShape([])
        sample_ids_dtype = tf.int32
        def initialize(self, name=None):
            with tf.name_scope(name, "TrainingHelperInitialize"):
                finished = tf.equal(0, self._len)
                nxt = tf.cond(tf.reduce_all(finished), lambda: self._zero,
                              lambda: nest.map_structure(lambda i: i.read(0), self._tas))
                return (finished, nxt)
        def sample(self, time, outputs, name=None, **kw):
            with tf.name_scope(name, "TrainingHelperSample", [time, outputs]):
                return tf.cast(tf.argmax(outputs, axis=-1), tf.int32)
        def next_inputs(self, time, outputs, state, name=None, **kw):
            with tf.name_scope(name, "TrainingHelperNextInputs", [time, outputs, state]):
                t = time + 1
                finished = (t >= self._len)
                nxt = tf.cond(tf.reduce_all(finished), lambda: self._zero,
                              lambda: nest.map_structure(lambda i: i.read(t), self._tas))
                return (finished, nxt, state)
    class GreedyEmbeddingHelper(Helper):
        def __init__(self, embedding, start_tokens, end_token):
            self._fn = embedding if callable(embedding) else (
                lambda ids: tf.nn.embedding_lookup(embedding, ids))
            self._start = tf.convert_to_tensor(start_tokens, dtype=tf.int32,
                                               name="start_tokens")
            self._end = tf.convert_to_tensor(end_token, dtype=tf.int32, name="end_token")
            self.batch_size = tf.size(start_tokens)
            self._start_inputs = self._fn(self._start)
        sample_ids_shape = tf.TensorShape([])
        sample_ids_dtype = tf.int32
        def initialize(self, name=None):
            return (tf.tile([False], [self.batch_size]), self._start_inputs)
        def sample(self, time, outputs, state, name=None):
            return tf.cast(tf.argmax(outputs, axis=-1), tf.int32)
        def next_inputs(self, time, outputs, state, sample_ids, name=None):
            finished = tf.equal(sample_ids, self._end)
            nxt = tf.cond(tf.reduce_all(finished), lambda: self._start_inputs,
                          lambda: self._fn(sample_ids))
            return (finished, nxt, state)
    class BasicDecoder(Decoder):
        def __init__(self, cell, helper, initial_state, output_layer=None):
            self._cell, self._helper, self._init, self._layer = (cell, helper, initial_state,
                                                                 output_layer)
        batch_size = property(lambda self: self._helper.batch_size)
        def _size(self):
            if self._layer is None:
                return self._cell.output_size
            s = self._layer.compute_output_shape(
                tf.TensorShape([None]).concatenate(self._cell.output_size))
            return s[1:]
        output_size = property(lambda self: Out(self._size(), self._helper.sample_ids_shape))
        output_dtype = property(lambda self: Out(
            nest.map_structure(lambda _: nest.flatten(self._init)[0].dtype, self._size()),
            self._helper.sample_ids_dtype))
        def initialize(self, name=None):
            return self._helper.initialize() + (self._init,)
        def step(self, time, inputs, state, name=None):
            with tf.name_scope(name, "BasicDecoderStep", (time, inputs, state)):
                out, st = self._cell(inputs, state)
                if self._layer is not None:
                    out = self._layer(out)
                ids = self._helper.sample(time=time, outputs=out, state=st)
                fin, nxt, nst = self._helper.next_inputs(time=time, outputs=out, state=st,
                                                        sample_ids=ids)
            return (Out(out, ids), nst, nxt, fin)
    from tensorflow.python.ops.rnn_cell_impl import _zero_state_tensors as ZERO
    def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                       maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                       scope=None):
        with tf.variable_scope(scope, "decoder") as vs:
            if vs.caching_device is None:
                vs.set_caching_device(lambda op: op.device)
            if maximum_iterations is not None:
                maximum_iterations = tf.convert_to_tensor(
                    maximum_iterations, dtype=tf.int32, name="maximum_iterations")
            finished, inputs, state = decoder.initialize()
            zero_outputs = nest.map_structure(
                lambda s, d: ZERO(s, decoder.batch_size, d), decoder.output_size,
                decoder.output_dtype)
            if maximum_iterations is not None:
                finished = tf.logical_or(finished, 0 >= maximum_iterations)
            lengths = tf.zeros_like(finished, dtype=tf.int32)
            time = tf.constant(0, dtype=tf.int32)
            def shape(batch, s):
                if not isinstance(s, tf.TensorShape) or s.ndims == 0:
                    return tf.TensorShape(None)
                b = tf.get_static_value(tf.convert_to_tensor(batch, name="batch_size"))
                return tf.TensorShape([b]).concatenate(s)
            tas = nest.map_structure(
                lambda s, d: tf.TensorArray(dtype=d, size=0, dynamic_size=True,
                                            element_shape=shape(decoder.batch_size, s)),
                decoder.output_size, decoder.output_dtype)
            def cond(t, o, s, i, f, l):
                return tf.logical_not(tf.reduce_all(f))
            def body(t, tas, s, i, f, l):
                outs, ds, ni, df = decoder.step(t, i, s)
                nf = tf.logical_or(df, f)
                nl = tf.where(tf.logical_not(f), tf.fill(tf.shape(l), t + 1), l)
                if impute_finished:
                    outs = nest.map_structure(lambda o, z: tf.where(f, z, o), outs,
                                              zero_outputs)
                    def keep(new, cur):
                        new.set_shape(cur.shape)
                        return new if new.shape.ndims == 0 else tf.where(f, cur, new)
                    ds = nest.map_structure(keep, ds, s)
                tas = nest.map_structure(lambda ta, o: ta.write(t, o), tas, outs)
                return (t + 1, tas, ds, ni, nf, nl)
            res = tf.while_loop(cond, body, loop_vars=(time, tas, state, inputs, finished,
                                                       lengths),
                                parallel_iterations=parallel_iterations,
                                maximum_iterations=maximum_iterations,
                                swap_memory=swap_memory)
            outs = nest.map_structure(lambda ta: ta.stack(), res[1])
            if not output_time_major:
                outs = nest.map_structure(transpose_bt, outs)
        return outs, res[2], res[5]
    import types
    S = types.SimpleNamespace(dynamic_decode=dynamic_decode, BasicDecoder=BasicDecoder,
                              TrainingHelper=TrainingHelper,
                              GreedyEmbeddingHelper=GreedyEmbeddingHelper)
tf.set_random_seed(3)
"""
# the TF NMT tutorial's decoders, shrunk: embedded source through a dynamic_rnn encoder, an
# embedded target decoded from its final state by teacher forcing (projection applied to the
# whole output) and greedily (the projection as the decoder's output layer) on shared weights
PROGRAM = r"""
src = tf.constant([[1, 2, 3, 0], [2, 4, 0, 0]])
tgt_in = tf.constant([[1, 3, 2], [1, 4, 0]])
tgt_out = tf.constant([[3, 2, 5], [4, 5, 0]])
src_len, tgt_len = tf.constant([4, 2]), tf.constant([3, 2])
emb_enc = tf.get_variable("embedding_encoder", [6, 3])
emb_dec = tf.get_variable("embedding_decoder", [6, 3])
with tf.variable_scope("encoder"):
    enc_out, enc_state = tf.nn.dynamic_rnn(CELL(4), tf.nn.embedding_lookup(emb_enc, src),
                                           sequence_length=src_len, dtype=tf.float32)
proj = tf.layers.Dense(6, use_bias=False, name="output_projection")
with tf.variable_scope("decoder") as scope:
    cell = CELL(4)
    helper = S.TrainingHelper(tf.nn.embedding_lookup(emb_dec, tgt_in), tgt_len)
    dec = S.BasicDecoder(cell, helper, enc_state)
    outputs, st, lens = S.dynamic_decode(dec, impute_finished=IMPUTE, scope=scope)
    logits = proj(outputs.rnn_output)
    greedy = S.GreedyEmbeddingHelper(emb_dec, tf.fill([2], 1), 5)
    inf = S.BasicDecoder(cell, greedy, enc_state, output_layer=proj)
    inf_out, inf_st, inf_lens = S.dynamic_decode(inf, maximum_iterations=MAXIT, scope=scope)
mask = tf.sequence_mask(tgt_len, 3, dtype=tf.float32)
loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=tf.reshape(tgt_out, [-1]), logits=tf.reshape(logits, [-1, 6])) *
    tf.reshape(mask, [-1])) / 2.0
"""
RECORD = r"""
# (not the decoder's embedding: its gradient, through the TrainingHelper's TensorArray read in
# a cond of the decoder's loop, raises UnimplementedError in scopeflow)
train_vars = [v for v in tf.trainable_variables() if "embedding_decoder" not in v.name]
grads = [tf.convert_to_tensor(g) for g in tf.gradients(loss, train_vars)]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = s.run([loss, logits, outputs.sample_id, lens, st, inf_out, inf_lens, grads])
ops = [g[:3] for g in graph()]
result = {"forward": ops[:[g[0][:10] for g in ops].index("gradients/")],
          "shapes": [str(t.shape) for t in (outputs.rnn_output, outputs.sample_id, lens,
                                            inf_out.rnn_output, inf_out.sample_id)],
          "vars": [(v.name, v.shape.as_list()) for v in tf.global_variables()],
          "vals": vals}
"""
CASES = {
    "gru": {"CELL": "tf.nn.rnn_cell.GRUCell", "IMPUTE": "False", "MAXIT": "6"},
    "lstm_impute": {"CELL": "tf.nn.rnn_cell.LSTMCell", "IMPUTE": "True", "MAXIT": "4"},
}


def _program(case):
    code = PROGRAM
    for key, value in CASES[case].items():
        code = code.replace(key, value)
    return code


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_dynamic_decode_like_tf(oracle, case):
    code = ("import numpy as np\n" + ORACLE_HELPERS + REFERENCE + _program(case) + RECORD)
    compare(oracle, code, ("vars", "shapes", "forward"))


def test_training_decoder_over_fed_batches(tf):
    # fed inputs and lengths: the helper's TensorArray reads sit in a tf.cond decided at run
    # time (its read marks are run state the cond carries)
    import numpy as np

    s2s = tf.contrib.seq2seq
    x = tf.placeholder(tf.float32, [None, None, 3])
    n = tf.placeholder(tf.int32, [None])
    cell = tf.nn.rnn_cell.GRUCell(4)
    decoder = s2s.BasicDecoder(cell, s2s.TrainingHelper(x, n),
                               cell.zero_state(tf.size(n), tf.float32))
    out, _, lengths = s2s.dynamic_decode(decoder, impute_finished=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, lens = sess.run([out.rnn_output, lengths], {x: np.ones([2, 3, 3]), n: [3, 2]})
    assert got.shape == (2, 3, 4) and lens.tolist() == [3, 2]
    assert not got[1, 2].any() and got[0, 2].any()  # zeroed past the second's length
