"""tf.gradients as TF builds it: one gradient function per op, visited in reverse, sums in AddN.

TF's algorithm (gradients_util._GradientsHelper), as facts: the ops between xs and ys get a
pending count (how many of their consumers on the path still owe them a gradient); starting
from the ys (gradient `grad_ys_<i>`: ones of y's shape, or the given value), each op whose
count reaches zero sums the gradients of each output (`AddN`, colocated with the first
summand; IndexedSlices are concatenated), gets zeros (`zeros_like`) for trainable outputs that
received none, and calls its gradient function under `<op>_grad/`. With gate_gradients, an op
returning several gradients wraps them in `tf.tuple` (`<op>_grad/tuple/control_dependency_k`).

    >>> import scopeflow as tf
    >>> a = tf.constant([[1.0]]); b = tf.constant([[2.0]])
    >>> tf.gradients(tf.matmul(a, b), a)[0].op.type
    'MatMul'
"""

import collections
import contextlib

from scopeflow.core.tensor import Tensor
from scopeflow.gradients import loop_state as loops
from scopeflow.gradients import registry
from scopeflow.gradients.cond_grad import cond_context, cond_only, zeros_like_v1
from scopeflow.gradients.loop_grad import supported
from scopeflow.gradients.op_vjp import host_loop_between, vjp_gradient, vjp_ok
from scopeflow.gradients.plan import _reached as plan_reached
from scopeflow.indexed_slices import IndexedSlices

_COND_OPS = frozenset(("Switch", "RefSwitch", "Merge", "RefMerge"))
# TF1 loops: built here (loop_state.py) when loop_grad.supported says so
_LOOP_OPS = frozenset(("Enter", "RefEnter", "Exit", "RefExit", "NextIteration",
                       "RefNextIteration", "LoopCond"))
_CONTROL_FLOW = _LOOP_OPS | frozenset((
    "If", "While", "StatelessIf", "StatelessWhile", "SymbolicGradient"))


def trainable(t):
    """TF's backprop_util.IsTrainable: floats, complex, resource and variant tensors."""
    dt = t._dtype.base_dtype
    return dt.is_floating or dt.is_complex or dt.name in ("resource", "variant")


def buildable(g, ys, xs, stop_ops, per_op=False):
    """Whether every op the gradient passes through has a graph gradient function here
    (`per_op`: or takes a per-op jax.vjp one, op_vjp.py, where the path leaves a loop run on
    the host).

    Raises TF's TypeError when the gradient would pass through a gradient loop's Exit (TF's
    _ExitGrad refuses there; an Exit the gradient does not reach, e.g. behind a
    stop_gradient, is no second-order gradient)."""
    if g._frame().in_cf is not None:
        return False
    from_ops = [x._op for x in xs]
    reached = _reached(from_ops)
    between = _between([y._op for y in ys], reached)
    between |= _between([t._op for t in _loop_exits(between)], reached)
    if per_op and not host_loop_between(between):
        return False
    stops = {op for op in from_ops if not any(t._op in between for t in op._inputs)}
    stops.update(stop_ops)
    live = set(ys)
    ordered = sorted(between, key=lambda o: o._id, reverse=True)  # creation order reversed
    done = set()
    while True:  # (again while a loop's back edge makes more ops live)
        before = len(done)
        for op in ordered:
            if op in done or op in stops or not any(t in live for t in op._outputs):
                continue
            if not _has_graph_gradient(op) and not (per_op and vjp_ok(op)):
                return False
            done.add(op)
            if loops.is_loop_exit(op):  # a loop's gradient passes through all its exits
                live.update(_loop_exits([op]))  # (TF gives the unused ones zeros)
            if registry.passes(op):
                live.update(op._inputs)
        if len(done) == before:
            return True


def _has_graph_gradient(op):
    """Whether `op`, which the gradient reaches, has a gradient function built here."""
    from scopeflow.lowering.stages import HOST_KERNELS
    if loops.is_loop_exit(op) and getattr(loops.exit_context(op), "grad_state", None):
        raise TypeError("Second-order gradient for while loops not supported.")
    if op._type in _COND_OPS:
        if not cond_only(op) and not registry.usable(op):
            return False
    elif op._type in _LOOP_OPS or loops.while_context(op) is not None:
        if not supported(op):
            return False
    elif (op._ctx is not None and cond_context(op) is None) or op._type in _CONTROL_FLOW:
        return False
    if op._type in HOST_KERNELS and registry.gradient_type(op) not in registry.GRADIENTS:
        return False
    return registry.usable(op)


def _loop_exits(ops):
    found = []
    for op in ops:
        ctx = loops.exit_context(op) if loops.is_loop_exit(op) else None
        if ctx is not None:
            found.extend(t for t in getattr(ctx, "loop_exits", ()) if t not in found)
    return found


def _reached(from_ops):
    """Ops reachable from `from_ops` along trainable edges (variants included, as TF's)."""
    return plan_reached(from_ops, trainable)


def _between(to_ops, reached):
    between = set()
    queue = list(to_ops)
    while queue:
        op = queue.pop()
        if op in reached and op not in between:
            between.add(op)
            queue.extend(t._op for t in op._inputs)
    return between


class Options:
    """gate_gradients, aggregation_method and colocate_gradients_with_ops of one call."""

    def __init__(self, gate, method, colocate, per_op=False):
        self.gate, self.method, self.colocate = gate, method, colocate
        self.per_op = per_op  # ops without a graph gradient take op_vjp's


def build(g, ys, xs, grad_ys, stop_ops, opts):
    """The gradient of sum(ys) for each x (Tensor, IndexedSlices or None), in the current
    `gradients` name scope."""
    g.unique_name("uid")  # TF reserves a per-call uid name
    start = len(g._ops)
    grad_ys = _default_grad_ys(g, grad_ys, ys, opts.colocate)
    to_ops = [y._op for y in ys]
    from_ops = [x._op for x in xs]
    reachable_to, pending, loop_state = _pending_count(g, to_ops, from_ops, opts.colocate)
    grads = {}
    for y, gy in zip(ys, grad_ys):
        _set_grad(grads, y, gy)
    queue = collections.deque()
    to_set = set()
    for op in to_ops:
        if pending[op] == 0 and op not in to_set and op in reachable_to:
            to_set.add(op)
            queue.append(op)
    if loop_state:
        for y in loop_state.unused_exits(pending, to_set):
            if trainable(y):
                _set_grad(grads, y, loop_state.zeros_for_exit(y))
                queue.append(y._op)
    stops = _stop_ops(from_ops, stop_ops, pending)
    while queue:
        op = queue.popleft()
        with _colocate(g, op, opts.colocate):
            with _in_grad_loop(loop_state, op, True):
                out_grads = _aggregated(g, grads, op, opts.method)
            has = any(x is not None for x in out_grads)
            fn = None
            if has and op not in stops:
                fn = _gradient_function(op, opts.per_op)
            with _in_grad_loop(loop_state, op, False):
                if fn is not None:
                    in_grads = _call(g, op, fn, out_grads, opts.gate, loop_state)
                else:
                    in_grads = [None] * len(op._inputs)
                for i, (t_in, in_grad) in enumerate(zip(op._inputs, in_grads)):
                    if in_grad is None:
                        continue
                    if isinstance(in_grad, Tensor) and t_in._dtype.base_dtype.name != "resource":
                        _set_shape(op, i, t_in, in_grad)
                    _set_grad(grads, t_in, in_grad)
        _update_pending(op, queue, pending, loop_state, grads)
    if loop_state:
        loop_state.post_process()
    made = g._ops[start:]
    if any(op._type in _COND_OPS for op in made):  # gradients of conds: their records
        from scopeflow.checkpoint.import_cf import rebuild_conds
        from scopeflow.gradients.loop_state import _topological
        from scopeflow.ops.cf_spec import own_switches
        # inputs first: a loop gradient's stack pops are made after the ops that read them
        # (their inputs are replaced), and a cond's Merge is known from its inputs' branches
        among = set(made)
        rebuild_conds([op for op in _topological(made) if op in among])
        own_switches(made)  # (gradients build Switch ops for conds only)
    if loop_state:  # the forward and backward loops, recorded from their structure
        loop_state.record()
    _stitch_compiled(made)
    return [_get_grad(grads, x) for x in xs]


def _gradient_function(op, per_op):
    if per_op and not _has_graph_gradient(op) and vjp_ok(op):
        return vjp_gradient
    try:
        return registry.lookup(op)
    except LookupError:
        raise LookupError(NO_GRADIENT % (op._name, op._type)) from None


def _stitch_compiled(made):
    """A reduction's gradient stitches its shape with DynamicStitch, a host op that would
    split the run between the forward loops (which push on stacks) and the backward loops
    (which pop), or between a TensorArray's writes and its gradient's reads: where its
    indices are known when the run is traced it runs compiled."""
    from scopeflow.lowering.stages import run_compiled
    from scopeflow.ops.array_base import static_value
    for op in made:
        if op._type == "DynamicStitch" and all(
                static_value(t) is not None or _known_when_traced(t)
                for t in op._inputs[:len(op._inputs) // 2]):
            run_compiled(op)


_SHAPE_OPS = frozenset(("Shape", "ShapeN", "Size", "Rank"))


def _known_when_traced(t):
    """Whether `t` is computed from constants and shapes alone (a reduction gradient's
    `range(rank)` and axes): its value is then known when the run is traced."""
    from scopeflow.ops.registry import REGISTRY
    seen, todo = set(), [t._op]
    while todo:
        op = todo.pop()
        if op in seen or op._type in _SHAPE_OPS:
            continue
        seen.add(op)
        rec = REGISTRY.get(op._type)
        if op._type != "Const" and (rec is None or rec.stateful or not op._inputs
                                    or op._ctx is not None):
            return False
        todo.extend(x._op for x in op._inputs)
    return True


def _in_grad_loop(loop_state, op, before):
    return loop_state.grad_context(op, before) if loop_state else contextlib.nullcontext()


def _call(g, op, fn, out_grads, gate, loop_state=None):
    from scopeflow.ops.shape_ops import zeros_like
    for i, out_grad in enumerate(out_grads):
        if out_grad is None and trainable(op._outputs[i]):
            if loop_state and loop_state.grad_state(op, False) is not None:
                out_grads[i] = loop_state.zeros_in_loop(op, i)
            elif op._type in ("Switch", "RefSwitch") and cond_context(op) is not None:
                out_grads[i] = zeros_like_v1(op, i)
            else:
                out_grads[i] = zeros_like(op._outputs[i], optimize=False)
    with g.name_scope(op._name + "_grad"):
        in_grads = fn(op, *out_grads)
        in_grads = list(in_grads) if isinstance(in_grads, (list, tuple)) else [in_grads]
        if len(in_grads) != len(op._inputs):
            raise ValueError("Num gradients %d generated for op %s do not match num inputs %d"
                             % (len(in_grads), op.node_def, len(op._inputs)))
        if gate and sum(x is not None for x in in_grads) > 1:
            from scopeflow.ops.state import tuple_
            with g.device(None), g.colocate_with(None, ignore_existing=True):
                in_grads = tuple_(in_grads)
    return in_grads


def _set_shape(op, i, t_in, in_grad):
    try:
        in_grad.set_shape(t_in.shape)
    except ValueError:
        raise ValueError("Incompatible shapes between op input and calculated input gradient. "
                         "Forward operation: %s. Input index: %d. Original input shape: %s. "
                         "Calculated input gradient shape: %s"
                         % (op._name, i, t_in.shape, in_grad.shape)) from None


NO_GRADIENT = (
    "No gradient defined for operation'%s' (op type: %s). In general every operation must "
    "have an associated `@tf.RegisterGradient` for correct autodiff, which this op is "
    "lacking. If you want to pretend this operation is a constant in your program, you may "
    "insert `tf.stop_gradient`. This can be useful to silence the error in cases where you "
    "know gradients are not needed, e.g. the forward pass of tf.custom_gradient. Please see "
    "more details in https://www.tensorflow.org/api_docs/python/tf/custom_gradient.")


@contextlib.contextmanager
def _colocate(g, op, on):
    if on:
        with g.colocate_with(op):
            yield
    else:
        yield


def _default_grad_ys(g, grad_ys, ys, colocate):
    """`grad_ys_<i>`: ones shaped like y (`Fill` of `Shape`), or the given value's Identity."""
    from scopeflow.ops.array import identity
    from scopeflow.ops.shape_ops import ones, shape
    out = []
    for i, (y, grad_y) in enumerate(zip(ys, grad_ys)):
        with _colocate(g, y._op, colocate):
            if grad_y is None:
                out.append(ones(shape(y), dtype=y._dtype.base_dtype, name="grad_ys_%d" % i))
            elif isinstance(grad_y, IndexedSlices):
                out.append(IndexedSlices(
                    identity(grad_y.values, name="grad_ys_%d_values" % i),
                    identity(grad_y.indices, name="grad_ys_%d_indices" % i),
                    grad_y.dense_shape if not isinstance(grad_y.dense_shape, Tensor)
                    else identity(grad_y.dense_shape, name="grad_ys_%d_shape" % i)))
            else:
                out.append(identity(grad_y, name="grad_ys_%d" % i))
    return out


def _pending_count(g, to_ops, from_ops, colocate):
    """(ys' ops reached, pending counts, ControlFlowState or None) as TF's _PendingCount: the
    ops between are found breadth first; a forward loop among them gets its GradLoopState,
    which brings in all the loop's exits."""
    reached = _reached(from_ops)
    reachable_to = {op for op in to_ops if op in reached}
    between, order = set(), []
    queue = collections.deque(to_ops)
    while queue:
        op = queue.popleft()
        if op in reached:
            between.add(op)
            order.append(op)
            reached.discard(op)
            queue.extend(t._op for t in op._inputs)
    loop_state = None
    for op in order:
        if loops.is_loop_exit(op) and loops.exit_context(op) is not None:
            loop_state = loop_state or loops.ControlFlowState()
            with _colocate(g, op, colocate):
                loop_state.add_loop(op, between, order)
    pending = collections.defaultdict(int)
    for op in order:
        for x in op._inputs:
            if x._op in between:
                pending[x._op] += 1
    return reachable_to, pending, loop_state


def _stop_ops(from_ops, stop_ops, pending):
    stops = {op for op in from_ops if not any(pending[t._op] > 0 for t in op._inputs)}
    stops.update(stop_ops)
    return stops


def _update_pending(op, queue, pending, loop_state, grads):
    """TF's _UpdatePendingAndEnqueueReady: a loop Switch is ready at every visit; a loop's
    exits wait for each other, those without a gradient then get zeros."""
    for x in op._inputs:
        pending[x._op] -= 1
        ready = pending[x._op] == 0
        if loop_state and not ready:
            ready = pending[x._op] > 0 and loops.is_loop_switch(x._op)
        if not ready:
            continue
        if loop_state and loops.is_loop_exit(x._op):
            _exit_ready(x, queue, loop_state, grads)
        else:
            queue.append(x._op)


def _exit_ready(x, queue, loop_state, grads):
    state = loop_state.grad_state(x._op, False)
    state.deferred_exits.append(x)
    state.pending_exits -= 1
    if state.pending_exits:
        return
    used = False
    for y in state.deferred_exits:
        if any(v is not None for v in _flat(grads.get(y._op))):
            used = True
            queue.append(y._op)
        else:
            state.unused_exits.append(y)
    for y in state.unused_exits:
        if used and trainable(y):
            _set_grad(grads, y, loop_state.zeros_for_exit(y))
        queue.append(y._op)


def _flat(op_grads):
    out = []
    for v in op_grads or ():
        out.extend(v if isinstance(v, list) else [v])
    return out


def _set_grad(grads, t, grad):
    op = t._op
    op_grads = grads.get(op)
    if op_grads is None:
        op_grads = grads[op] = [[] for _ in op._outputs]
    if isinstance(op_grads[t._value_index], list):
        op_grads[t._value_index].append(grad)
    else:  # a loop Switch visited before: its gradient is replaced
        op_grads[t._value_index] = grad


def _get_grad(grads, t):
    op_grads = grads.get(t._op)
    if op_grads is None:
        return None
    return op_grads[t._value_index]


def _aggregated(g, grads, op, method):
    """Per output of `op`: None, the one gradient received, or their sum."""
    out_grads = grads.get(op)
    if out_grads is None:
        out_grads = grads[op] = [[] for _ in op._outputs]
    for i, received in enumerate(out_grads):
        if not isinstance(received, list):  # a loop Switch's, aggregated at its first visit
            continue
        received = [x for x in received if x is not None]
        if not received:
            out_grads[i] = None
        elif len(received) == 1:
            out_grads[i] = received[0]
        elif all(isinstance(x, Tensor) for x in received):
            out_grads[i] = _add(g, op, received, method)
        else:
            out_grads[i] = _aggregate_slices(received)
    return out_grads


def _add(g, op, tensors, method):
    from scopeflow.gradients.symbolic import AggregationMethod
    from scopeflow.ops.math_extra import add_n
    if method in (AggregationMethod.EXPERIMENTAL_TREE,
                  AggregationMethod.EXPERIMENTAL_ACCUMULATE_N):
        with g.name_scope(op._name + "_gradient_sum"):
            total = tensors[0]
            for t in tensors[1:]:
                total = add_n([total, t])
            return total
    by_device = collections.defaultdict(list)
    for t in tensors:
        by_device[t._op._device or ""].append(t)
    summands = []
    for dev in sorted(by_device):
        group = by_device[dev]
        with g.colocate_with(group[0]._op, ignore_existing=True):
            summands.append(add_n(group))
    return add_n(summands)


def _aggregate_slices(grads):
    """TF's AggregateIndexedSlicesGradients: a dense sum if any is dense, else the slices
    concatenated."""
    from scopeflow.ops.joining import concat
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.math_extra import add_n
    if any(isinstance(x, Tensor) for x in grads):
        # (AddN converts the slices to dense as its inputs: `AddN/inputs_<i>`, TF's names)
        from scopeflow.core.frame import default_graph
        from scopeflow.indexed_slices import to_dense
        with default_graph().name_scope("AddN") as scope:
            grads = [to_dense(x, name="inputs_%d" % i) if isinstance(x, IndexedSlices) else x
                     for i, x in enumerate(grads)]
            return add_n(grads, name=scope)
    from scopeflow.ops.padded_rows import mark_like
    if len({x.indices.dtype for x in grads}) > 1:
        grads = [IndexedSlices(x.values, mark_like(cast(x.indices, "int64"), x.indices),
                               x.dense_shape) for x in grads]
    indices = [x.indices for x in grads]
    return IndexedSlices(concat([x.values for x in grads], axis=0),
                         mark_like(concat(indices, axis=0), *indices), grads[0].dense_shape)
