"""`tf.contrib.legacy_seq2seq`: TF1's list-of-steps sequence models and losses (the decoder of
char-rnn and the 2016 translation tutorial): `rnn_decoder`, `attention_decoder`, the basic / tied /
embedding / embedding-tied / embedding-attention / one-to-many seq2seq models,
`sequence_loss_by_example`, `sequence_loss` and `model_with_buckets`, with TF 1.15's variable
scopes (`rnn_decoder/...`, `embedding_rnn_seq2seq/rnn/embedding_wrapper/...`)."""

import copy

from scopeflow.contrib.rnn.projection import EmbeddingWrapper, OutputProjectionWrapper
from scopeflow.core.getters import get_variable
from scopeflow.core.scopes import get_variable_scope, variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.rnn.cells import RNNCell


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
    """Both decoders (feed_previous True / False) under one tf.cond on a bool tensor; the
    final state packed as `structure` (flat when it is None)."""
    tf = tf_api()

    def branch(flag):
        with variable_scope(get_variable_scope(), reuse=None if flag else True):
            outputs, state = decode(flag)
        return outputs + nest.flatten(state)

    both = tf.cond(feed_previous, lambda: branch(True), lambda: branch(False))
    states = both[num_outputs:]
    return both[:num_outputs], states if structure is None else _packed(structure, states)


def _packed(structure, states):
    """The flat `states` in `structure`'s nesting (one tensor when it is not nested)."""
    return nest.pack_sequence_as(structure, states) if nest.is_sequence(structure) \
        else states[0]


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


def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols,
                               embedding_size, num_decoder_symbols=None, output_projection=None,
                               feed_previous=False, dtype=None, scope=None):
    """`tied_rnn_seq2seq` over inputs embedded by one shared `embedding`; logits over
    `num_decoder_symbols` (else `num_symbols`) unless `output_projection` is given."""
    tf = tf_api()
    with variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as vs:
        dtype = vs.dtype
        if output_projection is not None:
            _check_projection(output_projection, num_symbols, dtype)
        embedding = get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        enc = [tf.nn.embedding_lookup(embedding, x) for x in encoder_inputs]
        dec = [tf.nn.embedding_lookup(embedding, x) for x in decoder_inputs]
        if output_projection is None:
            cell = OutputProjectionWrapper(
                cell, num_decoder_symbols if num_decoder_symbols is not None else num_symbols)

        def decode(flag, update=True):
            loop = _argmax_and_embed(embedding, output_projection, update) if flag else None
            return tied_rnn_seq2seq(enc, dec, cell, loop_function=loop, dtype=dtype)

        if isinstance(feed_previous, bool):
            return decode(feed_previous)
        outputs, states = _cond_decoder(feed_previous, lambda flag: decode(flag, False),
                                        None, len(decoder_inputs))
        # TF 1.15 builds the cell's zero state (ops included) to learn the state's structure
        batch = encoder_inputs[0].shape[0]
        for inp in encoder_inputs[1:]:
            batch.merge_with(inp.shape[0])
        batch = batch.value if batch.value is not None else tf.shape(encoder_inputs[0])[0]
        zero = cell.zero_state(batch, dtype)
        return outputs, _packed(zero, states)


def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict,
                         num_encoder_symbols, num_decoder_symbols_dict, embedding_size,
                         feed_previous=False, dtype=None, scope=None):
    """One embedded encoder, several embedded decoders (one per key of
    `decoder_inputs_dict`, each under `one2many_decoder_<key>`) from its final state; returns
    (outputs per key, final state per key)."""
    tf = tf_api()
    if not isinstance(enc_cell, RNNCell):
        raise TypeError("enc_cell is not an RNNCell: %s" % type(enc_cell))
    if set(dec_cells_dict) != set(decoder_inputs_dict):
        raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")  # TF's typo
    for dec_cell in dec_cells_dict.values():
        if not isinstance(dec_cell, RNNCell):
            raise TypeError("dec_cell is not an RNNCell: %s" % type(dec_cell))
    outputs_dict, state_dict = {}, {}
    with variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as vs:
        dtype = vs.dtype
        enc_cell = EmbeddingWrapper(enc_cell, embedding_classes=num_encoder_symbols,
                                    embedding_size=embedding_size)
        _, encoder_state = tf.nn.static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        for name, decoder_inputs in decoder_inputs_dict.items():
            symbols = num_decoder_symbols_dict[name]
            with variable_scope("one2many_decoder_" + str(name)):
                cell = OutputProjectionWrapper(dec_cells_dict[name], symbols)

                def decode(flag, inputs=decoder_inputs, cell=cell, symbols=symbols):
                    return embedding_rnn_decoder(inputs, encoder_state, cell, symbols,
                                                 embedding_size, feed_previous=flag)

                if isinstance(feed_previous, bool):
                    outputs, state = decode(feed_previous)
                else:
                    outputs, state = _cond_decoder(feed_previous, decode, encoder_state,
                                                   len(decoder_inputs))
            outputs_dict[name], state_dict[name] = outputs, state
    return outputs_dict, state_dict


def _linear(args, output_size, bias=True):
    """TF 1.15's rnn_cell_impl._linear: concat(args, 1) @ kernel + bias in the current variable
    scope, its ops in that scope's first name scope (the scope is re-entered)."""
    tf = tf_api()
    total = 0
    for arg in args:
        dims = arg.shape.as_list() if arg.shape.ndims is not None else None
        if dims is None or len(dims) != 2:
            raise ValueError("linear is expecting 2D arguments: %s" % [a.shape for a in args])
        if dims[1] is None:
            raise ValueError("linear expects shape[1] to be provided for shape %s, but saw %s"
                             % (arg.shape, dims[1]))
        total += dims[1]
    dtype = args[0].dtype
    with variable_scope(get_variable_scope()) as outer:
        kernel = get_variable("kernel", [total, output_size], dtype=dtype)
        res = tf.matmul(args[0] if len(args) == 1 else tf.concat(args, 1), kernel)
        if not bias:
            return res
        with variable_scope(outer) as inner:
            inner.set_partitioner(None)
            biases = get_variable("bias", [output_size], dtype=dtype,
                                  initializer=tf.constant_initializer(0.0, dtype=dtype))
        return tf.nn.bias_add(res, biases)


class _Attention:
    """The attention heads of `attention_decoder` over (batch, length, size) states: a 1x1
    conv of the states per head (AttnW_i), scored against a projected query with AttnV_i."""

    def __init__(self, attention_states, num_heads):
        tf = tf_api()
        self.length = attention_states.shape[1].value
        if self.length is None:
            self.length = tf.shape(attention_states)[1]
        self.size = attention_states.shape[2].value
        # (batch, length, 1, size): the 1x1 convolution computes W1 * h_t for every t
        self.hidden = tf.reshape(attention_states, [-1, self.length, 1, self.size])
        self.features, self.v = [], []
        for a in range(num_heads):
            k = get_variable("AttnW_%d" % a, [1, 1, self.size, self.size])
            self.features.append(tf.nn.conv2d(self.hidden, k, [1, 1, 1, 1], "SAME"))
            self.v.append(get_variable("AttnV_%d" % a, [self.size]))

    def __call__(self, query):
        """One read per head: softmax(v . tanh(W1 h + W2 query)) weighted sum of the states."""
        tf = tf_api()
        if nest.is_sequence(query):
            query = tf.concat(nest.flatten(query), 1)
        reads = []
        for a, (features, v) in enumerate(zip(self.features, self.v)):
            with variable_scope("Attention_%d" % a):
                y = tf.reshape(_linear([query], self.size, True), [-1, 1, 1, self.size])
                scores = tf.reduce_sum(v * tf.tanh(features + y), [2, 3])  # (batch, length)
                weights = tf.nn.softmax(scores)
                read = tf.reduce_sum(
                    tf.reshape(weights, [-1, self.length, 1, 1]) * self.hidden, [1, 2])
                reads.append(tf.reshape(read, [-1, self.size]))
        return reads


def attention_decoder(decoder_inputs, initial_state, attention_states, cell, output_size=None,
                      num_heads=1, loop_function=None, dtype=None, scope=None,
                      initial_state_attention=False):
    """`rnn_decoder` whose cell reads linear(input, previous attention reads) and whose output
    is linear(cell output, new reads), the reads taken over `attention_states`."""
    tf = tf_api()
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    if attention_states.shape[2].value is None:
        raise ValueError("Shape[2] of attention_states must be known: %s"
                         % attention_states.shape)
    output_size = output_size if output_size is not None else cell.output_size
    with variable_scope(scope or "attention_decoder", dtype=dtype) as vs:
        dtype = vs.dtype
        batch_size = tf.shape(decoder_inputs[0])[0]
        attention = _Attention(attention_states, num_heads)
        state, outputs, prev = initial_state, [], None
        reads = [tf.zeros(tf.stack([batch_size, attention.size]), dtype=dtype)
                 for _ in range(num_heads)]
        for read in reads:
            read.set_shape([None, attention.size])
        if initial_state_attention:
            reads = attention(initial_state)
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            input_size = inp.shape.with_rank(2)[1]
            if input_size.value is None:
                raise ValueError("Could not infer input size from input: %s" % inp.name)
            cell_output, state = cell(_linear([inp] + reads, input_size, True), state)
            if i == 0 and initial_state_attention:
                with variable_scope(get_variable_scope(), reuse=True):
                    reads = attention(state)
            else:
                reads = attention(state)
            with variable_scope("AttnOutputProjection"):
                output = _linear([cell_output] + reads, output_size, True)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                                num_symbols, embedding_size, num_heads=1, output_size=None,
                                output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None, scope=None,
                                initial_state_attention=False):
    """`attention_decoder` over embedded int symbols; `feed_previous` decodes greedily."""
    tf = tf_api()
    if output_size is None:
        output_size = cell.output_size
    if output_projection is not None:
        biases = tf.convert_to_tensor(output_projection[1], dtype=dtype)
        biases.shape.assert_is_compatible_with([num_symbols])
    with variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = (_argmax_and_embed(embedding, output_projection,
                                           update_embedding_for_previous)
                         if feed_previous else None)
        embedded = [tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
        return attention_decoder(embedded, initial_state, attention_states, cell,
                                 output_size=output_size, num_heads=num_heads,
                                 loop_function=loop_function,
                                 initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                                num_decoder_symbols, embedding_size, encoder_cell=None,
                                num_heads=1, output_projection=None, feed_previous=False,
                                dtype=None, scope=None, initial_state_attention=False):
    """The 2016 translation tutorial's model: an embedded encoder whose step outputs the
    embedded attention decoder reads; logits over `num_decoder_symbols` unless projected."""
    tf = tf_api()
    with variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as vs:
        dtype = vs.dtype
        encoder_cell = EmbeddingWrapper(
            encoder_cell if encoder_cell is not None else copy.deepcopy(cell),
            embedding_classes=num_encoder_symbols, embedding_size=embedding_size)
        encoder_outputs, encoder_state = tf.nn.static_rnn(encoder_cell, encoder_inputs,
                                                          dtype=dtype)
        # (batch, encoder steps, cell output): what the decoder attends to
        attention_states = tf.concat(
            [tf.reshape(e, [-1, 1, cell.output_size]) for e in encoder_outputs], 1)
        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def decode(flag, update=True):
            return embedding_attention_decoder(
                decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols,
                embedding_size, num_heads=num_heads, output_size=output_size,
                output_projection=output_projection, feed_previous=flag,
                update_embedding_for_previous=update,
                initial_state_attention=initial_state_attention)

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
