"""`tf.distributions.Multinomial` and `DirichletMultinomial`: counts of `total_count` draws
over the last axis's classes, TF's graphs (names, op types, seeded values).

>>> import scopeflow as tf
>>> tf.distributions.Multinomial(3., probs=[0.2, 0.8]).mean().name
'Multinomial/mean/Identity:0'
"""

from scopeflow.distributions._ops import tf
from scopeflow.distributions.beta import Concentrations, outer_covariance
from scopeflow.distributions.distribution import NOT_REPARAMETERIZED, Distribution
from scopeflow.distributions.util import (embed_check_categorical_event_shape,
                                          embed_check_nonnegative_integer_form,
                                          gen_new_seed, get_logits_and_probs, log_combinations)


class _Counts(Distribution):
    """Event shape [classes] and the counts' checks shared by the two."""

    total_count = property(lambda self: self._total_count)

    def _total_count_tensor(self, total_count, validate_args):
        total_count = tf.convert_to_tensor(total_count, name="total_count")
        if validate_args:
            total_count = embed_check_nonnegative_integer_form(total_count)
        return total_count

    def _checked_counts(self, counts, message):
        if not self.validate_args:
            return counts
        counts = embed_check_nonnegative_integer_form(counts)
        return tf.with_dependencies([tf.assert_equal(
            self.total_count, tf.reduce_sum(counts, -1), message=message)], counts)

    def _one_hot_sum(self, draws, k, axis):
        return tf.reduce_sum(tf.one_hot(draws, depth=k), axis=axis)


class Multinomial(_Counts):
    """Counts of `total_count` draws among classes of probabilities `probs` (or softmax of
    `logits`) on the last axis."""

    def __init__(self, total_count, logits=None, probs=None, validate_args=False,
                 allow_nan_stats=True, name="Multinomial"):
        parameters = dict(total_count=total_count, logits=logits, probs=probs,
                          validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                          name=name)
        with tf.name_scope(name, values=[total_count, logits, probs]) as name:
            self._total_count = self._total_count_tensor(total_count, validate_args)
            self._logits, self._probs = get_logits_and_probs(
                logits=logits, probs=probs, multidimensional=True,
                validate_args=validate_args, name=name)
            self._mean_val = self._total_count[..., tf.newaxis] * self._probs
        super().__init__(self._probs.dtype, NOT_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters,
                         [self._total_count, self._logits, self._probs], name)

    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)

    def _batch_shape_tensor(self):
        return tf.shape(self._mean_val)[:-1]

    def _batch_shape(self):
        return self._mean_val.shape.with_rank_at_least(1)[:-1]

    def _event_shape_tensor(self):
        return tf.shape(self._mean_val)[-1:]

    def _event_shape(self):
        return self._mean_val.shape.with_rank_at_least(1)[-1:]

    def _sample_n(self, n, seed=None):
        # one multinomial op in a map_fn over the batch's rows: n * total_count draws a row
        n_draws = tf.cast(self.total_count, dtype=tf.int32)
        k = self.event_shape_tensor()[0]
        n_draws = tf.ones_like(self.logits[..., 0], dtype=n_draws.dtype) * n_draws
        logits = tf.ones_like(n_draws[..., tf.newaxis], dtype=self.logits.dtype) * self.logits
        flat_logits = tf.reshape(logits, [-1, k])
        flat_ndraws = n * tf.reshape(n_draws, [-1])

        def one_row(args):
            row_logits, row_draws = args
            x = tf.multinomial(row_logits[tf.newaxis, ...], row_draws, seed)
            return self._one_hot_sum(tf.reshape(x, shape=[n, -1]), k, -2)

        x = tf.map_fn(one_row, [flat_logits, flat_ndraws], dtype=self.dtype)
        x = tf.transpose(x, perm=[1, 0, 2])
        return tf.reshape(x, tf.concat([[n], self.batch_shape_tensor(), [k]], 0))

    def _log_prob(self, counts):
        return self._log_unnormalized_prob(counts) - self._log_normalization(counts)

    def _log_unnormalized_prob(self, counts):
        counts = self._maybe_assert_valid_sample(counts)
        return tf.reduce_sum(counts * tf.nn.log_softmax(self.logits), -1)

    def _log_normalization(self, counts):
        counts = self._maybe_assert_valid_sample(counts)
        return -log_combinations(self.total_count, counts)

    def _mean(self):
        return tf.identity(self._mean_val)

    def _probs_by_count(self):
        return self.probs * tf.ones_like(self.total_count)[..., tf.newaxis]

    def _covariance(self):
        p = self._probs_by_count()
        return tf.matrix_set_diag(
            -tf.matmul(self._mean_val[..., tf.newaxis], p[..., tf.newaxis, :]),
            self._variance())

    def _variance(self):
        p = self._probs_by_count()
        return self._mean_val - self._mean_val * p

    def _maybe_assert_valid_sample(self, counts):
        return self._checked_counts(counts, "counts must sum to `self.total_count`")


class DirichletMultinomial(Concentrations, _Counts):
    """Counts of `total_count` draws whose class probabilities are Dirichlet(`concentration`)."""

    def __init__(self, total_count, concentration, validate_args=False, allow_nan_stats=True,
                 name="DirichletMultinomial"):
        parameters = dict(total_count=total_count, concentration=concentration,
                          validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                          name=name)
        with tf.name_scope(name, values=[total_count, concentration]) as name:
            self._total_count = self._total_count_tensor(total_count, validate_args)
            concentration = tf.convert_to_tensor(concentration, name="concentration")
            if validate_args:
                concentration = embed_check_categorical_event_shape(concentration)
                concentration = tf.with_dependencies([tf.assert_positive(
                    concentration, message="Concentration parameter must be positive.")],
                    concentration)
            self._concentration = concentration
            self._total_concentration = tf.reduce_sum(self._concentration, -1)
        super().__init__(self._concentration.dtype, NOT_REPARAMETERIZED, validate_args,
                         allow_nan_stats, parameters, [self._total_count, self._concentration],
                         name)

    def _sample_n(self, n, seed=None):
        n_draws = tf.cast(self.total_count, dtype=tf.int32)
        k = self.event_shape_tensor()[0]
        gammas = tf.random_gamma(shape=[n], alpha=self.concentration, dtype=self.dtype,
                                 seed=seed)
        logits = tf.reshape(tf.log(gammas), shape=[-1, k])
        draws = tf.multinomial(logits=logits, num_samples=n_draws,
                               seed=gen_new_seed(seed, salt="dirichlet_multinomial"))
        x = self._one_hot_sum(draws, k, -2)
        x = tf.reshape(x, tf.concat([[n], self.batch_shape_tensor(), [k]], 0))
        return tf.cast(x, self.dtype)

    def _log_prob(self, counts):
        counts = self._maybe_assert_valid_sample(counts)
        ordered = tf.lbeta(self.concentration + counts) - tf.lbeta(self.concentration)
        return ordered + log_combinations(self.total_count, counts)

    def _prob(self, counts):
        return tf.exp(self._log_prob(counts))

    def _mean(self):
        return self.total_count * (self.concentration
                                   / self.total_concentration[..., tf.newaxis])

    def _covariance(self):
        return outer_covariance(self._variance_scale_term() * self._mean(), self._variance)

    def _variance(self):
        scale = self._variance_scale_term()
        x = scale * self._mean()
        return x * (self.total_count * scale - x)

    def _variance_scale_term(self):
        c0 = self.total_concentration[..., tf.newaxis]
        return tf.sqrt((1. + c0 / self.total_count) / (1. + c0))

    def _maybe_assert_valid_sample(self, counts):
        return self._checked_counts(counts,
                                    "counts last-dimension must sum to `self.total_count`")
