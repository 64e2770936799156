"""`tf.distributions`: TF1's Normal, Bernoulli, Categorical and Uniform, built from TF's ops."""

from scopeflow.distributions.bernoulli import Bernoulli
from scopeflow.distributions.categorical import Categorical
from scopeflow.distributions.distribution import (FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED,
                                                  Distribution, ReparameterizationType)
from scopeflow.distributions.kullback_leibler import RegisterKL, kl_divergence
from scopeflow.distributions.normal import Normal
from scopeflow.distributions.uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "FULLY_REPARAMETERIZED",
           "NOT_REPARAMETERIZED", "Normal", "RegisterKL", "ReparameterizationType", "Uniform",
           "kl_divergence"]
