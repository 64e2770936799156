"""`tf.io`: TFRecord files, as `tf.python_io` (the rest of TF's tf.io is not provided)."""

from scopeflow.api.python_io import *  # noqa: F401,F403
from scopeflow.api.python_io import __all__  # noqa: F401
