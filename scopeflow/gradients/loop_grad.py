"""Gradients of a TF1 while loop's own ops, as TF's control_flow_grad builds them.

Inside the backward loop (loop_state.py): an Exit's gradient enters it (`b_exit`), a loop
Switch's gradient is a Merge of that with the next iteration's gradient (`b_switch`, its back
edge added when the Switch is visited again), a loop Merge's gradient is a Switch on the
backward condition, a NextIteration passes its gradient on, and an Enter's gradient leaves the
backward loop: an Exit for a loop variable, an accumulator loop variable (`b_acc`) summing
every iteration's gradient for a loop constant.
"""

from scopeflow.core.frame import default_graph
from scopeflow.gradients import loop_state
from scopeflow.gradients.registry import gradient, not_differentiable


def _grad_context():
    ctx = default_graph()._frame().in_cf
    while ctx is not None and not ctx.is_loop:
        ctx = ctx.outer
    return ctx


def grad_state():
    """The GradLoopState of the backward loop being built in, or None."""
    ctx = _grad_context()
    return ctx.grad_state if ctx is not None else None


def supported(op):
    """Whether `op` belongs to a while loop built here whose gradient TF's way covers: a
    loop not nested in another construct (its body or conds in it)."""
    ctx = loop_state.while_context(op)
    return (ctx is not None and ctx.outer is None and _directly_in(op, ctx)
            and ctx.grad_state is None and getattr(ctx, "loop_cond", None) is not None
            and getattr(ctx, "back_prop", True) and not _rows_of_constant(op))


def _directly_in(op, ctx):
    """`op` is in loop `ctx` itself or in conds in its body (not in a loop nested in it)."""
    inner = op._ctx
    while inner is not None and inner is not ctx and not inner.is_loop:
        inner = inner.outer
    return inner in (ctx, None)


_GATHERS = frozenset(("Gather", "GatherV2", "ResourceGather"))


def _rows_of_constant(op):
    """A gather of a loop constant: its gradient is IndexedSlices, which TF accumulates by
    concatenating every iteration's rows, a loop value of growing shape (no XLA loop runs
    one; such paths keep the SymbolicGradient op)."""
    if op._type not in _GATHERS:
        return False
    src = op._inputs[0]._op
    while src._type in ("Identity", "ReadVariableOp") and src._inputs:
        src = src._inputs[0]._op
    return src._type in ("Enter", "RefEnter") and bool(src._attrs.get("is_constant"))


@gradient("Exit", "RefExit", check=supported)
def _exit_grad(op, grad):
    ctx = _grad_context()
    if not ctx.back_prop:
        return None
    if loop_state.while_context(op).grad_state is not None:
        raise TypeError("Second-order gradient for while loops not supported.")
    from scopeflow.core.tensor import Tensor
    if not isinstance(grad, Tensor):
        raise NotImplementedError("the gradient of a while loop's result %s is an "
                                  "IndexedSlices; only dense gradients flow through loops here"
                                  % op._outputs[0].name)
    result = ctx.enter(grad, False, name="b_exit")
    ctx.loop_enters.append(result)
    return result


@gradient("NextIteration", "RefNextIteration", check=supported)
def _next_iteration_grad(_, grad):
    return grad


@gradient("Enter", "RefEnter", check=supported)
def _enter_grad(op, grad):
    ctx = _grad_context()
    if ctx is None or not ctx.back_prop or ctx.grad_state is None:
        return grad
    if op._attrs.get("is_constant"):
        return _accumulate(ctx, op, grad)
    with loop_state.entered(ctx.outer):
        result = loop_state.leave(grad)
    ctx.loop_exits.append(result)
    return result


def _accumulate(ctx, op, grad):
    """`acc = 0; while (...) acc += grad`: a loop constant's gradient (TF's b_acc)."""
    from scopeflow.core.tensor import Tensor
    from scopeflow.ops import cf_ops as cf
    from scopeflow.ops.constant import constant
    from scopeflow.ops.math import add
    from scopeflow.ops.shape_ops import shape_internal, zeros
    if not isinstance(grad, Tensor):
        raise NotImplementedError("the gradient of loop constant %s is an IndexedSlices; only "
                                  "dense gradients flow through loops here" % op._name)
    g = default_graph()
    with loop_state.entered(ctx.outer):
        if grad.shape.is_fully_defined():
            acc = constant(0, grad.dtype.base_dtype, shape=grad.shape.as_list(), name="b_acc")
        else:
            acc = zeros(shape_internal(op._inputs[0], optimize=False), grad.dtype.base_dtype)
    with loop_state.entered(ctx):
        enter = ctx.enter(acc, False, name="b_acc")
        ctx.loop_enters.append(enter)
        merged = loop_state.merge([enter, enter], name="b_acc")[0]
        off, on = loop_state.switch(merged, ctx.loop_cond)
        nxt = cf._next_iteration(add(on, grad), name="NextIteration")
        g._replace_input(merged.op, 1, nxt)
    with loop_state.entered(ctx.outer):
        result = loop_state.leave(off, "b_acc")
    ctx.loop_exits.append(result)
    return result


def switch_grad(op, grads):
    """A loop Switch: the backward Merge of the exit's gradient and the next iteration's."""
    state = _grad_context().grad_state
    merged = state.switch_map.get(op)
    if merged is not None:
        if grads[1] is not None:
            from scopeflow.ops import cf_ops as cf
            nxt = cf._next_iteration(grads[1], name="NextIteration")
            default_graph()._replace_input(merged.op, 1, nxt)
        return None, None
    if grads[0] is not None:
        merged = loop_state.merge([grads[0], grads[0]], name="b_switch")[0]
        state.switch_map[op] = merged
        return merged, None
    return None, None


def merge_grad(grad):
    """A loop Merge: a Switch of the gradient on the backward loop's condition."""
    return list(loop_state.switch(grad, _grad_context().loop_cond))


not_differentiable("LoopCond")
