"""`tf.random`: sampling ops and the graph-level seed."""

from scopeflow.ops.random import get_seed, set_random_seed
from scopeflow.ops.random import random_normal as normal
from scopeflow.ops.random import random_uniform as uniform
from scopeflow.ops.random import truncated_normal
from scopeflow.ops.sampling import categorical, multinomial
from scopeflow.ops.sampling import (all_candidate_sampler, fixed_unigram_candidate_sampler,
                                    learned_unigram_candidate_sampler,
                                    log_uniform_candidate_sampler, uniform_candidate_sampler)
from scopeflow.ops.stateless import stateless_categorical, stateless_multinomial
from scopeflow.ops.stateless import stateless_random_normal as stateless_normal
from scopeflow.ops.stateless import stateless_random_uniform as stateless_uniform
from scopeflow.ops.stateless import stateless_truncated_normal
from scopeflow.ops.sampling import random_gamma as gamma
from scopeflow.ops.sampling import random_poisson as poisson
from scopeflow.ops.sampling import random_shuffle as shuffle

__all__ = [n for n in dir() if not n.startswith("_")]
