"""The cond records of an imported graph: which Merge ops close which tf.cond.

A GraphDef holds a cond only as its ops (Switch, the branch ops, Merge); TF's executor runs it
by dead-tensor propagation. scopeflow's lowering runs a cond from the record on its Merge ops
(`op._cf`, ops/cf_spec.py), so the importer rebuilds that record from the graph's structure:
every tensor gets the stack of Switch branches it lives under, a Merge whose inputs live under
the two branches of one predicate closes that cond, and the connected ops under either branch
are its region. A region whose values nothing outside reads but its Merges becomes a CondSpec
(lax.cond, only the taken branch runs). TF's gradient graphs read forward branch values from
the backward branches directly; such a Merge instead selects its live input by the predicate
(TF's dead-tensor rule, with both branches computed; they must then be free of side effects).

>>> import scopeflow as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     p = tf.placeholder(tf.bool, [], name="p")
...     _ = tf.cond(p, lambda: tf.constant(1), lambda: tf.constant(2))
>>> with tf.Graph().as_default() as h:
...     tf.import_graph_def(g.as_graph_def(), name="")
...     type(h.get_operation_by_name("cond/Merge")._cf[0]).__name__
'CondSpec'
"""

import dataclasses

import jax.numpy as jnp
import numpy as np

from scopeflow.ops.cf_context import Region
from scopeflow.ops.cf_spec import Branch, CondSpec, own_switches

_SWITCHES = frozenset(("Switch", "RefSwitch"))
_MERGES = frozenset(("Merge", "RefMerge"))
_LOOP_OPS = frozenset(("NextIteration", "RefNextIteration", "LoopCond"))


def _pred_key(t):
    """The tensor a predicate comes from, through Identity ops (TF's `pred_id`)."""
    while t._op._type == "Identity" and t._op._inputs:
        t = t._op._inputs[0]
    return t


def _loop_switch(op):
    return op._inputs[1]._op._type in _LOOP_OPS


def rebuild_conds(ops):
    """Sets `op._cf` on the Merge ops among `ops` (in creation order) that close a tf.cond."""
    ops = list(ops)
    if not any(op._type == "Merge" for op in ops) or any(op._cf is not None for op in ops):
        return
    ctx = {}  # tensor -> ((pred key, branch), ...) from the outermost Switch in
    member = {}  # op -> the stack it belongs to (a cond Switch: its group's, branch None)
    groups = {}  # (outer stack, pred key) -> [cond Merge ops]
    for op in ops:
        if _forward_loop_op(op):  # (its loop's record runs it, wherever the loop is)
            continue
        deps = [ctx.get(t) or _built_stack(t) for t in op._inputs] + [
            member.get(c, ()) for c in op._control_inputs]
        inner = max(deps, key=len, default=())
        if op._type in _SWITCHES and len(op._inputs) == 2 and not _loop_switch(op):
            key = _pred_key(op._inputs[1])
            member[op] = inner + ((key, None),)
            for k, t in enumerate(op._outputs):
                ctx[t] = inner + ((key, k),)
            continue
        if op._type == "Merge":
            inner = _merge_stack(op, ctx, groups)
        member[op] = inner
        for t in op._outputs:
            ctx[t] = inner
    readers = {}  # op -> ops reading its outputs or waiting for it
    for op in ops:
        for x in [t._op for t in op._inputs] + list(op._control_inputs):
            readers.setdefault(x, set()).add(op)
    regions = {}
    for op, stack in member.items():
        for i, (key, _) in enumerate(stack):
            regions.setdefault((stack[:i], key), []).append(op)
    for (outer, key), merges in groups.items():
        for part, exits in _components(regions.get((outer, key), []), merges):
            own_switches(part)  # (a Switch no cond Merge closes stays raw: liveness.py)
            if _closed(part, exits, readers) and not _feeds_itself(part, exits, readers):
                _record(outer, exits, part, ctx, member)
            else:
                for m in exits:
                    _select(m, ctx)


def _forward_loop_op(op):
    """Whether `op` is one tf.gradients added to a forward while loop (its iteration counter,
    its stack pushes): it belongs to that loop, not to a cond of the gradient."""
    c = op._ctx
    while c is not None and not c.is_loop:
        c = c.outer
    return c is not None and getattr(c, "grad_state", None) is None


def _built_stack(t):
    """The stack of a tensor that tf.cond built (not among the ops rebuilt: a forward value a
    gradient reads), from its op's cond contexts; () outside conds or inside a loop."""
    chain, c = [], t._op._ctx
    while c is not None:
        if not hasattr(c, "branch"):
            return ()
        chain.append((_pred_key(c.pred), c.branch))
        c = c.outer
    chain.reverse()
    op = t._op
    if chain and op._type in _SWITCHES and _pred_key(op._inputs[1]) is chain[-1][0]:
        chain[-1] = (chain[-1][0], t._value_index)  # a capture: its output picks the branch
    return tuple(chain)


def _merge_stack(op, ctx, groups):
    """The stack a Merge's output lives under; a cond's Merge joins its group."""
    stacks = [ctx.get(t) for t in op._inputs]
    if len(stacks) != 2 or any(s is None for s in stacks) or any(
            t._op._type in _LOOP_OPS for t in op._inputs):
        return min((s for s in stacks if s is not None), key=len, default=())
    (a, b) = stacks
    if a and b and a[:-1] == b[:-1] and a[-1][0] is b[-1][0] and {a[-1][1], b[-1][1]} == {0, 1}:
        groups.setdefault((a[:-1], a[-1][0]), []).append(op)
        return a[:-1]
    return min(stacks, key=len)


def _components(region_ops, merges):
    """[(ops, merges)] per connected part of a region (two conds on one predicate are two)."""
    parent = {op: op for op in region_ops}

    def find(x):
        while parent[x] is not x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        if a in parent and b in parent:
            parent[find(a)] = find(b)

    for op in region_ops:
        for t in op._inputs:
            union(op, t._op)
        for c in op._control_inputs:
            union(op, c)
    for m in merges:
        union(m._inputs[0]._op, m._inputs[1]._op)
    parts = {}
    for op in region_ops:
        parts.setdefault(find(op), ([], []))[0].append(op)
    for m in merges:
        root = m._inputs[0]._op
        if root in parent:
            parts[find(root)][1].append(m)
    return [p for p in parts.values() if p[1]]


def _closed(part, exits, readers):
    """Whether only the part's own ops and its Merges read its values or wait for its ops."""
    inside = set(part) | set(exits)
    return all(r in inside for op in part for r in readers.get(op, ()))


def _feeds_itself(part, exits, readers):
    """Whether the part reads a value computed from its own Merges (TF's gradient of a cond
    built in the forward cond's context: one lax.cond cannot hold both)."""
    inside = set(part)
    sources = {t._op for op in part for t in op._inputs if t._op not in inside}
    sources.update(c for op in part for c in op._control_inputs if c not in inside)
    seen, stack = set(exits), list(exits)
    while stack:
        for r in readers.get(stack.pop(), ()):
            if r in sources:
                return True
            if r not in seen:
                seen.add(r)
                stack.append(r)
    return False


def _record(outer, merges, region_ops, ctx, member):
    region = Region(region_ops, keep_controls=True)
    inputs, edges = tuple(region.inputs), tuple(region.edges)
    pred = next(op._inputs[1] for op in region_ops if op._type in _SWITCHES
                and member[op] == outer + ((_pred_key(op._inputs[1]), None),)
                and any(x is op._inputs[1] for x in inputs))
    outs = ([], [])  # (else, then)
    for m in merges:
        for t in m._inputs:
            outs[ctx[t][-1][1]].append(t)
    controls = tuple(c for c in region.controls
                     if not outer or member.get(c, ())[:len(outer)] == outer)
    spec = CondSpec(pred=pred, inputs=inputs, then_branch=Branch(tuple(outs[1]), inputs, edges),
                    else_branch=Branch(tuple(outs[0]), inputs, edges), controls=controls,
                    variables=tuple(region.variables))
    for k, m in enumerate(merges):
        m._cf = (spec, k)
        spec.exits.append(m)


@dataclasses.dataclass(eq=False)
class SelectMerge:
    """A Merge that takes its live input: `then` where the predicate holds, else `else`."""

    inputs: tuple  # (predicate, else value, then value)
    then_index: int  # the Merge's value_index when the predicate holds
    controls: tuple = ()
    exits: list = dataclasses.field(default_factory=list)
    variables: tuple = ()  # (reads no variable state itself: its inputs are values)

    def run(self, ctx, values):
        pred, other, then = values
        if not hasattr(pred, "aval") or isinstance(pred, np.ndarray):
            taken = bool(np.asarray(pred))
            return [then if taken else other, np.int32(self.then_index if taken
                                                      else 1 - self.then_index)]
        if np.shape(then) != np.shape(other):  # (an IndexedSlices gradient's rows)
            from scopeflow.ops.cf_run import BranchShapes
            raise BranchShapes("the inputs of a Merge have shapes %s and %s"
                               % (np.shape(other), np.shape(then)))
        index = jnp.where(pred, self.then_index, 1 - self.then_index).astype(jnp.int32)
        return [jnp.where(pred, then, other), index]

    @staticmethod
    def subs():
        """No sub-function: it selects between values of the enclosing program (see
        cf_spec.CondSpec.subs)."""
        return []

    def branch_reads(self):
        """(else, then): the value each side passes on (see CondSpec.branch_reads)."""
        return (self.inputs[1],), (self.inputs[2],)

    @property
    def pred(self):
        """The predicate (compiled in when the inputs' shapes differ, see lower.execute)."""
        return self.inputs[0]

    @staticmethod
    def output(got, k):
        return got[0], got[1]


def _select(m, ctx):
    a, b = m._inputs
    port = ctx[a][-1][1]
    other, then = (a, b) if port == 0 else (b, a)
    key = ctx[a][-1][0]
    spec = SelectMerge((key, other, then), then_index=1 - port)
    m._cf = (spec, 0)
    spec.exits.append(m)
