"""`tf.contrib`: the parts of TF1's contrib that scopeflow provides (slim, lookup, rnn)."""

from scopeflow import slim  # noqa: F401
from scopeflow.contrib import lookup, rnn  # noqa: F401
