"""The rewrites of TF's graph optimizer (grappler) that change a run's values, planned per
run signature (a lowering `Program`).

TF optimizes the graph of a run signature when a Session first runs it, unless the graph then
has fewer than 4 nodes (the meta optimizer's `min_graph_nodes`; every node of the graph counts,
fetched or not): `x / 0.7` alone on a placeholder divides. The executor is kept for the
signature, so a graph that grows later does not change it (as a `Program` here is kept).
Two rewrites round differently from the ops they replace (asked of TF 2.21 for float16,
bfloat16, float32, float64, complex64 and complex128; tests/lowering/test_grappler.py):

- constant folding turns a division by a constant into a product with its reciprocal, folded
  exactly (`x * (1 / 0.7)`); a divisor computed from fed values is no constant;
- the arithmetic optimizer turns `x / sqrt(y)` into `x * rsqrt(y)` when the Sqrt's only
  consumer in the run's pruned graph is that division (through Identity ops) and the Sqrt is
  not fetched;
- the arithmetic optimizer regroups chains of Mul whose factors differ in shape, smallest
  first (grappler_mul.py);
- its canonicalization sorts the inputs of commutative ops by name (`x`, `x:1`, control inputs
  apart): for AddN, which sums its inputs in order, that changes the rounding (the gradient
  sums of `tf.gradients` are AddN ops).

>>> import scopeflow as tf
>>> x, y = tf.placeholder(tf.float32, [2]), tf.placeholder(tf.float32, [2])
>>> z = x / tf.sqrt(y)
>>> z.op in plan(tf.get_default_graph(), [y.op, z.op.inputs[1].op, z.op], [z], [], {x, y}).rsqrt
True
"""

import dataclasses

import jax.numpy as jnp
from jax import lax

from scopeflow.lowering import grappler_mul
from scopeflow.lowering.slice import data_inputs

MIN_NODES = 4  # grappler's kDefaultMinGraphNodes
_DIVISIONS = frozenset(("RealDiv", "Div"))


@dataclasses.dataclass(frozen=True)
class Rewrites:
    """What TF's optimizer changes in one run signature's graph."""

    on: bool = True  # the optimizer ran (the graph had MIN_NODES nodes)
    rsqrt: dict = dataclasses.field(default_factory=dict)  # division op -> the Sqrt's input
    fed: frozenset = frozenset()  # tensors computed from fed values (no constants to TF)
    products: dict = dataclasses.field(default_factory=dict)  # Mul op -> its product tree

    def key(self):
        """The plan as data, for the compiled program's cache key."""
        return (self.on, sorted(op._name for op in self.rsqrt),
                sorted((op._name, grappler_mul.tree_key(tree))
                       for op, tree in self.products.items()))


# kernels run outside a Session's program (tf.data functions, scopeflow.jax): the constant rule
OUTSIDE = Rewrites()


def plan(graph, order, fetched, targets, fed):
    """The Rewrites of a run of `order` (ops, in order) fetching `fetched` (tensors) and
    running `targets` (ops), with `fed` (tensors) fed, in `graph` as it is now."""
    if len(graph._ops) < MIN_NODES:
        return Rewrites(on=False)
    consumers = {}
    from_feeds = set(fed)
    for op in order:
        ins = data_inputs(op)
        for t in ins:
            consumers[t] = consumers.get(t, 0) + 1
        if any(t in from_feeds for t in ins):
            from_feeds.update(op._outputs)
    kept = set(fetched) | {t for op in targets for t in op._outputs}
    rsqrt = {}
    for op in order:
        if op._type in _DIVISIONS and _inexact(op):
            source = _sqrt_input(op._inputs[1], consumers, kept)
            if source is not None:
                rsqrt[op] = source
    products = grappler_mul.plan_products(order, fetched, targets, fed)
    return Rewrites(True, rsqrt, frozenset(from_feeds), products)


def _inexact(op):
    dtype = op._outputs[0]._dtype.base_dtype
    return dtype.is_floating or dtype.is_complex


def _sqrt_input(t, consumers, kept):
    """The input of the Sqrt that `t` is (through Identity ops) when only one op reads it."""
    while True:
        if consumers.get(t, 0) != 1 or t in kept:
            return None
        op = t._op
        if op._type == "Sqrt":
            return op._inputs[0]
        if op._type != "Identity":
            return None
        t = op._inputs[0]


def of(ctx):
    """The Rewrites in force for the kernel running in `ctx`."""
    rewrites = None if ctx is None else ctx.grappler
    return OUTSIDE if rewrites is None else rewrites


def folds_divisor(ctx):
    """Whether TF's constant folding multiplies the executing division by its known
    divisor's reciprocal."""
    rewrites = of(ctx)
    return rewrites.on and (ctx is None or ctx.op._inputs[1] not in rewrites.fed)


def rsqrt_source(ctx, op, env):
    """The value whose rsqrt multiplies `op`'s numerator, when TF rewrote `op` (a division
    by a Sqrt) so and that value is at hand; else None."""
    t = of(ctx).rsqrt.get(op)
    return None if t is None else env.get(t)


def regrouped(ctx, op, env):
    """The value of `op` when TF regrouped the Mul chain it ends, else None."""
    tree = of(ctx).products.get(op)
    return None if tree is None else grappler_mul.product(tree, env)


def canonical_inputs(ctx, op, args):
    """The arguments of `op` (an AddN: one list) in the order TF's optimizer sorts its inputs
    into (by input name, `name` for output 0 and `name:k` otherwise), when it ran."""
    if not of(ctx).on:
        return args
    names = [t._op._name if t._value_index == 0 else "%s:%d" % (t._op._name, t._value_index)
             for t in op._inputs]
    order = sorted(range(len(names)), key=names.__getitem__)
    return [[args[0][i] for i in order]]


def times_rsqrt(x, y):
    """`x * rsqrt(y)` rounded as two ops, the rsqrt being TF's Rsqrt kernel (Eigen's float32
    approximation): behind barriers, XLA neither turns it back into a division nor fuses the
    product into a following addition."""
    from scopeflow.ops.eigen_rsqrt import rsqrt_op
    x, r = lax.optimization_barrier((x, rsqrt_op(y)))
    return lax.optimization_barrier(jnp.multiply(x, r))
