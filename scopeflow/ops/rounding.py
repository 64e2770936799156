"""Kernels that round every product on its own, as TF's Eigen kernels do.

XLA's CPU backend contracts a multiply and a following add or subtract in one fusion into a
fused multiply-add, which rounds once where TF rounds twice: `var - lr * grad` then differs
from TF's `ApplyGradientDescent` in the last bit of ~1 element in 10, and training drifts
from TF's numbers step by step. There is no XLA flag against the contraction;
`products_rounded(fn)` evaluates `fn` with each floating product passed through an opaque bit
operation, which XLA cannot see through, so the product leaves the multiply rounded.
"""

import jax
import jax.numpy as jnp
from jax.extend import core as jex_core

_BITS = {2: jnp.uint16, 4: jnp.uint32, 8: jnp.uint64}


def round_each(x):
    """`x` (a floating array) as it is, but opaque to XLA's fused multiply-add contraction:
    its bits xor'd with the NaN flag (a no-op on every value; NaN stays NaN)."""
    dtype = jnp.result_type(x)
    if not jnp.issubdtype(dtype, jnp.floating) or dtype.itemsize not in _BITS:
        return x
    return _opaque(x)


@jax.custom_jvp
def _opaque(x):
    uint = _BITS[jnp.result_type(x).itemsize]
    bits = jax.lax.bitcast_convert_type(x, uint) ^ jnp.isnan(x).astype(uint)
    return jax.lax.bitcast_convert_type(bits, x.dtype)


@_opaque.defjvp
def _opaque_jvp(primals, tangents):
    # the identity's derivative: through the bit operation JAX would find none
    return _opaque(primals[0]), tangents[0]


def products_rounded(fn):
    """`fn` (pure array math over keyword arrays, plus Python-valued attrs) evaluated with
    each floating `mul` rounded before its result is used.

    >>> f = jax.jit(products_rounded(lambda var, lr, grad: var - lr * grad))
    >>> float(f(var=jnp.float32(1.2890931), lr=jnp.float32(0.01), grad=jnp.float32(3.1735363)))
    1.2573578357696533
    """
    def run(**kwargs):
        names = [k for k, v in kwargs.items() if _is_array(v)]
        arrays = [kwargs[k] for k in names]
        attrs = {k: v for k, v in kwargs.items() if k not in names}
        closed, shapes = jax.make_jaxpr(lambda *a: fn(**dict(zip(names, a)), **attrs),
                                        return_shape=True)(*arrays)
        out = _eval(closed.jaxpr, closed.consts, arrays)
        return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(shapes), out)

    return run


def _is_array(v):
    return hasattr(v, "dtype") and hasattr(v, "shape")


def _eval(jaxpr, consts, args):
    """jax.core.eval_jaxpr with floating `mul` outputs rounded; nested jaxprs (jnp helpers
    such as clip) are entered so their products are rounded too."""
    env = {}

    def read(v):
        return v.val if isinstance(v, jex_core.Literal) else env[v]

    for v, x in zip(jaxpr.constvars, consts):
        env[v] = x
    for v, x in zip(jaxpr.invars, args):
        env[v] = x
    for eqn in jaxpr.eqns:
        ins = [read(v) for v in eqn.invars]
        inner = eqn.params.get("jaxpr")
        if eqn.primitive.name in ("pjit", "jit") and inner is not None:
            outs = _eval(inner.jaxpr, inner.consts, ins)
        else:
            outs = eqn.primitive.bind(*ins, **eqn.params)
            outs = outs if eqn.primitive.multiple_results else [outs]
            if eqn.primitive.name == "mul":
                outs = [round_each(o) for o in outs]
        for v, x in zip(eqn.outvars, outs):
            env[v] = x
    return [read(v) for v in jaxpr.outvars]
