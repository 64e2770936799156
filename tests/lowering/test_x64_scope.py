"""scopeflow's 64-bit mode is scoped to its own programs: the user's JAX keeps its settings."""

import numpy as np


def test_running_a_session_leaves_the_users_jax_in_32_bit_mode(tf):
    import jax
    import jax.numpy as jnp
    before = jax.config.jax_enable_x64
    x = tf.placeholder(tf.int64, [])
    v = tf.Variable(tf.constant(2, tf.int64))
    with tf.Session() as s:
        s.run(v.initializer)
        got = s.run(v * x + 2 ** 40, {x: 3})
        half = s.run(tf.cast(x, tf.float64) / 3, {x: 1})
    assert got == 2 ** 40 + 6 and got.dtype == np.int64
    assert half.dtype == np.float64 and half == 1 / 3
    assert jax.config.jax_enable_x64 == before
    if not before:
        assert jnp.array(1.0).dtype == jnp.float32
