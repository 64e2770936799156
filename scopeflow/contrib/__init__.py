"""`tf.contrib`: the parts of TF1's contrib that scopeflow provides (slim)."""

from scopeflow import slim  # noqa: F401
