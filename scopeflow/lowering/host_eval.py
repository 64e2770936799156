"""Ops that run on the host because a compiled program would have to compile their inputs' values
in: ops reading strings that change from run to run, and sparse segment reductions whose
output size is their last segment id.

Strings cannot enter XLA, so a compiled program that reads a fed or dequeued string holds its
values as constants, and so does a program whose output size is set by a run's values
(`tf.sparse.segment_sum`'s rows: the last segment id + 1). Both made a new XLA program for
every batch: a feature-column model (vocabulary lookups, hash buckets, crosses, embeddings)
compiled its training step anew at each step. Such an op now runs as a host op of the run's
`HostPlan` (lowering/stages.py): its own kernel evaluates it on the values of its inputs, as
it would when they are known while tracing (the same checks, failing with TF's errors), and
its integer and float outputs are fed to the next compiled step as ordinary arguments, so the
step compiles once per shape signature.

Which ops: stateless ones outside tf.cond / tf.while_loop and tf.data functions with a string input
that a Placeholder, a host op or such an op made (not a constant or a string variable, which
stay compiled in), and a SparseSegmentSum / Mean / SqrtN whose segment ids are not constant.
"""

import weakref

import numpy as np

_PLACEHOLDERS = frozenset(("Placeholder", "PlaceholderV2", "PlaceholderWithDefault"))
_SEGMENTS = frozenset(("SparseSegmentSum", "SparseSegmentMean", "SparseSegmentSqrtN"))
_NEVER = frozenset(("Const", "VariableV2", "Variable", "VarHandleOp", "Assign", "NoOp", "Switch",
                    "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit", "RefExit",
                    "NextIteration", "RefNextIteration", "LoopCond"))
_memo = weakref.WeakKeyDictionary()  # op -> whether it runs here (the graph only grows)


def on_host(op, is_host_op):
    """Whether `op` runs on the host by this module's rule (`is_host_op`: stages' test)."""
    got = _memo.get(op)
    if got is None:
        got = _memo[op] = _decide(op, is_host_op)
    return got


def _decide(op, is_host_op):
    from scopeflow.ops.registry import REGISTRY
    rec = REGISTRY.get(op._type)
    if (op._type in _NEVER or op._type in _PLACEHOLDERS or rec is None
            or getattr(rec, "stateful", True) or op._ctx is not None or op._cf is not None
            or getattr(op._graph, "_building_function", False)):
        return False
    if any(t._dtype._is_ref_dtype or t._dtype.base_dtype.name in ("resource", "variant")
           for t in op._inputs):
        return False
    if op._type in _SEGMENTS:
        from scopeflow.lowering.entries import row_column
        from scopeflow.ops.constant import constant_value
        # (the rows of a sparse_placeholder's entries: compiled, padded: lowering/entries.py)
        return constant_value(op._inputs[2]) is None and row_column(op._inputs[2]) is None
    return any(t._dtype.base_dtype.name == "string" and _varies(t, is_host_op)
               for t in op._inputs)


def _varies(t, is_host_op):
    """Whether string tensor `t` may change from run to run: fed, or made on the host."""
    p = t._op
    return p._type in _PLACEHOLDERS or is_host_op(p)


def evaluate(hctx, op, *values):
    """Host kernel of such an op: its registered kernel run on `values` (NumPy), under x64."""
    from scopeflow.lowering import lower
    from scopeflow.lowering.context import RunContext
    from scopeflow.ops.registry import REGISTRY
    ctx = RunContext({}, frozenset(), None)
    ctx.op = op
    env = dict(zip(op._inputs, values))
    rec = REGISTRY[op._type]
    with lower.x64():
        lower._store(ctx, op, lower._call(ctx, rec, op, lower._gather(ctx, op, rec, env)), env)
        return [np.asarray(env[t]) for t in op._outputs]
