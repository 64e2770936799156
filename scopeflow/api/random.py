"""`tf.random`: sampling ops and the graph-level seed."""

from scopeflow.ops.random import get_seed, set_random_seed
from scopeflow.ops.random import random_normal as normal
from scopeflow.ops.random import random_uniform as uniform
from scopeflow.ops.random import truncated_normal

__all__ = [n for n in dir() if not n.startswith("_")]
