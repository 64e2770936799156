"""`tf.distributions.Categorical`: one class id from `logits` or `probs`, TF's graph."""

from scopeflow import dtypes
from scopeflow.core.shape import TensorShape
from scopeflow.distributions._ops import tf
from scopeflow.distributions.distribution import (NOT_REPARAMETERIZED, Distribution, ScalarEvent)
from scopeflow.distributions.util import (embed_check_categorical_event_shape,
                                          embed_check_integer_casting_closed,
                                          get_logits_and_probs)


class Categorical(ScalarEvent, Distribution):
    """Class ids 0..K-1 with probabilities softmax(`logits`) (or `probs`), last axis K.

    >>> import scopeflow as tf
    >>> tf.distributions.Categorical(logits=[0., 1.]).sample(seed=1).dtype.name
    'int32'
    """

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Categorical"):
        parameters = dict(logits=logits, probs=probs, dtype=dtype, validate_args=validate_args,
                          allow_nan_stats=allow_nan_stats, name=name)
        with tf.name_scope(name, values=[logits, probs]) as name:
            self._logits, self._probs = get_logits_and_probs(
                logits=logits, probs=probs, multidimensional=True, validate_args=validate_args,
                name=name)
            if validate_args:
                self._logits = embed_check_categorical_event_shape(self._logits)
            self._shape_tensors(self._logits.shape.with_rank_at_least(1))
        super().__init__(dtypes.as_dtype(dtype), NOT_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters, [self._logits, self._probs], name)

    def _shape_tensors(self, static):
        """batch_rank, event_size, batch_shape: constants where the logits' shape is known."""
        if static.ndims is not None:
            self._batch_rank = tf.convert_to_tensor(static.ndims - 1, dtype=tf.int32,
                                                    name="batch_rank")
        else:
            with tf.name_scope("batch_rank"):
                self._batch_rank = tf.rank(self._logits) - 1
        logits_shape = tf.shape(self._logits, name="logits_shape")
        if static[-1].value is not None:
            self._event_size = tf.convert_to_tensor(static[-1].value, dtype=tf.int32,
                                                    name="event_size")
        else:
            with tf.name_scope("event_size"):
                self._event_size = logits_shape[self._batch_rank]
        if static[:-1].is_fully_defined():
            self._batch_shape_val = tf.constant(static[:-1].as_list(), dtype=tf.int32,
                                                name="batch_shape")
        else:
            with tf.name_scope("batch_shape"):
                self._batch_shape_val = logits_shape[:-1]

    event_size = property(lambda self: self._event_size)
    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)

    def _batch_shape_tensor(self):
        return tf.identity(self._batch_shape_val)

    def _batch_shape(self):
        return self.logits.shape[:-1]

    def _sample_n(self, n, seed=None):
        logits_2d = self.logits if self.logits.shape.ndims == 2 else tf.reshape(
            self.logits, [-1, self.event_size])
        sample_dtype = tf.int64 if self.dtype.size > 4 else tf.int32
        draws = tf.multinomial(logits_2d, n, seed=seed, output_dtype=sample_dtype)
        draws = tf.reshape(tf.transpose(draws), self._n_by_batch_shape(n))
        return tf.cast(draws, self.dtype)

    def _cdf(self, k):
        k = tf.convert_to_tensor(k, name="k")
        if self.validate_args:
            k = embed_check_integer_casting_closed(k, target_dtype=tf.int32)
        k, probs = _broadcast_event_and_params(k, self.probs, self.dtype)
        flat_probs = tf.reshape(probs, (-1, self._event_size))  # (batch, classes)
        flat_k = tf.reshape(k, [-1])
        to_sum = tf.where(tf.sequence_mask(flat_k, self._event_size), flat_probs,
                          tf.zeros_like(flat_probs))
        return tf.reshape(tf.reduce_sum(to_sum, axis=-1), tf.shape(k))

    def _log_prob(self, k):
        k = tf.convert_to_tensor(k, name="k")
        if self.validate_args:
            k = embed_check_integer_casting_closed(k, target_dtype=tf.int32)
        k, logits = _broadcast_event_and_params(k, self.logits, self.dtype)
        return -tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=logits)

    def _entropy(self):
        return -tf.reduce_sum(tf.nn.log_softmax(self.logits) * self.probs, axis=-1)

    def _mode(self):
        ret = tf.cast(tf.argmax(self.logits, axis=self._batch_rank), self.dtype)
        ret.set_shape(self.batch_shape)
        return ret


def _broadcast_event_and_params(event, params, base_dtype):
    """`event` as int ids and `params` (..., classes) broadcast to one batch shape."""
    if event.dtype.is_floating:
        event = tf.cast(event, dtype=tf.int32)
    elif not event.dtype.is_integer:
        raise TypeError("`value` should have integer `dtype` or `self.dtype` ({})"
                        .format(base_dtype))
    known = (params.shape.ndims is not None and params.shape[:-1].is_fully_defined()
             and event.shape.is_fully_defined())
    if not known or params.shape[:-1] != event.shape:
        params *= tf.ones_like(event[..., tf.newaxis], dtype=params.dtype)
        event *= tf.ones(tf.shape(params)[:-1], dtype=event.dtype)
        if params.shape.ndims is not None:
            event.set_shape(TensorShape(params.shape[:-1]))
    return event, params


def kl_categorical_categorical(a, b, name=None):
    """KL(a || b) for two Categoricals, summed over the classes."""
    with tf.name_scope(name, "kl_categorical_categorical", values=[a.logits, b.logits]):
        delta_log_probs = tf.nn.log_softmax(a.logits) - tf.nn.log_softmax(b.logits)
        return tf.reduce_sum(tf.nn.softmax(a.logits) * delta_log_probs, axis=-1)
