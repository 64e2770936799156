"""`tf.distributions.Beta` and `Dirichlet`: TF's graphs (names, op types, seeded values).

>>> import scopeflow as tf
>>> tf.distributions.Dirichlet([1., 2., 3.]).event_shape
TensorShape([Dimension(3)])
"""


from scopeflow.distributions._ops import tf
from scopeflow.distributions.distribution import (FULLY_REPARAMETERIZED, Distribution,
                                                  ScalarEvent, same_shapes)
from scopeflow.distributions.gamma import undefined_below_one
from scopeflow.distributions.util import gen_new_seed


def _positive(concentration, validate_args, *more):
    """`concentration` after TF's positivity check (and `more` checks of it), if validating."""
    if not validate_args:
        return concentration
    checks = [tf.assert_positive(concentration,
                                 message="Concentration parameter must be positive.")]
    return tf.with_dependencies(checks + [check(concentration) for check in more],
                                concentration)


class Beta(ScalarEvent, Distribution):
    """Beta(`concentration1`, `concentration0`) on (0, 1), sampled from two Gammas."""

    def __init__(self, concentration1=None, concentration0=None, validate_args=False,
                 allow_nan_stats=True, name="Beta"):
        parameters = dict(concentration1=concentration1, concentration0=concentration0,
                          validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                          name=name)
        with tf.name_scope(name, values=[concentration1, concentration0]) as name:
            self._concentration1 = _positive(
                tf.convert_to_tensor(concentration1, name="concentration1"), validate_args)
            self._concentration0 = _positive(
                tf.convert_to_tensor(concentration0, name="concentration0"), validate_args)
            tf.assert_same_float_dtype([self._concentration1, self._concentration0])
            self._total_concentration = self._concentration1 + self._concentration0
        super().__init__(self._total_concentration.dtype, FULLY_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters,
                         [self._concentration1, self._concentration0,
                          self._total_concentration], name)

    @staticmethod
    def _param_shapes(sample_shape):
        return same_shapes(("concentration1", "concentration0"), sample_shape)

    concentration1 = property(lambda self: self._concentration1)
    concentration0 = property(lambda self: self._concentration0)
    total_concentration = property(lambda self: self._total_concentration)

    def _batch_shape_tensor(self):
        return tf.shape(self.total_concentration)

    def _batch_shape(self):
        return self.total_concentration.shape

    def _sample_n(self, n, seed=None):
        ones = lambda: tf.ones_like(self.total_concentration, dtype=self.dtype)  # noqa: E731
        c1 = ones() * self.concentration1
        c0 = ones() * self.concentration0
        g1 = tf.random_gamma(shape=[n], alpha=c1, dtype=self.dtype, seed=seed)
        g0 = tf.random_gamma(shape=[n], alpha=c0, dtype=self.dtype,
                             seed=gen_new_seed(seed, "beta"))
        return g1 / (g1 + g0)

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _prob(self, x):
        return tf.exp(self._log_prob(x))

    def _log_cdf(self, x):
        return tf.log(self._cdf(x))

    def _cdf(self, x):
        return tf.betainc(self.concentration1, self.concentration0, x)

    def _log_unnormalized_prob(self, x):
        x = self._maybe_assert_valid_sample(x)
        return (tf.xlogy(self.concentration1 - 1., x)
                + (self.concentration0 - 1.) * tf.log1p(-x))

    def _log_normalization(self):
        return (tf.lgamma(self.concentration1) + tf.lgamma(self.concentration0)
                - tf.lgamma(self.total_concentration))

    def _entropy(self):
        return (self._log_normalization()
                - (self.concentration1 - 1.) * tf.digamma(self.concentration1)
                - (self.concentration0 - 1.) * tf.digamma(self.concentration0)
                + (self.total_concentration - 2.) * tf.digamma(self.total_concentration))

    def _mean(self):
        return self._concentration1 / self._total_concentration

    def _variance(self):
        return self._mean() * (1. - self._mean()) / (1. + self.total_concentration)

    def _mode(self):
        mode = (self.concentration1 - 1.) / (self.total_concentration - 2.)
        return undefined_below_one(
            self, mode,
            lambda: tf.logical_and(self.concentration1 > 1., self.concentration0 > 1.),
            [self.concentration1, self.concentration0],
            ["Mode undefined for concentration1 <= 1.",
             "Mode undefined for concentration0 <= 1."])

    def _maybe_assert_valid_sample(self, x):
        if not self.validate_args:
            return x
        return tf.with_dependencies([
            tf.assert_positive(x, message="sample must be positive"),
            tf.assert_less(x, tf.ones([], self.dtype), message="sample must be less than `1`."),
        ], x)


def kl_beta_beta(d1, d2, name=None):
    """KL(d1 || d2) for two Betas, TF's formula and names."""
    with tf.name_scope(name, "kl_beta_beta",
                       values=[d1.concentration1, d1.concentration0, d1.total_concentration,
                               d2.concentration1, d2.concentration0, d2.total_concentration]):
        return (d2._log_normalization() - d1._log_normalization()
                - tf.digamma(d1.concentration1) * (d2.concentration1 - d1.concentration1)
                - tf.digamma(d1.concentration0) * (d2.concentration0 - d1.concentration0)
                + tf.digamma(d1.total_concentration)
                * (d2.total_concentration - d1.total_concentration))


class Concentrations:
    """Mixin for distributions over the last axis of `concentration`: batch and event shapes
    from it and its sum over that axis, `total_concentration`."""

    concentration = property(lambda self: self._concentration)
    total_concentration = property(lambda self: self._total_concentration)

    def _batch_shape_tensor(self):
        return tf.shape(self.total_concentration)

    def _batch_shape(self):
        return self.total_concentration.shape

    def _event_shape_tensor(self):
        return tf.shape(self.concentration)[-1:]

    def _event_shape(self):
        return self.concentration.shape.with_rank_at_least(1)[-1:]


class Dirichlet(Concentrations, Distribution):
    """Dirichlet(`concentration`) over the simplex of its last axis, sampled from Gammas."""

    def __init__(self, concentration, validate_args=False, allow_nan_stats=True,
                 name="Dirichlet"):
        parameters = dict(concentration=concentration, validate_args=validate_args,
                          allow_nan_stats=allow_nan_stats, name=name)
        with tf.name_scope(name, values=[concentration]) as name:
            self._concentration = _positive(
                tf.convert_to_tensor(concentration, name="concentration"), validate_args,
                lambda c: tf.assert_rank_at_least(
                    c, 1, message="Concentration parameter must have >=1 dimensions."),
                lambda c: tf.assert_less(
                    1, tf.shape(c)[-1],
                    message="Concentration parameter must have event_size >= 2."))
            self._total_concentration = tf.reduce_sum(self._concentration, -1)
        super().__init__(self._concentration.dtype, FULLY_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters,
                         [self._concentration, self._total_concentration], name)

    def _sample_n(self, n, seed=None):
        g = tf.random_gamma(shape=[n], alpha=self.concentration, dtype=self.dtype, seed=seed)
        return g / tf.reduce_sum(g, -1, keepdims=True)

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _prob(self, x):
        return tf.exp(self._log_prob(x))

    def _log_unnormalized_prob(self, x):
        x = self._maybe_assert_valid_sample(x)
        return tf.reduce_sum(tf.xlogy(self.concentration - 1., x), -1)

    def _log_normalization(self):
        return tf.lbeta(self.concentration)

    def _k(self):
        return tf.cast(self.event_shape_tensor()[0], self.dtype)

    def _entropy(self):
        k = self._k()
        return (self._log_normalization()
                + (self.total_concentration - k) * tf.digamma(self.total_concentration)
                - tf.reduce_sum((self.concentration - 1.) * tf.digamma(self.concentration),
                                axis=-1))

    def _mean(self):
        return self.concentration / self.total_concentration[..., tf.newaxis]

    def _covariance(self):
        return outer_covariance(self._variance_scale_term() * self._mean(), self._variance)

    def _variance(self):
        scale = self._variance_scale_term()
        x = scale * self._mean()
        return x * (scale - x)

    def _variance_scale_term(self):
        return tf.rsqrt(1. + self.total_concentration[..., tf.newaxis])

    def _mode(self):
        k = self._k()
        mode = (self.concentration - 1.) / (self.total_concentration[..., tf.newaxis] - k)
        return undefined_below_one(
            self, mode, lambda: tf.reduce_all(self.concentration > 1., axis=-1),
            [self.concentration], ["Mode undefined when any concentration <= 1"],
            shape=tf.shape(mode))

    def _maybe_assert_valid_sample(self, x):
        if not self.validate_args:
            return x
        return tf.with_dependencies([
            tf.assert_positive(x, message="samples must be positive"),
            tf.assert_near(tf.ones([], dtype=self.dtype), tf.reduce_sum(x, -1),
                           message="sample last-dimension must sum to `1`"),
        ], x)


def outer_covariance(x, variance):
    """-x x^T (the batch's outer products) with `variance()` set on its diagonal."""
    return tf.matrix_set_diag(-tf.matmul(x[..., tf.newaxis], x[..., tf.newaxis, :]),
                              variance())


def kl_dirichlet_dirichlet(d1, d2, name=None):
    """KL(d1 || d2) for two Dirichlets, TF's formula and names."""
    with tf.name_scope(name, "kl_dirichlet_dirichlet",
                       values=[d1.concentration, d2.concentration]):
        digamma_sum_d1 = tf.digamma(tf.reduce_sum(d1.concentration, axis=-1, keepdims=True))
        digamma_diff = tf.digamma(d1.concentration) - digamma_sum_d1
        concentration_diff = d1.concentration - d2.concentration
        return (tf.reduce_sum(concentration_diff * digamma_diff, axis=-1)
                - tf.lbeta(d1.concentration) + tf.lbeta(d2.concentration))
