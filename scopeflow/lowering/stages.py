"""Host ops: ops that run in Python on the host, between the compiled stages of a Session.run.

Input pipelines (tf.data iterators, queues, readers), `tf.py_func`, string parsing and ops
whose output shape depends on values (boolean_mask, unique, ...) cannot be one XLA program.
Their op types register a host kernel here; the op itself is still built with
`registry.op(...)` (its shape rule and attrs), and its JAX kernel is never called.

    @host_kernel("QueueDequeueV2")
    def _dequeue(ctx, op, handle):
        return ctx.resource(op.inputs[0]).dequeue(...)   # one value per output of `op`

A run whose slice holds host ops is split into steps (`HostPlan`): a compiled program
computes the inputs of the host ops that are ready, the host ops run on those values (numpy
arrays; strings as object arrays of bytes; resources and variants as any Python object), and
their outputs are fed to the next step, until the fetches are computed. A tensor computed in
one step and used in a later one is carried as a feed, so every op runs once per run.
"""

import threading
import time
import weakref

import numpy as np

from scopeflow.lowering import host_eval

HOST_KERNELS = {}  # op type -> fn(ctx, op, *input values) -> sequence of output values
_RUN = threading.local()  # .deadline: time.monotonic() by which this thread's run must end
# thread id -> deadline of each run in flight that has one: compiled loops poll them from
# XLA's threads (`past_deadline`), which cannot see the thread-local one
_IN_FLIGHT = {}


def set_deadline(deadline):
    """Sets this thread's run deadline (None: none); returns the one it replaces."""
    old = getattr(_RUN, "deadline", None)
    _RUN.deadline = deadline
    if deadline is None:
        _IN_FLIGHT.pop(threading.get_ident(), None)
    else:
        _IN_FLIGHT[threading.get_ident()] = deadline
    return old


def set_cancellation(cancel):
    """Sets this thread's step cancellation (lowering/together.py); returns the old one."""
    old = getattr(_RUN, "cancel", None)
    _RUN.cancel = cancel
    return old


def wait(cond, timeout=None):
    """`cond.wait(timeout)` (the caller holds `cond`) bounded by the run's deadline
    (RunOptions.timeout_in_ms or ConfigProto.operation_timeout_in_ms): past it, TF's
    DeadlineExceededError; CancelledError once another op of the step failed."""
    cancel = getattr(_RUN, "cancel", None)
    if cancel is None:
        return _wait(cond, timeout)
    cancel.watch(cond)
    try:
        return _wait(cond, timeout)
    finally:
        cancel.unwatch(cond)


def _wait(cond, timeout):
    deadline = getattr(_RUN, "deadline", None)
    if deadline is None:
        return cond.wait(timeout)
    left = deadline - time.monotonic()
    if left <= 0:
        raise timed_out()
    return cond.wait(left if timeout is None else min(left, timeout))


def remaining():
    """Seconds left before this thread's run deadline, or None when it has none."""
    deadline = getattr(_RUN, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


def past_deadline():
    """Whether a run in flight is past its deadline (RunOptions.timeout_in_ms or
    ConfigProto.operation_timeout_in_ms): a compiled loop of a run with a deadline asks each
    iteration. (Runs with deadlines in several threads at once: the first to pass stops the
    loops of all of them.)"""
    now = time.monotonic()
    return any(now > d for d in list(_IN_FLIGHT.values()))


def timed_out():
    from scopeflow import errors
    return errors.DeadlineExceededError(None, None, "Graph execution error:\n\nTimed out "
                                        "waiting for notification")


BLOCKING = set()  # host op types that may wait for another thread (queues, readers)


def host_kernel(op_type, blocking=False):
    """Registers the host function of `op_type`: `fn(ctx, op, *inputs) -> outputs`;
    `blocking`: it may wait for another thread (a dequeue from an empty queue)."""

    def deco(fn):
        HOST_KERNELS[op_type] = fn
        if blocking:
            BLOCKING.add(op_type)
        return fn

    return deco


BATCH_KERNELS = {}  # op type -> fn(ctx, ops) -> {op: output value} for the ops it computes


def batch_kernel(op_type):
    """Registers `fn(ctx, ops) -> {op: value}`: computes several ops of `op_type` of one
    program together (before the program's other ops run), so their transform is compiled
    once; ops it leaves out of the dict run their own kernels."""

    def deco(fn):
        BATCH_KERNELS[op_type] = fn
        return fn

    return deco


RUNS_COMPILED = weakref.WeakSet()  # ops of host kernels' types that run compiled all the same


def run_compiled(op):
    """Marks `op`, of a host kernel's type, to run inside the compiled program: its JAX kernel
    computes it on traced inputs (the padded `Unique` of an optimizer's deduplication)."""
    RUNS_COMPILED.add(op)


ON_HOST = weakref.WeakKeyDictionary()  # op of a compiled type -> the host kernel it runs with


def run_on_host(op, kernel):
    """Marks `op`, of a type that runs compiled, to run on the host with `kernel` (the stacks
    between a loop run on the host and its gradient loop: ops/host_stacks.py)."""
    ON_HOST[op] = kernel


HOLDS_COND = weakref.WeakSet()  # ops run on the host whose cond runs there too (a CondStep)


def run_on_host_with_cond(op, kernel):
    """`run_on_host(op, kernel)`, and a tf.cond holding `op` runs as a host step: its values
    (an Optional's) cannot enter a compiled program, so neither may the cond's Switch ops."""
    run_on_host(op, kernel)
    HOLDS_COND.add(op)


def is_host_op(op):
    """Whether `op` runs on the host: a host kernel's op type not marked by `run_compiled`, an
    op marked by `run_on_host`, or one whose inputs change per run (lowering/host_eval.py)."""
    if op._type in HOST_KERNELS:
        return op not in RUNS_COMPILED or op in ON_HOST
    return op in ON_HOST or host_eval.on_host(op, is_host_op)


def kernel_of(op):
    """The host kernel host op `op` runs with."""
    kernel = ON_HOST.get(op)
    if kernel is not None:
        return kernel
    if op._type in HOST_KERNELS:
        return HOST_KERNELS[op._type]
    return host_eval.evaluate  # (lowering/host_eval.py)


class HostContext:
    """What a host kernel may use: the Session, its resources, and nested runs.

    `resources` is a dict owned by the Session (one per Session, as TF's resource manager):
    queues, iterators, readers keep their state there, keyed as the kernel chooses (usually
    the op that creates the resource). Objects in it with a `session_closed()` method have it
    called when the Session closes (TF cancels blocked queue ops then).
    """

    def __init__(self, session):
        self.session = session

    @property
    def resources(self):
        return self.session._resources


class HostVariable:
    """A resource variable of `session` (its VarHandleOp `op`) handed to a host op: what a
    tf.data function that captured the variable reads and updates as it runs (TF passes the
    handle, so each element sees the variable's value at that time)."""

    __slots__ = ("op", "session")

    def __init__(self, session, op):
        self.session, self.op = session, op


def variable_handle(t):
    """The VarHandleOp behind resource tensor `t` (a host op's input), or None."""
    if t._dtype._enum != 20:  # DT_RESOURCE
        return None
    from scopeflow.lowering.slice import variable_of
    var = variable_of(t)
    return var if var is not None and var._type == "VarHandleOp" else None


class NeedValues(Exception):
    """A compiled step needs `tensors`' values when it is traced (they set a shape) and they
    depend on more than fed values: the Session computes them in an earlier step."""

    def __init__(self, tensors):
        super().__init__(", ".join(t.name for t in tensors))
        self.tensors = tuple(tensors)


class HostPlan:
    """The steps of a run whose slice holds host ops: ("compiled", Program) and ("host", op).

    Built from the graph alone (no values): the first host op of the remaining slice (in
    execution order, so none of its dependencies is a host op) gets a compiled step for its
    inputs, unless they are known; tensors that step computes and later steps use (boundary
    tensors) are fetched with them and fed onwards, and its ops count as done. `early`
    tensors (values that set shapes, see NeedValues) get a compiled step of their own first.
    `connect`: (placeholder, tensor) pairs, each placeholder taking its tensor's value in the
    run without a feed (tf_keras' tensor connections: Keras' fit on an iterator's
    `get_next()`); the tensors are made first, an ("alias", pairs) step hands their values
    on, and the rest of the run reads them.
    """

    def __init__(self, graph, tensors, ops, fed, early=(), inside=None, skip=(), connect=()):
        from scopeflow.lowering import cache

        self._cache, self._graph, self.early = cache, graph, tuple(early)
        self.inside = inside  # the cond branch or loop (context) these steps run, if any
        self.connect = tuple(connect)
        self.steps = []
        self._known = list(fed)
        self._known_set = set(fed)
        self._done = set(skip)  # a loop's Merge and Switch ops: its cut values are fed
        if self.connect:
            made = list(dict.fromkeys(t for _, t in self.connect if t not in self._known_set))
            self._fetched = made
            self._walk(made, made, (), [], final=False)
            self.steps.append(("alias", self.connect))
            places = [p for p, _ in self.connect]
            self._known.extend(places)
            self._known_set.update(places)
        targets = [t for t in tensors if t not in self._known_set] + list(ops)
        self._fetched = targets[:len(targets) - len(ops)]
        self._walk(targets, tensors, ops, [t for t in early if t not in self._known_set])

    def _walk(self, targets, tensors, ops, early, final=True):
        """Steps for `targets` (the fetched `tensors`, then target `ops`): host steps and
        compiled steps until all is computed; with `final` False the last compiled step's
        values are known afterwards and its ops done, for the steps that follow."""
        from scopeflow.lowering.slice import backward_slice, data_inputs

        known_set, done, inside = self._known_set, self._done, self.inside
        while True:
            order = backward_slice(targets, known_set, done)
            host = first_host(order)
            if early:
                pre = backward_slice(early, known_set, done)
                host = first_host(pre)
                if host is None:
                    self._stage(early, [], pre, order)
                    early = []
                    continue
            if host is not None and getattr(host, "_ctx", None) not in (None, inside):
                host = _branch_value(host, inside)
            if host is None:
                rest = [t for t in tensors if t not in known_set]
                if order and final:
                    self._compiled(rest, [op for op in ops if op not in done])
                elif order:
                    self._stage(rest, [], order, [])
                return
            if host._type in BLOCKING:
                free, ready = _unblocked(order, known_set)
                first = first_host(free)
                if first is not None:  # a host op that waits for nothing runs first
                    host = first
                elif any(_has_effect(op) for op in free):
                    made = set(free)  # host ops take values, a variable's ref too
                    need = [t for op in order if op not in made and runs_on_host(op)
                            for t in data_inputs(op) if t._op in made]
                    self._stage(list(dict.fromkeys(need)), [
                        op for op in free if _has_effect(op) or not op._outputs], free, order)
                    continue
                elif len(ready) > 1:
                    self._together(ready, order)
                    continue
            # (a resource variable's handle is no value: the host op gets a HostVariable)
            inputs = [t for t in host._inputs if variable_handle(t) is None]
            pre = backward_slice(inputs + list(host._control_inputs), known_set, done)
            if pre:
                self._stage([t for t in inputs if t not in known_set],
                            [c for c in host._control_inputs if c not in done], pre, order)
            self.steps.append(("host", host))
            self._known.extend(host._outputs)
            known_set.update(host._outputs)
            done.add(host)
            if isinstance(host, ConstructStep):
                done.update(host.spec.exits)
            elif isinstance(host, BranchValue):
                done.add(host.op)
                if isinstance(host.op, LoopStep):
                    done.update(host.op.spec.exits)
            early = [t for t in early if t not in known_set]

    def _together(self, ops, order):
        """One ("together", ops) step for blocking host ops that wait for nothing else
        (lowering/together.py), after a compiled step for their inputs."""
        from scopeflow.lowering.slice import backward_slice

        known_set, done = self._known_set, self._done
        inputs = [t for op in ops for t in op._inputs if t not in known_set]
        ctrl = [c for op in ops for c in op._control_inputs if c not in done]
        pre = backward_slice(inputs + ctrl, known_set, done)
        if pre:
            self._stage(list(dict.fromkeys(inputs)), list(dict.fromkeys(ctrl)), pre, order)
        self.steps.append(("together", tuple(ops)))
        for op in ops:
            self._known.extend(op._outputs)
            known_set.update(op._outputs)
            done.add(op)

    def _stage(self, need, ctrl, pre, order):
        """A compiled step for `need` (and `ctrl` ops), whose slice is `pre`; what it makes
        that the rest of `order` uses is fetched too and fed onwards."""
        from scopeflow.lowering.lower import tensor_array_handle
        from scopeflow.lowering.slice import data_inputs, is_handle, is_variable_op

        pre_set = set(pre)
        need = list(need)
        seen = set(need)
        later = [t for op in order if op not in pre_set for t in data_inputs(op)]
        # (a stack's push or pop in a cond branch reads the values its Switch ops pass on)
        later += [_switched(t) for op in order if op in ON_HOST and op not in pre_set
                  for t in op._inputs]
        later += recomputed(op for op in order if op not in pre_set)
        ran = _loops_run(pre)
        for t in later + self._fetched:  # boundary tensors: made now, used later
            if (t._op in pre_set or t._op in ran) and t not in seen and (
                    not is_handle(t) or tensor_array_handle(t) or t._op._type == "StackV2"
                    or _assigned_ref(t)):
                seen.add(t)
                need.append(t)
        self._compiled(need, ctrl)
        self._known.extend(need)
        self._known_set.update(need)
        # variables and what forwards their handles (a loop's RefEnter) run again where used
        self._done.update(op for op in pre if not is_variable_op(op) and not (
            op._type in _HANDLE_FORWARDS and all(is_handle(t) for t in op._outputs)))

    def _compiled(self, tensors, ops):
        prog = self._cache.program(self._graph, tensors, ops, list(self._known),
                                   frozenset(self._done), carry=True)
        if prog.host:  # cannot happen: the first host op of a slice is always staged
            raise AssertionError("host op left in a compiled step")
        prog.inside = self.inside  # (its random ops run there: RunContext.invocation)
        self.steps.append(("compiled", prog))


def recomputed(ops):
    """Float outputs of the forward ops that the SymbolicGradient ops among `ops` re-run: made
    in an earlier step, they are carried to the gradient's step, whose re-run keeps their
    values (gradients/symbolic.py), not values rounded anew."""
    for op in ops:
        if op._type == "SymbolicGradient" and op._attrs.get("plan") is not None:
            for group in op._attrs["plan"].groups:
                for fwd in group.order:
                    for t in fwd._outputs:
                        if t._dtype.base_dtype.is_floating and fwd._ctx is None:
                            yield t


_NEXTS = frozenset(("NextIteration", "RefNextIteration"))
_HANDLE_FORWARDS = frozenset(("Enter", "RefEnter", "Identity", "RefIdentity"))


def _assigned_ref(t):
    """A ref output of an assign op (TF's loops read one through a RefEnter when they route
    an outside control edge): the op runs once, so a later step gets its value carried."""
    return (t._dtype._is_ref_dtype and t._op._inputs
            and t._op._type not in _HANDLE_FORWARDS and t._op._type not in _NEXTS)


def _loops_run(pre):
    """The Exit ops of every loop that a step runs for one of its exits: the loop runs once,
    so its other results are fetched with it (a gradient loop pops stacks the forward loop
    pushed in this step; run again later it would find them gone)."""
    found = set()
    for op in pre:
        spec = op._cf[0] if op._type in ("Exit", "RefExit") and op._cf is not None else None
        found.update(getattr(spec, "exits", ()))
    return found


def _unblocked(order, cut):
    """The ops of `order` that wait for no blocking host op, and the blocking host ops that
    wait for nothing else. TF runs a step's ops as their inputs are ready: while a dequeue
    waits on an empty queue, the others run, and one that fails (a count_up_to past its limit)
    ends the step and cancels the wait; so they run first."""
    from scopeflow.lowering.slice import deps

    waiting = set()
    free, ready = [], []
    for op in order:
        if any(d in waiting for d in deps(op, cut)):
            waiting.add(op)
        elif op._type in BLOCKING:
            waiting.add(op)
            ready.append(op)
        else:
            free.append(op)
    return free, ready


_EFFECTS = frozenset(("Assert", "CheckNumerics", "CheckNumericsV2", "AssignVariableOp",
                      "AssignAddVariableOp", "AssignSubVariableOp", "SaveV2", "RestoreV2",
                      "MergeV2Checkpoints"))


def _has_effect(op):
    """Whether `op` changes state or can fail the run (then its order against a wait shows)."""
    from scopeflow.ops.registry import REGISTRY

    t = op._type
    if t in _EFFECTS or (t.startswith("Resource") and not t.startswith("ResourceGather")):
        return True
    rec = REGISTRY.get(t)
    return rec is not None and rec.stateful and bool(rec.ref_args)


class ConstructStep:
    """A cond or loop holding host ops, run as one host step from its outside values (earlier
    steps make them); its branches, condition or body run through steps of their own
    (`plans`: key -> (graph version, HostPlan))."""

    _cf = None
    _attrs = {}  # noqa: RUF012 - read only

    def __init__(self, spec):
        self.spec = spec
        self._inputs = tuple(spec.inputs)
        self._control_inputs = tuple(spec.controls)
        self._outputs = tuple(t for m in spec.exits for t in m._outputs)
        self._name = spec.exits[0]._name
        self._ctx = spec.exits[0]._ctx
        self.plans = {}


class CondStep(ConstructStep):
    """A tf.cond whose branches hold host ops: only the taken branch's ops run (TF: the
    untaken branch's ops do not); `plans` keyed by branch."""

    _type = "_HostCond"


class LoopStep(ConstructStep):
    """A tf.while_loop holding host ops, run by the host as TF's executor runs it: each
    iteration runs the condition's steps, then the body's (`plans` keyed "c" and "b"), its
    loop values fed; the loop ends when the condition is false. A failed check or host op
    ends the run at that iteration, as in TF."""

    _type = "_HostLoop"


_STEPS = weakref.WeakKeyDictionary()  # CondSpec / LoopSpec -> its step, or False (no host op)


def host_cond(op):
    """The CondStep / LoopStep of `op`, a cond's Merge or a loop's Exit, when the construct
    holds host ops; else None."""
    cf = op._cf
    if cf is None:
        return None
    spec = cf[0]
    step = _STEPS.get(spec)
    if step is None:
        step = False
        if hasattr(spec, "then_branch"):
            ctxs = getattr(spec, "contexts", ())
            if (ctxs and not _in_compiled_loop(ctxs[0]) and any(
                    o._type in HOST_KERNELS or o in HOLDS_COND
                    for c in ctxs for o in c.ops)) or (
                    not ctxs and _rebuilt_on_host(spec)):
                step = CondStep(spec)
        elif getattr(spec, "context", None) is not None and not _in_compiled_loop(
                spec.context.outer) and on_host(spec.context):
            step = LoopStep(spec)  # (an imported cond's SelectMerge has no context)
            from scopeflow.ops.ta_host import host_arrays
            host_arrays(spec.context)  # (its dynamic_size arrays: one program per step)
        _STEPS[spec] = step
    return step or None


class BranchValue:
    """A data-dependent host op of a tf.cond branch whose values are read from outside its cond
    (a gradient reads forward branch values directly, as TF's does): it runs as a host step of
    the enclosing plan, on the values its branch's Switch passes on, as the compiled forward
    values a gradient reads are computed. TF does not run an untaken branch: there a failure
    gives empty values (which only the untaken gradient branch reads) instead of an error."""

    _cf = None
    _attrs = {}  # noqa: RUF012 - read only
    _type = "_BranchValue"
    _control_inputs = ()

    def __init__(self, op, branches):
        self.op, self.branches = op, branches  # ((pred tensor, branch), ...) outermost last
        ins = op._inputs
        # a stack's push or pop, or a loop run on the host, runs only in its taken branch: on
        # the values its Switch ops pass on (a stack's handle: host only)
        if op in ON_HOST or isinstance(op, LoopStep):
            ins = [_switched(t) for t in ins]
        self._inputs = tuple(ins) + tuple(p for p, _ in branches)
        self._control_inputs = tuple(op._control_inputs)
        self._outputs = tuple(op._outputs)
        self._name, self._ctx = op._name, op._ctx


def _switched(t):
    """The value a cond's Switch output `t` passes on in its branch."""
    while t._op._type in ("Switch", "RefSwitch"):
        t = t._op._inputs[0]
    return t


def _branch_value(op, inside):
    """The BranchValue step of host op `op` met by a plan running `inside` (a context or
    None); TF's UnimplementedError when `op` is not a pure data-dependent op of conds there."""
    from scopeflow.ops.dynamic_shape import SIZED_HOST_OPS

    branches, ctx = [], op._ctx
    while ctx is not inside and ctx is not None and hasattr(ctx, "branch"):
        branches.append((ctx.pred, ctx.branch))
        ctx = ctx.outer
    if ctx is not inside or (op._type not in SIZED_HOST_OPS and op not in ON_HOST
                             and not isinstance(op, LoopStep)):
        from scopeflow.errors import UnimplementedError
        from scopeflow.lowering.lower import _HOST_IN_CF
        raise UnimplementedError(None, op, _HOST_IN_CF % (op._name, op._type))
    if op in ON_HOST:
        branches = _live_when(op) or branches
    return BranchValue(op, tuple(branches))


def _live_when(op):
    """((pred, branch), ...): the Switch outputs whose values reach `op` inside its conds, as
    TF's executor decides whether it runs (a dead-branch push of a gradient's zeros shape sits
    in one branch's context yet runs on the other's Switch output). A Switch's own data counts
    too: a cond nested in another's branch runs only where the outer branch was taken."""
    found, seen, todo = [], set(), list(op._inputs)
    while todo:
        t = todo.pop()
        if t in seen:
            continue
        seen.add(t)
        if t._op._type in ("Switch", "RefSwitch"):
            if t._op._inputs[1]._op._type != "LoopCond":  # (a loop's own Switch: live inside)
                found.append((t._op._inputs[1], t._value_index))
                todo.append(t._op._inputs[0])  # (a cond nested in a branch: the outer Switch)
        elif hasattr(t._op._ctx, "branch"):  # (a value from outside the conds: always live)
            todo.extend(t._op._inputs)
    return list(dict.fromkeys(found))


@host_kernel("_BranchValue")
def _run_branch_value(ctx, step, *values):
    import numpy as np
    op = step.op
    n = len(op._inputs)
    taken = all(bool(np.asarray(p)) == bool(b) for p, (_, b) in zip(values[n:], step.branches))
    # (a stack's push or pop, or a loop that pushes, in a branch not taken: not run)
    if taken or (op not in ON_HOST and not isinstance(op, LoopStep)):
        try:
            return kernel_of(op)(ctx, op, *values[:n])
        except Exception:
            if taken:
                raise
    return empty_values(op)


def empty_values(op):
    """Zeros for the outputs of an op that did not run (unknown dims: 0), as TF's dead
    values that only an untaken branch reads."""
    import numpy as np
    return [np.zeros([0 if d is None else d for d in t._shape._dims or ()],
                     t._dtype.base_dtype.as_numpy_dtype) for t in op._outputs]


def _rebuilt_on_host(spec):
    """Whether a cond rebuilt from its ops (a gradient's, an imported one) outside loops holds
    host ops: then it runs as a CondStep too, its taken branch's ops as a plan of their own."""
    from scopeflow.lowering.slice import backward_slice

    outs = list(spec.then_branch.outputs) + list(spec.else_branch.outputs)
    ops = backward_slice(outs, frozenset(spec.inputs))
    return all(o._ctx is None for o in ops) and any(runs_on_host(o) for o in ops)


GROWS = weakref.WeakSet()  # loop contexts whose values change shape: they run on the host


def grow_on_host(loop):
    """Makes while context `loop` (one whose values changed shape when traced:
    cf_run.LoopShapes) and the loops around it run on the host from now on; False where it
    cannot (no context: an imported loop; or it already does)."""
    if loop is None or loop in GROWS:
        return False
    grows(loop)
    loop.graph._edits += 1  # a new graph version: plans and programs are made again
    return True


def grows(loop):
    """Makes while context `loop`, whose values may change shape, and the loops around it
    run on the host."""
    while loop is not None:
        if not hasattr(loop, "branch"):
            GROWS.add(loop)
        loop = loop.outer
    _STEPS.clear()  # (decisions made before: recomputed as the plans are)


def may_grow(loop):
    """Whether a loop value of while context `loop` may change shape, or a value in its body
    has a size that changes per iteration (then the loop runs on the host): a value enters
    the loop with a full shape that a shape invariant relaxes, one of unknown dims is made by
    a concat or a pad in the body (growing it), or a body op's output size is set by a value
    of the iteration (`x[i:]`, `tf.range(i)`)."""
    for e in getattr(loop, "loop_enters", ()):
        start, inv = e._op._inputs[0].shape, e.shape
        if start.is_fully_defined() and not inv.is_fully_defined():
            return True
    for o in loop.ops:
        if o._type in _NEXTS and o._ctx is loop and _grows(o._inputs[0]):
            return True
        if o._type in _SIZED and _loop_of(o) is loop and _sized_per_iteration(o):
            return True
    return False


def _loop_of(op):
    ctx = op._ctx
    while ctx is not None and not ctx.is_loop:
        ctx = ctx.outer
    return ctx


def _grows(t):
    """Whether `t` is a concat or pad along a dim of unknown size (a loop value it may
    grow)."""
    from scopeflow.ops.array_base import static_value

    op, dims = t._op, t.shape._dims
    if dims is None:
        return False
    if op._type in ("Pad", "PadV2", "MirrorPad"):
        pads = static_value(op._inputs[1])
        return pads is None or any(d is None and np.any(p != 0) for d, p in zip(dims, pads))
    if op._type not in ("ConcatV2", "Concat"):
        return False
    axis = static_value(op._inputs[-1] if op._type == "ConcatV2" else op._inputs[0])
    if axis is None or axis.ndim:
        return False
    return -len(dims) <= int(axis) < len(dims) and dims[int(axis)] is None


_SIZED = {"Pad": 1, "PadV2": 1, "MirrorPad": 1, "Range": 0, "StridedSlice": 1, "Slice": 1}


def _sized_per_iteration(op):
    """Whether `op`'s output size comes from values that change per iteration: a slice whose
    size the graph does not give (x[i:], tf.slice(x, [i], [-1])), a pad or range by them."""
    from scopeflow.ops.array_base import static_value
    from scopeflow.ops.slicing import size_per_iteration

    first = _SIZED.get(op._type)
    if first is None or not any(_varies(t, _loop_of(op)) for t in op._inputs[first:]):
        return False
    if op._type in ("StridedSlice", "Slice"):
        return size_per_iteration(op)
    return any(static_value(t) is None for t in op._inputs[first:])


def _varies(t, loop, limit=200):
    """Whether `t` is computed from a value of `loop` that changes per iteration (its Merge
    outputs), not through a shape (Shape, Size, Rank: fixed where the loop is compiled)."""
    stack, seen = [t], set()
    while stack and len(seen) < limit:
        t = stack.pop()
        op = t._op
        if op in seen or op._type in ("Shape", "Size", "Rank", "ShapeN", "Const"):
            continue
        seen.add(op)
        if op._type in ("Merge", "RefMerge") and op._ctx is loop:
            return True
        if _loop_of(op) is loop:
            stack.extend(op._inputs)
    return False


def on_host(loop):
    """Whether a loop (context) runs on the host: it holds host ops, carries strings (a
    string loop value, a TensorArray of strings), which XLA cannot hold, reads an array
    whose elements may differ in shape (infer_shape=False without a full element_shape: a
    compiled body has one shape per value, TF's reads give each element's own), or its
    values change shape (`GROWS`)."""
    from scopeflow import dtypes as _dt

    if loop in GROWS:
        return True
    for o in loop.ops:
        if o._type in HOST_KERNELS or o in ON_HOST:
            return True
        if o._type in ("Merge", "Enter") and o._ctx is loop and o._outputs and \
                o._outputs[0]._dtype.base_dtype is _dt.string:
            return True
        if o._type.startswith("TensorArray") and o._inputs:
            array = _array_op(o._inputs[0])
            if array is not None and (array._attrs.get("dtype") is _dt.string or (
                    o._type in _ELEMENT_READS and _ragged(array))):
                return True
            if o._type in _GROWING_WRITES and array is not None and \
                    array._attrs.get("dynamic_size"):
                return True  # a dynamic_size TensorArray written per iteration grows (seq2seq)
    return False


_GROWING_WRITES = frozenset(("TensorArrayWriteV3", "TensorArrayScatterV3"))
_ELEMENT_READS = frozenset(("TensorArrayReadV3", "TensorArrayGatherV3"))


def _ragged(array):
    """Whether TensorArrayV3 op `array` may hold elements of different shapes."""
    shape = array._attrs.get("element_shape")
    return array._attrs.get("identical_element_shapes") is False and not (
        shape is not None and shape.is_fully_defined())


def _array_op(handle):
    """The TensorArrayV3 op `handle` comes from (through the ops that pass it on), or None."""
    for _ in range(10000):
        op = handle._op
        if op._type == "TensorArrayV3":
            return op
        if op._type not in _HANDLE_FORWARDS and op._type not in ("Switch", "Merge") or \
                not op._inputs:
            return None
        handle = op._inputs[0]
    return None


def _in_compiled_loop(ctx):
    """Whether `ctx` lies in a loop that runs compiled (one without host ops: lax.while_loop
    cannot call the host's steps)."""
    while ctx is not None:
        if not hasattr(ctx, "branch") and not on_host(ctx):
            return True
        ctx = ctx.outer
    return False


def first_host(order):
    """The first op of `order` that runs on the host (a ConstructStep for a host cond or loop)."""
    for op in order:
        if is_host_op(op):
            return op
        if op._cf is not None:
            step = host_cond(op)
            if step is not None:
                return step
    return None


def runs_on_host(op):
    return is_host_op(op) or (op._cf is not None and host_cond(op) is not None)


@host_kernel("_HostCond")
def _run_cond(ctx, step, *values):
    import numpy as np
    spec = step.spec
    vals = dict(zip(spec.inputs, values))
    taken = bool(np.asarray(vals[spec.pred]))
    branch = 1 if taken else 0
    index = np.asarray(branch, np.int32)
    if not spec.contexts:  # rebuilt from its ops: the taken branch's ops, its inputs fed
        outputs = (spec.then_branch if taken else spec.else_branch).outputs
        got = ctx.session._run_branch(step, branch, None, list(outputs), vals)
        return [x for v in got for x in (v, index)]
    bctx = spec.contexts[0 if taken else 1]
    pred = np.asarray(taken)
    feeds = {bctx.pred: pred, bctx.pivot(): pred, bctx.pivot()._op._inputs[0]: pred}
    for capture in bctx.captured.values():  # Switch(value, pred_id)[branch]: the value
        source = capture._op._inputs[0]
        if source in vals:  # (not a gradient's stack handle captured later: run elsewhere)
            feeds[capture] = vals[source]
    for t in spec.inputs:  # a loop of the branch run before (gradients/loop_state._HOISTED)
        if bctx.contains(t._op):
            feeds[t] = vals[t]
    outputs = (spec.then_branch if taken else spec.else_branch).outputs
    got = ctx.session._run_branch(step, branch, bctx, list(outputs), feeds)
    return [x for v in got for x in (v, index)]


@host_kernel("_HostLoop")
def _run_loop(ctx, step, *values):
    spec = step.spec
    final = _run_iterations(ctx, step, values)
    cut = getattr(spec, "exit_cut", ())
    if not cut:
        return final
    # a loop rebuilt from its ops (a gradient's): its Exit ops read the final loop values
    # (`exit_cut`), directly or through ops of their own
    if all(t in cut for t in spec.exit_outs):
        return [final[cut.index(t)] for t in spec.exit_outs]
    feeds = dict(zip(cut, final))
    feeds.update(zip(spec.inputs, values))
    return ctx.session._run_branch(step, "e", spec.context, list(spec.exit_outs), feeds,
                                   spec.skip)


def _run_iterations(ctx, step, values):
    import numpy as np
    spec = step.spec
    outside = dict(zip(spec.inputs, values))
    for op in spec.context.ops:  # the loop's constant Enters pass their value on as it is
        if (op._type == "Enter" and op._ctx is spec.context and op._attrs.get("is_constant")
                and op._inputs[0] in outside):
            outside[op._outputs[0]] = outside[op._inputs[0]]  # (a queue or iterator handle)
    loop = [values[p] for p in spec.init_pos]
    run = ctx.session._run_branch
    # a loop rebuilt from its ops ends its body at the NextIteration ops: their inputs, and
    # their control inputs (TF's stack pushes of a gradient loop), run every iteration
    outs = [t._op._inputs[0] if t._op._type in _NEXTS else t for t in spec.body_outs]
    after = [c for t in spec.body_outs if t._op._type in _NEXTS
             for c in t._op._control_inputs]
    while True:
        feeds = dict(zip(spec.cond_cut, loop))
        feeds.update(outside)
        go = run(step, "c", spec.context, [spec.cond_out], feeds, spec.skip)[0]
        if not bool(np.asarray(go)):
            return loop
        feeds = dict(zip(spec.body_cut, loop))
        feeds.update(outside)
        loop = run(step, "b", spec.context, outs, feeds, spec.skip, after)
