"""`tf.distributions.Normal`: TF's graph for each method (names, op types, seeded values)."""

import math

import numpy as np

from scopeflow.distributions._ops import tf
from scopeflow.distributions.distribution import (FULLY_REPARAMETERIZED, Distribution,
                                                  ScalarEvent, same_shapes)


class Normal(ScalarEvent, Distribution):
    """The normal distribution with mean `loc` and standard deviation `scale`.

    >>> import scopeflow as tf
    >>> tf.distributions.Normal(0., 1.).log_prob(0.).name
    'Normal/log_prob/sub:0'
    """

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Normal"):
        parameters = dict(loc=loc, scale=scale, validate_args=validate_args,
                          allow_nan_stats=allow_nan_stats, name=name)
        with tf.name_scope(name, values=[loc, scale]) as name:
            checks = [tf.assert_positive(scale)] if validate_args else []
            with tf.control_dependencies(checks):
                self._loc = tf.identity(loc, name="loc")
                self._scale = tf.identity(scale, name="scale")
                tf.assert_same_float_dtype([self._loc, self._scale])
        super().__init__(self._scale.dtype, FULLY_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters, [self._loc, self._scale], name)

    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    @staticmethod
    def _param_shapes(sample_shape):
        return same_shapes(("loc", "scale"), sample_shape)

    def _batch_shape_tensor(self):
        return tf.broadcast_dynamic_shape(tf.shape(self.loc), tf.shape(self.scale))

    def _batch_shape(self):
        return tf.broadcast_static_shape(self.loc.shape, self.scale.shape)

    def _sample_n(self, n, seed=None):
        shape = self._n_by_batch_shape(n)
        sampled = tf.random_normal(shape=shape, mean=0., stddev=1., dtype=self.loc.dtype,
                                   seed=seed)
        return sampled * self.scale + self.loc

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _cdf(self, x):
        return ndtr(self._z(x))

    def _log_unnormalized_prob(self, x):
        return -0.5 * tf.square(self._z(x))

    def _log_normalization(self):
        return 0.5 * math.log(2. * math.pi) + tf.log(self.scale)

    def _entropy(self):
        scale = self.scale * tf.ones_like(self.loc)
        return 0.5 * math.log(2. * math.pi * math.e) + tf.log(scale)

    def _mean(self):
        return self.loc * tf.ones_like(self.scale)

    def _stddev(self):
        return self.scale * tf.ones_like(self.loc)

    def _mode(self):
        return self._mean()

    def _z(self, x):
        with tf.name_scope("standardize", values=[x]):
            return (x - self.loc) / self.scale


def ndtr(x, name="ndtr"):
    """The standard normal CDF, by TF's erf/erfc branches (accurate in both tails)."""
    with tf.name_scope(name, values=[x]):
        x = tf.convert_to_tensor(x, name="x")
        if x.dtype.as_numpy_dtype not in (np.float32, np.float64):
            raise TypeError("x.dtype=%s is not handled, see docstring for supported types."
                            % x.dtype)
        half_sqrt_2 = tf.constant(0.5 * np.sqrt(2.), dtype=x.dtype, name="half_sqrt_2")
        w = x * half_sqrt_2
        z = tf.abs(w)
        y = tf.where_v2(tf.less(z, half_sqrt_2), 1. + tf.erf(w),
                        tf.where_v2(tf.greater(w, 0.), 2. - tf.erfc(z), tf.erfc(z)))
        return 0.5 * y


def kl_normal_normal(n_a, n_b, name=None):
    """KL(n_a || n_b) for two Normals, TF's formula and names."""
    with tf.name_scope(name, "kl_normal_normal", [n_a.loc, n_b.loc]):
        one = tf.constant(1, dtype=n_a.dtype)
        two = tf.constant(2, dtype=n_a.dtype)
        half = tf.constant(0.5, dtype=n_a.dtype)
        s_a_squared = tf.square(n_a.scale)
        s_b_squared = tf.square(n_b.scale)
        ratio = s_a_squared / s_b_squared
        return (tf.squared_difference(n_a.loc, n_b.loc) / (two * s_b_squared)
                + half * (ratio - one - tf.log(ratio)))
