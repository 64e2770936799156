"""`tf.contrib.legacy_seq2seq`: TF1's list-of-steps sequence models and losses (the decoder of
char-rnn and the 2016 translation tutorial): `rnn_decoder`, the basic / tied / embedding
seq2seq models, `sequence_loss_by_example`, `sequence_loss` and `model_with_buckets`, with TF
1.15's variable scopes (`rnn_decoder/...`, `embedding_rnn_seq2seq/rnn/embedding_wrapper/...`)."""

import copy

from scopeflow.contrib.rnn.projection import EmbeddingWrapper, OutputProjectionWrapper
from scopeflow.core.getters import get_variable
from scopeflow.core.scopes import get_variable_scope, variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest


def _argmax_and_embed(embedding, output_projection=None, update_embedding=True):
    """A loop function: the previous output's argmax symbol, embedded."""
    tf = tf_api()

    def loop_function(prev, _):
        if output_projection is not None:
            prev = tf.nn.xw_plus_b(prev, output_projection[0], output_projection[1])
        embedded = tf.nn.embedding_lookup(embedding, tf.argmax(prev, 1))
        return embedded if update_embedding else tf.stop_gradient(embedded)

    return loop_function


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """Runs `cell` over a list of (batch, input) steps from `initial_state`.

    With `loop_function`, step i > 0 takes `loop_function(output[i-1], i)` instead of its
    input (greedy decoding). Returns (list of outputs, final state).
    """
    with variable_scope(scope or "rnn_decoder"):
        state, outputs, prev = initial_state, [], None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=None, scope=None):
    """Encodes with a copy of `cell` (own weights), decodes from its final state with `cell`."""
    tf = tf_api()
    with variable_scope(scope or "basic_rnn_seq2seq"):
        _, enc_state = tf.nn.static_rnn(copy.deepcopy(cell), encoder_inputs,
                                        dtype=dtype or tf.float32)
        return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None, dtype=None,
                     scope=None):
    """Encoder and decoder share `cell`'s weights (one scope, reused by the decoder)."""
    tf = tf_api()
    with variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, enc_state = tf.nn.static_rnn(cell, encoder_inputs, dtype=dtype or tf.float32,
                                        scope=scope)
        get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function,
                           scope=scope)


def _check_projection(output_projection, num_symbols, dtype):
    tf = tf_api()
    weights = tf.convert_to_tensor(output_projection[0], dtype=dtype)
    weights.shape.assert_is_compatible_with([None, num_symbols])
    biases = tf.convert_to_tensor(output_projection[1], dtype=dtype)
    biases.shape.assert_is_compatible_with([num_symbols])


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size,
                          output_projection=None, feed_previous=False,
                          update_embedding_for_previous=True, scope=None):
    """`rnn_decoder` over embedded int symbols; `feed_previous` decodes greedily."""
    tf = tf_api()
    with variable_scope(scope or "embedding_rnn_decoder") as vs:
        if output_projection is not None:
            _check_projection(output_projection, num_symbols, vs.dtype)
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = (_argmax_and_embed(embedding, output_projection,
                                           update_embedding_for_previous)
                         if feed_previous else None)
        embedded = [tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
        return rnn_decoder(embedded, initial_state, cell, loop_function=loop_function)


def _cond_decoder(feed_previous, decode, structure, num_outputs):
    """Both decoders (feed_previous True / False) under one tf.cond on a bool tensor."""
    tf = tf_api()

    def branch(flag):
        with variable_scope(get_variable_scope(), reuse=None if flag else True):
            outputs, state = decode(flag)
        return outputs + nest.flatten(state)

    both = tf.cond(feed_previous, lambda: branch(True), lambda: branch(False))
    states = both[num_outputs:]
    state = nest.pack_sequence_as(structure, states) if nest.is_sequence(structure) \
        else states[0]
    return both[:num_outputs], state


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                          num_decoder_symbols, embedding_size, output_projection=None,
                          feed_previous=False, dtype=None, scope=None):
    """Embedded encoder (a copy of `cell`) and embedded decoder; outputs are logits over
    `num_decoder_symbols` unless `output_projection` is given."""
    tf = tf_api()
    with variable_scope(scope or "embedding_rnn_seq2seq") as vs:
        if dtype is not None:
            vs.set_dtype(dtype)
        dtype = vs.dtype
        encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                        embedding_size=embedding_size)
        _, encoder_state = tf.nn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)

        def decode(flag, update=True):
            return embedding_rnn_decoder(
                decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
                output_projection=output_projection, feed_previous=flag,
                update_embedding_for_previous=update)

        if isinstance(feed_previous, bool):
            return decode(feed_previous)
        return _cond_decoder(feed_previous, lambda flag: decode(flag, update=False),
                             encoder_state, len(decoder_inputs))


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                             softmax_loss_function=None, name=None):
    """Per-example weighted cross entropy summed over the steps, shape (batch,)."""
    tf = tf_api()
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError("Lengths of logits, weights, and targets must be the same "
                         "%d, %d, %d." % (len(logits), len(weights), len(targets)))
    with tf.name_scope(name, "sequence_loss_by_example", logits + targets + weights):
        terms = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=tf.reshape(target, [-1]), logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            terms.append(crossent * weight)
        log_perps = tf.add_n(terms)
        if average_across_timesteps:
            total_size = tf.add_n(weights)
            total_size += 1e-12  # all-zero weights divide by this, not by 0
            log_perps /= total_size
    return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None, name=None):
    """The summed `sequence_loss_by_example`, divided by the batch size if asked: a scalar."""
    tf = tf_api()
    with tf.name_scope(name, "sequence_loss", logits + targets + weights):
        cost = tf.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if not average_across_batch:
            return cost
        return cost / tf.cast(tf.shape(targets[0])[0], cost.dtype)


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                       softmax_loss_function=None, per_example_loss=False, name=None):
    """One `seq2seq` model per (input length, output length) bucket, sharing variables;
    returns (outputs per bucket, loss per bucket)."""
    tf = tf_api()
    # TF 1.15's wording, "lastbucket" included
    for label, items, index, gap in (("encoder_inputs", encoder_inputs, 0, " "),
                                     ("targets", targets, 1, ""), ("weights", weights, 1, "")):
        if len(items) < buckets[-1][index]:
            raise ValueError("Length of %s (%d) must be at least that of last%sbucket (%d)."
                             % (label, len(items), gap, buckets[-1][index]))
    loss_fn = sequence_loss_by_example if per_example_loss else sequence_loss
    losses, outputs = [], []
    with tf.name_scope(name, "model_with_buckets",
                       encoder_inputs + decoder_inputs + targets + weights):
        for j, (enc_len, dec_len) in enumerate(buckets):
            with variable_scope(get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:enc_len], decoder_inputs[:dec_len])
                outputs.append(bucket_outputs)
                losses.append(loss_fn(bucket_outputs, targets[:dec_len], weights[:dec_len],
                                      softmax_loss_function=softmax_loss_function))
    return outputs, losses
