"""`tf.distributions`: probability distributions over TF's ops."""

from scopeflow.distributions import *  # noqa: F401,F403
from scopeflow.distributions import __all__  # noqa: F401
