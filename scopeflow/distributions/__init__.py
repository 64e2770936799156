"""`tf.distributions`: TF1's Normal, Bernoulli, Categorical and Uniform, built from TF's ops."""

from scopeflow.distributions.distribution import (FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED,
                                                  Distribution, ReparameterizationType)
from scopeflow.distributions.kullback_leibler import kl_divergence
from scopeflow.distributions.normal import Normal

__all__ = [n for n in dir() if not n.startswith("_")]
