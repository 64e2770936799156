"""`tf.distributions.Gamma` and `Exponential`: TF's graphs (names, op types, seeded values).

>>> import scopeflow as tf
>>> tf.distributions.Exponential(2.).sample(seed=1).name
'Exponential/sample/Reshape:0'
"""

import numpy as np

from scopeflow.distributions._ops import tf
from scopeflow.distributions.distribution import (FULLY_REPARAMETERIZED, Distribution,
                                                  ScalarEvent, same_shapes)


class Gamma(ScalarEvent, Distribution):
    """Gamma(`concentration`, `rate`): density x^(c-1) e^(-rate x) rate^c / Gamma(c)."""

    def __init__(self, concentration, rate, validate_args=False, allow_nan_stats=True,
                 name="Gamma"):
        parameters = dict(concentration=concentration, rate=rate, validate_args=validate_args,
                          allow_nan_stats=allow_nan_stats, name=name)
        with tf.name_scope(name, values=[concentration, rate]) as name:
            checks = ([tf.assert_positive(concentration), tf.assert_positive(rate)]
                      if validate_args else [])
            with tf.control_dependencies(checks):
                self._concentration = tf.identity(concentration, name="concentration")
                self._rate = tf.identity(rate, name="rate")
                tf.assert_same_float_dtype([self._concentration, self._rate])
        super().__init__(self._concentration.dtype, FULLY_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters, [self._concentration, self._rate], name)

    @staticmethod
    def _param_shapes(sample_shape):
        return same_shapes(("concentration", "rate"), sample_shape)

    concentration = property(lambda self: self._concentration)
    rate = property(lambda self: self._rate)

    def _batch_shape_tensor(self):
        return tf.broadcast_dynamic_shape(tf.shape(self.concentration), tf.shape(self.rate))

    def _batch_shape(self):
        return tf.broadcast_static_shape(self.concentration.shape, self.rate.shape)

    def _sample_n(self, n, seed=None):
        return tf.random_gamma(shape=[n], alpha=self.concentration, beta=self.rate,
                               dtype=self.dtype, seed=seed)

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _cdf(self, x):
        x = self._maybe_assert_valid_sample(x)
        return tf.igamma(self.concentration, self.rate * x)

    def _log_unnormalized_prob(self, x):
        x = self._maybe_assert_valid_sample(x)
        return tf.xlogy(self.concentration - 1., x) - self.rate * x

    def _log_normalization(self):
        return tf.lgamma(self.concentration) - self.concentration * tf.log(self.rate)

    def _entropy(self):
        c = self.concentration
        return c - tf.log(self.rate) + tf.lgamma(c) + (1. - c) * tf.digamma(c)

    def _mean(self):
        return self.concentration / self.rate

    def _variance(self):
        return self.concentration / tf.square(self.rate)

    def _stddev(self):
        return tf.sqrt(self.concentration) / self.rate

    def _mode(self):
        mode = (self.concentration - 1.) / self.rate
        return undefined_below_one(self, mode, lambda: self.concentration > 1.,
                                   [self.concentration],
                                   ["mode not defined when any concentration <= 1"])

    def _maybe_assert_valid_sample(self, x):
        tf.assert_same_float_dtype(tensors=[x], dtype=self.dtype)
        if not self.validate_args:
            return x
        return tf.with_dependencies([tf.assert_positive(x)], x)


def undefined_below_one(dist, value, defined, params, messages, shape=None):
    """`value` where `defined()` (made after the NaNs, as TF orders it), NaN elsewhere (a Fill
    named "nan" of the batch shape, or of `shape`); without allow_nan_stats, `value` after
    asserting 1 < each of `params`."""
    if dist.allow_nan_stats:
        nan = tf.fill(dist.batch_shape_tensor() if shape is None else shape,
                      np.array(np.nan, dtype=dist.dtype.as_numpy_dtype), name="nan")
        return tf.where_v2(defined(), value, nan)
    return tf.with_dependencies([tf.assert_less(tf.ones([], dist.dtype), p, message=m)
                                 for p, m in zip(params, messages)], value)


class Exponential(Gamma):
    """Exponential(`rate`): Gamma(1, rate), sampled as -log(U) / rate."""

    def __init__(self, rate, validate_args=False, allow_nan_stats=True, name="Exponential"):
        parameters = dict(rate=rate, validate_args=validate_args,
                          allow_nan_stats=allow_nan_stats, name=name)
        with tf.name_scope(name, values=[rate]) as name:
            self._rate = tf.convert_to_tensor(rate, name="rate")
        super().__init__(tf.ones([], dtype=self._rate.dtype), self._rate,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         name=name)
        self._parameters = parameters
        self._graph_parents += [self._rate]

    @staticmethod
    def _param_shapes(sample_shape):
        return same_shapes(("rate",), sample_shape)

    rate = property(lambda self: self._rate)

    def _log_survival_function(self, value):
        return self._log_prob(value) - tf.log(self._rate)

    def _sample_n(self, n, seed=None):
        shape = tf.concat([[n], tf.shape(self._rate)], 0)
        sampled = tf.random_uniform(shape, minval=np.finfo(self.dtype.as_numpy_dtype).tiny,
                                    maxval=1., seed=seed, dtype=self.dtype)
        return -tf.log(sampled) / self._rate


def kl_gamma_gamma(g0, g1, name=None):
    """KL(g0 || g1) for two Gammas, TF's formula and names."""
    with tf.name_scope(name, "kl_gamma_gamma",
                       values=[g0.concentration, g0.rate, g1.concentration, g1.rate]):
        return (((g0.concentration - g1.concentration) * tf.digamma(g0.concentration))
                + tf.lgamma(g1.concentration)
                - tf.lgamma(g0.concentration)
                + g1.concentration * tf.log(g0.rate)
                - g1.concentration * tf.log(g1.rate)
                + g0.concentration * (g1.rate / g0.rate - 1.))


