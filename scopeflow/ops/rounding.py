"""Kernels that round every product on its own, as TF's Eigen kernels do.

XLA's CPU backend contracts a multiply and a following add or subtract in one fusion into a
fused multiply-add, which rounds once where TF rounds twice: `var - lr * grad` then differs
from TF's `ApplyGradientDescent` in the last bit of ~1 element in 10, and training drifts
from TF's numbers step by step. There is no XLA flag against the contraction;
`products_rounded(fn)` evaluates `fn` with each floating product passed through an opaque bit
operation, which XLA cannot see through, so the product leaves the multiply rounded. XLA's
algebraic simplifier rewrites quotients too (`a / sqrt(b)` into `a * rsqrt(b)`, a quotient by a
broadcast scalar into a product by its reciprocal), each a second rounding TF does not make:
quotients, roots and powers are kept opaque the same way.

`products_rounded` ties the results of quotients, roots and powers with a NaN test on their
bits (`(bits & ~sign) > bits of inf`, the same flags as `x != x`): XLA does not fuse an
expensive op into a consumer that uses its value twice, and the float test made the tie such
a consumer (the value compared with itself, and bitcast), so Adam's quotient was a fusion of
its own, 1 of 5 per variable; through its bits the value has one user, the bitcast. Products
keep the float test (fewer operations: XLA fuses a cheap op used twice).
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend import core as jex_core

_BITS = {2: jnp.uint16, 4: jnp.uint32, 8: jnp.uint64}


def round_each(x, tie=None):
    """`x` (a floating array) as it is, but opaque to XLA's fused multiply-add contraction:
    its bits xor'd with the NaN flag (a no-op on every value; NaN stays NaN). `tie`: the
    operation itself, `_tied` (differentiable, the default), `_tie_bits` or `_tie_int`."""
    if not _rounds(x):
        return x
    return (tie or _tied)(x, x)


def round_against(x, partner):
    """`x` as it is, opaque to fused multiply-add contraction like `round_each`, for a product
    LLVM can prove is never NaN (an integer converted to float times a constant): the NaN
    test `round_each` ties it with would fold away, and the contraction follow. Its bits are
    xor'd with the NaN flags of `partner` instead (a kernel's input: NaN there gives a NaN
    result anyway, and its derivative is x's alone)."""
    if not _rounds(x):
        return x
    return _tied(x, jnp.broadcast_to(partner, jnp.shape(x)))


def quotient(a, b):
    """a / b rounded once, also where `b` is a broadcast (XLA would multiply by 1 / b)."""
    return a / _divisor(b, a)


def _divisor(b, a, tie=None):
    """`b` for the quotient `a / b`, but no longer a broadcast scalar to XLA, even a constant
    one: `a / broadcast(b)` would become `a * broadcast(1 / b)`, which rounds twice. Its bits
    are xor'd with the NaN flags of the numerator `a`, which leaves every quotient as it is
    (a NaN numerator makes a NaN quotient whatever the divisor)."""
    if not _rounds(b):
        return b
    shape = jnp.broadcast_shapes(jnp.shape(a), jnp.shape(b))
    return (tie or _tied)(jnp.broadcast_to(b, shape), jnp.broadcast_to(a, shape))


def _rounds(x):
    dtype = jnp.result_type(x)
    return jnp.issubdtype(dtype, jnp.floating) and dtype.itemsize in _BITS


def _tie_bits(x, partner):
    """`x`'s bits xor'd with `partner`'s NaN flags: an operation XLA cannot see through."""
    uint = _BITS[jnp.result_type(x).itemsize]
    bits = jax.lax.bitcast_convert_type(x, uint) ^ jnp.isnan(partner).astype(uint)
    return jax.lax.bitcast_convert_type(bits, x.dtype)


def _tie_int(x, partner):
    """`_tie_bits` with the NaN test made on `partner`'s bits (the magnitude above inf's), so
    that `round_each` uses `x` once (see the module's doc): for the results of expensive ops."""
    uint = _BITS[jnp.result_type(x).itemsize]
    bits = jax.lax.bitcast_convert_type(x, uint)
    wide = _BITS[jnp.result_type(partner).itemsize]
    theirs = bits if partner is x else jax.lax.bitcast_convert_type(partner, wide)
    inf = np.asarray(np.inf, partner.dtype).view(np.dtype(wide))
    nan = (theirs & np.asarray(np.iinfo(wide).max >> 1, wide)) > inf
    return jax.lax.bitcast_convert_type(bits ^ nan.astype(uint), x.dtype)


_tied = jax.custom_jvp(_tie_bits)


@_tied.defjvp
def _tied_jvp(primals, tangents):
    # the identity's derivative in `x`: through the bit operation JAX would find none
    return _tied(*primals), tangents[0]


# primitives whose result XLA would fuse into its user or rewrite with it: a product or square
# into a fused multiply-add, a / sqrt(b) into a * rsqrt(b), (a / b) / c into a / (b * c)
_ROUNDED = frozenset(("mul", "square", "integer_pow", "div", "sqrt", "rsqrt", "pow"))
_PRODUCTS = frozenset(("mul", "square", "integer_pow"))


def products_rounded(fn):
    """`fn` (pure array math over keyword arrays, plus Python-valued attrs) evaluated with
    each floating product, square, quotient, root and power rounded before its result is
    used, and each quotient's divisor kept from becoming a reciprocal.

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


# calls whose body is evaluated in place (the kernels are not differentiated: a custom_jvp's
# rule is not needed, and binding its primitive again would need its traced function)
_ENTERED = ("pjit", "jit", "custom_jvp_call")


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
        inner = eqn.params.get("jaxpr", eqn.params.get("call_jaxpr"))
        if eqn.primitive.name in _ENTERED and inner is not None:
            outs = _eval(inner.jaxpr, inner.consts, ins)
        else:
            # (the plain bit operation: a custom_jvp traces its function at every call, ~1 ms
            # each, a third of tracing an MLP's Adam step)
            if eqn.primitive.name == "div":
                ins = [round_each(ins[0], _tie_bits), _divisor(ins[1], ins[0], _tie_bits)]
            outs = eqn.primitive.bind(*ins, **eqn.params)
            outs = outs if eqn.primitive.multiple_results else [outs]
            if eqn.primitive.name in _ROUNDED:
                tie = _tie_bits if eqn.primitive.name in _PRODUCTS else _tie_int
                outs = [round_each(o, tie) for o in outs]
        for v, x in zip(eqn.outvars, outs):
            env[v] = x
    return [read(v) for v in jaxpr.outvars]
