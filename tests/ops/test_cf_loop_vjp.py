"""Gradients of while loops whose trip count is known only at run time (ops/cf_loop_vjp.py):
nested loops whose inner bound is the outer counter, and loops reading outside integers."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import run_here

from scopeflow.ops.cf_loop_vjp import while_loop_vjp

_NESTED = """
x = tf.placeholder(tf.float32, [3], name="x")
def body(i, a):
    j, b = tf.while_loop(lambda j, b: j < i, lambda j, b: (j + 1, b * 0.5 + x), [0, a])
    return i + 1, b
r = tf.while_loop(lambda i, a: i < %(n)s, body, [0, x])
loss = tf.reduce_sum(r[1] * r[1])
with tf.Session() as s:
    result = s.run([loss, tf.gradients(loss, x)[0]], {x: [1.0, 2.0, -3.0]})
"""


@pytest.mark.oracle
@pytest.mark.parametrize("n", [1, 4])
def test_nested_loop_bound_by_the_outer_counter(oracle, n):
    """The inner loop's bound is a value of the outer loop: its gradient is TF's (it used
    to carry a tracer of the outer body out of its trace)."""
    code = _NESTED % {"n": n}
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert "ok" in here, here
    np.testing.assert_allclose(here["ok"][0], there["ok"][0], rtol=1e-5)
    np.testing.assert_allclose(here["ok"][1], there["ok"][1], rtol=1e-5)


def test_integer_outside_values_are_arguments_without_gradient():
    """An integer read from outside (a bound) and a float one (a weight): d/dw is right and
    the integer gets no cotangent."""

    def f(w, bound):
        return while_loop_vjp(lambda c: c[0] < bound, lambda c: (c[0] + 1, c[1] * w),
                              (jnp.int32(0), jnp.float32(1.0)))[1]

    got = jax.jit(jax.grad(f))(jnp.float32(1.5), jnp.int32(3))
    assert float(got) == pytest.approx(3 * 1.5 ** 2)
