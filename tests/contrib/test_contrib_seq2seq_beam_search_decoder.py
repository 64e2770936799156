"""contrib.seq2seq's BeamSearchDecoder (scopeflow/contrib/seq2seq/beam_search_decoder.py and
beam_search_step.py) in the TF NMT tutorial's inference, run by `scopeflow run` as a TF 1.x
script: its beams against a beam search written here in NumPy over the same weights (TF 2.21
has neither contrib nor the GatherTree op): the decoder's LSTM, Luong attention and
projection in NumPy, TF 1.15's scoring (length and coverage penalties), top-k, parents and
GatherTree (test_contrib_seq2seq_beam_ops' reference)."""

import subprocess
import sys

import numpy as np
import pytest
from test_contrib_seq2seq_beam_ops import gather_tree_reference

# the TF NMT tutorial's model, shrunk: a dynamic_rnn LSTM encoder, an LSTM decoder (Luong
# attention over the encoder's outputs when ATTEND), trained with Adam for TRAIN steps, then
# decoded by beam search from tiled encoder outputs and state
PROGRAM = r"""
import sys
import numpy as np
import tensorflow as tf
S = tf.contrib.seq2seq
tf.set_random_seed(7)
src = tf.placeholder(tf.int32, [None, None], name="src")
src_len = tf.placeholder(tf.int32, [None], name="src_len")
tgt_in = tf.placeholder(tf.int32, [None, None], name="tgt_in")
tgt_out = tf.placeholder(tf.int32, [None, None], name="tgt_out")
tgt_len = tf.placeholder(tf.int32, [None], name="tgt_len")
emb_enc = tf.get_variable("embedding_encoder", [8, 5])
emb_dec = tf.get_variable("embedding_decoder", [8, 5])
with tf.variable_scope("encoder"):
    enc_out, enc_state = tf.nn.dynamic_rnn(
        tf.nn.rnn_cell.LSTMCell(6), tf.nn.embedding_lookup(emb_enc, src),
        sequence_length=src_len, dtype=tf.float32)
proj = tf.layers.Dense(8, use_bias=False, name="output_projection")
cell = tf.nn.rnn_cell.LSTMCell(6)
batch = tf.size(src_len)

def decoder_cell(memory, lengths, state, rows):
    if not ATTEND:
        return cell, state
    mech = S.LuongAttention(6, memory, memory_sequence_length=lengths)
    wrapped = S.AttentionWrapper(cell, mech, attention_layer_size=6)
    return wrapped, wrapped.zero_state(rows, tf.float32).clone(cell_state=state)

with tf.variable_scope("decoder") as scope:
    train_cell, init = decoder_cell(enc_out, src_len, enc_state, batch)
    helper = S.TrainingHelper(tf.nn.embedding_lookup(emb_dec, tgt_in), tgt_len)
    logits = S.dynamic_decode(S.BasicDecoder(train_cell, helper, init, output_layer=proj),
                              scope=scope)[0].rnn_output
mask = tf.sequence_mask(tgt_len, tf.shape(tgt_out)[1], dtype=tf.float32)
loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=tgt_out, logits=logits) * mask) / tf.cast(batch, tf.float32)
train = tf.train.AdamOptimizer(0.05).minimize(loss)

with tf.variable_scope("decoder", reuse=True) as scope:
    memory = S.tile_batch(enc_out, WIDTH)
    lengths = S.tile_batch(src_len, WIDTH)
    tiled_state = S.tile_batch(enc_state, WIDTH)
    beam_cell, beam_init = decoder_cell(memory, lengths, tiled_state, batch * WIDTH)
    dec = S.BeamSearchDecoder(beam_cell, emb_dec, tf.fill([batch], 1), END, beam_init, WIDTH,
                              output_layer=proj, length_penalty_weight=LP,
                              coverage_penalty_weight=CP)
    out, state, seq_len = S.dynamic_decode(dec, maximum_iterations=7, scope=scope)

rng = np.random.RandomState(0)
feed = {src: rng.randint(3, 8, [3, 5]), src_len: [5, 3, 4], tgt_in: rng.randint(1, 8, [3, 4]),
        tgt_out: rng.randint(1, 8, [3, 4]), tgt_len: [4, 2, 3]}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(TRAIN):
        sess.run(train, feed)
    got = sess.run({"final_ids": out.predicted_ids,
                    "scores": out.beam_search_decoder_output.scores,
                    "ids": out.beam_search_decoder_output.predicted_ids,
                    "parents": out.beam_search_decoder_output.parent_ids,
                    "lengths": state.lengths, "log_probs": state.log_probs,
                    "finished": state.finished, "seq_len": seq_len,
                    "enc_out": enc_out, "enc_c": enc_state.c, "enc_h": enc_state.h}, feed)
    got.update(("var:" + k, v) for k, v in sess.run(
        {v.op.name: v for v in tf.trainable_variables()}).items())
got["src_len"] = np.array(feed[src_len])
ops = tf.get_default_graph().get_operations()
got["ops"] = np.array([o.name + " " + o.type for o in ops])
np.savez(sys.argv[1], **got)
"""
CASES = {  # ATTEND, WIDTH, LP, CP, TRAIN, END (one the beams pick early: they finish)
    "lstm": ("False", "3", "0.0", "0.0", "0", "2"),
    "attention_coverage": ("True", "4", "0.0", "0.2", "0", "2"),
    "nmt_trained": ("True", "5", "1.0", "0.0", "4", "2"),
}
START, F32_MIN = 1, float(np.finfo(np.float32).min)


def _run_program(case, tmp_path):
    code = PROGRAM
    for key, value in zip(("ATTEND", "WIDTH", "LP", "CP", "TRAIN", "END"), CASES[case]):
        code = code.replace(key, value)
    script, out = tmp_path / "nmt_beam.py", tmp_path / "got.npz"
    script.write_text(code)
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "run", str(script), str(out)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(np.load(out))


# ---- the decoder in NumPy --------------------------------------------------------------------
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _lstm(weights, x, state):
    """TF's LSTMCell (forget bias 1): (output, (c, h))."""
    kernel, bias = weights
    c, h = state
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
    c = _sigmoid(f + 1.0) * c + _sigmoid(i) * np.tanh(j)
    h = _sigmoid(o) * np.tanh(c)
    return h, (c, h)


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


class Model:
    """The program's decoder over its exported weights and encoder values, on (batch * beam)
    rows; a state is (c, h, attention, alignments)."""

    def __init__(self, got, width):
        def var(suffix):
            names = [k for k in got if k.startswith("var:") and k.endswith(suffix)]
            assert len(names) == 1, (suffix, names)
            return got[names[0]].astype(np.float64)

        self.attend = any("attention_layer" in k for k in got)
        self.emb, self.proj = var("embedding_decoder"), var("output_projection/kernel")
        cell = "decoder/attention_wrapper/lstm_cell/" if self.attend else "decoder/lstm_cell/"
        self.lstm = var(cell + "kernel"), var(cell + "bias")
        lengths = np.repeat(got["src_len"], width)
        memory = np.repeat(got["enc_out"].astype(np.float64), width, axis=0)
        self.valid = np.arange(memory.shape[1])[None, :] < lengths[:, None]  # (rows, time)
        self.values = memory * self.valid[..., None]
        if self.attend:
            self.keys = self.values @ var("memory_layer/kernel")
            self.attention_layer = var("attention_layer/kernel")
        self.init = tuple(np.repeat(got[k].astype(np.float64), width, axis=0)
                          for k in ("enc_c", "enc_h"))
        rows = len(lengths)
        self.init += (np.zeros([rows, 6]), np.zeros([rows, memory.shape[1]]))

    def step(self, ids, state):
        """(logits (rows, vocab), next state)."""
        c, h, attention, alignments = state
        x = self.emb[ids]
        if not self.attend:
            out, (c, h) = _lstm(self.lstm, x, (c, h))
            return out @ self.proj, (c, h, attention, alignments)
        out, (c, h) = _lstm(self.lstm, np.concatenate([x, attention], 1), (c, h))
        score = np.where(self.valid, np.einsum("rh,rth->rt", out, self.keys), -np.inf)
        alignments = _softmax(score)
        context = np.einsum("rt,rtd->rd", alignments, self.values)
        attention = np.concatenate([out, context], 1) @ self.attention_layer
        return attention @ self.proj, (c, h, attention, alignments)


# ---- TF 1.15's beam search in NumPy ----------------------------------------------------------
def _log_softmax(x):
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def _scores(total, new_lengths, finished, accumulated, weights):
    lp, cp = weights
    scores = total / (((5.0 + new_lengths) / 6.0) ** lp)
    if cp:
        covered = np.where(accumulated == 0, 1.0, accumulated)
        coverage = np.log(np.minimum(covered, 1.0)).sum(2) * finished
        scores = scores + (coverage * cp)[..., None]
    return scores


def beam_search(model, width, weights, end, steps=7):
    """The decoder's step outputs, final beams and lengths, as TF 1.15 computes them."""
    batch = len(model.init[0]) // width
    log_probs = np.full([batch, width], -np.inf)
    log_probs[:, 0] = 0
    finished = np.ones([batch, width], bool)
    finished[:, 0] = False
    lengths = np.zeros([batch, width], np.int64)
    state, ids = model.init, np.full(batch * width, START)
    accumulated = state[3].reshape(batch, width, -1)
    seq_len, outs = np.zeros([batch, width], np.int32), []
    rows = np.arange(batch)[:, None] * width
    for t in range(steps):
        if finished.all():
            break
        logits, state = model.step(ids, state)
        step_lp = _log_softmax(logits).reshape(batch, width, -1)
        vocab = step_lp.shape[-1]
        eos_row = np.where(np.arange(vocab) == end, 0.0, F32_MIN)
        step_lp = np.where(finished[..., None], eos_row, step_lp)
        total = log_probs[..., None] + step_lp
        new_lengths = lengths[..., None] + (np.arange(vocab) != end) * ~finished[..., None]
        attended = accumulated + state[3].reshape(batch, width, -1) * ~finished[..., None]
        scores = _scores(total, new_lengths, finished, attended, weights).reshape(batch, -1)
        top = np.argsort(-scores, axis=1, kind="stable")[:, :width]  # ties: lower index
        words, parents = top % vocab, top // vocab
        outs.append((np.take_along_axis(scores, top, 1), words, parents))
        seq_len = np.where(~finished, t + 1, seq_len)  # (dynamic_decode's, by position)
        before = np.take_along_axis(finished, parents, 1)
        finished = before | (words == end)
        lengths = np.take_along_axis(lengths, parents, 1) + ~before
        log_probs = np.take_along_axis(total.reshape(batch, -1), top, 1)
        accumulated = np.take_along_axis(attended, parents[..., None], 1)
        state = tuple(s[(rows + parents).ravel()] for s in state)
        ids = words.ravel()
    scores, words, parents = (np.stack(x) for x in zip(*outs))  # (time, batch, beam)
    final = gather_tree_reference(words, parents, lengths.max(1), end)
    return {"scores": scores, "ids": words, "parents": parents, "final_ids": final,
            "lengths": lengths, "log_probs": log_probs, "finished": finished,
            "seq_len": seq_len}


@pytest.mark.parametrize("case", sorted(CASES))
def test_beam_search_under_scopeflow_run_gives_the_numpy_beams(case, tmp_path):
    got = _run_program(case, tmp_path)
    _, width, lp, cp, _, end = CASES[case]
    width, end = int(width), int(end)
    want = beam_search(Model(got, width), width, (float(lp), float(cp)), end)
    for key in ("ids", "parents", "final_ids"):  # batch major from dynamic_decode
        np.testing.assert_array_equal(got[key], want[key].transpose(1, 0, 2), err_msg=key)
    for key in ("lengths", "finished", "seq_len"):
        np.testing.assert_array_equal(got[key], want[key], err_msg=key)
    np.testing.assert_allclose(got["scores"], want["scores"].transpose(1, 0, 2), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(got["log_probs"], want["log_probs"], rtol=1e-4, atol=1e-5)
    assert want["finished"].any() and not want["finished"].all()  # beams end, others go on
    if float(cp):  # (and the coverage penalty of the finished ones counts)
        plain = beam_search(Model(got, width), width, (float(lp), 0.0), end)
        assert not np.allclose(plain["scores"], want["scores"])
    step = "decoder_1/decoder/while/BeamSearchDecoderStep/"  # (TF 1.15's names)
    for name in (step + "TopKV2 TopKV2", step + "next_beam_word_ids FloorMod",
                 step + "next_beam_parent_ids Cast", step + "next_beam_finished LogicalOr",
                 step + "next_beam_probs/output Reshape", "decoder_1/decoder/GatherTree GatherTree"):
        assert name in got["ops"], name


# ---- TF 1.15's checks --------------------------------------------------------------------------
def _decoder(tf, **changes):
    cell = tf.nn.rnn_cell.GRUCell(4)
    args = {"cell": cell, "embedding": tf.ones([6, 3]), "start_tokens": tf.fill([2], 1),
            "end_token": 0, "initial_state": cell.zero_state(2 * 3, tf.float32),
            "beam_width": 3}
    args.update(changes)
    return tf.contrib.seq2seq.BeamSearchDecoder(**args)


def test_beam_search_decoder_checks_its_arguments(tf):
    with pytest.raises(ValueError, match="^start_tokens must be a vector$"):
        _decoder(tf, start_tokens=[[1, 1]])
    with pytest.raises(ValueError, match="^end_token must be a scalar$"):
        _decoder(tf, end_token=[0])
    with pytest.raises(TypeError, match="^output_layer must be a Layer, received: "):
        _decoder(tf, output_layer=lambda x: x)
    cell = tf.nn.rnn_cell.GRUCell(4)  # a state of batch (not batch * beam) rows: as TF
    with pytest.raises(ValueError, match=r"^Cannot reshape a tensor with 8 elements to shape "
                                         r"\[2,3,4\] \(24 elements\)"):
        _decoder(tf, cell=cell, initial_state=cell.zero_state(2, tf.float32))


def test_coverage_penalty_needs_an_attention_wrapper(tf):
    dec = _decoder(tf, coverage_penalty_weight=0.5)
    with pytest.raises(ValueError, match=r"^coverage_penalty_weight must be 0.0 if no cell is "
                                         r"attentional.$"):
        dec.initialize()


def test_beam_search_state_and_outputs(tf):
    s2s = tf.contrib.seq2seq
    dec = _decoder(tf, output_layer=tf.layers.Dense(6))
    out, state, lengths = s2s.dynamic_decode(dec, maximum_iterations=4)
    assert isinstance(out, s2s.FinalBeamSearchDecoderOutput)
    assert type(out).__name__ == "FinalBeamSearchDecoderOutput"
    assert type(out).__bases__[0].__name__ == "FinalBeamDecoderOutput"  # (TF's namedtuple)
    assert isinstance(out.beam_search_decoder_output, s2s.BeamSearchDecoderOutput)
    assert isinstance(state, s2s.BeamSearchDecoderState)
    assert state._fields == ("cell_state", "log_probs", "finished", "lengths",
                             "accumulated_attention_probs")
    assert (state.lengths.dtype, lengths.dtype) == (tf.int64, tf.int32)
    assert out.predicted_ids.shape.as_list() == [2, None, 3]
    assert out.beam_search_decoder_output.scores.shape.as_list() == [2, None, 3]
