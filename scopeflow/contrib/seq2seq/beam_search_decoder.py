"""`tf.contrib.seq2seq.BeamSearchDecoder` as TF 1.15 builds it: the cell runs on
(batch * beam) rows, each step keeps the `beam_width` best continuations per batch entry
(beam_search_step.py), and `finalize` follows the parents back with GatherTree.

>>> import scopeflow.compat.v1 as tf
>>> cell = tf.nn.rnn_cell.GRUCell(4)
>>> dec = tf.contrib.seq2seq.BeamSearchDecoder(
...     cell, tf.ones([6, 3]), tf.fill([2], 1), 0, cell.zero_state(2 * 3, tf.float32), 3,
...     output_layer=tf.layers.Dense(6))
>>> out, state, lengths = tf.contrib.seq2seq.dynamic_decode(dec, maximum_iterations=5)
>>> out.predicted_ids.shape.as_list()
[2, None, 3]
"""

import collections

import numpy as np

from scopeflow.contrib.seq2seq.basic_decoder import assert_like_rnncell, rnn_output_size
from scopeflow.contrib.seq2seq.beam_search_ops import gather_tree, tile_batch
from scopeflow.contrib.seq2seq.beam_search_step import (
    BeamSearchDecoderOutput, BeamSearchDecoderState, beam_search_step, check_ndims,
    get_attention_probs)
from scopeflow.contrib.seq2seq.decoder import Decoder
from scopeflow.core.shape import TensorShape
from scopeflow.layers.base import Layer
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.ops.tensor_util import get_static_value

__all__ = ["BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState",
           "FinalBeamSearchDecoderOutput", "tile_batch"]


class FinalBeamSearchDecoderOutput(collections.namedtuple(
        "FinalBeamDecoderOutput", ["predicted_ids", "beam_search_decoder_output"])):
    """The beams followed back from their ends (predicted_ids: (batch, time, beam), best
    first) and the step outputs they were read from."""


def _as_shape(s):
    if isinstance(s, tf_api().Tensor):
        return TensorShape(get_static_value(s))
    return TensorShape(s)


class BeamSearchDecoder(Decoder):
    """Beam search over `cell`: its initial state (and an attention wrapper's memory) tiled
    to batch * beam_width rows with `tile_batch`."""

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width,
                 output_layer=None, length_penalty_weight=0.0, coverage_penalty_weight=0.0,
                 reorder_tensor_arrays=True):
        tf = tf_api()
        assert_like_rnncell("cell", cell)
        if output_layer is not None and not isinstance(output_layer, Layer):
            raise TypeError("output_layer must be a Layer, received: %s" % type(output_layer))
        self._cell, self._output_layer = cell, output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._coverage_penalty_weight = coverage_penalty_weight
        self._embedding_fn = embedding if callable(embedding) else (
            lambda ids: tf.nn.embedding_lookup(embedding, ids))
        self._start_tokens = tf.convert_to_tensor(start_tokens, dtype=tf.int32,
                                                  name="start_tokens")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = tf.convert_to_tensor(end_token, dtype=tf.int32, name="end_token")
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._batch_size = tf.size(start_tokens)
        self._initial_cell_state = nest.map_structure(
            self._maybe_split_batch_beams, initial_state, cell.state_size)
        self._start_tokens = tf.tile(tf.expand_dims(self._start_tokens, 1), [1, beam_width])
        self._start_inputs = self._embedding_fn(self._start_tokens)
        # only the first beam of each entry is live at the start
        self._finished = tf.one_hot(tf.zeros([self._batch_size], dtype=tf.int32),
                                    depth=beam_width, on_value=False, off_value=True,
                                    dtype=tf.bool)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def tracks_own_finished(self):
        """True: the beams (and their finished flags) are reordered every step."""
        return True

    @property
    def output_size(self):
        beams = TensorShape([self._beam_width])
        return BeamSearchDecoderOutput(scores=beams, predicted_ids=beams, parent_ids=beams)

    @property
    def output_dtype(self):
        tf = tf_api()
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        return BeamSearchDecoderOutput(
            scores=nest.map_structure(lambda _: dtype,
                                      rnn_output_size(self._cell, self._output_layer)),
            predicted_ids=tf.int32, parent_ids=tf.int32)

    def initialize(self, name=None):
        """(finished, start inputs, BeamSearchDecoderState): log-probabilities 0 for the
        first beam of each entry, -inf for the others."""
        tf = tf_api()
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        log_probs = tf.one_hot(tf.zeros([self._batch_size], dtype=tf.int32),
                               depth=self._beam_width,
                               on_value=tf.convert_to_tensor(0.0, dtype=dtype),
                               off_value=tf.convert_to_tensor(-np.inf, dtype=dtype),
                               dtype=dtype)
        probs = get_attention_probs(self._initial_cell_state, self._coverage_penalty_weight)
        state = BeamSearchDecoderState(
            cell_state=self._initial_cell_state, log_probs=log_probs, finished=self._finished,
            lengths=tf.zeros([self._batch_size, self._beam_width], dtype=tf.int64),
            accumulated_attention_probs=() if probs is None else probs)
        return self._finished, self._start_inputs, state

    def step(self, time, inputs, state, name=None):
        tf = tf_api()
        size = self._cell.state_size
        with tf.name_scope(name, "BeamSearchDecoderStep", (time, inputs, state)):
            inputs = nest.map_structure(
                lambda x: self._merge_batch_beams(x, s=x.shape[2:]), inputs)
            cell_state = nest.map_structure(self._maybe_merge_batch_beams, state.cell_state,
                                            size)
            outputs, next_cell_state = self._cell(inputs, cell_state)
            outputs = nest.map_structure(
                lambda x: self._split_batch_beams(x, x.shape[1:]), outputs)
            next_cell_state = nest.map_structure(self._maybe_split_batch_beams,
                                                 next_cell_state, size)
            if self._output_layer is not None:
                outputs = self._output_layer(outputs)
            output, next_state = beam_search_step(self, time, outputs, next_cell_state, state)
            finished = next_state.finished
            next_inputs = tf.cond(tf.reduce_all(finished), lambda: self._start_inputs,
                                  lambda: self._embedding_fn(output.predicted_ids))
        return output, next_state, next_inputs, finished

    def finalize(self, outputs, final_state, sequence_lengths):
        """The beams followed back from their ends (GatherTree over the longest beam of each
        entry); TensorArrays of the cell state reordered likewise."""
        tf = tf_api()
        del sequence_lengths  # (the beams' own lengths are in the state)
        longest = tf.cast(tf.reduce_max(final_state.lengths, axis=1), tf.int32)
        predicted_ids = gather_tree(outputs.predicted_ids, outputs.parent_ids,
                                    max_sequence_lengths=longest, end_token=self._end_token)
        if self._reorder_tensor_arrays:
            final_state = final_state._replace(cell_state=nest.map_structure(
                lambda t: self._maybe_sort_array_beams(t, outputs.parent_ids,
                                                       final_state.lengths),
                final_state.cell_state))
        return FinalBeamSearchDecoderOutput(
            beam_search_decoder_output=outputs, predicted_ids=predicted_ids), final_state

    # ---- (batch * beam, ...) <-> (batch, beam, ...) ----
    def _merge_batch_beams(self, t, s=None):
        tf = tf_api()
        s = _as_shape(s)
        t_shape = tf.shape(t)
        static = get_static_value(self._batch_size)
        rows = None if static is None else static * self._beam_width
        merged = tf.reshape(t, tf.concat(([self._batch_size * self._beam_width],
                                          t_shape[2:]), 0))
        merged.set_shape(TensorShape([rows]).concatenate(s))
        return merged

    def _split_batch_beams(self, t, s=None):
        tf = tf_api()
        s = _as_shape(s)
        t_shape = tf.shape(t)
        split = tf.reshape(t, tf.concat(([self._batch_size, self._beam_width], t_shape[1:]),
                                        0))
        expected = TensorShape([get_static_value(self._batch_size),
                                self._beam_width]).concatenate(s)
        if not split.shape.is_compatible_with(expected):
            raise ValueError(
                "Unexpected behavior when reshaping between beam width and batch size.  The "
                "reshaped tensor has shape: %s.  We expected it to have shape (batch_size, "
                "beam_width, depth) == %s.  Perhaps you forgot to create a zero_state with "
                "batch_size=encoder_batch_size * beam_width?" % (split.shape, expected))
        split.set_shape(expected)
        return split

    def _maybe_split_batch_beams(self, t, s):
        if isinstance(t, tf_api().TensorArray):
            return t
        check_ndims(t)
        return self._split_batch_beams(t, s) if t.shape.ndims >= 1 else t

    def _maybe_merge_batch_beams(self, t, s):
        if isinstance(t, tf_api().TensorArray):
            return t
        check_ndims(t)
        return self._merge_batch_beams(t, s) if t.shape.ndims >= 2 else t

    def _maybe_sort_array_beams(self, t, parent_ids, sequence_length):
        """A TensorArray of the cell state (alignment history) stacked and reordered along
        the beams' paths; anything else, or an array that cannot be, as it is."""
        tf = tf_api()
        if not isinstance(t, tf.TensorArray):
            return t
        shape = t.element_shape
        if shape.ndims is None or shape.ndims < 1:
            tf.logging.warn(
                "The TensorArray %s in the cell state is not amenable to sorting based on "
                "the beam search result. For a TensorArray to be sorted, its elements shape "
                "must be defined and have at least a rank of 1, but saw shape: %s"
                % (t.handle.name, shape))
            return t
        if not _fits_batch_beam(shape, get_static_value(self._batch_size), self._beam_width):
            return t
        t = t.stack()
        with tf.control_dependencies([_check_batch_beam(t, self._batch_size,
                                                        self._beam_width)]):
            return gather_tree_from_array(t, parent_ids, sequence_length)


def _fits_batch_beam(shape, batch, width):
    """Whether a static element shape can be (batch * beam, ...) or (batch, beam, ...);
    TF's warning when it cannot."""
    d0 = shape.dims[0].value
    d1 = shape.dims[1].value if shape.ndims >= 2 else None
    if batch is not None and d0 is not None and (
            d0 != batch * width or (d1 is not None and (d0 != batch or d1 != width))):
        tf_api().logging.warn(
            "TensorArray reordering expects elements to be reshapable to %s which is "
            "incompatible with the current shape %s. Consider setting reorder_tensor_arrays "
            "to False to disable TensorArray reordering during the beam search."
            % (TensorShape([batch, width, None]), shape))
        return False
    return True


def _check_batch_beam(t, batch, width):
    """An Assert that the stacked array's elements are (batch * beam, ...) or
    (batch, beam, ...)."""
    tf = tf_api()
    message = ("TensorArray reordering expects elements to be reshapable to [batch_size, "
               "beam_size, -1] which is incompatible with the dynamic shape of %s elements. "
               "Consider setting reorder_tensor_arrays to False to disable TensorArray "
               "reordering during the beam search." % t.name)
    shape = tf.shape(t)
    if t.shape.ndims == 2:
        ok = tf.equal(shape[1], batch * width)
    else:
        ok = tf.logical_or(tf.equal(shape[1], batch * width),
                           tf.logical_and(tf.equal(shape[1], batch),
                                          tf.equal(shape[2], width)))
    return tf.Assert(ok, [message])


def _dim(t, axis):
    return t.shape.dims[axis].value or tf_api().shape(t)[axis]


def gather_tree_from_array(t, parent_ids, sequence_length):
    """`t` (time, batch * beam or batch, beam, ...) with each step's beams reordered along
    the paths GatherTree follows back through `parent_ids` (time, batch, beam); steps past a
    beam's length keep their own beam."""
    tf = tf_api()
    steps, batch, width = (_dim(parent_ids, i) for i in range(3))
    beam_ids = tf.expand_dims(tf.expand_dims(tf.range(width), 0), 0)
    beam_ids = tf.tile(beam_ids, [steps, batch, 1])  # (time, batch, beam): 0..beam-1
    longest = tf.cast(tf.reduce_max(sequence_length, axis=1), tf.int32)
    sorted_ids = gather_tree(step_ids=beam_ids, parent_ids=parent_ids,
                             max_sequence_lengths=longest, end_token=width + 1)
    in_bounds = tf.transpose(tf.sequence_mask(sequence_length, maxlen=steps), perm=[2, 0, 1])
    sorted_ids = tf.where(in_bounds, x=sorted_ids, y=beam_ids)
    time_ind = tf.tile(tf.reshape(tf.range(steps), [-1, 1, 1]), [1, batch, width])
    batch_ind = tf.tile(tf.reshape(tf.range(batch), [-1, 1, 1]), [1, steps, width])
    batch_ind = tf.transpose(batch_ind, perm=[1, 0, 2])
    indices = tf.stack([time_ind, batch_ind, sorted_ids], -1)
    final_shape = tf.shape(t)
    ordered = tf.gather_nd(tf.reshape(t, [steps, batch, width, -1]), indices)
    return tf.reshape(ordered, final_shape)
