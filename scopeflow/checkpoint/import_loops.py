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
'LoopSpec'
"""

from scopeflow.ops.cf_context import Region
from scopeflow.ops.cf_spec import LoopSpec

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


def rebuild_loops(ops):
    """Sets `op._cf` on the Exit ops among `ops` (in creation order) of each while loop."""
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
        if any(op._cf is not None for op in members[path] if op._type in _EXITS
               and frame[op] == path[:-1]):
            continue  # recorded already (a graph built here, then imported into itself)
        exits = [op for op in ops if op._type in _EXITS and frame[op] == path[:-1]
                 and op._inputs and frame.get(op._inputs[0]._op) == path]
        loop = _loop_parts(members[path], frame, path, exits)
        if loop is not None:
            _record(loop, members[path], frame, path)


class _Loop:
    """The ops of one frame that make its loop variables."""

    def __init__(self, enters, merges, switches, nexts, loop_cond, exits):
        self.enters, self.merges, self.switches = enters, merges, switches
        self.nexts, self.loop_cond, self.exits = nexts, loop_cond, exits


def _loop_parts(inside, frame, path, exits):
    """The loop variables of a frame (Enter, Merge, Switch, NextIteration, Exit per variable),
    or None when the frame is not a while loop TF would build."""
    own = [op for op in inside if frame[op] == path]
    conds = [op for op in own if op._type == "LoopCond"]
    if len(conds) != 1:
        return None
    loop_cond = conds[0]
    readers = {}
    for op in own + exits:
        for t in op._inputs:
            readers.setdefault(t, []).append(op)
    enters, merges, switches, nexts, outs = [], [], [], [], []
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
        ex = [r for r in readers.get(sw[0]._outputs[0], ()) if r._type in _EXITS]
        enters.append(e._op)
        merges.append(m)
        switches.append(sw[0])
        nexts.append(n._op)
        outs.append(ex[0] if ex else None)
    if not merges:
        return None
    return _Loop(enters, merges, switches, nexts, loop_cond, outs)


def _record(loop, inside, frame, path):
    region = Region(inside, keep_controls=True)
    inputs = tuple(region.inputs)
    sources = [e._inputs[0] for e in loop.enters]
    if any(t not in inputs for t in sources):
        return  # a loop variable that is a variable's ref: not a loop TF builds
    outer = path[:-1]
    controls = tuple(c for c in region.controls if frame.get(c, ())[:len(outer)] == outer)
    merges = tuple(m._outputs[0] for m in loop.merges)
    spec = LoopSpec(cond_cut=merges, body_cut=tuple(s._outputs[1] for s in loop.switches),
                    cond_out=loop.loop_cond._inputs[0],
                    body_outs=tuple(n._inputs[0] for n in loop.nexts), inputs=inputs,
                    init_pos=tuple(inputs.index(t) for t in sources),
                    specs=tuple((m.shape, m.dtype.base_dtype) for m in merges),
                    max_iterations=None, controls=controls, variables=tuple(region.variables),
                    skip=tuple(loop.merges) + tuple(loop.switches), edges=tuple(region.edges))
    for k, e in enumerate(loop.exits):
        if e is not None:
            e._cf = (spec, k)
            spec.exits.append(e)
