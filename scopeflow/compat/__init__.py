"""`scopeflow.compat.v1`: TF1's namespace."""
from scopeflow.compat import v1  # noqa: F401
