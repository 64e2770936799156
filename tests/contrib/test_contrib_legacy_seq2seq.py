"""contrib.legacy_seq2seq against TF 1.15's definitions of its decoders and losses, written
out over TF's own cells in the oracle (TF 2 has no contrib): names, graphs, values, gradients."""

import pytest
from contrib_oracle import compare
from oracle import ORACLE_HELPERS

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
    import types
    S = types.SimpleNamespace(**{f.__name__: f for f in (
        rnn_decoder, basic_rnn_seq2seq, tied_rnn_seq2seq, sequence_loss_by_example,
        sequence_loss)})
tf.set_random_seed(4)
"""
RECORD = r"""
grads = [tf.convert_to_tensor(g) for g in tf.gradients(loss, tf.trainable_variables())]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = s.run([loss, st, grads])
result = {"graph": [g[:3] for g in graph()],
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
PROGRAMS = {
    "char_rnn_train": CHAR_RNN.replace("LOOP", "None"),
    "char_rnn_sample_loop": CHAR_RNN.replace("LOOP", "loop"),
    "basic_rnn_seq2seq": SEQ2SEQ.replace("MODEL", "basic_rnn_seq2seq"),
    "tied_rnn_seq2seq": SEQ2SEQ.replace("MODEL", "tied_rnn_seq2seq"),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_legacy_seq2seq_like_tf(oracle, name):
    code = "import numpy as np\n" + ORACLE_HELPERS + REFERENCE + PROGRAMS[name] + RECORD
    compare(oracle, code, ("vars", "graph"))


def test_embedding_rnn_seq2seq_scopes_and_feed_previous_tensor(tf):
    # TF 1.15's scopes: the encoder's EmbeddingWrapper under rnn/, the decoder's embedding
    # and its OutputProjectionWrapper under embedding_rnn_decoder/; a bool tensor picks the
    # greedy or the teacher-forced decoder at run time, both on the same variables
    s2s = tf.contrib.legacy_seq2seq
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
    assert not (forced[1] == fed[1]).all()


def test_sequence_loss_by_example_checks_lengths(tf):
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets must be the "
                                         "same 1, 2, 1."):
        tf.contrib.legacy_seq2seq.sequence_loss_by_example(
            [tf.zeros([2, 3])], [tf.zeros([2], tf.int32)], [tf.ones([2])] * 2)
