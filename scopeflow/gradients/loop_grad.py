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
    loop in loops and conds (its body or conds in it)."""
    ctx = loop_state.while_context(op)
    return (ctx is not None and _directly_in(op, ctx) and _plain(ctx)
            and ctx.grad_state is None and getattr(ctx, "loop_cond", None) is not None)


def _plain(ctx):
    """A loop in loops (and conds) built here, none of them a gradient loop."""
    while ctx is not None:
        if ctx.is_loop and (ctx.grad_state is not None or getattr(ctx, "loop_cond", None) is None):
            return False
        ctx = ctx.outer
    return True


def _directly_in(op, ctx):
    """`op` is in loop `ctx` itself or in conds in its body (not in a loop nested in it)."""
    if loop_state.is_loop_exit(op) and loop_state.exit_context(op) is ctx:
        return True  # (an Exit is built in the context around its loop)
    inner = op._ctx
    while inner is not None and inner is not ctx and not inner.is_loop:
        inner = inner.outer
    return inner in (ctx, None)


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
        from scopeflow.indexed_slices import IndexedSlices
        if isinstance(grad, IndexedSlices):
            return _accumulate_slices(ctx, op, grad)
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
    outer = ctx.grad_state.outer
    if outer is not None and not grad.shape.is_fully_defined():
        # a nested loop: the value's shape in each outer iteration, pushed and popped
        with loop_state.entered(ctx.grad_state.forward.outer):
            shape = shape_internal(op._inputs[0], optimize=False)
        with loop_state.entered(None):
            history = outer.forward_accumulator(shape)
        shape = outer.backward_value(history, shape)
        with loop_state.entered(ctx.outer):
            acc = zeros(shape, grad.dtype.base_dtype)
    else:
        with loop_state.entered(ctx.outer):
            if grad.shape.is_fully_defined():
                acc = constant(0, grad.dtype.base_dtype, shape=grad.shape.as_list(),
                               name="b_acc")
            else:
                acc = zeros(shape_internal(op._inputs[0], optimize=False),
                            grad.dtype.base_dtype)
    with loop_state.entered(ctx):
        enter = ctx.enter(acc, False, name="b_acc")
        enter.set_shape(acc.shape)  # TF's _Enter(use_input_shape=True)
        ctx.loop_enters.append(enter)
        merged = loop_state.merge([enter, enter], name="b_acc")[0]
        off, on = loop_state.switch(merged, ctx.loop_cond)
        nxt = cf._next_iteration(add(on, grad), name="NextIteration")
        g._replace_input(merged.op, 1, nxt)
    with loop_state.entered(ctx.outer):
        result = loop_state.leave(off, "b_acc")
    ctx.loop_exits.append(result)
    return result


def _accumulate_slices(ctx, op, grad):
    """A loop constant's IndexedSlices gradient (a gather's in the body): every iteration's
    rows and indices concatenated to loop values that grow by them, after one zero row at
    index 0, the largest dense shape kept (TF's AddBackpropIndexedSlicesAccumulator)."""
    from scopeflow.core.shape import TensorShape
    from scopeflow.indexed_slices import IndexedSlices
    from scopeflow.ops import cf_ops as cf
    from scopeflow.ops.constant import constant
    from scopeflow.ops.joining import concat
    from scopeflow.ops.math import maximum
    from scopeflow.ops.shape_ops import zeros, zeros_like
    g = default_graph()
    if ctx.grad_state.outer is not None:  # (a nested loop: it runs on the host)
        loop_state.NESTED_ROWS.add(ctx.grad_state.forward)
    values, indices, dense_shape = grad.values, grad.indices, grad.dense_shape
    with loop_state.entered(ctx.outer):
        if values.shape.is_fully_defined():
            rows = [1] + values.shape.as_list()[1:]
            values_acc = constant(0, values.dtype.base_dtype, shape=rows, name="b_acc")
        else:
            rows = concat([[1], _shape_of(op._inputs[0])[1:]], 0)
            values_acc = zeros(rows, dtype=values.dtype.base_dtype)
        init = [constant([0], indices.dtype.base_dtype), values_acc]
        if dense_shape is not None:
            if dense_shape.shape.is_fully_defined():
                init.append(constant(0, dense_shape.dtype.base_dtype,
                                     shape=dense_shape.shape.as_list()))
            else:
                init.append(zeros_like(_shape_of(op._inputs[0], dense_shape.dtype),
                                       optimize=False))
    with loop_state.entered(ctx):
        enters = [ctx.enter(x, False, name="b_acc", input_shape=False) for x in init]
        enters[0]._shape = TensorShape([None])  # (they grow: TF's use_input_shape=False)
        enters[1]._shape = TensorShape([None] + values_acc.shape.as_list()[1:]) \
            if values_acc.shape.dims is not None else TensorShape(None)
        if len(enters) > 2:
            enters[2]._shape = TensorShape(None)
        ctx.loop_enters.extend(enters)
        merged = [loop_state.merge([x, x], name="b_acc")[0] for x in enters]
        switched = [loop_state.switch(x, ctx.loop_cond) for x in merged]
        grown = [concat([sw[1], x], 0) for sw, x in zip(switched[:2], [indices, values])]
        if len(enters) > 2:
            grown.append(maximum(dense_shape, switched[2][1]))
        nexts = [cf._next_iteration(x, name="NextIteration") for x in grown]
        for m, n in zip(merged, nexts):
            g._replace_input(m.op, 1, n)
    with loop_state.entered(ctx.outer):
        exits = [loop_state.leave(sw[0], "b_acc") for sw in switched]
    ctx.loop_exits.extend(exits)
    return IndexedSlices(exits[1], exits[0], exits[2] if len(exits) > 2 else None)


def _shape_of(t, out_type=None):
    """TF's _resource_safe_shape: a resource variable's shape, else the tensor's."""
    from scopeflow.ops.shape_ops import shape_internal
    if t.dtype.base_dtype.name == "resource":
        from scopeflow.ops.resource_ops import variable_shape
        return variable_shape(t) if out_type is None else variable_shape(t, out_type=out_type)
    if out_type is None:
        return shape_internal(t, optimize=False)
    return shape_internal(t, optimize=False, out_type=out_type)


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
