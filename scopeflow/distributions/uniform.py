"""`tf.distributions.Uniform`: constant density on [low, high), TF's graph."""

import math

from scopeflow.distributions._ops import tf
from scopeflow.distributions.distribution import (FULLY_REPARAMETERIZED, Distribution,
                                                  ScalarEvent, same_shapes)


class Uniform(ScalarEvent, Distribution):
    """Uniform on [`low`, `high`).

    >>> import scopeflow as tf
    >>> tf.distributions.Uniform(0., 2.).mean().name
    'Uniform/mean/truediv:0'
    """

    def __init__(self, low=0., high=1., validate_args=False, allow_nan_stats=True,
                 name="Uniform"):
        parameters = dict(low=low, high=high, validate_args=validate_args,
                          allow_nan_stats=allow_nan_stats, name=name)
        with tf.name_scope(name, values=[low, high]) as name:
            checks = [tf.assert_less(low, high, message="uniform not defined when low >= high.")
                      ] if validate_args else []
            with tf.control_dependencies(checks):
                self._low = tf.identity(low, name="low")
                self._high = tf.identity(high, name="high")
                tf.assert_same_float_dtype([self._low, self._high])
        super().__init__(self._low.dtype, FULLY_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters, [self._low, self._high], name)

    low = property(lambda self: self._low)
    high = property(lambda self: self._high)

    def range(self, name="range"):
        """`high - low`."""
        with self._name_scope(name):
            return self.high - self.low

    @staticmethod
    def _param_shapes(sample_shape):
        return same_shapes(("low", "high"), sample_shape)

    def _batch_shape_tensor(self):
        return tf.broadcast_dynamic_shape(tf.shape(self.low), tf.shape(self.high))

    def _batch_shape(self):
        return tf.broadcast_static_shape(self.low.shape, self.high.shape)

    def _sample_n(self, n, seed=None):
        shape = self._n_by_batch_shape(n)
        samples = tf.random_uniform(shape=shape, dtype=self.dtype, seed=seed)
        return self.low + self.range() * samples

    def _prob(self, x):
        x = x * tf.ones(self.batch_shape_tensor(), dtype=x.dtype)
        outside = tf.logical_or(x < self.low, x >= self.high)
        inside = tf.where_v2(outside, tf.zeros_like(x), tf.ones_like(x) / self.range())
        return tf.where_v2(tf.is_nan(x), x, inside)

    def _cdf(self, x):
        shape = tf.broadcast_dynamic_shape(tf.shape(x), self.batch_shape_tensor())
        zeros = tf.zeros(shape, dtype=self.dtype)
        ones = tf.ones(shape, dtype=self.dtype)
        below = tf.where_v2(x < self.low, zeros, (x * ones - self.low) / self.range())
        return tf.where_v2(x >= self.high, ones, below)

    def _entropy(self):
        return tf.log(self.range())

    def _mean(self):
        return (self.low + self.high) / 2.0

    def _variance(self):
        return tf.square(self.range()) / 12.0

    def _stddev(self):
        return self.range() / math.sqrt(12.0)
