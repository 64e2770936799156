"""Running cond branches and loop bodies inside a traced run: lax.cond and lax.while_loop.

A branch or body is a sub-function of the graph (lowering's `subgraph_function`). XLA control
flow needs pure functions, so each call runs against a snapshot of the run context and hands
back what it did: variables written and run-time checks made. Those become extra outputs of
the `lax.cond` / extra loop carry, and are applied to the context afterwards. A first call of
each sub-function outside the XLA construct finds them (its ops are dead code XLA drops).

A loop that JAX differentiates (a SymbolicGradient's jax.vjp) is, with a static
`maximum_iterations`, a masked `lax.scan` of that length, so reverse-mode gradients flow
through it (design decision 5); without one, a `lax.while_loop` with a custom reverse-mode rule
(cf_loop_vjp.py). Any other loop is a `lax.while_loop`, bounded by `maximum_iterations` where
it has one: TF's gradient loops read the forward loop's values through stacks. Its run-time
checks' flags travel as one vector (anded once per iteration).
"""

import contextlib
import functools
import weakref

import jax
import jax.experimental
import jax.numpy as jnp
import numpy as np

from scopeflow.lowering.context import DrawCount
from scopeflow.lowering.stages import past_deadline, remaining
from scopeflow.ops.cf_loop_vjp import while_loop_vjp
from scopeflow.ops.cf_spec import LoopSpec, read_once
from scopeflow.ops.optional_ops import OptState, align_optional
from scopeflow.ops.ta_state import TAState, align, dtype_of, shape_of, strong

_subs = weakref.WeakKeyDictionary()  # Branch / LoopSpec -> {key: sub-function}


def _sub(owner, key, outputs, inputs, skip=()):
    """The sub-function (sliced without the construct's outside control edges)."""
    from scopeflow.lowering.lower import subgraph_function
    fns = _subs.setdefault(owner, {})
    if key not in fns:
        with _detached(owner):
            fns[key] = subgraph_function(list(outputs), list(inputs), _outside(owner, skip))
    return fns[key]


def sub_order(owner, outputs, inputs, skip=()):
    """The ops that sub-function `_sub(owner, key, outputs, inputs, skip)` runs, in order.
    (The construct's outside control edges stay: their ops are among those the slice stops
    at, so it is the slice `_sub` makes with them detached, without editing the graph.)"""
    from scopeflow.lowering.slice import backward_slice
    return backward_slice(list(outputs), frozenset(inputs), _outside(owner, skip))


def _outside(owner, skip):
    """`skip` and the outside ops the construct's ops wait for: they run once, before the
    construct, never inside it (a loop nested in a cond branch also lists them)."""
    return tuple(skip) + tuple(dict.fromkeys(c for _, c in getattr(owner, "edges", ())))


@contextlib.contextmanager
def _detached(owner):
    """The construct's outside control edges (`owner.edges`) out of the graph meanwhile."""
    from scopeflow.ops.cf_context import detach
    edges = getattr(owner, "edges", ())
    # the lists as they were, restored in their order (`op.control_inputs` keeps TF's order)
    lists = {id(lst): lst for op, c in edges
             for lst in (op._control_inputs, c._control_outputs) if type(lst) is list}
    saved = [(lst, list(lst)) for lst in lists.values()]
    detach(edges)
    try:
        yield
    finally:
        for now, was in saved:
            now[:] = was


def _call(ctx, fn, args, var_values=None):
    """fn(ctx, *args) as a pure call: (outputs, {var op: value written}, [Check])."""
    snap = ctx.snapshot()
    if var_values:
        ctx.restore(({**snap[0], **var_values}, snap[1]))
    n = len(ctx.checks)
    ctx.conditional += 1
    try:
        outs = fn(ctx, *args)
        # run state first set in this call (a TensorArray or stack made inside the body or
        # branch: a new one each time) ends with it; loops and conds carry only the rest
        writes = {v: x for v, x in ctx.written.items() if snap[1].get(v) is not x
                  and (v in snap[0] or not isinstance(x, TAState))}
        checks = list(ctx.checks[n:])
    finally:
        ctx.conditional -= 1
        ctx.restore(snap)
        del ctx.checks[n:]
    return list(outs), writes, checks


def _is_static(x):
    return not isinstance(x, jax.core.Tracer)


_strong = strong  # (a TensorArray's state keeps its own dtypes)


# ---- cond -----------------------------------------------------------------------------------
def run_cond(ctx, pred, inputs, spec):
    """The taken branch's outputs and the branch index (Merge's value_index) of cond `spec`."""
    return run_branches(ctx, pred, inputs, [_sub(*s) for s in spec.subs()])


def run_branches(ctx, pred, inputs, fns):
    """`fns[pred](ctx, *inputs)` (else branch first) and the branch index, as a lax.cond
    unless `pred` is known when the run is traced."""
    if _is_static(pred):
        taken = int(bool(np.asarray(pred)))
        # the taken branch runs as a branch (its random ops draw, as in a lax.cond), not as
        # a value recomputed outside it (RunContext._executions)
        ctx.taken_branch += 1
        try:
            outs = list(fns[taken](ctx, *inputs))
        finally:
            ctx.taken_branch -= 1
        return outs + [np.int32(taken)]
    traced = [_traced_call(ctx, f, inputs) for f in fns]
    trial = [t[:3] for t in traced]
    # a TensorArray first written in one branch only gets its elements in the other too (an
    # Optional made empty in one: zeros like the other's components)
    refs = [b if (isinstance(b, TAState) and b.data is not None) or (
        isinstance(b, OptState) and b.values is not None) else a
        for a, b in zip(trial[0][0], trial[1][0])]
    _same_shapes([_align(x, r) for x, r in zip(trial[0][0], refs)],
                 [_align(x, r) for x, r in zip(trial[1][0], refs)], "the branches of tf.cond",
                 BranchShapes)
    values = ctx.snapshot()[0]
    keys = _written_keys(ctx, [w for _, w, _ in trial], values, "one branch of tf.cond")
    slots = [_Slot(c, side) for side, (_, _, cs) in enumerate(trial) for c in cs]
    dtypes = [dtype_of(o) for o in trial[1][0]]

    def branch(side):
        def run():
            outs, writes, checks = traced[side][3]()
            return ([_strong(_align(o, r), d) for o, r, d in zip(outs, refs, dtypes)],
                    [_strong(writes.get(v, values.get(v)), values_dtype(v, writes, values))
                     for v in keys], _check_slots(slots, side, checks))
        return run

    outs, written, (oks, data) = _with_all_checks(
        slots, lambda: jax.lax.cond(pred, branch(1), branch(0)))
    _apply(ctx, keys, written, slots, oks, data)
    return list(outs) + [jnp.where(pred, 1, 0).astype(jnp.int32)]


def _traced_call(ctx, fn, inputs):
    """`_call(ctx, fn, inputs)` traced once, apart, into a jaxpr: (outputs, writes, checks) as
    that trace made them (dead values: only their shapes and types are used) and `replay()`,
    which makes them again in the current trace by evaluating the jaxpr, without running the
    graph's ops a second time (a nested cond is then traced once, not twice per level)."""
    from scopeflow.lowering.context import Check
    made = []

    def run():
        outs, writes, checks = _call(ctx, fn, inputs)
        keys = list(writes)
        leaves, tree = jax.tree_util.tree_flatten(
            (outs, [writes[k] for k in keys], [(c.ok, c.data) for c in checks]))
        where = [i for i, x in enumerate(leaves) if isinstance(x, jax.core.Tracer)]
        made.append((outs, writes, checks, keys, leaves, tree, where))
        return [leaves[i] for i in where]

    closed = jax.make_jaxpr(run)()
    outs, writes, checks, keys, leaves, tree, where = made[0]

    def replay():
        new = list(leaves)
        for i, x in zip(where, jax.core.eval_jaxpr(closed.jaxpr, closed.consts)):
            new[i] = x
        o, w, c = jax.tree_util.tree_unflatten(tree, new)
        return (o, dict(zip(keys, w)),
                [Check(ok, k.exc, k.op, k.message, d) for (ok, d), k in zip(c, checks)])

    return outs, writes, checks, replay


def _align(x, ref):
    return align_optional(align(x, ref), ref)


def values_dtype(v, writes, values):
    """The dtype of run state `v` as a branch leaves it (None for a TensorArray's state)."""
    x = writes.get(v)
    return dtype_of(x if x is not None else values[v])


def _written_keys(ctx, writes_list, values, where):
    keys = list(dict.fromkeys(v for w in writes_list for v in w))
    for v in keys:
        start = None if v in values else ctx.start_count(v)  # a random op's counter moved
        if start is not None:
            values[v] = start
        if v not in values and not all(v in w for w in writes_list):
            raise NotImplementedError("variable %s is first assigned inside %s; initialize it "
                                      "before the control-flow construct" % (v._name, where))
    return keys


class BranchShapes(NotImplementedError):
    """The branches of a tf.cond give values of different shapes: the lowering compiles the
    predicate in instead (lower.execute), so only the taken branch is traced."""


class LoopShapes(NotImplementedError):
    """A loop value changes shape across iterations (`tf.concat` under a relaxed shape
    invariant): the Session runs the loop on the host instead, step by step
    (lowering/stages.py `grow_on_host`), as TF's executor does."""

    def __init__(self, message, loop):
        super().__init__(message)
        self.loop = loop  # the while context (None: a loop imported without one)


def _same_shapes(a, b, where, error=NotImplementedError):
    for x, y in zip(a, b):
        if shape_of(x) != shape_of(y):
            raise error(
                "%s give values of shapes %s and %s; a compiled (XLA) program needs one shape"
                % (where, shape_of(x), shape_of(y)))


class _Slot:
    """A run-time check a construct carries out of its XLA call: the first traced `check` of
    its kind (op, error, message, data shapes) made by branch `side`."""

    __slots__ = ("check", "key", "side")

    def __init__(self, check, side):
        self.check, self.side, self.key = check, side, _check_kind(check)


def _text(d):
    """Whether a check's datum is text (an Assert's message strings): static, never carried."""
    return isinstance(d, (str, bytes)) or (isinstance(d, np.ndarray) and d.dtype.kind in "OSU")


def _datum_kind(d):
    if _text(d):
        return ("text", np.asarray(d).tobytes() if np.asarray(d).dtype.kind != "O" else
                repr(np.asarray(d).tolist()))
    return (np.shape(d), _dtype(d))


def _check_kind(c):
    msg = c.message
    text = msg if isinstance(msg, str) else getattr(msg, "__code__", type(msg))
    return (c.op, c.exc, text, tuple(_datum_kind(d) for d in c.data))


def _dtype(d):
    """A datum's dtype (a traced one's, read without an op: it may be a dead trace's)."""
    return d.dtype if isinstance(d, jax.core.Tracer) else jnp.asarray(d).dtype


def _carried(d, zero=False):
    """A check's datum as the construct carries it: None for text (the slot keeps it)."""
    if _text(d):
        return None
    return jnp.zeros(np.shape(d), _dtype(d)) if zero else jnp.asarray(d)


class _NewChecks(Exception):
    """A trace of a body or branch made checks that the carry has no slot for (a check on a
    value that was static in the first call: the loop counter, say)."""

    def __init__(self, slots, new):
        super().__init__(len(new))
        self.slots, self.new = slots, new


def _with_all_checks(slots, run, tries=8):
    """run() (which traces the construct), retraced with more slots while it finds new
    checks: every check made on any trace of the body is carried out (never dropped)."""
    for _ in range(tries):
        try:
            return run()
        except _NewChecks as e:
            if e.slots is not slots:
                raise
            slots.extend(e.new)
    raise RuntimeError("scopeflow: the checks of a loop body or cond branch differ on every "
                       "trace; please report this program")


def _check_slots(slots, side, checks):
    """(ok flags, data) for every check slot; another side's checks, and this side's checks
    that this trace did not make (they passed when traced), pass with zero data."""
    mine = {}
    new = []
    for c in checks:
        free = [k for k, s in enumerate(slots) if s.side == side and s.key == _check_kind(c)
                and k not in mine]
        if free:
            mine[free[0]] = c
        else:
            new.append(_Slot(c, side))
    if new:
        raise _NewChecks(slots, new)
    oks, data = [], []
    for k, s in enumerate(slots):
        c = mine.get(k)
        if c is not None:
            oks.append(jnp.asarray(c.ok, bool))
            data.append([_carried(d) for d in c.data])
        else:
            oks.append(jnp.asarray(True))
            data.append([_carried(d, zero=True) for d in s.check.data])
    return oks, data


def _apply(ctx, keys, written, slots, oks, data):
    from scopeflow.lowering.context import Check
    for v, x in zip(keys, written):
        ctx.write(ctx.ref_for(v), x)
    for s, ok, d in zip(slots, oks, data):
        c = s.check
        d = tuple(x if x is not None else static for x, static in zip(d, c.data))
        ctx.checks.append(Check(ok, c.exc, c.op, c.message, d))


# ---- while ----------------------------------------------------------------------------------
def run_while(ctx, inputs, spec):
    """The loop values after the last iteration (the Exit values)."""
    cond_fn, body_fn = [_sub(*s) for s in LoopSpec.subs(spec)]
    guard, ctx.guard = ctx.guard, None  # (lowering/lower.py `_run_in_branch`)
    if guard is not None:
        cond_fn = _guarded(cond_fn, guard)
    ext = list(inputs)
    length = spec.max_iterations
    if length is None and spec.limit_pos is not None and _is_static(inputs[spec.limit_pos]):
        length = int(np.asarray(inputs[spec.limit_pos]))  # a shape: known once traced
    ctx.loop_lengths.append(length)  # (sizes the stacks the body pushes to: stack_ops.py)
    try:
        carry = _run_while(ctx, ext, spec, cond_fn, body_fn, length)
    finally:
        ctx.loop_lengths.pop()
    return carry


def _guarded(cond_fn, guard):
    """The condition of a loop that runs outside the lax.cond of the cond branch it is in
    (a loop that tf.gradients' record hoisted out of it): no iteration where `guard` (its
    branch is taken) does not hold, so it neither pushes nor checks there, and its values
    stay the initial ones (its iteration counter's 0)."""
    def cond(ctx, *args):
        out = list(cond_fn(ctx, *args))
        return [jnp.logical_and(guard, out[0])] + out[1:]
    return cond


def _run_while(ctx, ext, spec, cond_fn, body_fn, length):
    dtypes = [d.as_numpy_dtype for _, d in spec.specs]
    init = [_strong(ext[p], d) for p, d in zip(spec.init_pos, dtypes)]
    firsts = [ext[p] for p in spec.init_pos]
    ext = list(read_once(spec, ext))
    outs, writes, checks = _call(ctx, body_fn, init + ext)
    if spec.rows:
        body_fn, init, outs = _fixed_rows(ctx, spec, body_fn, init, outs, length)
    init = [align(i, o) for i, o in zip(init, outs)]  # TensorArrays first written inside
    try:
        _same_shapes(init, outs, "tf.while_loop variables before and after an iteration")
    except NotImplementedError as e:
        raise LoopShapes(str(e), getattr(spec, "context", None)) from None
    if any(type(v) is not DrawCount for v in _call(ctx, cond_fn, init + ext)[1]):
        raise NotImplementedError("tf.while_loop's condition assigns a variable")
    values = ctx.snapshot()[0]
    keys = _written_keys(ctx, [writes], values, "the body of tf.while_loop")
    slots = [_Slot(c, 0) for c in checks]
    step = _Step(ctx, cond_fn, body_fn, ext, keys, slots, dtypes)
    state = [align(values[v], writes[v]) for v in keys]  # a stack first pushed inside
    state = [_strong(x, dtype_of(x)) for x in state]

    def run():
        oks, data = _check_slots(slots, 1, [])
        carry = (jnp.asarray(0, jnp.int32), init, state, (_flags(oks), data))
        differentiated = _differentiated(ctx, carry, ext)
        if length is not None:
            return (_scan if differentiated else _bounded)(step, carry, length)
        if spec.back_prop and differentiated:  # cf_loop_vjp.py
            return while_loop_vjp(step.cond, step.body, carry)
        if remaining() is not None:  # the run has a deadline: the loop ends there
            return _until_deadline(ctx, step, carry)
        return jax.lax.while_loop(step.cond, step.body, carry)

    carry = _with_all_checks(slots, run)
    trips, vals, written, (oks, data) = carry
    _apply(ctx, keys, written, slots, list(oks), data)
    fixes = {}  # loop value -> fn(value, trips): its value as TF fetches it (loop_fetch.py)
    for k, (step, pad) in ctx.loop_rows.get(spec, {}).items() if spec.rows else ():
        fixes[k] = functools.partial(_appended_rows, step, pad)
    if spec.rows and length is None:
        _check_rows(ctx, spec, trips)
    if spec.maxima:
        vals = _static_maxima(spec, firsts, vals, fixes)
    if fixes:
        ctx.row_trims[spec] = (fixes, trips)
    ctx.loop_trips[spec] = trips
    return list(vals)


def _until_deadline(ctx, step, carry):
    """The loop of a run with a deadline: each iteration asks the host whether the run is
    past it, and stops there; the run then raises TF's DeadlineExceededError (a loop that
    never ends, TF's testWhileTimeOut, ran forever)."""
    from scopeflow import errors

    def late(it):
        return jax.experimental.io_callback(
            lambda _: np.asarray(past_deadline()), jax.ShapeDtypeStruct((), np.bool_), it)

    def go(c):
        return jnp.logical_and(step.cond(c), jnp.logical_not(late(c[0])))

    carry = jax.lax.while_loop(go, step.body, carry)
    op, ctx.op = ctx.op, _WHOLE_RUN
    try:
        ctx.check(jnp.logical_not(late(carry[0])), errors.DeadlineExceededError,
                  "Timed out waiting for notification")
    finally:
        ctx.op = op
    return carry


class _WholeRun:
    """Where TF's error names no node: the run's deadline passed."""

    _name = None
    traceback = ()


_WHOLE_RUN = _WholeRun()


def _fixed_rows(ctx, spec, body_fn, init, outs, length):
    """TF's IndexedSlices accumulators (`spec.rows`) grow by the same rows each iteration: each
    is kept in a buffer of `capacity` rows, zero rows (at index 0: they add nothing) before
    the rows so far; an iteration appends its rows and drops as many from the front. The
    capacity: the rows of `length` iterations, else what the run learnt (stack_ops.grow)."""
    grow = {}
    for k in spec.rows:
        a, b = shape_of(init[k]), shape_of(outs[k])
        if len(a) != len(b) or not a or a[1:] != b[1:] or b[0] < a[0]:
            continue
        step = b[0] - a[0]
        trips = length if length is not None else ctx.stack_caps.get(ctx.op, 64)
        pad = step * max(trips, 0)
        init[k] = jnp.concatenate([jnp.zeros((pad,) + tuple(a[1:]), dtype_of(init[k])),
                                   jnp.asarray(init[k])], 0)
        outs[k] = jnp.concatenate([jnp.zeros((pad,) + tuple(a[1:]), dtype_of(outs[k])),
                                   jnp.asarray(outs[k])], 0)[step:]
        grow[k] = (step, pad)
    if not grow:
        return body_fn, init, outs
    ctx.loop_rows[spec] = grow

    def fixed(ctx_, *args):
        got = list(body_fn(ctx_, *args))
        for k, (step, _) in grow.items():
            got[k] = got[k][step:]
        return got

    return fixed, init, outs


def _check_rows(ctx, spec, trips):
    """A run whose loop appended more rows than its buffers hold is run again with more."""
    from scopeflow.ops.stack_ops import StackFull
    for k, (step, pad) in ctx.loop_rows.pop(spec, {}).items():
        ctx.check(step * trips <= pad, StackFull, (
            "%s: the gradient accumulator %s outgrew its %d rows; the Session compiles the "
            "run again with more" % (ctx.op._name, spec.cond_cut[k].name, pad)))


def _appended_rows(step, pad, buf, trips):
    """The rows of a buffer of `_fixed_rows` that TF's accumulator holds after `trips`."""
    return buf[pad - step * int(trips):]


def _first_unless_ran(first, after, trips):
    return after if int(trips) > 0 else first


def _static_maxima(spec, init, vals, fixes):
    """A value kept as the maximum of a static one (an IndexedSlices accumulator's dense
    shape) is static after one iteration: later ops may then use it to size their results
    (`after`, which adds nothing where no iteration ran: the accumulated rows are zeros); a
    fetch of it gives TF's value, the first one where the loop ran no iteration (`fixes`)."""
    vals = list(vals)
    for k, v in spec.maxima:
        if not _is_static(init[k]):
            continue
        first = np.asarray(init[k])
        if first.shape != v.shape:
            continue
        after = np.maximum(first, v).astype(first.dtype)
        if not np.array_equal(after, first):
            fixes[k] = functools.partial(_first_unless_ran, first)
        vals[k] = after
    return vals


def first_unless_ran(ctx, t):
    """(the value TF's `t` has where its loop ran no iteration, the loop's trip count) for `t`
    a loop's kept static maximum (`_static_maxima`: an IndexedSlices accumulator's dense
    shape) or one element of it (`dense_shape[0]`, as tf.convert_to_tensor slices it); else
    None. Its value in the run is the maximum: ops that check against it check this too."""
    from scopeflow.ops.op_util import static_value
    op, pick = t._op, None
    if op._type == "StridedSlice" and op._get_attr("shrink_axis_mask") == 1:
        begin = static_value(op.inputs[1])
        if begin is None or np.size(begin) != 1:
            return None
        op, pick = op.inputs[0]._op, int(np.reshape(begin, (-1,))[0])
    cf = op._cf if op._type in ("Exit", "RefExit") else None
    got = ctx.row_trims.get(cf[0]) if cf is not None else None
    if got is None or cf[0].exit_outs[cf[1]] not in cf[0].exit_cut:
        return None
    fix = got[0].get(cf[0].exit_cut.index(cf[0].exit_outs[cf[1]]))
    if not isinstance(fix, functools.partial) or fix.func is not _first_unless_ran:
        return None
    first = np.asarray(fix.args[0])
    return (first if pick is None else first.reshape(-1)[pick]), got[1]


def _differentiated(ctx, *trees):
    """Whether the loop runs under jax.vjp (tf.gradients' kernel): its values, or variables it
    may read, carry tangents (tracers of an autodiff transformation, not of jit)."""
    leaves = jax.tree_util.tree_leaves([trees, list(ctx.overrides.values()),
                                        list(ctx.snapshot()[0].values())])
    return any(isinstance(x, jax.core.Tracer) and not isinstance(x, _JaxprTracer)
               for x in leaves)


_JaxprTracer = jax._src.interpreters.partial_eval.DynamicJaxprTracer  # noqa: SLF001 - jit's


def _flags(oks):
    """A loop's check flags as one vector: the iteration ands them in one operation (one
    scalar each made XLA run a kernel per check in every iteration)."""
    return jnp.stack(oks) if oks else jnp.zeros((0,), bool)


class _Step:
    """The loop's cond and body over the carry (iteration, values, variables, checks)."""

    def __init__(self, ctx, cond_fn, body_fn, ext, keys, slots, dtypes):
        self.ctx, self.cond_fn, self.body_fn, self.ext = ctx, cond_fn, body_fn, ext
        self.keys, self.slots, self.dtypes = keys, slots, dtypes

    def cond(self, carry):
        _, vals, written, _ = carry
        out = _call(self.ctx, self.cond_fn, list(vals) + self.ext, dict(zip(self.keys, written)))
        return jnp.asarray(out[0][0], bool)

    def body(self, carry):
        it, vals, written, (oks, data) = carry
        outs, writes, checks = _call(self.ctx, self.body_fn, list(vals) + self.ext,
                                     dict(zip(self.keys, written)))
        new_oks, new_data = _check_slots(self.slots, 0, checks)
        data = [[nd if nd is None else jnp.where(oks[k], nd, od) for nd, od in zip(nds, ods)]
                for k, (nds, ods) in enumerate(zip(new_data, data))]
        keep = jnp.logical_and(oks, _flags(new_oks))
        written = [_strong(writes.get(v, w), dtype_of(w)) for v, w in zip(self.keys, written)]
        return (it + 1, [_strong(o, d) for o, d in zip(outs, self.dtypes)], written,
                (keep, data))


def _bounded(step, carry, length):
    """At most `length` iterations as a lax.while_loop: the masked scan's values, for a loop
    that JAX does not differentiate (TF's gradient loop reads its values through stacks).
    The scan runs a lax.cond in each iteration, and XLA keeps every loop value that passes
    through that conditional, read later or not (a stack of static shapes, say)."""
    def go(carry):
        return jnp.logical_and(carry[0] < length, step.cond(carry))

    return jax.lax.while_loop(go, step.body, carry)


def _scan(step, carry, length):
    """At most `length` iterations as a masked scan (reverse-differentiable)."""

    def one(state, _):
        carry, done = state
        go = jnp.logical_and(jnp.logical_not(done), step.cond(carry))
        # a cond, not a select over the body's values: an iteration past the end is not run,
        # so its values (which may overflow) do not turn the gradient into NaN (0 * inf)
        carry = jax.lax.cond(go, step.body, lambda c: c, carry)
        return (carry, jnp.logical_not(go)), None

    (carry, _), _ = jax.lax.scan(one, (carry, jnp.asarray(False)), None, length=max(length, 0))
    return carry
