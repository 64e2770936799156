"""The loop records of an imported graph: which Exit ops close which tf.while_loop.

A GraphDef holds a TF1 while loop only as its ops: per loop variable
`Enter -> Merge(Enter, NextIteration) -> Switch(Merge, LoopCond) -> Exit / Identity -> body ->
NextIteration`, all the loop's ops in one frame (the Enter ops' `frame_name`), nested loops
in frames of their own. TF's executor runs such a frame by tagging values with iterations;
scopeflow's lowering runs a loop from the record on its Exit ops (`op._cf`, ops/cf_spec.py), so
the importer rebuilds that record from the frame: which op is in which frame (an Enter opens
its frame inside its input's, an Exit leaves it, every other op lives in the frame of its
inputs), then per frame the loop variables, the condition and the body, as
`ops/cf_while.build_loop` records them for a loop built through the API.

>>> import scopeflow as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     _ = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
>>> with tf.Graph().as_default() as h:
...     tf.import_graph_def(g.as_graph_def(), name="")
...     type(h.get_operation_by_name("while/Exit")._cf[0]).__name__
'ImportedLoop'
"""

import dataclasses

import numpy as np

from scopeflow.lowering.liveness import DEAD_EXITS
from scopeflow.ops import stack_ops  # noqa: F401 - TF's gradient loops use stacks
from scopeflow.ops.cf_context import Region
from scopeflow.ops.cf_run import _sub, run_while
from scopeflow.ops.cf_spec import INSIDE, LoopSpec

_ENTERS = frozenset(("Enter", "RefEnter"))
_EXITS = frozenset(("Exit", "RefExit"))
_MERGES = frozenset(("Merge", "RefMerge"))
_SWITCHES = frozenset(("Switch", "RefSwitch"))
_NEXTS = frozenset(("NextIteration", "RefNextIteration"))


def frames(ops):
    """{op: frame path}: a tuple of the Enter frame names around the op, outermost first."""
    frame = {}
    for op in ops:
        deps = [frame.get(t._op) for t in op._inputs] + [frame.get(c) for c in
                                                         op._control_inputs]
        inner = max((d for d in deps if d is not None), key=len, default=())
        if op._type in _ENTERS:
            inner = inner + (op._attrs.get("frame_name", ""),)
        elif op._type in _EXITS:
            inner = inner[:-1]
        frame[op] = inner
    return frame


def rebuild_loops(ops, contexts=None):
    """Sets `op._cf` on the Exit ops among `ops` (in creation order) of each while loop;
    `contexts`: Exit op -> the WhileContext of a loop built here that runs on the host (its
    record keeps it: lowering/stages.LoopStep)."""
    ops = list(ops)
    if not any(op._type in _ENTERS for op in ops):
        return
    frame = frames(ops)
    members = {}  # frame path -> ops inside it (nested frames' ops too)
    for op in ops:
        path = frame[op]
        for i in range(1, len(path) + 1):
            members.setdefault(path[:i], []).append(op)
    for path in sorted(members, key=len, reverse=True):
        exits = [op for op in ops if op._type in _EXITS and frame[op] == path[:-1]
                 and op._inputs and frame.get(op._inputs[0]._op) == path and op._cf is None]  # (a loop recorded already keeps its record)
        loop = _loop_parts(members[path], frame, path, exits)
        if loop is not None:
            context = next((contexts[e] for e in exits if e in contexts), None) \
                if contexts else None
            _record(loop, members[path], frame, path, context)


class _Loop:
    """The ops of one frame that make its loop variables."""

    def __init__(self, enters, merges, switches, nexts, loop_cond, exits):
        self.enters, self.merges, self.switches = enters, merges, switches
        self.nexts, self.loop_cond, self.exits = nexts, loop_cond, exits


def _loop_parts(inside, frame, path, exits):
    """The loop variables of a frame (Enter, Merge, Switch, NextIteration per variable) and
    its Exit ops, or None when the frame is not a while loop TF would build."""
    own = [op for op in inside if frame[op] == path]
    conds = [op for op in own if op._type == "LoopCond"]
    if len(conds) != 1:
        return None
    loop_cond = conds[0]
    readers = {}
    for op in own:
        for t in op._inputs:
            readers.setdefault(t, []).append(op)
    enters, merges, switches, nexts = [], [], [], []
    for m in own:
        if m._type not in _MERGES or len(m._inputs) != 2:
            continue
        e, n = m._inputs
        if e._op._type in _NEXTS:
            e, n = n, e
        if e._op._type not in _ENTERS or n._op._type not in _NEXTS:
            continue
        sw = [r for r in readers.get(m._outputs[0], ()) if r._type in _SWITCHES
              and r._inputs[1]._op is loop_cond]
        if len(sw) != 1:
            return None
        enters.append(e._op)
        merges.append(m)
        switches.append(sw[0])
        nexts.append(n._op)
    if not merges:
        return None
    return _Loop(enters, merges, switches, nexts, loop_cond, exits)


@dataclasses.dataclass(frozen=True, eq=False)
class ImportedLoop(LoopSpec):
    """A loop rebuilt from a GraphDef. Its Exit ops may read the loop values through ops of
    their own (TF's gradient loops: `Switch:0 -> Identity -> Exit`): those run once, after
    the loop, from the final values (`exit_cut`) to the Exit inputs (`exit_outs`)."""

    exit_cut: tuple = ()  # Switch:0 outputs: the loop values when the loop ends
    exit_outs: tuple = ()  # the Exit ops' inputs
    exit_skip: tuple = ()  # body ops the Exit inputs wait for by control edges only
    dead: tuple = ()  # indices of the Exit ops that are dead (their inputs wait for body ops)

    def subs(self):
        """The condition, the body, and the ops from the final values to the Exit inputs."""
        return super().subs() + [(self, "e", tuple(self.exit_outs),
                                  tuple(self.exit_cut) + tuple(self.inputs),
                                  self.skip + self.exit_skip)]

    def run(self, ctx, values):
        final = run_while(ctx, values, self)
        fn = _sub(*self.subs()[2])
        return list(fn(ctx, *(final + list(values))))


def _record(loop, inside, frame, path, context=None):
    region = Region(inside, keep_controls=True)
    inputs = tuple(region.inputs)
    sources = [e._inputs[0] for e in loop.enters]
    if any(t not in inputs for t in sources):
        return  # a loop variable that is a variable's ref: not a loop TF builds
    outer = path[:-1]
    body = _body_ops(loop, set(inside))
    body_only = _body_only(loop, inside, body)
    controls = tuple(c for c in region.controls if frame.get(c, ())[:len(outer)] == outer)
    merges = tuple(m._outputs[0] for m in loop.merges)
    # the body ends at the NextIteration ops: their control inputs (TF's stack pushes and
    # pops in gradient loops) run every iteration too
    spec = ImportedLoop(
        cond_cut=merges, body_cut=tuple(s._outputs[1] for s in loop.switches),
        cond_out=loop.loop_cond._inputs[0], body_outs=tuple(n._outputs[0] for n in loop.nexts),
        inputs=inputs, init_pos=tuple(inputs.index(t) for t in sources),
        specs=tuple((m.shape, m.dtype.base_dtype) for m in merges), max_iterations=None,
        limit_pos=_bound(loop, inputs), controls=controls, variables=tuple(region.variables),
        skip=tuple(loop.merges) + tuple(loop.switches), edges=tuple(region.edges),
        exit_cut=tuple(s._outputs[0] for s in loop.switches),
        exit_outs=tuple(e._inputs[0] for e in loop.exits),
        exit_skip=body_only, dead=_dead_exits(loop, set(inside), body), rows=_row_accumulators(loop),
        maxima=_fixed_maxima(loop), context=context)
    for k, e in enumerate(loop.exits):
        e._cf = (spec, k)
        spec.exits.append(e)
        if k in spec.dead:
            DEAD_EXITS.add(e)
    if len(path) == 1 and spec.exits and context is None:  # (a host loop's steps run inside)
        _note_inside(loop, [op for op in inside if frame[op] == path], spec)


def _body_ops(loop, inside):
    """The ops of the loop that run only in an iteration that goes on: fed, by data or control
    edges, from a Switch's true output (on the last iteration TF's executor finds them dead)."""
    body, todo = set(), [t for s in loop.switches for t in s._outputs[1:]]
    todo = [op for op in inside for t in op._inputs if t in set(todo)]
    while todo:
        op = todo.pop()
        if op in body or op not in inside or op._type in _NEXTS or op._type in _MERGES:
            continue
        body.add(op)
        todo.extend(op._control_outputs)
        todo.extend(c for t in op._outputs for c in op._graph._consumers_of(t))
    return body


def _body_only(loop, inside, body):
    """The body ops that the Exit inputs do not read as data: TF's rewrite of outside control
    edges (an Identity waiting for the pivot) puts such ops among the control inputs of the
    Exit inputs; the ops from the final values to the Exit inputs do not run them."""
    # (in creation order: the record keys the compiled program, lowering/graph_key.py)
    needed = _upstream([e._inputs[0] for e in loop.exits], set(loop.switches), set(inside),
                       controls=False)
    return tuple(op for op in inside if op in body and op not in needed)


def _dead_exits(loop, inside, body):
    """The Exit ops whose input waits (by data or control edges) for a body op: on the last
    iteration, the one that reaches the Exit, that op is dead, so is the Exit (TF's executor:
    what reads its value does not run; a tf.group under control_dependencies in a gradient
    loop does this)."""
    stop = set(loop.switches) | set(loop.merges)
    return tuple(k for k, e in enumerate(loop.exits)
                 if _upstream([e._inputs[0]], stop, inside) & body)


def _note_inside(loop, own, spec):
    """Notes which ops of an outermost loop's frame compute its condition and which its body
    (`cf_spec.INSIDE`: a fetch of their values, lowering/loop_fetch.py)."""
    own = set(own)
    merges, switches = set(loop.merges), set(loop.switches)
    cond = _upstream([loop.loop_cond._inputs[0]], merges, own) | merges | {loop.loop_cond}
    body = _upstream([n._inputs[0] for n in loop.nexts], merges | switches, own) - cond
    for op in cond:
        INSIDE[op] = (spec, "cond")
    for op in body | set(loop.nexts):
        INSIDE[op] = (spec, "body")


def _upstream(tensors, stop, own, controls=True):
    """The ops of `own` that `tensors` are computed from, not past the ops in `stop` (nor
    control edges unless `controls`)."""
    seen, todo = set(), [t._op for t in tensors]
    while todo:
        op = todo.pop()
        if op in seen or op in stop or op not in own:
            continue
        seen.add(op)
        todo.extend(t._op for t in op._inputs)
        if controls:
            todo.extend(op._control_inputs)
    return seen


def _bound(loop, inputs):
    """Index in `inputs` of N when the condition holds `i < N` (alone or under LogicalAnd)
    for a counter i from 0 by 1 (TF's `maximum_iterations`, dynamic_rnn's time): the loop
    then runs at most N times, a bound known once the run is traced."""
    merges = [m._outputs[0] for m in loop.merges]
    todo = [loop.loop_cond._inputs[0]]
    while todo:
        t = todo.pop()
        op = t._op
        if op._type == "LogicalAnd":
            todo.extend(op._inputs)
        elif op._type == "Less" and op._inputs[0] in merges:
            k = merges.index(op._inputs[0])
            limit = op._inputs[1]
            if limit._op._type in _ENTERS and limit._op._inputs[0] in inputs and _counts(loop, k):
                return inputs.index(limit._op._inputs[0])
    return None


def _row_accumulators(loop):
    """Loop variables that TF's IndexedSlices gradient accumulators grow: zeros to start, each
    iteration `concat([value, rows], 0)` (cf_run.py keeps them in buffers of fixed size)."""
    from scopeflow.ops.array_base import static_value
    found = []
    for k, (enter, nxt) in enumerate(zip(loop.enters, loop.nexts)):
        cat = nxt._inputs[0]._op
        if cat._type != "ConcatV2" or len(cat._inputs) != 3 or not _accumulator(loop, k):
            continue
        axis = static_value(cat._inputs[2])
        init = enter._inputs[0]
        if axis is None or int(axis) != 0 or cat._inputs[0] is not loop.switches[k]._outputs[1]:
            continue
        first = static_value(init)
        if first is None and init._op._type == "Fill":  # zeros of a shape known when run
            first = static_value(init._op._inputs[1])
        if first is not None and not np.any(first):
            found.append(k)
    return tuple(found)


def _accumulator(loop, k):
    """Whether loop variable k is named as TF names a gradient accumulator (`.../b_acc_N`):
    a user's loop growing by concat keeps the shape check (one shape per loop value)."""
    return loop.merges[k]._name.rsplit("/", 1)[-1].startswith("b_acc")


def _fixed_maxima(loop):
    """(k, v) for each loop variable that each iteration sets to `Maximum(v, itself)` with v
    known when the graph is built (the dense shape an IndexedSlices accumulator keeps)."""
    from scopeflow.ops.array_base import static_value
    found = []
    for k, nxt in enumerate(loop.nexts):
        op = nxt._inputs[0]._op
        if op._type != "Maximum" or not _accumulator(loop, k):
            continue
        mine = loop.switches[k]._outputs[1]
        others = [t for t in op._inputs if t is not mine]
        if len(others) == 1 and len(op._inputs) == 2:
            value = static_value(others[0])
            if value is not None:
                found.append((k, np.asarray(value)))
    return tuple(found)


def _counts(loop, k):
    """Whether loop variable k starts at the constant 0 and grows by the constant 1."""
    init = loop.enters[k]._inputs[0]._op
    step = loop.nexts[k]._inputs[0]._op
    if init._type != "Const" or np.asarray(init._attrs["value"]).tolist() != 0:
        return False
    if step._type not in ("Add", "AddV2") or len(step._inputs) != 2:
        return False
    x, one = step._inputs
    return (x._op._type == "Identity" and x._op._inputs[0] is loop.switches[k]._outputs[1]
            and one._op._type == "Const" and np.asarray(one._op._attrs["value"]).tolist() == 1)
