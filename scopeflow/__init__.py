"""scopeflow: TensorFlow 1's graph API on JAX. `import scopeflow as tf`."""

import sys as _sys

from scopeflow.compat.v1 import *  # noqa: F401,F403
from scopeflow.compat import v1 as _v1
from scopeflow import compat  # noqa: F401
from scopeflow.compat.v1 import __version__  # noqa: F401 (TensorBoard reads tf.__version__)

# tf.gradients here is the package scopeflow.gradients, callable (the star import bound the
# function over it, and `import scopeflow.gradients.symbolic as S` failed to find it)
gradients = _sys.modules["scopeflow.gradients"]

__all__ = [n for n in dir(_v1) if not n.startswith("_")]
