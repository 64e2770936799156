"""`tf.distributions`: TF1's twelve distributions and KL divergences, built from TF's ops."""

from scopeflow.distributions.bernoulli import Bernoulli
from scopeflow.distributions.beta import Beta, Dirichlet
from scopeflow.distributions.categorical import Categorical
from scopeflow.distributions.distribution import (FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED,
                                                  Distribution, ReparameterizationType)
from scopeflow.distributions.gamma import Exponential, Gamma
from scopeflow.distributions.kullback_leibler import RegisterKL, kl_divergence
from scopeflow.distributions.laplace import Laplace, StudentT
from scopeflow.distributions.multinomial import DirichletMultinomial, Multinomial
from scopeflow.distributions.normal import Normal
from scopeflow.distributions.uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Categorical", "Dirichlet", "DirichletMultinomial",
           "Distribution", "Exponential", "FULLY_REPARAMETERIZED", "Gamma", "Laplace",
           "Multinomial", "NOT_REPARAMETERIZED", "Normal", "RegisterKL",
           "ReparameterizationType", "StudentT", "Uniform", "kl_divergence"]
