"""The gradient of a TF1 while loop, as TF builds it: a backward loop fed by stacks.

TF's algorithm (control_flow_state), as facts: for each forward loop on the gradient's path a
`GradLoopState` adds an iteration counter to the forward loop (`gradients/f_count`, a Merge /
Switch / Add / NextIteration / Exit of its own) and builds a backward while loop under
`gradients/` whose condition counts that number down (`gradients/b_count`, `n >= 1`). Each
gradient op built inside the backward loop that reads a forward value gets it from a stack:
the forward loop pushes it every iteration (`<op>/f_acc` StackV2, `StackPushV2` ordered by
control edges around the counter's Add), the backward loop pops it (`StackPopV2`, ordered by
`b_sync`). Loop constants are read directly (a new Enter of the outside value); constants are
rebuilt. The gradient of a loop constant is summed over iterations by an accumulator loop
variable of the backward loop (`<Enter>_grad/b_acc`).

The forward and backward loops are then recorded from their graph structure, as imported
loops are (checkpoint/import_loops.py), so the lowering runs them with lax.while_loop / scan
and stacks are run state (ops/stack_ops.py).

    >>> import scopeflow as tf
    >>> x = tf.constant(2.0)
    >>> _, y = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [0, x])
    >>> tf.gradients(y, x)[0].op.type
    'AddN'
"""

import contextlib
import weakref

from scopeflow.gradients.cond_grad import _merge as merge
from scopeflow.gradients.cond_grad import _switch as switch
from scopeflow.ops.cf_context import CondContext, WhileContext, add_control, flush_all

_EXITS = frozenset(("Exit", "RefExit"))
_ENTERS = frozenset(("Enter", "RefEnter"))
_SWITCHES = frozenset(("Switch", "RefSwitch"))
_NEXTS = frozenset(("NextIteration", "RefNextIteration"))
_SHAPES = frozenset(("Shape", "Size", "Rank"))
_PASS = frozenset(("Switch", "RefSwitch", "Identity", "RefIdentity"))


# ---- where an op lives (TF's control_flow_util) ----------------------------------------------
def exit_context(op):
    """The loop an Exit op leaves (built here: its record's context), else None."""
    rec = op._cf
    ctx = getattr(rec[0], "context", None) if rec is not None else None
    return ctx if ctx is not None else _EXIT_OF.get(op)


# Exit op -> its loop's WhileContext, for loops re-recorded from structure
_EXIT_OF = weakref.WeakKeyDictionary()


def while_context(op):
    """The innermost WhileContext around `op` (an Exit counts as inside its loop)."""
    if op._type in _EXITS:
        ctx = exit_context(op)
        if ctx is not None:
            return ctx
    ctx = op._ctx
    while ctx is not None and not ctx.is_loop:
        ctx = ctx.outer
    return ctx


def _outer_while(ctx):
    ctx = ctx.outer if ctx is not None else None
    while ctx is not None and not ctx.is_loop:
        ctx = ctx.outer
    return ctx


def _outer_cond(forward):
    """The cond branch around an outermost forward loop (None outside every cond)."""
    ctx = forward.outer
    return ctx if isinstance(ctx, CondContext) else None


def is_loop_switch(op):
    ctx = op._ctx
    return op._type in _SWITCHES and ctx is not None and ctx.is_loop


def is_loop_exit(op):
    return op._type in _EXITS


def loop_constant_enter(t):
    """The constant Enter `t` passes through unchanged (TF's GetLoopConstantEnter), or None."""
    op = t._op
    while op._type in _PASS and op._inputs:
        op = op._inputs[0]._op
    return op if op._type in _ENTERS and op._attrs.get("is_constant") else None


@contextlib.contextmanager
def entered(ctx):
    """Builds in control-flow context `ctx` (None: outside every construct); TF's Enter/Exit."""
    from scopeflow.core.frame import default_graph
    f = default_graph()._frame()
    saved = f.in_cf
    f.in_cf = ctx
    try:
        yield
    finally:
        if ctx is not None:
            flush_all(ctx)
        f.in_cf = saved


def _no_controls():
    from scopeflow.core.frame import default_graph
    return default_graph().control_dependencies(None)


def leave(data, name="Exit"):
    """TF's control_flow_ops.exit: an Exit op named by its own name scope."""
    from scopeflow.core.frame import default_graph
    from scopeflow.ops import cf_ops
    with default_graph().name_scope(name) as scope:
        return cf_ops._exit(data, name=scope)


# ---- the backward loop's context ---------------------------------------------------------------
class GradWhileContext(WhileContext):
    """The backward loop of one forward loop: forward values it reads come from stacks."""

    def __init__(self, graph, grad_state, forward, outer=None):
        from scopeflow.ops.cf_context import CFContext
        CFContext.__init__(self, graph, outer, forward.name)  # gradients/while/while_context
        self.parallel_iterations = forward.parallel_iterations
        self.pivot_t = None
        self.maximum_iterations = forward.maximum_iterations
        self.constant_enters = set()
        self._outside_controls = {}
        self.grad_state = grad_state
        self.xla = self.xla or forward.xla  # TF builds it in the forward loop's outer context
        self.back_prop = getattr(forward, "back_prop", True)
        self.loop_enters, self.loop_exits = [], []
        self.loop_cond = None

    def add_op(self, op):
        """TF's AddOp: the shape of a forward value is taken in the forward loop (and pushed
        on a stack like the value would be)."""
        if not self.xla and op._type in _SHAPES and op._inputs and while_context(
                op._inputs[0]._op) is self.grad_state.forward:
            flush_all(self)
            op._inputs[0]._op._ctx.add_op(op)
            return
        super().add_op(op)

    def stand_in(self, t, scope):
        """A forward-loop value comes from its stack (TF's AddValue with a grad_state)."""
        fwd = while_context(t._op)
        if t._op._type in _EXITS and fwd is not None:
            fwd = _outer_while(fwd)
        if fwd is not None and fwd is self.grad_state.forward:
            return self.grad_state.real_value(t, scope)
        return None


# ---- the state of one forward loop's gradient ---------------------------------------------------
class GradLoopState:
    """The forward loop, its counter, the backward loop, and the stacks between them."""

    def __init__(self, forward, outer=None):
        from scopeflow.core.frame import default_graph
        g = default_graph()
        self.forward, self.outer = forward, outer  # outer: the enclosing loop's state
        # where tf.gradients is called (bounds an XLA loop's stacks: ops/cf_xla.py)
        self.call_ctx = outer.call_ctx if outer is not None else g._frame().in_cf
        self.history = {}  # forward tensor -> its value in the backward loop
        self.switch_map = {}  # forward loop Switch -> backward Merge
        self.unused_exits, self.deferred_exits = [], []
        self.forward_exits = list(forward.loop_exits)
        self.pending_exits = len(self.forward_exits)
        self._forward_sync = self._grad_sync = None
        self.stacks = []  # the StackV2, StackPushV2, StackPopV2 (handle Switch) ops of its stacks
        count, self.forward_index = self._forward_counter(g)
        if outer is None:  # TF builds it in the forward loop's outer context (a cond's branch)
            self.grad = GradWhileContext(g, self, forward, _outer_cond(forward))
        else:  # a nested loop: its trip count of each outer iteration, pushed and popped
            with entered(None):
                history = outer.forward_accumulator(count)
            self.grad = GradWhileContext(g, self, forward, outer.grad)
            count = outer.backward_value(history, count)
        self.grad_index = self._backward_counter(g, count)

    def _forward_counter(self, g):
        """`n = 0; while (...) n++` added to the forward loop: (final n, NextIteration)."""
        from scopeflow.ops import cf_ops as cf
        from scopeflow.ops.constant import constant
        from scopeflow.ops.math import add
        fwd = self.forward
        # (TF: in the enclosing loop when nested, past any cond between the two)
        with entered(self.outer.forward if self.outer is not None else fwd.outer):
            n = constant(0, name="f_count")
        if self.outer is not None:  # the pushes of one run of the inner loop come first
            add_control(n._op, self.outer.forward_index._op._inputs[0]._op)
        with entered(fwd):
            enter_n = fwd.enter(n, False, name="f_count")
            enter_n.set_shape(n.shape)  # TF's _Enter(use_input_shape=True)
            merge_n = merge([enter_n, enter_n])[0]
            switch_n = switch(merge_n, fwd.loop_cond)
            index = add(switch_n[1], 1)
            next_n = cf._next_iteration(index, name="NextIteration")
            g._replace_input(merge_n.op, 1, next_n)
        with entered(fwd.outer):
            total = leave(switch_n[0], "f_count")
        fwd.loop_enters.append(enter_n)
        fwd.loop_exits.append(total)
        _EXIT_OF[total.op] = fwd
        return total, next_n

    def _backward_counter(self, g, count):
        """`n = count; while (n >= 1) n--`: the backward loop's condition and index."""
        from scopeflow.ops import cf_ops as cf
        from scopeflow.ops.constant import constant
        from scopeflow.ops.math import greater_equal, subtract
        ctx = self.grad
        with entered(ctx.outer):
            one = constant(1, name="b_count")
        with entered(ctx):
            enter = ctx.enter(count, False, name="b_count")
            enter.set_shape(count.shape)
            ctx.loop_enters.append(enter)
            m = merge([enter, enter])[0]
            ctx.pivot_t = m
            pred = greater_equal(m, one)
            ctx.loop_cond = cf._loop_cond(pred, name="b_count")
            sw = switch(m, ctx.loop_cond)
            index = subtract(sw[1], one)
            ctx.pivot_t = index
            nxt = cf._next_iteration(index, name="NextIteration")
            g._replace_input(m.op, 1, nxt)
        with entered(ctx.outer):
            final = leave(sw[0], "b_count")
        ctx.loop_exits.append(final)
        if self.outer is not None:  # the pops of one run of the inner loop come first
            add_control(self.outer.grad_sync, final._op)
        return nxt

    @property
    def grad_sync(self):
        """A ControlTrigger that orders the backward loop's pops (`b_sync`)."""
        if self._grad_sync is None:
            from scopeflow.gradients.registry import apply_op
            with entered(None), _no_controls():
                sync = apply_op("ControlTrigger", name="b_sync")
            self._grad_sync = getattr(sync, "_op", sync)
            _place(self._grad_sync, self.grad)
            add_control(self.grad_index._op, self._grad_sync)
        return self._grad_sync

    @property
    def forward_sync(self):
        """A ControlTrigger after the pushes made in conds of the forward body (`f_sync`)."""
        if self._forward_sync is None:
            from scopeflow.gradients.registry import apply_op
            with entered(None), _no_controls():
                sync = apply_op("ControlTrigger", name="f_sync")
            self._forward_sync = getattr(sync, "_op", sync)
            _place(self._forward_sync, self.forward)
            add_control(self.forward_index._op, self._forward_sync)
        return self._forward_sync

    def forward_accumulator(self, value, dead_branch=False):
        """A stack the forward loop pushes `value` on every iteration (TF's f_acc); a value
        in a cond of the body is pushed in its branch (`dead_branch`: on the other one)."""
        from scopeflow.core.frame import default_graph
        from scopeflow.gradients.registry import apply_op
        from scopeflow.ops.constant import constant
        g = default_graph()
        with _no_controls():
            with entered(None), g.colocate_with(value._op):
                max_size = constant(self._stack_size(value), dtype="int32")
                acc = apply_op("StackV2", max_size, elem_type=value.dtype.base_dtype,
                               stack_name="", name="f_acc")
            fwd = self.forward
            with entered(fwd):
                enter_acc = fwd.add_value(acc, g._frame().name_scope + "/"
                                          if g._frame().name_scope else "")
            cond = value._op._ctx if isinstance(value._op._ctx, CondContext) else None
            with entered(cond.outer if dead_branch else cond or fwd):
                push = apply_op("StackPushV2", enter_acc, value, swap_memory=False,
                                name="StackPushV2")
        self.stacks.extend((acc._op, push._op))
        if cond is None:
            add_control(self.forward_index._op, push._op)
        else:
            if dead_branch:
                _move(push._op, cond)
            add_control(self.forward_sync, push._op)
        add_control(push._op, self.forward_index._op._inputs[0]._op)
        return acc

    def _stack_size(self, value):
        """-1 (unbounded), or in an XLA loop the most pushes of one run (TF's max_size)."""
        ctx = value._op._ctx
        if ctx is None or not ctx.xla:
            return -1
        from scopeflow.ops.cf_xla import stack_max_size
        return stack_max_size(value, self.forward, self.call_ctx)

    def backward_value(self, history, value, dead_branch=False):
        """The pop, in the backward loop, of what `history` holds for `value` (a value of a
        cond branch: popped in the backward iterations that took it, behind a Switch on the
        popped predicate)."""
        from scopeflow.gradients.registry import apply_op
        cond = _cond_around(value._op)
        with _no_controls(), entered(self.grad):
            if cond is not None:
                pred = self.history.get(cond.pred, cond.pred)
                branch = 1 - cond.branch if dead_branch else cond.branch
                history = switch(history, pred)[branch]
                self.stacks.append(history._op)  # (a stack's handle: on the host with it)
            pop = apply_op("StackPopV2", history, elem_type=value.dtype.base_dtype,
                           name="StackPopV2")
            pop.set_shape(value.shape)
        self.stacks.append(pop._op)
        if self.grad.parallel_iterations > 1:
            add_control(self.grad_sync, pop._op)
        return pop

    def popped(self, t):
        """`t` of each forward iteration, popped in the backward loop (a cond's predicate)."""
        got = self.history.get(t)
        if got is None:
            with entered(None):
                acc = self.forward_accumulator(t)
            got = self.history[t] = self.backward_value(acc, t)
        return got

    def real_value(self, t, scope):
        """What the backward loop reads for forward tensor `t` (TF's GetRealValue)."""
        from scopeflow.core.frame import default_graph
        got = self.history.get(t)
        if got is not None:
            return got
        g = default_graph()
        with g.name_scope(scope) if scope else contextlib.nullcontext():
            real = self._real_value(t, scope)
        self.history[t] = real
        return real


    def _real_value(self, t, scope):
        cur, state = t, self
        while True:  # a loop constant: the value outside, or the enclosing loop's
            enter = loop_constant_enter(cur)
            if enter is None:
                break
            cur, state = enter._inputs[0], state.outer
            if state is None:
                return self.grad.add_value(cur, scope)
        if cur._op._type == "Const":
            from scopeflow.ops.constant import constant
            with entered(self.grad):
                return constant(cur._op._attrs["value"], dtype=cur.dtype.base_dtype)
        with entered(None):
            history = state.forward_accumulator(cur)
        real = state.backward_value(history, cur)
        if state is not self:
            with entered(self.grad):
                real = self.grad.add_value(real, scope)
        return real


def _resource_zeros(handle):
    from scopeflow import dtypes
    from scopeflow.gradients.sparse import handle_op, known_variable_shape
    from scopeflow.ops.shape_ops import zeros
    var = handle_op(handle)
    dtype = dtypes.float32 if var is None else dtypes.as_dtype(var._attrs["dtype"])
    return zeros(known_variable_shape(handle), dtype=dtype)


def _cond_around(op):
    """The innermost cond `op` is in inside its loop (TF's AddBackpropAccumulatedValue)."""
    ctx = op._ctx
    while ctx is not None:
        if isinstance(ctx, CondContext):
            return ctx
        ctx = ctx.outer
    return None


def _move(op, ctx):
    """Makes `op`, built in the context around `ctx`, one of `ctx`'s ops (TF's
    _set_control_flow_context)."""
    op._ctx = ctx
    if op not in ctx.ops:
        ctx.ops.append(op)


def _place(op_or_t, ctx):
    """Puts an op built outside into `ctx` (TF's _set_control_flow_context)."""
    op = getattr(op_or_t, "_op", op_or_t)
    op._ctx = ctx
    c = ctx
    while c is not None:
        c.ops.append(op)
        c = c.outer


class ControlFlowState:
    """The GradLoopState of each forward loop one tf.gradients call passes through."""

    def __init__(self):
        self.states = {}  # forward WhileContext -> GradLoopState

    def grad_state(self, op, before):
        if before and is_loop_exit(op):
            fwd = _outer_while(while_context(op))
        else:
            fwd = while_context(op)
        return self.states.get(fwd) if fwd is not None else None

    @contextlib.contextmanager
    def grad_context(self, op, before):
        """Builds in the backward loop of `op`'s forward loop (none: where it is)."""
        state = self.grad_state(op, before)
        if state is None:
            yield
        else:
            with entered(state.grad):
                yield

    def add_loop(self, op, between, between_list):
        fwd = while_context(op)
        if fwd in self.states:
            return
        state = GradLoopState(fwd, self.states.get(_outer_while(fwd)))
        self.states[fwd] = state
        for t in state.forward_exits:
            if t._op not in between:
                between.add(t._op)
                between_list.append(t._op)

    def unused_exits(self, pending, to_ops):
        """Exits nothing asked a gradient of, once every exit of their loop is known."""
        found = []
        for state in self.states.values():
            for y in state.forward_exits:
                if pending[y._op] == 0:
                    state.pending_exits -= 1
                    if y._op not in to_ops:
                        state.unused_exits.append(y)
                    if state.pending_exits == 0:
                        found.extend(state.unused_exits)
            for y in state.forward.loop_enters:
                if pending[y._op] == 0:
                    pending[y._op] = 1
        return found

    def zeros_for_exit(self, val):
        """Zeros fed as the gradient of an Exit nothing used (TF's ZerosLikeForExit)."""
        from scopeflow.ops.shape_ops import shape_internal, zeros, zeros_like
        fwd = exit_context(val._op)
        outer = self.states.get(_outer_while(fwd)) if fwd is not None else None
        if outer is None:
            if val.shape.is_fully_defined():
                return zeros(val.shape.as_list(), val.dtype.base_dtype)
            return zeros_like(val, optimize=False)
        # an inner loop's exit: zeros in the enclosing backward loop, shaped as each run's
        if val.shape.is_fully_defined():
            with entered(outer.grad):
                return zeros(val.shape.as_list(), val.dtype.base_dtype)
        with entered(fwd.outer):
            shape = shape_internal(val, optimize=False)
        with entered(None):
            history = outer.forward_accumulator(shape)
        real = outer.backward_value(history, shape)
        with entered(outer.grad):
            return zeros(real, val.dtype.base_dtype)

    def zeros_in_loop(self, op, index):
        """Zeros for output `index` of forward-loop op `op`, in its backward loop; for a
        cond's Switch, only in the backward iterations of the branch that output does not
        feed (TF's dead branch)."""
        from scopeflow.ops.constant import constant
        from scopeflow.ops.shape_ops import shape_internal, zeros
        if is_loop_switch(op):
            return None
        dead = op._type in _SWITCHES
        state = self.states.get(while_context(op))
        val = op._outputs[index]
        cond = op._ctx
        if val.shape.is_fully_defined():
            if val.dtype.base_dtype.name == "resource":  # zeros of the variable's value
                result = _resource_zeros(val)
            else:
                result = constant(0, shape=val.shape.as_list(), dtype=val.dtype.base_dtype)
            if dead:
                result = switch(result, state.history.get(cond.pred))[1 - cond.branch]
            return result
        if dead:
            with entered(cond.outer):
                val = switch(op._inputs[0], cond.pred)[1 - cond.branch]
                zeros_shape = shape_internal(val, optimize=False)
            _move(val._op, cond)
            _move(zeros_shape._op, cond)
        else:
            with entered(op._ctx):
                zeros_shape = shape_internal(val, optimize=False)
        with entered(None):
            history = state.forward_accumulator(zeros_shape, dead)
        shape = state.backward_value(history, zeros_shape, dead)
        with entered(state.grad):
            return zeros(shape, val.dtype.base_dtype)

    def post_process(self):
        """A backward Merge whose loop value never depends on itself gets zeros as its next
        value (TF's PostProcessing)."""
        from scopeflow.core.frame import default_graph
        from scopeflow.ops import cf_ops as cf
        from scopeflow.ops.constant import constant
        from scopeflow.ops.shape_ops import shape_internal, zeros
        g = default_graph()
        for state in self.states.values():
            for merged in state.switch_map.values():
                a, b = merged._op._inputs
                if a is not b:
                    continue
                if a.shape.is_fully_defined():
                    with entered(state.grad):
                        val = constant(0, dtype=a.dtype.base_dtype, shape=a.shape.as_list())
                        nxt = cf._next_iteration(val, name="NextIteration")
                else:
                    with entered(None):
                        val = zeros(shape_internal(a._op._inputs[0], optimize=False))
                    with entered(state.grad):
                        nxt = cf._next_iteration(val, name="NextIteration")
                g._replace_input(merged._op, 1, nxt)

    def record(self):
        """Records every loop involved from its structure, forward loops anew (their counter
        and stack pushes are part of them now)."""
        from scopeflow.checkpoint.import_loops import rebuild_loops
        from scopeflow.lowering.stages import grows, may_grow, on_host
        from scopeflow.ops.host_stacks import host_accumulators, host_stacks
        g, contexts = None, {}
        for fwd in self.states:  # values that change shape: the loop runs on the host (its
            if may_grow(fwd) or fwd in RAGGED or fwd in NESTED_ROWS:  # gradient too: it
                grows(fwd)  # pops values of each iteration's own shape)
        for fwd in self.states:  # a loop nested in one run on the host runs there too
            if _in_host_loop(fwd, on_host):
                grows(fwd)
        for fwd, state in self.states.items():  # a loop run on the host: so is its gradient's
            if on_host(fwd):
                host_stacks(state.stacks)
                host_accumulators(state.grad)
                contexts.update((t._op, fwd) for t in fwd.loop_exits)
                contexts.update((t._op, state.grad) for t in state.grad.loop_exits)
        for state in self.states.values():
            for t in state.grad.loop_exits:  # (a gradient through them is refused, as TF)
                _EXIT_OF[t._op] = state.grad
        for fwd, state in self.states.items():
            _rerecord_conds(fwd, state)
        for fwd in self.states:
            for t in fwd.loop_exits:
                _EXIT_OF[t._op] = fwd
                t._op._cf = None
                g = t._op._graph
        if g is not None:
            rebuild_loops(_topological(g._ops), contexts)


# forward loops whose gradient merges IndexedSlices of rows that may differ per branch (the
# rows change from one iteration to the next: gradients/cond_grad.py `_rows_may_differ`)
RAGGED = weakref.WeakSet()
# forward loops nested in loops whose gradient accumulates IndexedSlices rows (a gather's in
# the body, gradients/loop_grad.py `_accumulate_slices`): the rows the gradient loop gives
# each iteration of the enclosing one are as many as its iterations there, which a compiled
# enclosing loop cannot hold (it padded them to a fixed capacity); on the host they are TF's
NESTED_ROWS = weakref.WeakSet()


def _in_host_loop(fwd, on_host):
    """Whether forward loop `fwd` is nested in a loop that runs on the host: its stacks are
    then host stacks too (a compiled loop's pushes would stay in the step of the host loop's
    iteration that ran it, where the gradient loop's pops, in other steps, cannot reach them)."""
    ctx = fwd.outer
    while ctx is not None:
        if ctx.is_loop and on_host(ctx):
            return True
        ctx = ctx.outer
    return False


def _rerecord_conds(fwd, state):
    """The conds between a nested forward loop and its enclosing loop, recorded anew: the
    loop reads its counter's start (`f_count`, built in the enclosing loop as TF does) and
    the stack handles of its pushes from outside them now. The nested loop itself leaves the
    conds' records (`_HOISTED`): its counter's Exit is pushed outside their outputs (TF's
    `f_count` push in the branch), so the enclosing body runs the loop for that push anyway;
    inside the cond's record it ran a second time, and pushed each value twice. Run there, it
    iterates only where its branches are taken (a host-run body: a BranchValue step; a
    compiled one: under their predicates, lowering/lower.py `_run_in_branch`), so an untaken
    branch's loop neither pushes nor checks, and its counter's push pushes 0."""
    if state.outer is None:
        return
    ctx = fwd.outer
    while ctx is not None and ctx is not state.outer.forward:
        if isinstance(ctx, CondContext) and ctx.exit_ops and ctx.exit_ops[0]._cf is not None:
            _HOISTED.setdefault(ctx.exit_ops[0]._cf[0].contexts[0], set()).add(fwd)
            _rerecord_cond(ctx.exit_ops[0]._cf[0])
        ctx = ctx.outer


# true branch's CondContext -> forward loops in the cond that its record reads from outside
_HOISTED = weakref.WeakKeyDictionary()


def _in_loops(op, loops):
    """Whether `op` is inside one of the while contexts `loops` (its Exit ops count)."""
    ctx = while_context(op)
    while ctx is not None:
        if ctx in loops:
            return True
        ctx = _outer_while(ctx)
    return False


def _rerecord_cond(spec):
    import dataclasses

    from scopeflow.ops.cf_context import Region, own_controls
    from scopeflow.ops.cf_spec import Branch
    ctx_t, ctx_f = spec.contexts
    hoisted = _HOISTED.get(ctx_t, ())
    pivots = [ctx_t.pivot()._op, ctx_f.pivot()._op]
    infra = [pivots[0]._inputs[0]._op] + pivots + [ctx_t.pred._op]
    ops = [op for op in ctx_t.ops + ctx_f.ops  # (forward ops only: no backward loop's)
           if not isinstance(while_context(op), GradWhileContext)
           and not _in_loops(op, hoisted)]
    region = Region(infra + ops, keep_controls=True)
    members = set(region.ops)
    inputs = list(region.inputs)  # (a branch output that a hoisted loop gives: read as is)
    inputs += [t for b in (spec.then_branch, spec.else_branch) for t in b.outputs
               if t._op not in members and t not in inputs and _in_loops(t._op, hoisted)]
    if hoisted:  # only what the branches read: not the stack handles of pushes outside
        inputs = _read_by_branches(spec, inputs)
    inputs, edges = tuple(inputs), tuple(region.edges)
    new = dataclasses.replace(
        spec, inputs=inputs, then_branch=Branch(spec.then_branch.outputs, inputs, edges),
        else_branch=Branch(spec.else_branch.outputs, inputs, edges),
        controls=own_controls(region, ctx_t.outer), variables=tuple(region.variables),
        exits=[], contexts=list(spec.contexts))
    for k, m in enumerate(spec.exits):
        m._cf = (new, k)
        new.exits.append(m)


def _read_by_branches(spec, inputs):
    """Of a cond's outside `inputs`, its predicate and those its branches' outputs are
    computed from (a push in the branch reads a stack handle that a host step cannot feed to
    a compiled cond; the push runs outside the cond's record)."""
    from scopeflow.lowering.slice import backward_slice, data_inputs
    outs = list(spec.then_branch.outputs) + list(spec.else_branch.outputs)
    cut = frozenset(inputs)
    read = {t for op in backward_slice(outs, cut) for t in data_inputs(op)}
    return [t for t in inputs if t is spec.pred or t in read or t in outs]


def _topological(ops):
    """`ops` with every op after its inputs and control inputs (a Merge's back edge from a
    NextIteration aside): a capture made after the op that reads it comes first."""
    done, out = set(), []
    for root in ops:
        if root in done:
            continue
        stack = [(root, False)]
        while stack:
            op, ready = stack.pop()
            if op in done:
                continue
            if ready:
                done.add(op)
                out.append(op)
                continue
            stack.append((op, True))
            back = op._type in ("Merge", "RefMerge")
            for t in op._inputs:
                if t._op not in done and not (back and t._op._type in _NEXTS):
                    stack.append((t._op, False))
            stack.extend((c, False) for c in op._control_inputs if c not in done)
    return out
