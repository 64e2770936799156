"""contrib.legacy_seq2seq against TF 1.15's definitions of its decoders and losses, written
out over TF's own cells in the oracle (TF 2 has no contrib): names, graphs, values, gradients."""

import pytest
from contrib_oracle import compare
from oracle import ORACLE_HELPERS
from test_contrib_rnn_projection import REFERENCE as WRAPPERS

REFERENCE = r"""
import copy
if hasattr(tf, "contrib"):
    S = tf.contrib.legacy_seq2seq
else:
    def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
        with tf.variable_scope(scope or "rnn_decoder"):
            state, outputs, prev = initial_state, [], None
            for i, inp in enumerate(decoder_inputs):
                if loop_function is not None and prev is not None:
                    with tf.variable_scope("loop_function", reuse=True):
                        inp = loop_function(prev, i)
                if i > 0:
                    tf.get_variable_scope().reuse_variables()
                output, state = cell(inp, state)
                outputs.append(output)
                if loop_function is not None:
                    prev = output
        return outputs, state
    def basic_rnn_seq2seq(enc, dec, cell, dtype=tf.float32, scope=None):
        with tf.variable_scope(scope or "basic_rnn_seq2seq"):
            _, enc_state = tf.nn.static_rnn(copy.deepcopy(cell), enc, dtype=dtype)
            return rnn_decoder(dec, enc_state, cell)
    def tied_rnn_seq2seq(enc, dec, cell, loop_function=None, dtype=tf.float32, scope=None):
        with tf.variable_scope("combined_tied_rnn_seq2seq"):
            scope = scope or "tied_rnn_seq2seq"
            _, enc_state = tf.nn.static_rnn(cell, enc, dtype=dtype, scope=scope)
            tf.get_variable_scope().reuse_variables()
            return rnn_decoder(dec, enc_state, cell, loop_function=loop_function, scope=scope)
    def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                                 softmax_loss_function=None, name=None):
        with tf.name_scope(name, "sequence_loss_by_example", logits + targets + weights):
            terms = []
            for logit, target, weight in zip(logits, targets, weights):
                if softmax_loss_function is None:
                    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(
                        labels=tf.reshape(target, [-1]), logits=logit)
                else:
                    ce = softmax_loss_function(labels=target, logits=logit)
                terms.append(ce * weight)
            out = tf.add_n(terms)
            if average_across_timesteps:
                total = tf.add_n(weights)
                total += 1e-12
                out /= total
        return out
    def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                      average_across_batch=True, softmax_loss_function=None, name=None):
        with tf.name_scope(name, "sequence_loss", logits + targets + weights):
            cost = tf.reduce_sum(sequence_loss_by_example(
                logits, targets, weights, average_across_timesteps=average_across_timesteps,
                softmax_loss_function=softmax_loss_function))
            if average_across_batch:
                return cost / tf.cast(tf.shape(targets[0])[0], cost.dtype)
            return cost
    def linear(args, size, bias):
        total = sum(a.get_shape()[1] for a in args)
        with tf.variable_scope(tf.get_variable_scope()) as outer:
            w = tf.get_variable("kernel", [total, size], dtype=args[0].dtype)
            res = tf.matmul(args[0] if len(args) == 1 else tf.concat(args, 1), w)
            with tf.variable_scope(outer):
                b = tf.get_variable("bias", [size], dtype=args[0].dtype,
                                    initializer=tf.constant_initializer(0.0))
            return tf.nn.bias_add(res, b)
    def attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                          output_size=None, num_heads=1, loop_function=None, dtype=None,
                          scope=None, initial_state_attention=False):
        output_size = output_size or cell.output_size
        with tf.variable_scope(scope or "attention_decoder", dtype=dtype) as scope:
            dtype = scope.dtype
            batch_size = tf.shape(decoder_inputs[0])[0]
            attn_length = attention_states.get_shape()[1]
            attn_size = attention_states.get_shape()[2]
            hidden = tf.reshape(attention_states, [-1, attn_length, 1, attn_size])
            hidden_features, v = [], []
            for a in range(num_heads):
                k = tf.get_variable("AttnW_%d" % a, [1, 1, attn_size, attn_size])
                hidden_features.append(tf.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
                v.append(tf.get_variable("AttnV_%d" % a, [attn_size]))
            state = initial_state
            def attention(query):
                ds = []
                if isinstance(query, tuple):
                    query = tf.concat(tf.nest.flatten(query), 1)
                for a in range(num_heads):
                    with tf.variable_scope("Attention_%d" % a):
                        y = tf.reshape(linear([query], attn_size, True), [-1, 1, 1, attn_size])
                        s = tf.reduce_sum(v[a] * tf.tanh(hidden_features[a] + y), [2, 3])
                        a = tf.nn.softmax(s)
                        d = tf.reduce_sum(tf.reshape(a, [-1, attn_length, 1, 1]) * hidden,
                                          [1, 2])
                        ds.append(tf.reshape(d, [-1, attn_size]))
                return ds
            outputs, prev = [], None
            attns = [tf.zeros(tf.stack([batch_size, attn_size]), dtype=dtype)
                     for _ in range(num_heads)]
            for a in attns:
                a.set_shape([None, attn_size])
            if initial_state_attention:
                attns = attention(initial_state)
            for i, inp in enumerate(decoder_inputs):
                if i > 0:
                    tf.get_variable_scope().reuse_variables()
                if loop_function is not None and prev is not None:
                    with tf.variable_scope("loop_function", reuse=True):
                        inp = loop_function(prev, i)
                x = linear([inp] + attns, inp.get_shape()[1], True)
                cell_output, state = cell(x, state)
                if i == 0 and initial_state_attention:
                    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
                        attns = attention(state)
                else:
                    attns = attention(state)
                with tf.variable_scope("AttnOutputProjection"):
                    output = linear([cell_output] + attns, output_size, True)
                if loop_function is not None:
                    prev = output
                outputs.append(output)
        return outputs, state
    import types
    S = types.SimpleNamespace(**{f.__name__: f for f in (
        rnn_decoder, basic_rnn_seq2seq, tied_rnn_seq2seq, sequence_loss_by_example,
        sequence_loss, attention_decoder)})
tf.set_random_seed(4)
"""
# the embedded models over the wrappers (R: contrib.rnn's, or TF 1.15's written out)
EMBEDDED = r"""
if not hasattr(tf, "contrib"):
    def argmax_and_embed(embedding, output_projection=None, update_embedding=True):
        def loop_function(prev, _):
            if output_projection is not None:
                prev = tf.nn.xw_plus_b(prev, output_projection[0], output_projection[1])
            emb = tf.nn.embedding_lookup(embedding, tf.argmax(prev, 1))
            return emb if update_embedding else tf.stop_gradient(emb)
        return loop_function
    def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols,
                              embedding_size, output_projection=None, feed_previous=False,
                              update_embedding_for_previous=True, scope=None):
        with tf.variable_scope(scope or "embedding_rnn_decoder"):
            embedding = tf.get_variable("embedding", [num_symbols, embedding_size])
            loop = argmax_and_embed(embedding, output_projection,
                                    update_embedding_for_previous) if feed_previous else None
            emb = [tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
            return S.rnn_decoder(emb, initial_state, cell, loop_function=loop)
    def flat_state(outputs, state):
        return outputs + (tf.nest.flatten(state) if isinstance(state, tuple) else [state])
    def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols,
                                   embedding_size, num_decoder_symbols=None,
                                   output_projection=None, feed_previous=False, dtype=None,
                                   scope=None):
        with tf.variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as sc:
            dtype = sc.dtype
            embedding = tf.get_variable("embedding", [num_symbols, embedding_size],
                                        dtype=dtype)
            enc = [tf.nn.embedding_lookup(embedding, x) for x in encoder_inputs]
            dec = [tf.nn.embedding_lookup(embedding, x) for x in decoder_inputs]
            if output_projection is None:
                cell = R.OutputProjectionWrapper(cell, num_decoder_symbols or num_symbols)
            if isinstance(feed_previous, bool):
                loop = argmax_and_embed(embedding, output_projection, True) \
                    if feed_previous else None
                return S.tied_rnn_seq2seq(enc, dec, cell, loop_function=loop, dtype=dtype)
            def decoder(flag):
                loop = argmax_and_embed(embedding, output_projection, False) if flag else None
                with tf.variable_scope(tf.get_variable_scope(),
                                       reuse=None if flag else True):
                    return flat_state(*S.tied_rnn_seq2seq(enc, dec, cell, loop_function=loop,
                                                          dtype=dtype))
            both = tf.cond(feed_previous, lambda: decoder(True), lambda: decoder(False))
            n = len(decoder_inputs)
            zero = cell.zero_state(encoder_inputs[0].get_shape()[0], dtype)
            state = both[n:]
            state = tf.nest.pack_sequence_as(zero, state) if isinstance(zero, tuple) \
                else state[0]
            return both[:n], state
    def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict,
                             num_encoder_symbols, num_decoder_symbols_dict, embedding_size,
                             feed_previous=False, dtype=None, scope=None):
        outs, states = {}, {}
        with tf.variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as sc:
            dtype = sc.dtype
            enc_cell = R.EmbeddingWrapper(enc_cell, embedding_classes=num_encoder_symbols,
                                          embedding_size=embedding_size)
            _, enc_state = tf.nn.static_rnn(enc_cell, encoder_inputs, dtype=dtype)
            for name, dec in decoder_inputs_dict.items():
                n_sym = num_decoder_symbols_dict[name]
                with tf.variable_scope("one2many_decoder_" + str(name)):
                    cell = R.OutputProjectionWrapper(dec_cells_dict[name], n_sym)
                    if isinstance(feed_previous, bool):
                        o, st = embedding_rnn_decoder(dec, enc_state, cell, n_sym,
                                                      embedding_size,
                                                      feed_previous=feed_previous)
                    else:
                        def decoder(flag):
                            with tf.variable_scope(tf.get_variable_scope(),
                                                   reuse=None if flag else True):
                                return flat_state(*embedding_rnn_decoder(
                                    dec, enc_state, cell, n_sym, embedding_size,
                                    feed_previous=flag))
                        both = tf.cond(feed_previous, lambda: decoder(True),
                                       lambda: decoder(False))
                        o, st = both[:len(dec)], both[len(dec):]
                        st = tf.nest.pack_sequence_as(enc_state, st) \
                            if isinstance(enc_state, tuple) else st[0]
                outs[name], states[name] = o, st
        return outs, states
    S.embedding_tied_rnn_seq2seq = embedding_tied_rnn_seq2seq
    S.one2many_rnn_seq2seq = one2many_rnn_seq2seq
"""
# symbols 0..4 embedded by one table for encoder and decoder; FEED a bool or a bool tensor
TIED = r"""
enc = [tf.constant([1, 2]), tf.constant([0, 3]), tf.constant([4, 4])]
dec = [tf.constant([0, 0]), tf.constant([2, 1]), tf.constant([3, 3])]
outputs, st = S.embedding_tied_rnn_seq2seq(enc, dec, CELL, 5, 3, num_decoder_symbols=NDS,
                                           feed_previous=FEED)
loss = S.sequence_loss(outputs, [tf.constant([1, 2]), tf.constant([0, 3]),
                                 tf.constant([1, 1])], [tf.constant([1.0, 0.5])] * 3)
"""
# one encoder, two decoders of their own vocabulary and cell
ONE2MANY = r"""
enc = [tf.constant([1, 2]), tf.constant([0, 3])]
decs = {"a": [tf.constant([0, 0]), tf.constant([2, 1])],
        "b": [tf.constant([1, 0]), tf.constant([3, 4]), tf.constant([0, 2])]}
cells = {"a": tf.nn.rnn_cell.GRUCell(4), "b": tf.nn.rnn_cell.GRUCell(4)}
outs, states = S.one2many_rnn_seq2seq(enc, decs, tf.nn.rnn_cell.GRUCell(4), cells, 4,
                                      {"a": 3, "b": 5}, 2, feed_previous=FEED)
st = [states["a"], states["b"]]
loss = S.sequence_loss(outs["a"], [tf.constant([1, 2])] * 2, [tf.constant([1.0, 1.0])] * 2) \
    + S.sequence_loss(outs["b"], [tf.constant([4, 0])] * 3, [tf.constant([0.5, 1.0])] * 3)
"""
FEED_TENSOR = "tf.constant(True)"
RECORD = r"""
grads = [tf.convert_to_tensor(g) for g in tf.gradients(loss, tf.trainable_variables())]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = s.run([loss, st, grads])
ops = [g[:3] for g in graph()]
result = {"graph": ops, "forward": ops[:[g[0][:10] for g in ops].index("gradients/")],
          "vars": [(v.name, v.shape.as_list()) for v in tf.global_variables()], "vals": vals}
"""
# char-rnn's model (sherjilozair/char-rnn-tensorflow), shrunk: embedded ids through a
# two-layer LSTM by rnn_decoder (training: inputs; sampling: the argmax loop), its loss
CHAR_RNN = r"""
batch, steps, vocab, size = 3, 4, 6, 5
ids = tf.constant(np.arange(batch * steps).reshape(batch, steps) % vocab, tf.int32)
cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(size) for _ in range(2)])
state0 = cell.zero_state(batch, tf.float32)
with tf.variable_scope("rnnlm"):
    w = tf.get_variable("softmax_w", [size, vocab])
    b = tf.get_variable("softmax_b", [vocab])
embedding = tf.get_variable("embedding", [vocab, size])
inputs = tf.nn.dropout(tf.nn.embedding_lookup(embedding, ids), 1.0)
inputs = [tf.squeeze(x, [1]) for x in tf.split(inputs, steps, 1)]
def loop(prev, _):
    prev = tf.matmul(prev, w) + b
    return tf.nn.embedding_lookup(embedding, tf.stop_gradient(tf.argmax(prev, 1)))
outputs, st = S.rnn_decoder(inputs, state0, cell, loop_function=LOOP, scope="rnnlm")
logits = tf.matmul(tf.reshape(tf.concat(outputs, 1), [-1, size]), w) + b
per_example = S.sequence_loss_by_example([logits], [tf.reshape((ids + 1) % vocab, [-1])],
                                         [tf.ones([batch * steps])])
with tf.name_scope("cost"):
    loss = tf.reduce_sum(per_example) / batch / steps
"""
SEQ2SEQ = r"""
enc = [tf.constant(np.cos(np.arange(6) + i).reshape(2, 3), tf.float32) for i in range(3)]
dec = [tf.constant(np.sin(np.arange(6) + i).reshape(2, 3), tf.float32) for i in range(2)]
targets = [tf.constant([1, 0]), tf.constant([2, 3])]
weights = [tf.constant([1.0, 0.5]), tf.constant([0.0, 1.0])]
outputs, st = S.MODEL(enc, dec, tf.nn.rnn_cell.GRUCell(4))
loss = S.sequence_loss(outputs, targets, weights) + S.sequence_loss(
    outputs, targets, weights, average_across_timesteps=False, average_across_batch=False,
    name="plain")
"""
# attention over 3 encoder steps: two heads, an LSTM (tuple state as the query), the argmax
# loop feeding step i + 1, attention read from the initial state
ATTENTION = r"""
enc = [tf.constant(np.cos(np.arange(8) * (i + 1)).reshape(2, 4), tf.float32) for i in range(3)]
outs_e, state_e = tf.nn.static_rnn(tf.nn.rnn_cell.LSTMCell(4), enc, dtype=tf.float32)
states = tf.concat([tf.reshape(e, [-1, 1, 4]) for e in outs_e], 1)
dec = [tf.constant(np.sin(np.arange(6) + i).reshape(2, 3), tf.float32) for i in range(3)]
emb = tf.get_variable("emb", [5, 3])
loop = lambda prev, i: tf.nn.embedding_lookup(emb, tf.argmax(prev, 1))
outputs, st = S.attention_decoder(dec, state_e, states, tf.nn.rnn_cell.LSTMCell(4),
                                  output_size=5, num_heads=2, loop_function=LOOP,
                                  initial_state_attention=INIT)
loss = S.sequence_loss(outputs, [tf.constant([1, 4])] * 3, [tf.constant([1.0, 0.5])] * 3) + \
    0.0 * tf.reduce_sum(emb)
"""
PROGRAMS = {
    "attention": ATTENTION.replace("LOOP", "None").replace("INIT", "False"),
    "attention_loop_initial": ATTENTION.replace("LOOP", "loop").replace("INIT", "True"),
    "char_rnn_train": CHAR_RNN.replace("LOOP", "None"),
    "char_rnn_sample_loop": CHAR_RNN.replace("LOOP", "loop"),
    "basic_rnn_seq2seq": SEQ2SEQ.replace("MODEL", "basic_rnn_seq2seq"),
    "tied_rnn_seq2seq": SEQ2SEQ.replace("MODEL", "tied_rnn_seq2seq"),
    "embedding_tied": TIED.replace("CELL", "tf.nn.rnn_cell.GRUCell(4)").replace(
        "NDS", "None").replace("FEED", "False"),
    "embedding_tied_lstm_greedy": TIED.replace("CELL", "tf.nn.rnn_cell.LSTMCell(4)").replace(
        "NDS", "4").replace("FEED", "True"),
    "embedding_tied_lstm_feed_tensor": TIED.replace(
        "CELL", "tf.nn.rnn_cell.LSTMCell(4)").replace("NDS", "4").replace("FEED", FEED_TENSOR),
    "one2many": ONE2MANY.replace("FEED", "False"),
    "one2many_feed_tensor": ONE2MANY.replace("FEED", FEED_TENSOR),
}
EMBEDDED_PROGRAMS = ("embedding_tied", "one2many")


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_legacy_seq2seq_like_tf(oracle, name):
    code = "import numpy as np\n" + ORACLE_HELPERS + REFERENCE
    if name.startswith(EMBEDDED_PROGRAMS):
        code += WRAPPERS + EMBEDDED
    code += PROGRAMS[name] + RECORD
    compare(oracle, code, ("vars", "graph"))


def test_embedding_rnn_seq2seq_scopes_and_feed_previous_tensor(tf):
    # TF 1.15's scopes: the encoder's EmbeddingWrapper under rnn/, the decoder's embedding
    # and its OutputProjectionWrapper under embedding_rnn_decoder/; a bool tensor picks the
    # greedy or the teacher-forced decoder at run time, both on the same variables
    s2s = tf.contrib.legacy_seq2seq
    tf.set_random_seed(1)  # (unseeded, about 1 run in 25 had greedy symbols equal to dec[1])
    enc = [tf.constant([1, 2]), tf.constant([0, 3])]
    dec = [tf.constant([0, 0]), tf.constant([2, 1]), tf.constant([3, 3])]
    greedy = tf.placeholder(tf.bool, [])
    outputs, _ = s2s.embedding_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.GRUCell(3), 4, 5, 2,
                                           feed_previous=greedy)
    names = sorted(v.op.name for v in tf.global_variables())
    assert names == [
        "embedding_rnn_seq2seq/embedding_rnn_decoder/embedding",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
        "bias",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
        "gru_cell/candidate/bias",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
        "gru_cell/candidate/kernel",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
        "gru_cell/gates/bias",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
        "gru_cell/gates/kernel",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
        "kernel",
        "embedding_rnn_seq2seq/rnn/embedding_wrapper/embedding",
        "embedding_rnn_seq2seq/rnn/embedding_wrapper/gru_cell/candidate/bias",
        "embedding_rnn_seq2seq/rnn/embedding_wrapper/gru_cell/candidate/kernel",
        "embedding_rnn_seq2seq/rnn/embedding_wrapper/gru_cell/gates/bias",
        "embedding_rnn_seq2seq/rnn/embedding_wrapper/gru_cell/gates/kernel",
    ]
    assert [o.shape.as_list() for o in outputs] == [[2, 5]] * 3
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        forced, fed = (sess.run(outputs, {greedy: g}) for g in (False, True))
    assert (forced[0] == fed[0]).all()  # the first step reads the GO symbol either way
    assert (forced[0].argmax(1) != [2, 1]).any()  # greedy feeds other symbols than dec[1]
    assert not (forced[1] == fed[1]).all()


def test_sequence_loss_by_example_checks_lengths(tf):
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets must be the "
                                         "same 1, 2, 1."):
        tf.contrib.legacy_seq2seq.sequence_loss_by_example(
            [tf.zeros([2, 3])], [tf.zeros([2], tf.int32)], [tf.ones([2])] * 2)


def test_embedding_attention_seq2seq_variables_as_the_translate_tutorial(tf):
    # the variable names of TF 1.x translate-tutorial checkpoints (attention_decoder's own
    # kernel/bias for the input projection, Attention_i for the queries)
    s2s = tf.contrib.legacy_seq2seq
    greedy = tf.placeholder(tf.bool, [])
    outputs, _ = s2s.embedding_attention_seq2seq(
        [tf.constant([1, 2]), tf.constant([0, 3])], [tf.constant([0, 0]), tf.constant([2, 1])],
        tf.nn.rnn_cell.GRUCell(3), 4, 5, 2, num_heads=2, feed_previous=greedy)
    prefix = "embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/"
    names = {v.op.name[len(prefix):]: v.shape.as_list() for v in tf.global_variables()
             if v.op.name.startswith(prefix)}
    assert names == {
        "AttnW_0": [1, 1, 3, 3], "AttnV_0": [3], "AttnW_1": [1, 1, 3, 3], "AttnV_1": [3],
        "kernel": [8, 2], "bias": [2], "Attention_0/kernel": [3, 3], "Attention_0/bias": [3],
        "Attention_1/kernel": [3, 3], "Attention_1/bias": [3],
        "AttnOutputProjection/kernel": [11, 5], "AttnOutputProjection/bias": [5],
        "output_projection_wrapper/kernel": [3, 5], "output_projection_wrapper/bias": [5],
        "output_projection_wrapper/gru_cell/gates/kernel": [5, 6],
        "output_projection_wrapper/gru_cell/gates/bias": [6],
        "output_projection_wrapper/gru_cell/candidate/kernel": [5, 3],
        "output_projection_wrapper/gru_cell/candidate/bias": [3]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fed, forced = (sess.run(outputs, {greedy: g}) for g in (True, False))
    assert [o.shape for o in fed] == [(2, 5), (2, 5)]
    assert (fed[0] == forced[0]).all()


def test_one2many_rnn_seq2seq_checks_its_cells(tf):
    s2s, gru = tf.contrib.legacy_seq2seq, tf.nn.rnn_cell.GRUCell(2)
    enc, dec = [tf.constant([1])], {"a": [tf.constant([0])]}
    with pytest.raises(TypeError, match="enc_cell is not an RNNCell: <class 'str'>"):
        s2s.one2many_rnn_seq2seq(enc, dec, "cell", {"a": gru}, 2, {"a": 2}, 2)
    with pytest.raises(ValueError, match="keys of dec_cells_dict != keys of decodre_inputs_dict"):
        s2s.one2many_rnn_seq2seq(enc, dec, gru, {"b": gru}, 2, {"a": 2}, 2)
    with pytest.raises(TypeError, match="dec_cell is not an RNNCell: <class 'int'>"):
        s2s.one2many_rnn_seq2seq(enc, dec, gru, {"a": 3}, 2, {"a": 2}, 2)
