"""`tf.distributions.kl_divergence`: a table of KL functions keyed by the two types."""

from scopeflow.distributions._ops import tf
from scopeflow.distributions.bernoulli import Bernoulli
from scopeflow.distributions.beta import Beta, Dirichlet, kl_beta_beta, kl_dirichlet_dirichlet
from scopeflow.distributions.categorical import Categorical, kl_categorical_categorical
from scopeflow.distributions.gamma import Gamma, kl_gamma_gamma
from scopeflow.distributions.normal import Normal, kl_normal_normal

_KL = {(Normal, Normal): kl_normal_normal,
       (Categorical, Categorical): kl_categorical_categorical,
       (Beta, Beta): kl_beta_beta,
       (Dirichlet, Dirichlet): kl_dirichlet_dirichlet,
       (Gamma, Gamma): kl_gamma_gamma}


def kl_bernoulli_bernoulli(a, b, name=None):
    """KL(a || b) for two Bernoullis, from their logits (TF's formula and names)."""
    with tf.name_scope(name, "kl_bernoulli_bernoulli", values=[a.logits, b.logits]):
        delta_probs0 = tf.nn.softplus(-b.logits) - tf.nn.softplus(-a.logits)
        delta_probs1 = tf.nn.softplus(b.logits) - tf.nn.softplus(a.logits)
        return tf.sigmoid(a.logits) * delta_probs0 + tf.sigmoid(-a.logits) * delta_probs1


_KL[(Bernoulli, Bernoulli)] = kl_bernoulli_bernoulli


def _registered_kl(type_a, type_b):
    for a in type_a.__mro__:
        for b in type_b.__mro__:
            if (a, b) in _KL:
                return _KL[(a, b)]
    return None


class RegisterKL:
    """Decorator registering `fn(a, b, name=None)` as KL(a || b) for two distribution types."""

    def __init__(self, dist_cls_a, dist_cls_b):
        self._key = (dist_cls_a, dist_cls_b)

    def __call__(self, kl_fn):
        if not callable(kl_fn):
            raise TypeError("kl_fn must be callable, received: %s" % kl_fn)
        if self._key in _KL:
            raise ValueError("KL(%s || %s) has already been registered to: %s"
                             % (self._key[0].__name__, self._key[1].__name__, _KL[self._key]))
        _KL[self._key] = kl_fn
        return kl_fn


def kl_divergence(distribution_a, distribution_b, allow_nan_stats=True, name=None):
    """KL(a || b) under the scope `KullbackLeibler`, checked for NaN unless allow_nan_stats."""
    kl_fn = _registered_kl(type(distribution_a), type(distribution_b))
    if kl_fn is None:
        raise NotImplementedError(
            "No KL(distribution_a || distribution_b) registered for distribution_a "
            "type %s and distribution_b type %s"
            % (type(distribution_a).__name__, type(distribution_b).__name__))
    with tf.name_scope("KullbackLeibler"):
        kl_t = kl_fn(distribution_a, distribution_b, name=name)
        if allow_nan_stats:
            return kl_t
        kl_t = tf.identity(kl_t, name="kl")
        message = ("KL calculation between %s and %s returned NaN values "
                   "(and was called with allow_nan_stats=False). Values:"
                   % (distribution_a.name, distribution_b.name))
        with tf.control_dependencies([tf.Assert(
                tf.logical_not(tf.reduce_any(tf.is_nan(kl_t))), [message, kl_t])]):
            return tf.identity(kl_t, name="checked_kl")


def cross_entropy(ref, other, allow_nan_stats=True, name=None):
    """H(ref, other): ref's entropy plus KL(ref || other), under `cross_entropy`."""
    with tf.name_scope(name, "cross_entropy"):
        return ref.entropy() + kl_divergence(ref, other, allow_nan_stats=allow_nan_stats)
