"""Dead tensors of raw TF1 Switch / Merge ops used outside tf.cond (TF's executor rules).

`Switch(data, pred)` gives (output_false, output_true); the output not taken is dead, an op
fed by a dead tensor is dead, a Merge passes on its first live input and that input's index,
and fetching a dead tensor is TF's InvalidArgumentError "Retval[0] does not have value".
Raw Enter / Exit ops outside a while loop put values in frames; an op reading values of two
frames is TF's InvalidArgumentError "... has inputs from different frames".
A tf.cond's Merge runs its construct (cf_spec.py) instead; these rules cover the Switch and
Merge ops a program builds itself (control_flow_ops.switch / merge, gen_control_flow_ops).
A cond's own Switch ops (its predicate's, those tf.gradients builds for it, an imported
cond's: cf_spec.COND_SWITCHES) start no dead values: the cond's record picks its branch. A
cond or loop reading a dead value is dead where TF's would be (the branch taken reads it).
Liveness is a bool per tensor (NumPy when known at trace time, else traced) kept in
`ctx.live`: a Merge then selects its live input, statically or with a select. Where the
compiled program cannot follow TF (a stateful op that may be dead, inputs of different
shapes under a traced predicate) it raises.

>>> import numpy as np
>>> both(None, np.bool_(True)).item()
True
"""

import weakref

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.errors import InvalidArgumentError, UnimplementedError
from scopeflow.lowering.context import run_error
from scopeflow.lowering.loop_fetch import _Retval
from scopeflow.ops.cf_spec import COND_SWITCHES

_SWITCHES = frozenset(("Switch", "RefSwitch"))
_FRAME_OPS = frozenset(("Enter", "RefEnter", "Exit", "RefExit"))
_MERGES = frozenset(("Merge", "RefMerge"))
_HARMLESS = frozenset(("NoOp",))  # stateful ops a dead tensor may reach: they do nothing
_UNSUPPORTED = ("%s (%s) may run on a dead tensor of a Switch built outside tf.cond; scopeflow "
                "compiles the whole program and cannot skip it as TF's executor does: %s. "
                "Use tf.cond instead of control_flow_ops.switch / merge.")


def both(a, b):
    """a and b, where None is 'always live'."""
    if a is None or b is None:
        return b if a is None else a
    for f in (a, b):  # dead for sure: what else holds does not matter
        if not _traced(f) and not np.all(f):
            return np.bool_(False)
    if _traced(a) or _traced(b):
        return jnp.logical_and(a, b)
    return np.logical_and(a, b)


def live_of(ctx, t):
    """Whether tensor `t` is live (None: always)."""
    live = ctx.live
    return live.get(t, live.get(t._op)) if live else None


def visit(ctx, op, env, stateful):
    """Records `op`'s liveness before it runs; returns a Merge's (value, index), else None."""
    if ctx.conditional or ctx.replay or ctx.inside is not None:
        return None
    if op._cf is not None:  # a cond / loop run by its record: dead where its inputs are
        if ctx.live:
            _construct(ctx, op, env)
        if op._cf[1] in getattr(op._cf[0], "dead", ()):  # (import_loops._dead_exits)
            ctx.live[op] = np.bool_(False)
        return None
    if op._ctx is None and (ctx.frames or op._type in _FRAME_OPS and _loopless(op)):
        _frame(ctx, op)
    switch = _raw_switch(op)
    if not ctx.live and not switch:
        return None
    # (a control edge out of a Switch is live when the Switch ran: TF's executor)
    control = _all(ctx.live.get(c) for c in op._control_inputs)
    if op._type in _MERGES and op._ctx is None:
        return _merge(ctx, op, env, control)
    base = both(_all(live_of(ctx, t) for t in op._inputs), control)
    if switch:
        pred = env[op._inputs[1]]
        if _traced(pred):
            _note_pred(ctx, op._inputs[1])
        ctx.live[op] = base
        ctx.live[op._outputs[0]] = both(base, _not(pred))
        ctx.live[op._outputs[1]] = both(base, pred)
    elif base is not None:
        ctx.live[op] = base
        if stateful and not _traced(base) and not bool(base):
            return DEAD  # TF's executor does not run it
        if stateful and op._type not in _HARMLESS and not (not _traced(base) and bool(base)):
            error = run_error(UnimplementedError, op, _UNSUPPORTED % (
                op._name, op._type, "it is stateful"))
            if ctx.live.get(_PREDS):  # known predicates may decide it: the build retries
                raise TracedPredicates(ctx.live[_PREDS], error)
            raise error
    return None


DEAD = object()  # `visit`: the op is dead, it does not run
_PREDS = "predicates"  # key in ctx.live: the traced predicates that flags depend on


class TracedPredicates(Exception):
    """A stateful op's liveness depends on `preds`, traced: with their values compiled in it
    may be known (dead for sure, or live); else `error` is the one to raise."""

    def __init__(self, preds, error):
        super().__init__(error.message)
        self.preds, self.error = list(preds), error


def _note_pred(ctx, pred):
    preds = ctx.live.setdefault(_PREDS, [])
    if pred not in preds:
        preds.append(pred)
DEAD_EXITS = weakref.WeakSet()  # loop Exit ops that are always dead (import_loops._dead_exits)


def fed_dead(ctx, fed):
    """Marks the values an earlier step of a run made (`fed`) that are dead for sure: fed by
    an always-dead loop Exit (a step of its own would otherwise run what reads them)."""
    for t in dead_fed(fed):
        ctx.live[t] = np.bool_(False)


def dead_fed(fed):
    """The tensors of `fed` that an always-dead loop Exit makes dead for sure."""
    if not DEAD_EXITS:
        return []
    memo = {}
    return [t for t in fed if _dead_for_sure(t._op, memo)]


def _dead_for_sure(root, memo):
    todo = [root]
    while todo:
        op = todo[-1]
        if op in memo:
            todo.pop()
            continue
        if op in DEAD_EXITS:
            memo[op] = True
        elif op._cf is not None or op._type in _MERGES or op._type in _FRAME_OPS:
            memo[op] = False  # (a construct, a Merge: live where one input is)
        else:
            deps = [t._op for t in op._inputs] + list(op._control_inputs)
            new = [d for d in deps if d not in memo]
            if new:
                todo.extend(new)
                continue
            memo[op] = any(memo[d] for d in deps)
        todo.pop()
    return memo[root]


def _construct(ctx, op, env):
    """The liveness of a cond's Merge / a loop's Exit (cf_spec.py) from its outside values:
    a cond is live where its predicate is and the inputs of the branch taken are (TF's
    Switch of a dead value is dead, the other branch's Merge input live); a loop where all
    its inputs are."""
    spec = op._cf[0]
    control = _all(ctx.live.get(c) for c in spec.controls)
    reads = getattr(spec, "branch_reads", None)
    if reads is None:
        flag = _all(live_of(ctx, t) for t in spec.inputs)
    else:
        pred = spec.pred
        taken = [_all(live_of(ctx, t) for t in ts) for ts in reads()]
        flag = both(live_of(ctx, pred), _pick(env[pred], taken[1], taken[0]))
        if _traced(flag) and _traced(env[pred]):
            _note_pred(ctx, pred)
    flag = both(flag, control)
    if flag is not None:
        ctx.live[op] = flag


def _pick(pred, then, other):
    """`then` where `pred` holds, else `other` (flags; None: always live)."""
    if then is None and other is None:
        return None
    then = np.bool_(True) if then is None else then
    other = np.bool_(True) if other is None else other
    if not _traced(then) and not _traced(other) and bool(then) == bool(other):
        return then  # (the same either way)
    if _traced(pred) or _traced(then) or _traced(other):
        return jnp.where(pred, then, other)
    return then if bool(pred) else other


def _frame(ctx, op):
    """Records the frame (a path of frame names) of `op`'s outputs; raises TF's error when
    its inputs come from different frames."""
    frames = ctx.frames
    ins = [(frames.get(t._op, ()), t._op) for t in op._inputs]
    if any(f != ins[0][0] for f, _ in ins):
        first, later = sorted({o: f for f, o in ins}.items(), key=lambda x: _reached(x[0], {}))[:2]
        raise _frames_error(op, later, first)
    frame = ins[0][0] if ins else ()
    if op._type in ("Enter", "RefEnter"):
        frame = frame + (op._attrs["frame_name"],)
    elif op._type in ("Exit", "RefExit"):
        frame = frame[:-1]
    if frame:
        frames[op] = frame


def _loopless(op):
    """Whether `op`'s graph has no while loop (an imported loop's Enter ops have no context
    record: frames are then left to the loop's lowering)."""
    return not any(o._type == "LoopCond" for o in op._graph.get_operations())


def _frames_error(op, later, first):
    """TF's error naming the op and both inputs, each with its defining lines."""
    text = ("{{node %s}} has inputs from different frames. The input {{node %s}} is in frame "
            "'%s'. The input {{node %s}} is in frame '%s'.") % (
                op._name, later[0]._name, (later[1] or ("",))[-1], first[0]._name,
                (first[1] or ("",))[-1])
    errors = [run_error(InvalidArgumentError, o, "") for o in (op, later[0], first[0])]
    heads = [e.message.split("\n\t [[{{node ")[0] for e in errors]
    rest = [h.split("\n\n", 1)[-1] for h in heads[1:]]
    return InvalidArgumentError(errors[0].node_def, op, "".join([heads[0], *rest]) + text)


def _reached(op, memo):
    """When TF's executor reaches `op`: (longest path from a source, creation order)."""
    if op not in memo:
        memo[op] = (0, op._id)  # (a loop's back edge ends the walk)
        memo[op] = (max((_reached(t._op, memo)[0] + 1 for t in op._inputs), default=0), op._id)
    return memo[op]


def _raw_switch(op):
    """A Switch no cond accounts for (a cond's branch Switch ops run in its construct; its
    predicate's Switch, gradient and imported cond Switch ops: cf_spec.COND_SWITCHES)."""
    return op._type in _SWITCHES and op._ctx is None and op not in COND_SWITCHES


def _merge(ctx, op, env, control):
    flags = [live_of(ctx, t) for t in op._inputs]
    if all(f is None for f in flags):
        if control is not None:
            ctx.live[op] = control
        return None  # (all live: TF's executor takes the one it computes first; here input 0)
    flags = [np.bool_(True) if f is None else f for f in flags]
    values = [env[t] for t in op._inputs]
    ctx.live[op] = both(_any(flags), control)
    if not any(_traced(f) for f in flags):
        k = next((i for i, f in enumerate(flags) if bool(f)), 0)
        return values[k], np.int32(k)
    if op._type == "RefMerge":
        raise run_error(UnimplementedError, op, _UNSUPPORTED % (
            op._name, op._type, "it picks a variable by a predicate known only at run time"))
    if len({np.shape(v) for v in values}) != 1:
        raise run_error(UnimplementedError, op, _UNSUPPORTED % (
            op._name, op._type, "its inputs differ in shape under a predicate known only at "
            "run time"))
    value, index = values[-1], jnp.int32(len(values) - 1)
    for i in range(len(values) - 2, -1, -1):  # the first live input wins
        value = jnp.where(flags[i], values[i], value)
        index = jnp.where(flags[i], jnp.int32(i), index)
    return value, index


def check_fetches(ctx, tensors):
    """TF's error for each fetched tensor that may be dead (TF's message names no node).

    TF numbers its return values in the order of the fetched names, sorted, and reports the
    first dead one (checks are raised in the order they are made)."""
    names = sorted({t.name for t in tensors})
    for k in range(len(names)):
        flag = _all(live_of(ctx, t) for t in tensors if t.name == names[k])
        if flag is not None:
            ctx.op = _Retval(None)
            ctx.check(flag, InvalidArgumentError, "Retval[%d] does not have value" % k)


def _all(flags):
    out = None
    for f in flags:
        out = both(out, f)
    return out


def _any(flags):
    if any(_traced(f) for f in flags):
        return jnp.any(jnp.stack([jnp.asarray(f, bool) for f in flags]))
    return np.bool_(any(bool(f) for f in flags))


def _not(pred):
    return jnp.logical_not(pred) if _traced(pred) else np.logical_not(pred)


def _traced(x):
    return isinstance(x, jax.core.Tracer)
