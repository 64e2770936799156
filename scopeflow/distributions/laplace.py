"""`tf.distributions.Laplace` and `StudentT`: TF's graphs (names, op types, seeded values).

>>> import scopeflow as tf
>>> tf.distributions.Laplace(0., 1.).log_cdf(0.5).op.type
'SelectV2'
"""

import math

import numpy as np

from scopeflow.distributions._ops import tf
from scopeflow.distributions.distribution import (FULLY_REPARAMETERIZED, Distribution,
                                                  ScalarEvent, same_shapes)
from scopeflow.distributions.util import gen_new_seed


class Laplace(ScalarEvent, Distribution):
    """Laplace(`loc`, `scale`): density exp(-|x - loc| / scale) / (2 scale)."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Laplace"):
        parameters = dict(loc=loc, scale=scale, validate_args=validate_args,
                          allow_nan_stats=allow_nan_stats, name=name)
        with tf.name_scope(name, values=[loc, scale]) as name:
            with tf.control_dependencies([tf.assert_positive(scale)] if validate_args else []):
                self._loc = tf.identity(loc, name="loc")
                self._scale = tf.identity(scale, name="scale")
                tf.assert_same_float_dtype([self._loc, self._scale])
            super().__init__(self._loc.dtype, FULLY_REPARAMETERIZED, validate_args,
                             allow_nan_stats, parameters, [self._loc, self._scale], name)

    @staticmethod
    def _param_shapes(sample_shape):
        return same_shapes(("loc", "scale"), sample_shape)

    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    def _batch_shape_tensor(self):
        return tf.broadcast_dynamic_shape(tf.shape(self.loc), tf.shape(self.scale))

    def _batch_shape(self):
        return tf.broadcast_static_shape(self.loc.shape, self.scale.shape)

    def _sample_n(self, n, seed=None):
        shape = tf.concat([[n], self.batch_shape_tensor()], 0)
        dtype = self.dtype.as_numpy_dtype
        # uniform on (-1, 1): log1p(-|u|) stays finite
        u = tf.random_uniform(shape=shape, minval=np.nextafter(dtype(-1.), dtype(0.)),
                              maxval=1., dtype=self.dtype, seed=seed)
        return self.loc - self.scale * tf.sign(u) * tf.log1p(-tf.abs(u))

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _prob(self, x):
        return tf.exp(self._log_prob(x))

    def _log_cdf(self, x):
        return log_cdf_laplace(self._z(x))

    def _log_survival_function(self, x):
        return log_cdf_laplace(-self._z(x))

    def _cdf(self, x):
        z = self._z(x)
        return 0.5 + 0.5 * tf.sign(z) * (1. - tf.exp(-tf.abs(z)))

    def _log_unnormalized_prob(self, x):
        return -tf.abs(self._z(x))

    def _log_normalization(self):
        return math.log(2.) + tf.log(self.scale)

    def _entropy(self):
        return math.log(2.) + 1. + tf.log(self.scale + tf.zeros_like(self.loc))

    def _mean(self):
        return self.loc + tf.zeros_like(self.scale)

    def _stddev(self):
        return math.sqrt(2.) * self.scale + tf.zeros_like(self.loc)

    def _mode(self):
        return self._mean()

    def _z(self, x):
        return (x - self.loc) / self.scale


def log_cdf_laplace(x, name="log_cdf_laplace"):
    """log of the standard Laplace CDF: x - log 2 below 0, log1p(-exp(-|x|) / 2) above."""
    with tf.name_scope(name, values=[x]):
        x = tf.convert_to_tensor(x, name="x")
        lower = -np.log(2.) + x
        upper = tf.log1p(-0.5 * tf.exp(-tf.abs(x)))
        return tf.where_v2(x < 0., lower, upper)


class StudentT(ScalarEvent, Distribution):
    """Student's t with `df` degrees of freedom, location `loc` and scale `scale`."""

    def __init__(self, df, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="StudentT"):
        parameters = dict(df=df, loc=loc, scale=scale, validate_args=validate_args,
                          allow_nan_stats=allow_nan_stats, name=name)
        with tf.name_scope(name, values=[df, loc, scale]) as name:
            with tf.control_dependencies([tf.assert_positive(df)] if validate_args else []):
                self._df = tf.identity(df, name="df")
                self._loc = tf.identity(loc, name="loc")
                self._scale = tf.identity(scale, name="scale")
                tf.assert_same_float_dtype((self._df, self._loc, self._scale))
        super().__init__(self._scale.dtype, FULLY_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters, [self._df, self._loc, self._scale], name)

    @staticmethod
    def _param_shapes(sample_shape):
        return same_shapes(("df", "loc", "scale"), sample_shape)

    df = property(lambda self: self._df)
    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    def _batch_shape_tensor(self):
        return tf.broadcast_dynamic_shape(
            tf.shape(self.df), tf.broadcast_dynamic_shape(tf.shape(self.loc),
                                                          tf.shape(self.scale)))

    def _batch_shape(self):
        return tf.broadcast_static_shape(
            tf.broadcast_static_shape(self.df.shape, self.loc.shape), self.scale.shape)

    def _ones(self):
        return tf.ones(self.batch_shape_tensor(), dtype=self.dtype)

    def _sample_n(self, n, seed=None):
        # a normal over the square root of a chi-squared / df (a Gamma(df / 2, 1 / 2))
        shape = tf.concat([[n], self.batch_shape_tensor()], 0)
        normal = tf.random_normal(shape, dtype=self.dtype, seed=seed)
        df = self.df * self._ones()
        gamma = tf.random_gamma([n], 0.5 * df, beta=0.5, dtype=self.dtype,
                                seed=gen_new_seed(seed, salt="student_t"))
        return normal * tf.rsqrt(gamma / df) * self.scale + self.loc

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _log_unnormalized_prob(self, x):
        y = (x - self.loc) / self.scale
        return -0.5 * (self.df + 1.) * tf.log1p(y ** 2. / self.df)

    def _log_normalization(self):
        return (tf.log(tf.abs(self.scale)) + 0.5 * tf.log(self.df) + 0.5 * np.log(np.pi)
                + tf.lgamma(0.5 * self.df) - tf.lgamma(0.5 * (self.df + 1.)))

    def _cdf(self, x):
        y = (x - self.loc) / tf.abs(self.scale)
        x_t = self.df / (y ** 2. + self.df)
        neg_cdf = 0.5 * tf.betainc(0.5 * self.df, 0.5, x_t)
        return tf.where_v2(tf.less(y, 0.), neg_cdf, 1. - neg_cdf)

    def _entropy(self):
        v = self._ones()[..., tf.newaxis]
        u = v * self.df[..., tf.newaxis]
        beta_arg = tf.concat([u, v], -1) / 2.
        return (tf.log(tf.abs(self.scale)) + 0.5 * tf.log(self.df) + tf.lbeta(beta_arg)
                + 0.5 * (self.df + 1.) * (tf.digamma(0.5 * (self.df + 1.))
                                          - tf.digamma(0.5 * self.df)))

    def _nan_unless_df_above_one(self, value, what):
        if not self.allow_nan_stats:
            return tf.with_dependencies([tf.assert_less(
                tf.ones([], dtype=self.dtype), self.df,
                message="%s not defined for components of df <= 1" % what)], value)
        nan = np.array(np.nan, dtype=self.dtype.as_numpy_dtype)
        return tf.where_v2(tf.greater(self.df, self._ones()), value,
                           tf.fill(self.batch_shape_tensor(), nan, name="nan"))

    def _mean(self):
        return self._nan_unless_df_above_one(self.loc * self._ones(), "mean")

    def _variance(self):
        denom = tf.where_v2(tf.greater(self.df, 2.), self.df - 2., tf.ones_like(self.df))
        var = self._ones() * tf.square(self.scale) * self.df / denom
        inf = np.array(np.inf, dtype=self.dtype.as_numpy_dtype)
        defined = tf.where_v2(self.df > tf.fill(self.batch_shape_tensor(), 2.), var,
                              tf.fill(self.batch_shape_tensor(), inf, name="inf"))
        return self._nan_unless_df_above_one(defined, "variance")

    def _mode(self):
        return tf.identity(self.loc)
