"""`tf.contrib.seq2seq` helpers: what a `BasicDecoder` reads at each step and how it samples
(teacher forcing from TensorArrays, greedy argmax through an embedding, user callables), as
TF 1.15 builds them."""

import abc

from scopeflow.core.shape import TensorShape
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.rnn.rnn import _transpose_batch_time


def _unstack_ta(inp):
    """A TensorArray of `inp`'s slices along its first axis."""
    tf = tf_api()
    return tf.TensorArray(dtype=inp.dtype, size=tf.shape(inp)[0],
                          element_shape=inp.shape[1:]).unstack(inp)


def _embedding_fn(embedding):
    """`embedding` itself when callable, else a lookup into it."""
    if callable(embedding):
        return embedding
    return lambda ids: tf_api().nn.embedding_lookup(embedding, ids)


class Helper(abc.ABC):
    """How a `BasicDecoder` starts, samples and reads its next inputs."""

    @property
    @abc.abstractmethod
    def batch_size(self):
        """Batch size of the sampled ids: a scalar int32 tensor."""

    @property
    @abc.abstractmethod
    def sample_ids_shape(self):
        """Shape of one example's sample ids (a TensorShape)."""

    @property
    @abc.abstractmethod
    def sample_ids_dtype(self):
        """DType of the sample ids."""

    @abc.abstractmethod
    def initialize(self, name=None):
        """Returns (initial finished, initial inputs)."""

    @abc.abstractmethod
    def sample(self, time, outputs, state, name=None):
        """Returns the sample ids."""

    @abc.abstractmethod
    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        """Returns (finished, next inputs, next state)."""


class CustomHelper(Helper):
    """A helper of three callables: initialize, sample and next_inputs."""

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None,
                 sample_ids_dtype=None):
        self._initialize_fn, self._sample_fn = initialize_fn, sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = None
        self._sample_ids_shape = TensorShape(sample_ids_shape or [])
        self._sample_ids_dtype = sample_ids_dtype or tf_api().int32

    @property
    def batch_size(self):
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    sample_ids_shape = property(lambda self: self._sample_ids_shape)
    sample_ids_dtype = property(lambda self: self._sample_ids_dtype)

    def initialize(self, name=None):
        tf = tf_api()
        with tf.name_scope(name, "%sInitialize" % type(self).__name__):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:
                self._batch_size = tf.size(finished)
        return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with tf_api().name_scope(name, "%sSample" % type(self).__name__,
                                 (time, outputs, state)):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with tf_api().name_scope(name, "%sNextInputs" % type(self).__name__,
                                 (time, outputs, state)):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state,
                                        sample_ids=sample_ids)


class TrainingHelper(Helper):
    """Teacher forcing: step t reads inputs[:, t]; sample ids are the outputs' argmax."""

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        tf = tf_api()
        with tf.name_scope(name, "TrainingHelper", [inputs, sequence_length]):
            inputs = tf.convert_to_tensor(inputs, name="inputs")
            self._inputs = inputs
            if not time_major:
                inputs = nest.map_structure(_transpose_batch_time, inputs)
            self._input_tas = nest.map_structure(_unstack_ta, inputs)
            self._sequence_length = tf.convert_to_tensor(sequence_length,
                                                         name="sequence_length")
            if self._sequence_length.shape.ndims != 1:
                raise ValueError("Expected sequence_length to be a vector, but received "
                                 "shape: %s" % self._sequence_length.shape)
            self._zero_inputs = nest.map_structure(lambda inp: tf.zeros_like(inp[0, :]),
                                                   inputs)
            self._batch_size = tf.size(sequence_length)

    inputs = property(lambda self: self._inputs)
    sequence_length = property(lambda self: self._sequence_length)
    batch_size = property(lambda self: self._batch_size)
    sample_ids_shape = property(lambda self: TensorShape([]))
    sample_ids_dtype = property(lambda self: tf_api().int32)

    def _read(self, finished, time):
        """inputs[time], or zeros once every sequence is finished."""
        tf = tf_api()
        return tf.cond(tf.reduce_all(finished), lambda: self._zero_inputs,
                       lambda: nest.map_structure(lambda ta: ta.read(time), self._input_tas))

    def initialize(self, name=None):
        tf = tf_api()
        with tf.name_scope(name, "TrainingHelperInitialize"):
            finished = tf.equal(0, self._sequence_length)
            return finished, self._read(finished, 0)

    def sample(self, time, outputs, name=None, **unused_kwargs):
        tf = tf_api()
        with tf.name_scope(name, "TrainingHelperSample", [time, outputs]):
            return tf.cast(tf.argmax(outputs, axis=-1), tf.int32)

    def next_inputs(self, time, outputs, state, name=None, **unused_kwargs):
        tf = tf_api()
        with tf.name_scope(name, "TrainingHelperNextInputs", [time, outputs, state]):
            next_time = time + 1
            finished = next_time >= self._sequence_length
            return finished, self._read(finished, next_time), state


class GreedyEmbeddingHelper(Helper):
    """Inference: the outputs' argmax, embedded, is the next input; `end_token` finishes."""

    def __init__(self, embedding, start_tokens, end_token):
        tf = tf_api()
        self._embedding_fn = _embedding_fn(embedding)
        self._start_tokens = tf.convert_to_tensor(start_tokens, dtype=tf.int32,
                                                  name="start_tokens")
        self._end_token = tf.convert_to_tensor(end_token, dtype=tf.int32, name="end_token")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._batch_size = tf.size(start_tokens)
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._start_inputs = self._embedding_fn(self._start_tokens)

    batch_size = property(lambda self: self._batch_size)
    sample_ids_shape = property(lambda self: TensorShape([]))
    sample_ids_dtype = property(lambda self: tf_api().int32)

    def initialize(self, name=None):
        tf = tf_api()
        return tf.tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        tf = tf_api()
        if not isinstance(outputs, tf.Tensor):
            raise TypeError("Expected outputs to be a single Tensor, got: %s" % type(outputs))
        return tf.cast(tf.argmax(outputs, axis=-1), tf.int32)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        tf = tf_api()
        finished = tf.equal(sample_ids, self._end_token)
        next_inputs = tf.cond(tf.reduce_all(finished), lambda: self._start_inputs,
                              lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


def _categorical_sample(logits, seed):
    """One id per row of `logits` (batch, classes), as tf.distributions.Categorical(logits)
    .sample(seed=seed) draws it (one Multinomial op, TF's seeds)."""
    tf = tf_api()
    with tf.name_scope("Categorical"):
        batch_shape = tf.shape(logits)[:-1]
        with tf.name_scope("sample"):
            draws = tf.multinomial(logits, 1, seed=seed, output_dtype=tf.int32)
            draws = tf.reshape(tf.transpose(draws), tf.concat([[1], batch_shape], 0))
            return tf.reshape(draws, tf.shape(draws)[1:])


def _bernoulli_sample(probs, n, seed):
    """`n` booleans true with probability `probs`, as tf.distributions.Bernoulli(probs,
    dtype=tf.bool).sample(n, seed=seed) draws them (uniform < probs)."""
    tf = tf_api()
    with tf.name_scope("Bernoulli"), tf.name_scope("sample"):
        shape = tf.concat([tf.reshape(n, [1]), tf.shape(probs)], 0)
        return tf.random_uniform(shape, seed=seed, dtype=probs.dtype) < probs


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """Inference by sampling: the next input embeds an id drawn from the softmax of the
    outputs (divided by `softmax_temperature`)."""

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None,
                 seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature, self._seed = softmax_temperature, seed

    def sample(self, time, outputs, state, name=None):
        tf = tf_api()
        if not isinstance(outputs, tf.Tensor):
            raise TypeError("Expected outputs to be a single Tensor, got: %s" % type(outputs))
        logits = outputs if self._softmax_temperature is None \
            else outputs / self._softmax_temperature
        return _categorical_sample(logits, self._seed)


class InferenceHelper(Helper):
    """Inference without an embedding: `sample_fn` turns outputs into samples, which are the
    next inputs (through `next_inputs_fn`); `end_fn` says which are finished."""

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn,
                 next_inputs_fn=None):
        tf = tf_api()
        self._sample_fn, self._end_fn = sample_fn, end_fn
        self._sample_shape = TensorShape(sample_shape)
        self._sample_dtype, self._next_inputs_fn = sample_dtype, next_inputs_fn
        self._batch_size = tf.shape(start_inputs)[0]
        self._start_inputs = tf.convert_to_tensor(start_inputs, name="start_inputs")

    batch_size = property(lambda self: self._batch_size)
    sample_ids_shape = property(lambda self: self._sample_shape)
    sample_ids_dtype = property(lambda self: self._sample_dtype)

    def initialize(self, name=None):
        return tf_api().tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        fn = self._next_inputs_fn
        next_inputs = sample_ids if fn is None else fn(sample_ids)
        return self._end_fn(sample_ids), next_inputs, state


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
    """Teacher forcing that, with probability `sampling_probability` per example and step,
    feeds the embedding of an id sampled from the outputs instead (sample id -1: not
    sampled)."""

    def __init__(self, inputs, sequence_length, embedding, sampling_probability,
                 time_major=False, seed=None, scheduling_seed=None, name=None):
        tf = tf_api()
        with tf.name_scope(name, "ScheduledEmbeddingSamplingWrapper",
                           [embedding, sampling_probability]):
            self._embedding_fn = _embedding_fn(embedding)
            self._sampling_probability = tf.convert_to_tensor(sampling_probability,
                                                              name="sampling_probability")
            if self._sampling_probability.shape.ndims not in (0, 1):
                raise ValueError("sampling_probability must be either a scalar or a vector. "
                                 "saw shape: %s" % self._sampling_probability.shape)
            self._seed, self._scheduling_seed = seed, scheduling_seed
            super().__init__(inputs, sequence_length, time_major=time_major, name=name)

    def sample(self, time, outputs, state, name=None):
        tf = tf_api()
        with tf.name_scope(name, "ScheduledEmbeddingTrainingHelperSample",
                           [time, outputs, state]):
            chosen = _bernoulli_sample(self._sampling_probability, self.batch_size,
                                       self._scheduling_seed)
            return tf.where(chosen, _categorical_sample(outputs, self._seed),
                            tf.fill([self.batch_size], -1))

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        tf = tf_api()
        with tf.name_scope(name, "ScheduledEmbeddingTrainingHelperNextInputs",
                           [time, outputs, state, sample_ids]):
            finished, base, state = super().next_inputs(time=time, outputs=outputs,
                                                        state=state, name=name)

            def maybe_sample():
                # (batch, depth): sampled rows embed their id, the others keep the input
                sampling = tf.cast(tf.where(sample_ids > -1), tf.int32)
                keeping = tf.cast(tf.where(sample_ids <= -1), tf.int32)
                sampled = self._embedding_fn(tf.gather_nd(sample_ids, sampling))
                kept = tf.gather_nd(base, keeping)
                shape = tf.shape(base)
                return (tf.scatter_nd(indices=sampling, updates=sampled, shape=shape) +
                        tf.scatter_nd(indices=keeping, updates=kept, shape=shape))

            next_inputs = tf.cond(tf.reduce_all(finished), lambda: base, maybe_sample)
            return finished, next_inputs, state
