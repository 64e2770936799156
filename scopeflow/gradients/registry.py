"""Gradient functions by op type: graph-building code over registered ops, one entry per type.

    @gradient("MatMul")
    def _matmul_grad(op, grad):  # -> one gradient (or None) per input of `op`
        ...

A function adds TF's ops for the backward pass of one forward op, under the name scope
`gradients/<op>_grad/` that tf.gradients opens (graph.py). `needs` names the op types it emits
that are not always registered (kernels added in other modules): without them the entry is not
usable and tf.gradients takes the SymbolicGradient path for that call (symbolic.py).
`tf.RegisterGradient` and `tf.NotDifferentiable` write to the same table.
"""

import dataclasses

from scopeflow.gradients.plan import NOT_DIFFERENTIABLE


@dataclasses.dataclass(frozen=True)
class Entry:
    fn: object  # fn(op, *output_grads) -> list of input grads; None: not differentiable
    needs: tuple  # op types the function emits that must be registered
    where: str  # module that registered it (for TF's duplicate-registration error)
    check: object = None  # check(op) -> False where the function does not cover `op`


GRADIENTS = {}


def register(op_type, fn, needs=(), check=None):
    if op_type in GRADIENTS:
        raise KeyError("Registering two gradient with name '%s'! (Previous registration was in "
                       "%s)" % (op_type, GRADIENTS[op_type].where))
    GRADIENTS[op_type] = Entry(fn, tuple(needs), getattr(fn, "__module__", "?"), check)


def gradient(*op_types, needs=(), check=None):
    """Registers the decorated function as the gradient of each of `op_types`."""

    def deco(fn):
        for t in op_types:
            register(t, fn, needs, check)
        return fn

    return deco


def not_differentiable(*op_types):
    """Ops whose inputs get no gradient (TF's `ops.NotDifferentiable`)."""
    for t in op_types:
        NOT_DIFFERENTIABLE.add(t)


def gradient_type(op):
    """The type whose gradient `op` uses: its own, or what gradient_override_map gave it."""
    return op._graph._gradient_op_types.get(op, op._type)


def lookup(op):
    """The gradient function of `op`: a callable, None (no gradient flows), or LookupError."""
    if not op._inputs:
        return None
    kind = gradient_type(op)
    entry = GRADIENTS.get(kind)
    if entry is not None:
        return entry.fn
    if kind in NOT_DIFFERENTIABLE:
        return None
    raise LookupError(kind)


def usable(op):
    """Whether `lookup(op)` gives a function whose ops all have kernels (or no gradient)."""
    if not op._inputs:
        return True
    kind = gradient_type(op)
    entry = GRADIENTS.get(kind)
    if entry is None:
        return kind in NOT_DIFFERENTIABLE
    if entry.check is not None and not entry.check(op):
        return False
    if not entry.needs:
        return True
    from scopeflow.ops.registry import REGISTRY
    return all(t in REGISTRY for t in entry.needs)


def passes(op):
    """Whether gradient flows through `op` to its inputs (it has a gradient function)."""
    if not op._inputs:
        return False
    kind = gradient_type(op)
    entry = GRADIENTS.get(kind)
    return entry.fn is not None if entry is not None else kind not in NOT_DIFFERENTIABLE


def apply_op(op_type, *inputs, **attrs):
    """One op of a registered type over `inputs` (TF's gen_*_ops wrappers); attrs its kernel
    does not declare are left out."""
    import inspect

    from scopeflow.ops import registry as ops
    rec = ops.lookup(op_type)
    name = attrs.pop("name", None)
    params = inspect.signature(rec.kernel).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        attrs = {k: v for k, v in attrs.items() if k in params}
    return ops.apply(rec, inputs, attrs, name)
