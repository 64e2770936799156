"""Gradients of a TF1 tf.cond (Switch and Merge), as TF's control_flow_grad builds them.

A Merge's gradient is a Switch of the incoming gradient on the cond's predicate
(`<Merge>_grad/cond_grad`); a capture Switch's gradient merges the gradient of the branch
output it feeds with zeros for the other one (`<Switch>_grad/cond_grad`). The zeros come from
TF's _ZerosLikeV1: a `Switch` of the captured value, an `Identity` pivot and `zeros` under it,
so they exist only on the branch not taken. tf.gradients then rebuilds the cond records of the
new ops (checkpoint/import_cf.py) so the lowering selects the live branch's value.
"""

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.gradients.registry import gradient
from scopeflow.ops.cf_context import CondContext


def cond_context(op):
    """The CondContext `op` was built in, in a cond or conds nested in one another (None
    outside a cond and inside a loop: a loop takes the SymbolicGradient path for now)."""
    ctx = op._ctx
    outer = ctx
    while isinstance(outer, CondContext):
        outer = outer.outer
    return ctx if isinstance(ctx, CondContext) and outer is None else None


def _merge_context(op):
    return cond_context(op._inputs[0]._op)


def cond_only(op):
    """Whether `op` is a Switch / Merge of a tf.cond (not of a while loop)."""
    if op._type in ("Switch", "RefSwitch"):
        return cond_context(op) is not None
    return _merge_context(op) is not None


def _switch(data, pred, name="Switch"):
    """TF's control_flow_ops.switch: one Switch op named by its own name scope (one per part
    of an IndexedSlices under it)."""
    from scopeflow.ops.cf_composite import switch
    return switch(data, pred, name=name)


def _merge(inputs, name="Merge"):
    """TF's control_flow_ops.merge (IndexedSlices merged part by part, dense inputs turned
    into IndexedSlices of all their rows first)."""
    from scopeflow.ops.cf_composite import merge
    return merge(inputs, name=name)


def _covered(op):
    """A cond's Switch / Merge, or a while loop's that loop_grad.py covers."""
    if cond_only(op):
        return True
    from scopeflow.gradients.loop_grad import supported
    return supported(op._inputs[0]._op if op._type in ("Merge", "RefMerge") else op)


def _in_loop(op):
    ctx = op._ctx
    return ctx is not None and ctx.is_loop


@gradient("Switch", "RefSwitch", check=_covered)
def _switch_grad(op, *grads):
    if _in_loop(op):
        from scopeflow.gradients.loop_grad import switch_grad
        return switch_grad(op, grads)
    ctx = op._ctx  # a cond's capture Switch (in a loop body too)
    if grads[1 - ctx.branch] is None:
        return None, None
    merged = _merge(list(grads), name="cond_grad")[0]
    _rows_may_differ(merged)
    return merged, None


def _rows_may_differ(merged):
    """An IndexedSlices gradient merged in a loop's gradient whose branches may give different
    numbers of rows (a gather's rows and the other branch's zeros): its value changes shape
    from one iteration to the next, so the forward loop and its gradient run on the host
    (gradients/loop_state.py `ControlFlowState.record`), as TF's executor runs them."""
    values = getattr(merged, "values", None)
    if values is None:  # (a Tensor)
        return
    from scopeflow.gradients.loop_grad import grad_state
    from scopeflow.gradients.loop_state import RAGGED
    state = grad_state()
    if state is None:
        return
    shapes = [t.shape for t in values._op._inputs]
    if not all(s.is_fully_defined() for s in shapes) or len({tuple(s.as_list())
                                                              for s in shapes}) > 1:
        RAGGED.add(state.forward)


@gradient("Merge", "RefMerge", check=_covered)
def _merge_grad(op, grad, _):
    if _in_loop(op._inputs[0]._op):
        from scopeflow.gradients.loop_grad import merge_grad
        return merge_grad(grad)
    ctx = op._inputs[0]._op._ctx  # the branch's CondContext
    from scopeflow.gradients.loop_grad import grad_state
    state = grad_state()
    # in a loop's gradient: the predicate of each iteration, popped from a stack
    pred = ctx.pred if state is None else state.popped(ctx.pred)
    return list(_switch(grad, pred, name="cond_grad"))


def zeros_like_v1(op, index):
    """TF's _ZerosLikeV1: zeros for output `index` of a Switch, made only on the branch that
    output does not feed."""
    from scopeflow.ops.array import identity
    from scopeflow.ops.shape_ops import shape_internal, zeros
    ctx = cond_context(op)
    val = op._outputs[index]
    switch_val = _switch(op._inputs[0], ctx.pred)[1 - ctx.branch]
    pivot = identity(switch_val)
    if val.dtype.base_dtype is _dt.resource:  # zeros of the variable behind the handle
        from scopeflow.gradients.sparse import handle_op
        from scopeflow.ops.resource_ops import variable_shape
        var = handle_op(op._inputs[0])
        dtype = _dt.float32 if var is None else _dt.as_dtype(var._attrs["dtype"])
        with default_graph().control_dependencies([pivot]):
            return zeros(variable_shape(switch_val), dtype=dtype)
    zeros_shape = shape_internal(switch_val, optimize=False)
    with default_graph().control_dependencies([pivot]):
        return zeros(zeros_shape, dtype=val.dtype.base_dtype)
