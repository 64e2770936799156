"""jax.nn's activations and softmax as plain traced code, without their `jax.jit` wrappers.

Inside scopeflow's tracing a jitted helper is a nested call whose linearization (for
`tf.gradients`) runs its constant part eagerly, compiling a small XLA program per helper
and shape on a program's first run (0.1-0.5 s each on a loaded machine). The formulas, and so
the values and gradients, are jax.nn's.

>>> import numpy as np
>>> relu(np.float32([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

import jax
import jax.numpy as jnp
from jax import lax


@jax.custom_jvp
def relu(x):
    """max(x, 0); its derivative at 0 is 0 (TF's ReluGrad), as jax.nn.relu's."""
    return jnp.maximum(x, 0)


relu.defjvps(lambda g, ans, x: lax.select(x > 0, g, lax.full_like(g, 0)))


def log_softmax(x, axis=-1):
    shifted = x - lax.stop_gradient(jnp.max(x, axis, keepdims=True))
    return shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis, keepdims=True))


def softmax(x, axis=-1):
    unnormalized = jnp.exp(x - lax.stop_gradient(jnp.max(x, axis, keepdims=True)))
    return unnormalized / jnp.sum(unnormalized, axis, keepdims=True)


def one_hot(i, n, dtype):
    return (i[..., None] == jnp.arange(n, dtype=i.dtype)).astype(dtype)
