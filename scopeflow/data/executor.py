"""Runs a graph fragment that mixes host ops (dataset ops, iterators, parsing) with compiled
ops: host ops run here in Python, compiled parts through `Session.run` with the values known so
far fed. The plan (stages, their feeds) is made once; a call is a few dict look-ups per op.

Used for tf.data's function bodies (one private Session per traced function) and for the
dataset of a one-shot iterator.

>>> import scopeflow as tf
>>> with tf.Graph().as_default() as g:
...     x = tf.placeholder(tf.int32, [])
...     y = x * 2
...     prog = Program(tf.Session(graph=g), [y], [x])
>>> int(prog([3])[0])
6
"""

import numpy as np

from scopeflow.core.tensor import Operation
from scopeflow.lowering.slice import backward_slice, is_variable_capture
from scopeflow.lowering.stages import HOST_KERNELS, HostContext
from scopeflow.ops.registry import REGISTRY


class _Stage:
    """Compiled tensors computed by one Session.run, fed the known tensors they depend on.

    A stage whose shapes depend on the fed values (`tf.fill([x], x)` over an element) cannot
    be one XLA program: it then runs op by op on the values (`order` set), as constant
    folding does.
    """

    __slots__ = ("cached", "constant", "feeds", "order", "tensors")

    def __init__(self, tensors, feeds):
        self.tensors, self.feeds, self.order = tensors, feeds, None
        # no feeds and no stateful op: the same values every call (the Consts of a function)
        self.constant = not feeds and not any(
            REGISTRY[op._type].stateful for op in backward_slice(tensors) if op._type in REGISTRY)
        self.cached = None

    def run(self, session, known):
        if self.constant:
            if self.cached is None:
                self.cached = list(self._run(session, known))
            return self.cached
        return self._run(session, known)

    def _run(self, session, known):
        fed = known  # exactly the tensors this stage is fed
        if self.order is None:
            try:
                return session.run(self.tensors, fed)
            except Exception as e:
                # a shape set by the element's values, or strings made from them (AsString)
                if not type(e).__module__.startswith("jax") and type(e) is not \
                        NotImplementedError:
                    raise
                self.order = backward_slice(self.tensors, frozenset(self.feeds))
        return _eager(self, fed)


def _eager(stage, fed):
    """The stage's values computed op by op from the fed values (no program, no checks)."""
    import jax

    from scopeflow.lowering.context import RunContext
    from scopeflow.lowering.lower import execute, x64
    env = {t: np.asarray(v) for t, v in fed.items()}
    with x64(), jax.ensure_compile_time_eval():
        execute(RunContext({}, frozenset(fed), None), stage.order, env)
    out = []
    for t in stage.tensors:
        v = env.get(t) if not isinstance(t, Operation) else None
        out.append(None if v is None else np.asarray(v).astype(t._dtype.as_numpy_dtype)
                   if t._dtype.name != "string" else np.asarray(v, dtype=object))
    return out


class Program:
    """`prog(feed_values) -> values of fetches`: `fetches` tensors/ops, fed `feeds` tensors."""

    def __init__(self, session, fetches, feeds):
        self.session = session
        self.ctx = HostContext(session)
        self.fetches = list(fetches)
        self.feeds = list(feeds)
        self.steps = _plan(self.fetches, set(self.feeds))
        self._code = None

    def __call__(self, feed_values):
        code = self._code
        if code is None:
            code = self._code = _compile(self.steps, self.feeds, self.fetches)
        slots = [None] * code[0]
        slots[:len(feed_values)] = feed_values
        ctx, session = self.ctx, self.session
        for kind, a, ins, outs in code[1]:
            if kind:  # a host op: kernel a
                vals = a(ctx, kind, *[slots[i] for i in ins])
            else:  # a compiled stage a, fed by the slots it names
                vals = a.run(session, {t: slots[i] for t, i in ins})
            for i, v in zip(outs, vals or ()):
                slots[i] = v
        return [None if i is None else slots[i] for i in code[2]]


def _compile(steps, feeds, fetches):
    """Steps over numbered slots (no tensor hashing per call): (n slots, steps, fetch slots)."""
    where = {t: i for i, t in enumerate(feeds)}

    def slot(t):
        i = where.get(t)
        if i is None:
            i = where[t] = len(where)
        return i

    code = []
    for step in steps:
        if type(step) is _Stage:
            ins = [(t, where[t]) for t in step.feeds]
            code.append((None, step, ins, [slot(t) for t in step.tensors]))
        else:
            ins = [where[t] for t in step._inputs]
            code.append((step, HOST_KERNELS[step._type], ins, [slot(t) for t in step._outputs]))
    out = [None if isinstance(f, Operation) else where[f] for f in fetches]
    return len(where), code, out


def _plan(fetches, fed):
    """Steps in order: host ops, and compiled stages before the host ops that need them."""
    level = {}  # op -> number of host ops on its longest path back to the feeds
    host_at = {}  # level -> host ops
    needed_at = {}  # level -> compiled tensors needed by host ops at that level

    def on_host(op):  # (one inside a tf.cond or loop: the Session's plan runs it with its
        return op._type in HOST_KERNELS and op._ctx is None  # construct, a host step there)

    def visit(op):
        if op in level:
            return level[op]
        level[op] = 0  # guards against cycles (there are none in a dataset graph)
        lv = 0
        for t in op._inputs:
            if t in fed:
                continue
            lv = max(lv, visit(t._op))
        for c in op._control_inputs:
            lv = max(lv, visit(c))
        if on_host(op):
            for t in op._inputs:
                if t not in fed and not on_host(t._op):
                    needed_at.setdefault(lv, []).append(t)
            lv += 1
            host_at.setdefault(lv, []).append(op)
        level[op] = lv
        return lv

    final = []
    for f in fetches:
        op = f if isinstance(f, Operation) else f._op
        lv = visit(op)
        if not on_host(op) and not (not isinstance(f, Operation) and f in fed):
            final.append(f)
        level.setdefault(op, lv)
    steps = []
    top = max(host_at) if host_at else 0
    known = set(fed)
    for lv in range(top + 1):
        for op in sorted(host_at.get(lv, ()), key=lambda o: o._id):
            steps.append(op)
            known.update(op._outputs)
        tensors = _unique([t for t in needed_at.get(lv, ()) if t not in known])
        if tensors:  # computed from the host ops up to this level
            steps.append(_Stage(tensors, _feeds_of(tensors, known)))
            known.update(tensors)
    rest = _unique([f for f in final if isinstance(f, Operation) or f not in known])
    if rest:
        steps.append(_Stage(rest, _feeds_of(rest, known)))
    return steps


def _unique(items):
    seen, out = set(), []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _feeds_of(targets, known):
    """The known tensors that the compiled slice of `targets` reads (its cut points)."""
    feeds, seen = [], set()
    stack = [t if isinstance(t, Operation) else t._op for t in targets]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        for t in op._inputs:
            # (a captured resource variable is no fed value: the stage holds it as state)
            if t in known and not is_variable_capture(t._op):
                if t not in feeds:
                    feeds.append(t)
            else:
                stack.append(t._op)
        stack.extend(op._control_inputs)
    return feeds
