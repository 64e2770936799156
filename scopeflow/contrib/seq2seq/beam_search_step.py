"""One step of `tf.contrib.seq2seq.BeamSearchDecoder` as TF 1.15 builds it: every beam's
continuations scored (log-probabilities, length and coverage penalties), the best
`beam_width` of each batch entry kept, and the beams' states gathered from their parents."""

import collections

from scopeflow.contrib.seq2seq.attention_wrapper import AttentionWrapperState
from scopeflow.core.shape import TensorShape
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.ops.tensor_util import get_static_value


class BeamSearchDecoderState(collections.namedtuple(
        "BeamSearchDecoderState",
        ("cell_state", "log_probs", "finished", "lengths", "accumulated_attention_probs"))):
    pass


class BeamSearchDecoderOutput(collections.namedtuple(
        "BeamSearchDecoderOutput", ("scores", "predicted_ids", "parent_ids"))):
    pass


def check_ndims(t):
    if t.shape.ndims is None:
        raise ValueError("Expected tensor (%s) to have known rank, but ndims == None." % t)


def _mean_last(probs):
    """The mean over a tuple of (batch, beam, time) tensors."""
    tf = tf_api()
    return tf.reduce_mean(tf.concat([tf.expand_dims(p, -1) for p in probs], -1), -1)


def _attention_probs(state):
    """An AttentionWrapperState's alignments (batch, beam, memory time); several
    mechanisms' averaged."""
    probs = state.alignments
    return _mean_last(probs) if isinstance(probs, tuple) else probs


def get_attention_probs(cell_state, coverage_penalty_weight):
    """The attention probabilities the coverage penalty reads from `cell_state`, averaged
    over its attention wrappers; None when the penalty is off."""
    if coverage_penalty_weight == 0.0:
        return None
    found = []
    if isinstance(cell_state, AttentionWrapperState):
        found = [_attention_probs(cell_state)]
    elif isinstance(cell_state, tuple):
        found = [_attention_probs(s) for s in cell_state
                 if isinstance(s, AttentionWrapperState)]
    if not found:
        raise ValueError("coverage_penalty_weight must be 0.0 if no cell is attentional.")
    return found[0] if len(found) == 1 else _mean_last(found)


def _length_penalty(lengths, weight):
    """((5 + length) / 6) ** weight (GNMT, arXiv:1609.08144); 1.0 when the weight is 0."""
    tf = tf_api()
    weight = tf.convert_to_tensor(weight, name="penalty_factor")
    weight.set_shape(())
    static = get_static_value(weight)
    if static is not None and static == 0:
        return 1.0
    return tf.div((5. + tf.cast(lengths, tf.float32)) ** weight, (5. + 1.) ** weight)


def _scores(log_probs, lengths, decoder, finished, accumulated):
    """The hypotheses' scores (batch, beam, vocab): log-probabilities over the length
    penalty, plus the weighted coverage penalty of finished beams."""
    tf = tf_api()
    penalty = tf.cast(_length_penalty(lengths, decoder._length_penalty_weight),
                      dtype=log_probs.dtype)
    scores = log_probs / penalty
    weight = tf.convert_to_tensor(decoder._coverage_penalty_weight,
                                  name="coverage_penalty_weight")
    if weight.shape.ndims != 0:
        raise ValueError("coverage_penalty_weight should be a scalar, but saw shape: %s"
                         % weight.shape)
    if get_static_value(weight) == 0.0:
        return scores
    if accumulated is None:
        raise ValueError("accumulated_attention_probs can be None only if coverage penalty "
                         "is disabled.")
    # sum over memory time of log(min(attention so far, 1)); positions never attended
    # (masked) count as covered
    accumulated = tf.where(tf.equal(accumulated, 0.0), tf.ones_like(accumulated), accumulated)
    coverage = tf.reduce_sum(tf.log(tf.minimum(accumulated, 1.0)), 2)
    coverage *= tf.cast(finished, tf.float32)
    return scores + tf.expand_dims(coverage * weight, 2)


def _mask_probs(probs, end_token, finished):
    """`probs` (batch, beam, vocab) with each finished beam's row all on `end_token` (log 0
    there, the dtype's lowest elsewhere)."""
    tf = tf_api()
    vocab = tf.shape(probs)[2]
    row = tf.one_hot(end_token, vocab, dtype=probs.dtype,
                     on_value=tf.convert_to_tensor(0., dtype=probs.dtype),
                     off_value=probs.dtype.min)
    finished_probs = tf.tile(tf.reshape(row, [1, 1, -1]),
                             tf.concat([tf.shape(finished), [1]], 0))
    mask = tf.tile(tf.expand_dims(finished, 2), [1, 1, vocab])
    return tf.where(mask, finished_probs, probs)


def gather_beams(indices, source, decoder, range_size, gather_shape, name=None):
    """`source`'s rows picked per batch entry by `indices` (batch, beam): `source` is read
    as `gather_shape` (rows of batch * range_size), the result keeps its leading dims."""
    tf = tf_api()
    batch = decoder._batch_size
    with tf.name_scope(name, "tensor_gather_helper"):
        offsets = tf.expand_dims(tf.range(batch) * range_size, 1)
        indices = tf.reshape(indices + offsets, [-1])
        output = tf.gather(tf.reshape(source, gather_shape), indices)
        final_shape = tf.shape(source)[:1 + len(gather_shape)]
        static = TensorShape([get_static_value(batch)]).concatenate(
            source.shape[1:1 + len(gather_shape)])
        output = tf.reshape(output, final_shape, name="output")
        output.set_shape(static)
        return output


def _maybe_gather_beams(indices, source, decoder, shape):
    """A cell state tensor (batch, beam, ...) gathered by parent beam, read as `shape`;
    TensorArrays and tensors of rank below 2 pass through."""
    tf = tf_api()
    if isinstance(source, tf.TensorArray):
        return source
    check_ndims(source)
    if source.shape.ndims >= len(shape):
        return gather_beams(indices, source, decoder, decoder._beam_width, shape)
    return source


def _lengths_to_add(decoder, vocab_size, not_finished):
    """(batch, beam, vocab) int64: 1 for every continuation of a live beam but end_token."""
    tf = tf_api()
    add = tf.one_hot(indices=tf.fill([decoder._batch_size, decoder._beam_width],
                                     decoder._end_token),
                     depth=vocab_size, on_value=tf.to_int64(0), off_value=tf.to_int64(1),
                     dtype=tf.int64)
    return add * tf.expand_dims(tf.cast(not_finished, tf.int64), 2)


def beam_search_step(decoder, time, logits, next_cell_state, state):
    """(BeamSearchDecoderOutput, BeamSearchDecoderState) after one step from `state`, the
    cell's `logits` (batch, beam, vocab) and `next_cell_state` (batch, beam, ...)."""
    tf = tf_api()
    batch, width = decoder._batch_size, decoder._beam_width
    static_batch = get_static_value(batch)
    finished_before = state.finished
    not_finished = tf.logical_not(finished_before)
    step_log_probs = _mask_probs(tf.nn.log_softmax(logits), decoder._end_token,
                                 finished_before)
    total = tf.expand_dims(state.log_probs, 2) + step_log_probs  # (batch, beam, vocab)
    vocab = logits.shape[-1].value or tf.shape(logits)[-1]
    new_lengths = _lengths_to_add(decoder, vocab, not_finished) + tf.expand_dims(
        state.lengths, 2)
    accumulated = get_attention_probs(next_cell_state, decoder._coverage_penalty_weight)
    if accumulated is not None:
        accumulated *= tf.expand_dims(tf.cast(not_finished, tf.float32), 2)
        accumulated = state.accumulated_attention_probs + accumulated
    scores = _scores(total, new_lengths, decoder, finished_before, accumulated)
    time = tf.convert_to_tensor(time, name="time")
    # the best `width` of all beams' continuations, flattened as beam * vocab + word
    scores_flat = tf.reshape(scores, [batch, -1])
    k = tf.convert_to_tensor(width, dtype=tf.int32, name="beam_width")
    next_scores, word_indices = tf.nn.top_k(scores_flat, k=k)
    next_scores.set_shape([static_batch, width])
    word_indices.set_shape([static_batch, width])
    return _next(decoder, state, (total, vocab, word_indices, next_scores),
                 (next_cell_state, accumulated))


def _next(decoder, state, picked, carried):
    """The step's output and next state from the picked flat indices."""
    tf = tf_api()
    total, vocab, word_indices, next_scores = picked
    next_cell_state, accumulated = carried
    width = decoder._beam_width
    next_probs = gather_beams(word_indices, total, decoder, width * vocab, [-1],
                              name="next_beam_probs")
    word_ids = tf.cast(tf.mod(word_indices, vocab, name="next_beam_word_ids"), tf.int32)
    parents = tf.cast(word_indices / vocab, tf.int32, name="next_beam_parent_ids")
    finished_before = gather_beams(parents, state.finished, decoder, width, [-1])
    finished = tf.logical_or(finished_before, tf.equal(word_ids, decoder._end_token),
                             name="next_beam_finished")
    # a beam finished before keeps its length; one live before grows by one
    to_add = tf.cast(tf.logical_not(finished_before), tf.int64)
    lengths = gather_beams(parents, state.lengths, decoder, width, [-1])
    lengths += to_add
    next_accumulated = ()
    if accumulated is not None:
        next_accumulated = gather_beams(
            parents, accumulated, decoder, width, [decoder._batch_size * width, -1],
            name="next_accumulated_attention_probs")
    next_cell_state = nest.map_structure(
        lambda s: _maybe_gather_beams(parents, s, decoder,
                                      [decoder._batch_size * width, -1]), next_cell_state)
    next_state = BeamSearchDecoderState(
        cell_state=next_cell_state, log_probs=next_probs, lengths=lengths,
        finished=finished, accumulated_attention_probs=next_accumulated)
    return BeamSearchDecoderOutput(next_scores, word_ids, parents), next_state

