"""Reverse-mode gradients of a while loop whose trip count is known only when it runs.

JAX differentiates `lax.scan` (a static length) but not `lax.while_loop`. TF differentiates
any loop: its forward loop pushes every iteration's values on a stack, a backward loop pops
them. Here the loop is a `jax.custom_vjp`:

- forward: the `lax.while_loop`, which also records the loop state at the start of each
  iteration in a buffer of static capacity K (as many states as fit in `_BUDGET` bytes, at
  most `_MAX_STATES`), and counts the iterations n;
- backward: a `lax.fori_loop` over k = n-1 ... 0 takes state k from the buffer (past K it
  recomputes it from the last recorded state) and pulls the cotangent back through one body
  step with `jax.vjp`.

Cost: one forward pass plus one body vjp per iteration while n <= K; past K, about
(n - K)^2 / 2 more body steps. Plain runs (no gradient) use the plain while loop. The body
and condition read outside values (weights, variables) through their closures; they are
hoisted into explicit arguments (`_convert`), so they get gradients too.

>>> import jax, jax.numpy as jnp
>>> f = lambda a: while_loop_vjp(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * c[1]),
...                              (jnp.int32(0), a))[1]
>>> float(jax.grad(f)(2.0))  # d(a^8)/da at 2
1024.0
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

_BUDGET = 64 << 20  # bytes of recorded loop states
_MAX_STATES = 4096


def while_loop_vjp(cond, body, carry):
    """`lax.while_loop(cond, body, carry)`, reverse-differentiable (see the module)."""
    cond_c, cconsts = _convert(cond, carry)
    body_c, bconsts = _convert(body, carry)
    return _loop(cond_c, body_c, _capacity(carry), carry, cconsts, bconsts)


def _convert(fn, carry):
    """`(fn(c, *consts), consts)`: every value `fn` closes over becomes an argument.

    Unlike `jax.closure_convert`, integer values are hoisted too: a nested loop's bound read
    from the outer loop's counter is a tracer of the outer body, and a function holding it
    in its closure (kept as the custom_vjp's fixed argument) would carry it out of that
    trace into the backward pass."""
    closed, shape = jax.make_jaxpr(fn, return_shape=True)(carry)
    jaxpr, out_tree = closed.jaxpr, jax.tree_util.tree_structure(shape)

    def converted(c, *consts):
        return out_tree.unflatten(jax.core.eval_jaxpr(jaxpr, consts,
                                                      *jax.tree_util.tree_leaves(c)))

    return converted, list(closed.consts)


def _capacity(carry):
    size = sum(int(np.prod(np.shape(x))) * jnp.result_type(x).itemsize
               for x in jax.tree_util.tree_leaves(carry))
    return int(max(1, min(_MAX_STATES, _BUDGET // max(size, 1))))


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 1, 2))
def _loop(cond_c, body_c, cap, carry, cconsts, bconsts):
    return jax.lax.while_loop(lambda c: cond_c(c, *cconsts), lambda c: body_c(c, *bconsts),
                              carry)


def _fwd(cond_c, body_c, cap, carry, cconsts, bconsts):
    leaves = jax.tree_util.tree_leaves(carry)
    buf = [jnp.zeros((cap,) + np.shape(x), jnp.result_type(x)) for x in leaves]

    def record(state):
        cur, n, buf = state
        j = jnp.minimum(n, cap - 1)
        keep = n < cap
        buf = [jax.lax.dynamic_update_index_in_dim(
            b, jnp.where(keep, x, jax.lax.dynamic_index_in_dim(b, j, 0, keepdims=False)), j, 0)
            for b, x in zip(buf, jax.tree_util.tree_leaves(cur))]
        return body_c(cur, *bconsts), n + 1, buf

    final, n, buf = jax.lax.while_loop(lambda s: cond_c(s[0], *cconsts), record,
                                       (carry, jnp.asarray(0, jnp.int32), buf))
    return final, (carry, cconsts, bconsts, n, buf)


def _inexact(x):
    return jnp.issubdtype(jnp.result_type(x), jnp.inexact)


def _bwd(cond_c, body_c, cap, res, ct):
    carry0, cconsts, bconsts, n, buf = res
    leaves0, tree = jax.tree_util.tree_flatten(carry0)
    diff = [_inexact(x) for x in leaves0]
    ct_leaves = jax.tree_util.tree_leaves(ct)
    ct_d = [jnp.asarray(c, jnp.result_type(x)) if _float_ct(c) else jnp.zeros_like(x)
            for c, x, d in zip(ct_leaves, leaves0, diff) if d]

    def state_at(k):
        j = jnp.minimum(k, cap - 1)
        s = tree.unflatten([jax.lax.dynamic_index_in_dim(b, j, 0, keepdims=False)
                            for b in buf])
        return jax.lax.fori_loop(0, k - j, lambda _, s: body_c(s, *bconsts), s)

    def step(i, acc):
        ct_d, ct_b = acc
        s = jax.tree_util.tree_leaves(state_at(n - 1 - i))
        fixed = [x for x, d in zip(s, diff) if not d]

        def f(d_leaves, d_consts):
            it_d, it_f = iter(d_leaves), iter(fixed)
            full = tree.unflatten([next(it_d) if d else next(it_f) for d in diff])
            it_c = iter(d_consts)
            consts = [next(it_c) if d else c for c, d in zip(bconsts, bdiff)]
            out = jax.tree_util.tree_leaves(body_c(full, *consts))
            return [jnp.asarray(o, jnp.result_type(x)) for o, x, d in zip(out, s, diff) if d]

        _, pull = jax.vjp(f, [x for x, d in zip(s, diff) if d],
                          [c for c, d in zip(bconsts, bdiff) if d])
        new_d, new_b = pull(ct_d)
        return new_d, [a + b for a, b in zip(ct_b, new_b)]

    bdiff = [_inexact(c) for c in bconsts]
    ct_d, ct_b = jax.lax.fori_loop(0, n, step, (ct_d, [jnp.zeros_like(b) for b, d
                                                       in zip(bconsts, bdiff) if d]))
    it_d, it_b = iter(ct_d), iter(ct_b)
    ct_carry = tree.unflatten([next(it_d) if d else _no_ct(x) for x, d in zip(leaves0, diff)])
    return (ct_carry, [jnp.zeros_like(c) if _inexact(c) else _no_ct(c) for c in cconsts],
            [next(it_b) if d else _no_ct(c) for c, d in zip(bconsts, bdiff)])


def _no_ct(x):
    """The cotangent of a value that has none (an integer or boolean)."""
    return np.zeros(np.shape(x), jax.dtypes.float0)


def _float_ct(c):
    return hasattr(c, "dtype") and c.dtype != jax.dtypes.float0


_loop.defvjp(_fwd, _bwd)
