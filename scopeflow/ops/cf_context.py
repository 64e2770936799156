"""Control-flow contexts: which ops a cond branch or loop body holds, and how outside values enter.

While a branch or body is built, the context is the frame's `in_cf`; the graph calls `add_op`
for every new op. As in TF, an outside tensor read inside gets a capture op (a `Switch` for a
cond branch, an `Enter` for a loop, named `<op>/Switch`, `<op>/Enter`), an op without inputs
gets a control edge from the branch pivot, and TF's names come out the same. Capture ops are
added just after the op that needs them (TF's order): the rewiring waits for the next op.

At the end, `region` lists every op built for the construct: the cond / loop op runs them as
sub-functions (lax.cond / lax.while_loop), cut at the construct's outside inputs, so they
never run in the enclosing graph.
"""

from scopeflow.core import naming
from scopeflow.core.tensor import add_edge
from scopeflow.ops import registry


class CFContext:
    """Ops built inside one branch / loop; nested contexts add theirs to every ancestor."""

    is_loop = False

    def __init__(self, graph, outer, name):
        self.graph = graph
        self.outer = outer
        self.name = graph.unique_name(name)  # TF reserves the context's name ('cond_text')
        self.ops = []
        self.values = set()  # outside tensors that count as inside (pivots, pred_id, enters)
        self.captured = {}  # outside tensor -> its capture (Switch / Enter output)
        self._pending = []  # (op, input index) waiting for a capture op
        self._building = 0
        self.exit_ops = ()  # the construct's Merge (cond) / Exit (loop) ops, once built
        # built in an XLAControlFlowContext (ops/cf_xla.py): gradient stacks are bounded
        self.xla = graph._frame().xla is not None or (outer is not None and outer.xla)

    def __enter__(self):
        f = self.graph._frame()
        self._saved = f.in_cf
        f.in_cf = self
        return self

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                self.flush()
            else:  # the graph TF leaves behind has the captures made so far
                try:
                    self.flush()
                except Exception:  # noqa: BLE001, S110 - the first error is the one to see
                    pass
        finally:
            self.graph._frame().in_cf = self._saved
        return False

    # ---- the graph's hook ---------------------------------------------------------------------
    def add_op(self, op):
        flush_all(self)
        op._ctx = self
        c = self
        while c is not None:
            c.ops.append(op)
            c = c.outer
        if self._building:
            return
        self.take_controls(op)
        if not op._inputs:
            self.no_inputs(op)
            self.route_controls(op)
            return
        for i, t in enumerate(op._inputs):
            if not self.inside(t):
                self._pending.append((op, i))
        if not any(o is op for o, _ in self._pending):
            self.after_inputs(op)
            self.route_controls(op)

    def flush(self):
        pending, self._pending = self._pending, []
        done = []
        for op, i in pending:
            self._rewire(op, i, self.add_value(op._inputs[i], op._name + "/"))
            if op not in done:
                done.append(op)
        for op in done:
            self.after_inputs(op)
            self.route_controls(op)

    def _rewire(self, op, i, new):
        if new is not op._inputs[i]:
            op._graph._replace_input(op, i, new)

    # ---- what is inside -----------------------------------------------------------------------
    def contains(self, op):
        c = op._ctx
        while c is not None:
            if c is self:
                return True
            c = c.outer
        return False

    def inside(self, t):
        return t in self.values or self.contains(t._op)

    def add_value(self, t, scope):
        """The tensor that stands for `t` inside this context (TF's AddValue)."""
        if self.inside(t):
            return t
        got = self.captured.get(t)
        if got is not None:
            return got
        got = self.stand_in(t, scope)
        if got is not None:
            self.captured[t] = got
            return got
        real = self.outer.add_value(t, scope) if self.outer is not None else t
        out = self.capture(real, scope)
        self.captured[t] = out
        self.values.add(out)
        return out

    def stand_in(self, t, scope):
        """What stands for `t` other than a capture (a gradient loop's popped value), or None."""
        return None

    def make(self, op_type, inputs, attrs, name, scope=None):
        """Adds a control-flow op named `scope + name` (uniquified), free of control deps."""
        g = self.graph
        f = g._frame()
        base = scope[:-1] if scope else f.name_scope
        full = naming.unique_name(g._names_in_use, base, name)
        saved = f.controllers, f.in_cf
        f.controllers, f.in_cf = [], self
        self._building += 1
        try:
            return registry.finish(g, registry.lookup(op_type), full, inputs, attrs)
        finally:
            self._building -= 1
            f.controllers, f.in_cf = saved

    # ---- per kind ----------------------------------------------------------------------------
    def pivot(self):
        raise NotImplementedError

    def capture(self, t, scope):
        raise NotImplementedError

    def no_inputs(self, op):
        """TF: an op without inputs runs only when the branch / iteration does."""
        if not any(self.contains(c) for c in op._control_inputs):
            add_control(op, self.pivot()._op)

    def after_inputs(self, op):
        pass

    def take_controls(self, op):
        pass

    def route_controls(self, op):
        pass


class CondContext(CFContext):
    """One branch of tf.cond: outside values enter through `Switch(x, pred_id)[branch]`."""

    def __init__(self, graph, outer, pred, pivot, branch):
        super().__init__(graph, outer, "cond_text")
        self.pred, self._pivot, self.branch = pred, pivot, branch
        self.values.update((pred, pivot))
        self.output_captures = set()  # captures made for a branch result

    def pivot(self):
        return self._pivot

    def take_controls(self, op):
        """TF's _RemoveExternalControlEdges for a cond inside a loop: control inputs from
        outside the loop leave the op, and, unlike a loop's own ops, it gets no Identity of
        them (the loop runs after them anyway)."""
        loop = _while_of(self)
        if loop is not None:
            detach([(op, c) for c in op._control_inputs
                    if _while_of(_output_context(c)) is not loop])

    def capture(self, t, scope):
        kind = "RefSwitch" if t.dtype._is_ref_dtype else "Switch"
        with self.graph.colocate_with(t, ignore_existing=True):  # TF's _SwitchRefOrTensor
            return self.make(kind, [t, self.pred], {}, "Switch", scope)[self.branch]

    def output(self, t):
        """A branch result: outside values still go through a Switch (TF's output rule)."""
        flush_all(self)  # an input's capture made just before is the one to reuse
        if self.inside(t):
            return t
        fresh = t not in self.captured
        out = self.add_value(t, None)
        if fresh:  # TF builds it as a branch op, not a capture (its WhileContextDef tells)
            self.output_captures.add(out)
        return out


class WhileContext(CFContext):
    """A loop: outside values enter once through `Enter(x, is_constant=True)`."""

    is_loop = True
    grad_state = None  # a gradient loop's GradLoopState (gradients/loop_state.py)

    def __init__(self, graph, outer, parallel_iterations):
        super().__init__(graph, outer, "while_context")
        self.parallel_iterations = parallel_iterations
        self.pivot_t = None  # Merge output (while building cond), then Identity (body)
        self.maximum_iterations = None  # the limit tensor, when given
        self.constant_enters = set()
        self._outside_controls = {}  # op -> (its control inputs from outside, its name scope)

    def pivot(self):
        return self.pivot_t

    def make(self, op_type, inputs, attrs, name, scope=None):
        """As TF builds a loop's ops under the active control_dependencies: they count as
        seen by them (an op fed by one gets no control edge of its own)."""
        controllers = self.graph._frame().controllers
        out = super().make(op_type, inputs, attrs, name, scope)
        op = (out[0] if isinstance(out, (list, tuple)) else out)._op
        for c in controllers:
            if c.control_inputs is not None:
                c.seen.add(op)
        return out

    def take_controls(self, op):
        """TF's _RemoveExternalControlEdges: control inputs from outside this loop leave the
        op; `route_controls` brings them back in through the loop."""
        outside = [c for c in op._control_inputs if _while_of(_output_context(c)) is not self]
        if outside:
            detach([(op, c) for c in outside])
            self._outside_controls[op] = (outside, self.graph._frame().name_scope)

    def route_controls(self, op):
        """TF: each outside control input becomes an Identity of its first output inside the
        loop (read through a constant Enter), and `op` waits for that Identity."""
        outside, scope = self._outside_controls.pop(op, ((), None))
        for c in outside:
            if c._outputs:
                add_control(op, self._identity(c._outputs[0], scope))

    def _identity(self, t, scope):
        g = self.graph
        f = g._frame()
        full = naming.unique_name(g._names_in_use, scope, "Identity")
        saved = f.controllers, f.in_cf
        f.controllers, f.in_cf = [], self
        try:
            op = registry.finish(g, registry.lookup("Identity"), full, [t], {})._op
            flush_all(self)
        finally:
            f.controllers, f.in_cf = saved
        return op

    def enter(self, t, is_constant, name=None, scope=None, input_shape=True):
        """TF's _Enter: the Enter keeps `t`'s shape unless `input_shape` is False (a loop
        variable's, set to its shape invariant); named for its type unless `name` is given."""
        kind = "RefEnter" if t.dtype._is_ref_dtype else "Enter"
        out = self.make(kind, [t], {"frame_name": self.name, "is_constant": is_constant,
                                       "parallel_iterations": self.parallel_iterations},
                        name or kind, scope)
        if input_shape:
            out.set_shape(t.shape)
        return out

    def capture(self, t, scope):
        controllers = self.graph._frame().controllers
        out = self.enter(t, True, scope=scope)
        self.constant_enters.add(out)
        self._outer_controls(out._op, t._op, controllers)
        return out

    def _outer_controls(self, enter, source, controllers):
        """TF's _FixControlInputsAndContext: a capture Enter waits for the active control
        inputs built in the contexts around the loop, up to the enclosing loop."""
        outer_loop = _while_of(self.outer)
        for c in controllers:
            if c.control_inputs is None:
                continue
            if source not in c.seen:
                for x in c.control_inputs:
                    if x is not source and _reaches(self.outer, _output_context(x), outer_loop):
                        add_control(enter, x)
            c.seen.add(enter)

    def no_inputs(self, op):
        if not self.inner_controls(op):
            add_control(op, self.pivot()._op)

    def after_inputs(self, op):
        """TF's _MaybeAddControlDependency: ops fed only by loop constants wait for the pivot."""
        if not self.inner_controls(op) and all(t in self.constant_enters for t in op._inputs):
            add_control(op, self.pivot()._op)

    def inner_controls(self, op):
        """Control inputs from inside the loop (TF moves the others out of it)."""
        return [c for c in op._control_inputs if self.contains(c)]


def _output_context(op):
    """TF's GetOutputContext: a loop's Exit outputs belong to the context around the loop."""
    ctx = getattr(op, "_ctx", None)
    if ctx is not None and op._type in ("Exit", "RefExit"):
        ctx = ctx.outer
    return ctx


def _while_of(ctx):
    while ctx is not None and not ctx.is_loop:
        ctx = ctx.outer
    return ctx


def _reaches(ctx, target, stop):
    """Whether `target` is `ctx` or a context around it, short of the loop `stop`."""
    while ctx is not target:
        if ctx is None or ctx is stop:
            return False
        ctx = ctx.outer
    return True


def flush_all(ctx):
    """Adds the pending capture ops of `ctx` and every context around it."""
    while ctx is not None:
        ctx.flush()
        ctx = ctx.outer


def add_control(op, ctrl):
    if ctrl not in op._control_inputs:
        add_edge(op, ctrl)


def _variable_output(t):
    """A variable's ref output or resource handle: sub-functions run the (pure) variable op
    themselves, so reads and writes inside see the variable's current state."""
    return (t._dtype._is_ref_dtype or t._op._type == "VarHandleOp") and not t._op._inputs


_PASS_REF = frozenset(("Enter", "RefEnter", "Switch", "RefSwitch", "Identity", "RefIdentity"))


def _ref_source(t):
    """The variable op whose ref `t` passes on (through Enter, Switch, Identity), or None."""
    for _ in range(1000):
        if _variable_output(t):
            return t._op
        if t._op._type not in _PASS_REF or not t._op._inputs:
            return None
        t = t._op._inputs[0]
    return None


def _assigned(ops):
    """The ref variables that `ops` assign (Assign, AssignAdd, ScatterUpdate, ...)."""
    return {v for op in ops if op._type.startswith(("Assign", "Scatter")) and op._inputs
            and op._inputs[0]._dtype._is_ref_dtype
            for v in [_ref_source(op._inputs[0])] if v is not None}


def _read_of(t):
    """The ref variable op whose `read` Identity made `t`, or None."""
    op = t._op
    if op._type == "Identity" and op._inputs and op._inputs[0]._dtype._is_ref_dtype \
            and _variable_output(op._inputs[0]):
        return op._inputs[0]._op
    return None


def own_controls(region, outer):
    """The outside control inputs a nested construct waits for itself: those built inside
    the enclosing context (the outermost construct waits for the rest)."""
    return tuple(c for c in region.controls if outer is None or outer.contains(c))


class Region:
    """Everything one cond / while_loop built: its ops, outside inputs and control inputs.

    Outside control inputs move to the construct's op (they must run first, and only once).
    A loop drops them from its ops (TF moves them too); a cond keeps them in the graph, as
    TF does, and its sub-functions are sliced without them (`edges`)."""

    def __init__(self, ops, keep_controls=False):
        self.ops = list(dict.fromkeys(ops))
        members = set(self.ops)
        self.inputs = []
        self.controls = []
        self.edges = []  # (op, outside control input) kept in the graph
        self.variables = []  # variable ops used inside: the run loads their state
        # outside `v/read`s that a loop's constant Enter takes, v assigned inside: TF's read
        # aliases the variable's buffer, so each iteration sees the last assignment (the read
        # runs inside; one that is also a loop variable's initial value is an input too)
        self.reread = []
        seen = set()
        written = _assigned(self.ops)
        for op in self.ops:
            for t in op._inputs:
                if t._op in members:
                    continue
                if _read_of(t) in written and op._type == "Enter" and op._attrs.get(
                        "is_constant"):
                    if t not in self.reread:
                        self.reread.append(t)
                        self.variables.append(_read_of(t))
                elif t not in seen:
                    seen.add(t)
                    if _variable_output(t):
                        self.variables.append(t._op)
                    else:
                        self.inputs.append(t)
            for c in [c for c in op._control_inputs if c not in members]:
                self.edges.append((op, c))
                if c not in self.controls:
                    self.controls.append(c)
        if not keep_controls:
            detach(self.edges)
            self.edges = []


def detach(edges):
    """Removes the control `edges` (op, control input) from the graph; returns those it
    removed (an enclosing construct may have detached one already: a cond in a loop body)."""
    removed = []
    for op, c in edges:
        if c not in op._control_inputs:
            continue
        op._control_inputs.remove(c)
        removed.append((op, c))
        if op in c._control_outputs:
            c._control_outputs.remove(op)
    return removed


