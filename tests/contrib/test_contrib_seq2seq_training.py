"""The TF NMT tutorial's training step, shrunk, trained with Adam on fed batches (source and
target ids, their lengths fed): a TrainingHelper decoder (with and without attention) through
dynamic_decode, differentiated into the embeddings and the encoder's dynamic_rnn. TF 2.21 has
no contrib: the oracle builds the same model from TF 1.15's definitions written over TF ops
(the attention tests' reference), or from what the decoder reduces to (a dynamic_rnn over the
embedded targets, then the projection)."""

import pytest
from contrib_oracle import compare
from oracle import ORACLE_HELPERS
from test_contrib_seq2seq_attention import ATTENTION
from test_contrib_seq2seq_decoder import REFERENCE as DECODERS
from test_contrib_seq2seq_helpers import HELPERS

MODEL = r"""
src = tf.placeholder(tf.int32, [None, None], name="src")
tgt_in = tf.placeholder(tf.int32, [None, None], name="tgt_in")
tgt_out = tf.placeholder(tf.int32, [None, None], name="tgt_out")
src_len = tf.placeholder(tf.int32, [None], name="src_len")
tgt_len = tf.placeholder(tf.int32, [None], name="tgt_len")
emb_enc = tf.get_variable("embedding_encoder", [8, 5])
emb_dec = tf.get_variable("embedding_decoder", [8, 5])
with tf.variable_scope("encoder"):
    enc_out, enc_state = tf.nn.dynamic_rnn(
        tf.nn.rnn_cell.LSTMCell(6), tf.nn.embedding_lookup(emb_enc, src),
        sequence_length=src_len, dtype=tf.float32)
proj = tf.layers.Dense(8, use_bias=False, name="output_projection")
with tf.variable_scope("decoder") as scope:
    DECODER
maxlen = tf.shape(tgt_out)[1]
mask = tf.sequence_mask(tgt_len, maxlen, dtype=tf.float32)
xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tgt_out, logits=logits)
loss = tf.reduce_sum(xent * mask) / tf.cast(tf.size(tgt_len), tf.float32)
train = tf.train.AdamOptimizer(0.05).minimize(loss)
"""
CONTRIB = r"""
    cell = tf.nn.rnn_cell.LSTMCell(6)
    init = enc_state
    if ATTEND:
        mech = S.LuongAttention(6, enc_out, memory_sequence_length=src_len, scale=True)
        cell = S.AttentionWrapper(cell, mech, attention_layer_size=6)
        init = cell.zero_state(tf.size(src_len), tf.float32)._replace(cell_state=enc_state)
    helper = S.TrainingHelper(tf.nn.embedding_lookup(emb_dec, tgt_in), tgt_len)
    dec = S.BasicDecoder(cell, helper, init, output_layer=proj)
    outputs, _, _ = S.dynamic_decode(dec, scope=scope)
    logits = outputs.rnn_output
"""
# scheduled sampling: seeded draws feed the sampled ids' embeddings (through a cond in the
# loop: its gradient reads the sampled rows' stack pops only where the branch ran)
SCHEDULED = r"""
    helper = S.ScheduledEmbeddingTrainingHelper(
        tf.nn.embedding_lookup(emb_dec, tgt_in), tgt_len, emb_dec, 0.5, seed=5,
        scheduling_seed=6)
    dec = S.BasicDecoder(tf.nn.rnn_cell.LSTMCell(6), helper, enc_state, output_layer=proj)
    logits = S.dynamic_decode(dec, scope=scope)[0].rnn_output
"""
# TrainingHelper + BasicDecoder + output layer, as TF computes it without contrib
PLAIN = r"""
    if hasattr(tf, "contrib"):
        helper = tf.contrib.seq2seq.TrainingHelper(
            tf.nn.embedding_lookup(emb_dec, tgt_in), tgt_len)
        dec = tf.contrib.seq2seq.BasicDecoder(tf.nn.rnn_cell.LSTMCell(6), helper, enc_state,
                                              output_layer=proj)
        logits = tf.contrib.seq2seq.dynamic_decode(dec, scope=scope)[0].rnn_output
    else:
        out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(6),
                                   tf.nn.embedding_lookup(emb_dec, tgt_in),
                                   sequence_length=tgt_len, initial_state=enc_state)
        logits = proj(out)
"""
STEPS = r"""
rng = np.random.RandomState(0)
feeds = [{src: rng.randint(1, 8, [4, 5]), tgt_in: rng.randint(1, 8, [4, 4]),
          tgt_out: rng.randint(1, 8, [4, 4]), src_len: [5, 3, 4, 2], tgt_len: [4, 2, 3, 4]},
         {src: rng.randint(1, 8, [3, 6]), tgt_in: rng.randint(1, 8, [3, 5]),
          tgt_out: rng.randint(1, 8, [3, 5]), src_len: [6, 2, 4], tgt_len: [5, 3, 1]}]
losses = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    if LOAD:  # the same weights on both sides (their variables differ in names)
        for i, v in enumerate(tf.trainable_variables()):
            n = int(np.prod(v.shape.as_list()))
            v.load(np.sin(np.arange(n) * 0.37 + i).reshape(v.shape.as_list()) * 0.5, s)
    for step in range(STEPS_N):
        losses.append(s.run([loss, train], feeds[step % 2])[0])
result = {"vars": sorted(v.name for v in tf.trainable_variables()) if not LOAD else None,
          "vals": losses}
"""


def _code(decoder, attend, load, steps=4):
    model = MODEL.replace("    DECODER\n", decoder.replace("ATTEND", attend))
    return ("import numpy as np\n" + ORACLE_HELPERS + DECODERS + ATTENTION + HELPERS + model +
            STEPS.replace("LOAD", load).replace("STEPS_N", str(steps)))


@pytest.mark.oracle
@pytest.mark.parametrize("attend", ["False", "True"])
def test_nmt_trains_like_tf(oracle, attend):
    # TF 1.15's decoder (the oracle's reference) with TF's seeded initial weights
    compare(oracle, _code(CONTRIB, attend, "False"), ("vars",), rtol=2e-4, atol=2e-5)


@pytest.mark.oracle
def test_nmt_trains_with_scheduled_sampling_like_tf(oracle):
    # three Adam steps over batches of two sizes and lengths (the first size again last): the
    # decoder's loop runs on the host, and its seeded draws move by each run's own sizes
    code = _code(SCHEDULED, "False", "False", steps=3)
    compare(oracle, code, ("vars",), rtol=2e-4, atol=2e-5)


@pytest.mark.oracle
def test_training_decoder_is_a_dynamic_rnn(oracle):
    # TF's side: a dynamic_rnn over the embedded targets and the projection, same weights
    compare(oracle, _code(PLAIN, "False", "True"), ("vars",), rtol=2e-4, atol=2e-5)


def test_attention_wrapper_in_dynamic_rnn_over_fed_batches(tf):
    # the wrapper's batch-size Asserts (message strings among their data) inside the compiled
    # loop: the strings stay out of the loop's carry (a JAX TypeError before)
    import numpy as np

    s2s = tf.contrib.seq2seq
    memory = tf.placeholder(tf.float32, [None, None, 3])
    lengths = tf.placeholder(tf.int32, [None])
    inputs = tf.placeholder(tf.float32, [None, None, 2])
    mech = s2s.LuongAttention(4, memory, memory_sequence_length=lengths)
    cell = s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(4), mech, attention_layer_size=4)
    init = cell.zero_state(tf.size(lengths), tf.float32)
    out, _ = tf.nn.dynamic_rnn(cell, inputs, initial_state=init)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(out, {memory: np.ones([2, 5, 3]), lengths: [5, 3],
                             inputs: np.ones([2, 4, 2])})
    assert got.shape == (2, 4, 4) and np.isfinite(got).all()
