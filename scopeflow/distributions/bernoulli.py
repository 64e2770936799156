"""`tf.distributions.Bernoulli`: 0/1 outcomes from `logits` or `probs`, TF's graph."""

from scopeflow import dtypes
from scopeflow.distributions._ops import tf
from scopeflow.distributions.distribution import (NOT_REPARAMETERIZED, Distribution,
                                                  ScalarEvent, same_shapes)
from scopeflow.distributions.util import (embed_check_integer_casting_closed,
                                          get_logits_and_probs)


class Bernoulli(ScalarEvent, Distribution):
    """Outcome 1 with probability `probs` (= sigmoid(`logits`)), else 0.

    >>> import scopeflow as tf
    >>> tf.distributions.Bernoulli(logits=0.).sample(seed=1).dtype.name
    'int32'
    """

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Bernoulli"):
        parameters = dict(logits=logits, probs=probs, dtype=dtype, validate_args=validate_args,
                          allow_nan_stats=allow_nan_stats, name=name)
        with tf.name_scope(name) as name:
            self._logits, self._probs = get_logits_and_probs(
                logits=logits, probs=probs, validate_args=validate_args, name=name)
        super().__init__(dtypes.as_dtype(dtype), NOT_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters, [self._logits, self._probs], name)

    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)

    @staticmethod
    def _param_shapes(sample_shape):
        return same_shapes(("logits",), sample_shape)

    def _batch_shape_tensor(self):
        return tf.shape(self._logits)

    def _batch_shape(self):
        return self._logits.shape

    def _sample_n(self, n, seed=None):
        new_shape = self._n_by_batch_shape(n)
        uniform = tf.random_uniform(new_shape, seed=seed, dtype=self.probs.dtype)
        return tf.cast(tf.less(uniform, self.probs), self.dtype)

    def _log_prob(self, event):
        if self.validate_args:
            event = embed_check_integer_casting_closed(event, target_dtype=tf.bool)
        event = tf.cast(event, self.logits.dtype)
        logits = self.logits
        if not (event.shape.is_fully_defined() and logits.shape.is_fully_defined()
                and event.shape == logits.shape):
            logits, event = tf.ones_like(event) * logits, tf.ones_like(logits) * event
        return -tf.nn.sigmoid_cross_entropy_with_logits(labels=event, logits=logits)

    def _entropy(self):
        return -self.logits * (tf.sigmoid(self.logits) - 1) + tf.nn.softplus(-self.logits)

    def _mean(self):
        return tf.identity(self.probs)

    def _variance(self):
        return self._mean() * (1.0 - self.probs)

    def _mode(self):
        return tf.cast(self.probs > 0.5, self.dtype)
