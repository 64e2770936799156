"""`tf.contrib.seq2seq.Decoder` and `dynamic_decode`: a decoder stepped in one tf.while_loop,
its outputs gathered in TensorArrays, as TF 1.15 builds it (scope `decoder`, the loop's
six variables: time, output arrays, state, inputs, finished, sequence lengths)."""

import abc

from scopeflow.core.scopes import variable_scope
from scopeflow.core.shape import TensorShape
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.ops.tensor_util import get_static_value
from scopeflow.rnn.cells import _zero_state_tensors
from scopeflow.rnn.rnn import _transpose_batch_time


class Decoder(abc.ABC):
    """The interface `dynamic_decode` steps: `initialize()` once, then `step()` per time."""

    @property
    def batch_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    @property
    def output_dtype(self):
        raise NotImplementedError

    @abc.abstractmethod
    def initialize(self, name=None):
        """Returns (finished, initial inputs, initial state)."""

    @abc.abstractmethod
    def step(self, time, inputs, state, name=None):
        """Returns (outputs, next state, next inputs, finished)."""

    def finalize(self, outputs, final_state, sequence_lengths):
        raise NotImplementedError

    @property
    def tracks_own_finished(self):
        return False


def _element_shape(batch_size, size):
    """(batch, *size) for one output array; unknown when `size` is not a TensorShape."""
    if not isinstance(size, TensorShape) or size.ndims == 0:
        return TensorShape(None)
    batch = get_static_value(tf_api().convert_to_tensor(batch_size, name="batch_size"))
    return TensorShape([batch]).concatenate(size)


class _Loop:
    """The while loop's body over (time, output arrays, state, inputs, finished, lengths)."""

    def __init__(self, decoder, impute_finished, zero_outputs):
        self.decoder, self.impute, self.zeros = decoder, impute_finished, zero_outputs

    def __call__(self, time, outputs_ta, state, inputs, finished, lengths):
        tf = tf_api()
        outputs, dec_state, next_inputs, dec_finished = self.decoder.step(time, inputs, state)
        if self.decoder.tracks_own_finished:  # (beam search reorders its beams)
            next_finished = dec_finished
        else:
            next_finished = tf.logical_or(dec_finished, finished)
        # (TF 1.15 counts by position even for a decoder that tracks its own finished)
        lengths = tf.where(tf.logical_not(finished), tf.fill(tf.shape(lengths), time + 1),
                           lengths)
        nest.assert_same_structure(state, dec_state)
        nest.assert_same_structure(outputs_ta, outputs)
        nest.assert_same_structure(inputs, next_inputs)
        if self.impute:
            outputs = nest.map_structure(lambda out, zero: tf.where(finished, zero, out),
                                         outputs, self.zeros)
            dec_state = nest.map_structure(lambda new, cur: _keep(finished, new, cur),
                                           dec_state, state)
        outputs_ta = nest.map_structure(lambda ta, out: ta.write(time, out), outputs_ta,
                                        outputs)
        return time + 1, outputs_ta, dec_state, next_inputs, next_finished, lengths


def _keep(finished, new, cur):
    """`cur` where finished, else `new`; TensorArrays and scalars pass through."""
    tf = tf_api()
    if isinstance(cur, tf.TensorArray):
        return new
    new.set_shape(cur.shape)
    return new if new.shape.ndims == 0 else tf.where(finished, cur, new)


def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                   maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                   scope=None):
    """Steps `decoder` until every sequence is finished (or `maximum_iterations`); returns
    (outputs, final state, sequence lengths), outputs batch major unless asked otherwise."""
    tf = tf_api()
    if not isinstance(decoder, Decoder):
        raise TypeError("Expected decoder to be type Decoder, but saw: %s" % type(decoder))
    with variable_scope(scope, "decoder") as vs:
        if not _in_while_loop(tf.get_default_graph()._frame().in_cf) and vs.caching_device is None:
            vs.set_caching_device(lambda op: op.device)
        if maximum_iterations is not None:
            maximum_iterations = tf.convert_to_tensor(maximum_iterations, dtype=tf.int32,
                                                      name="maximum_iterations")
            if maximum_iterations.shape.ndims != 0:
                raise ValueError("maximum_iterations must be a scalar")
        finished, inputs, state = decoder.initialize()
        zeros = nest.map_structure(
            lambda s, d: _zero_state_tensors(s, decoder.batch_size, d),
            decoder.output_size, decoder.output_dtype)
        if maximum_iterations is not None:
            finished = tf.logical_or(finished, 0 >= maximum_iterations)
        lengths = tf.zeros_like(finished, dtype=tf.int32)
        time = tf.constant(0, dtype=tf.int32)
        outputs_ta = nest.map_structure(
            lambda s, d: tf.TensorArray(dtype=d, size=0, dynamic_size=True,
                                        element_shape=_element_shape(decoder.batch_size, s)),
            decoder.output_size, decoder.output_dtype)
        res = tf.while_loop(
            lambda *args: tf.logical_not(tf.reduce_all(args[4])),
            _Loop(decoder, impute_finished, zeros),
            loop_vars=(time, outputs_ta, state, inputs, finished, lengths),
            parallel_iterations=parallel_iterations, maximum_iterations=maximum_iterations,
            swap_memory=swap_memory)
        final_state, final_lengths = res[2], res[5]
        final_outputs = nest.map_structure(lambda ta: ta.stack(), res[1])
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state,
                                                          final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = nest.map_structure(_transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths


def _in_while_loop(ctx):
    while ctx is not None:
        if ctx.is_loop:
            return True
        ctx = ctx.outer
    return False
