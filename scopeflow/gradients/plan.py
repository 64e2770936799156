"""Which ops a gradient runs through, found with TF's rules, as a frozen `Plan`.

TF's `tf.gradients` walks forward from the xs along float edges ("reached"), backward from the
ys within those ops ("between"), and then back-propagates from the ys: an op passes gradient
to its float inputs unless its type is not differentiable, it is in `stop_gradients`, or it is
an x with nothing between upstream of it. The ops that pass gradient are `active`; an x that
receives none gets None. The SymbolicGradient kernel re-runs only active ops inside `jax.vjp`;
everything else they read is a `side` input, computed once by the forward pass. So are the
outputs of host ops among the active ops (their sizes depend on values: dynamic_shape.py).
"""

import dataclasses

from scopeflow.lowering.slice import data_inputs

# TF registers these with no gradient (`ops.NotDifferentiable`) or a gradient that is None
# for every input; `tf.NotDifferentiable` adds to the set.
NOT_DIFFERENTIABLE = set(  # noqa: SIM905 - a table of words
    """
ApproximateEqual ArgMax ArgMin AsString Assert Assign AssignAdd AssignSub BitwiseAnd BitwiseOr
BitwiseXor BroadcastGradientArgs Bucketize Ceil ConcatOffset Const CountUpTo DecodeRaw EditDistance
Equal Floor FloorDiv Greater GreaterEqual HistogramSummary ImageSummary Invert
InvertPermutation IsVariableInitialized LeftShift Less LessEqual LinSpace LogicalAnd
LogicalNot LogicalOr MergeSummary Multinomial NotEqual OneHot OnesLike
ParameterizedTruncatedNormal Placeholder PopulationCount PyFunc
RandomCrop RandomShuffle RandomStandardNormal RandomUniform RandomUniformInt Range Rank
RightShift Rint Round ScalarSummary ScatterAdd ScatterDiv ScatterMul ScatterNdAdd
ScatterNdUpdate ScatterSub ScatterUpdate Shape ShapeN Size StatelessMultinomial
StatelessRandomGetKeyCounter StatelessRandomNormal StatelessRandomNormalV2 StatelessRandomUniform
StatelessRandomUniformFullInt StatelessRandomUniformFullIntV2 StatelessRandomUniformInt
StatelessRandomUniformIntV2 StatelessRandomUniformV2 StatelessTruncatedNormal
StatelessTruncatedNormalV2 StopGradient
StringJoin StringToHashBucketFast StringToNumber TensorSummary TensorSummaryV2
TruncateDiv TruncatedNormal VariableV2 ZerosLike
""".split()
)

# TF registers no gradient function for these: tf.gradients through them is a LookupError.
# (TF 2.21 tells: tf.gradients through each raises LookupError "No gradient defined ...")
# The ref-variable training ops (ApplyAdam, SparseApplyMomentum, ...) are among them: a value
# read through `optimizer.apply_gradients`' output has no gradient in TF either.
_TRAINING_OPS = [prefix + rule for prefix in ("Apply", "SparseApply") for rule in """
Adadelta Adagrad AdagradDA AdagradV2 Adam AdaMax AddSign CenteredRMSProp Ftrl FtrlV2
GradientDescent Momentum PowerSign ProximalAdagrad ProximalGradientDescent RMSProp""".split()]
NO_GRADIENT = frozenset(["Unique", "UniqueWithCounts", "ListDiff", "TruncateMod", "GuaranteeConst",
                         "Lu", "SoftsignGrad", "AdjustHue", "AdjustSaturation",
                         "AdjustContrastv2", "DrawBoundingBoxesV2", "QuantizeV2", "Dequantize",
                         "FractionalMaxPoolGrad", "FractionalAvgPoolGrad",
                         *_TRAINING_OPS])

_CAPTURES = frozenset(("Switch", "RefSwitch", "Enter", "RefEnter"))

# Stateful ops that still carry gradients (control flow over differentiable bodies).
_STATEFUL_DIFFERENTIABLE = {"If", "While", "StatelessIf", "StatelessWhile", "Cond",
                            "WhileLoop", "Scan", "SymbolicGradient", "ReadVariableOp",
                            "ResourceGather", "ResourceGatherNd", "Print",
                            "StatefulPartitionedCall"}  # (Defun adds its stateful functions)


def trainable(t):
    """Whether a gradient can flow along `t` (float or complex, refs and resource handles
    included, as TF's `_IsTrainable`)."""
    dt = t._dtype.base_dtype
    return dt.is_floating or dt.is_complex or dt._enum == 20  # DT_RESOURCE


def differentiable(op):
    if op._graph._gradient_op_types.get(op, op._type) != op._type:
        return True  # gradient_override_map gave it a gradient function of its own
    if op._type in NOT_DIFFERENTIABLE:
        return False
    if op._type in NO_GRADIENT:
        return True  # on the path, so that tf.gradients refuses it as TF does
    from scopeflow.ops.registry import REGISTRY
    rec = REGISTRY.get(op._type)
    return rec is None or not rec.stateful or op._type in _STATEFUL_DIFFERENTIABLE


def _by_id(ops):
    return sorted(ops, key=lambda o: o._id)


@dataclasses.dataclass(frozen=True, eq=False)
class Group:
    """xs differentiated together (no member is downstream of another) and the ops to run."""

    members: tuple  # indices into Plan.xs
    order: tuple  # active ops evaluated from the cut, in execution order


@dataclasses.dataclass(frozen=True, eq=False)
class Plan:
    """Everything the SymbolicGradient kernel and the namer need, fixed at graph time."""

    ys: tuple  # differentiated ys (repeats allowed: their cotangents add)
    xs: tuple  # connected xs, each once
    side: tuple  # tensors the active ops read from outside the slice
    groups: tuple  # Group per vjp
    roots: dict  # y -> its position in the caller's ys
    active: frozenset  # ops that pass gradient
    gate: bool  # gate_gradients (only changes names)

    def uses(self, t):
        """(op, input index) edges along which `t` receives gradient."""
        ops = _by_id({c for c in t.graph._consumers_of(t)
                      if c in self.active or self._captures(c)})
        return [(op, i) for op in ops for i, inp in enumerate(op._inputs) if inp is t]

    def _captures(self, op):
        """Whether `op` brings a value into an active cond / loop (its Switch / Enter)."""
        ctx = op._ctx
        return (ctx is not None and op._type in _CAPTURES
                and any(o in self.active for o in ctx.exit_ops))

    def __repr__(self):
        return "<gradient plan %d ys, %d xs>" % (len(self.ys), len(self.xs))


def plan(ys, xs, stop_ops, gate):
    """The Plan of `gradients(ys, xs)`, or None when no x is connected."""
    xs = list(dict.fromkeys(xs))
    xs_set = set(xs)
    from_ops = {x._op for x in xs}
    between = _between([y._op for y in ys], _reached(from_ops))
    stops = {op for op in from_ops if not any(t._op in between for t in op._inputs)}
    stops.update(stop_ops)
    live, active = _live(ys, between, stops)
    conn = [x for x in xs if x in live]
    if not conn:
        return None
    dys = [y for y in ys if trainable(y) and (y._op in active or y in xs_set)]
    roots = {}
    for i, y in enumerate(ys):
        if y in dys:
            roots.setdefault(y, i)
    groups, side = [], {}
    for members in _layers(conn, between):
        cut = {conn[i] for i in members}
        order = _order(dys, active, cut)
        _collect_side(order, dys, cut, side)
        groups.append(Group(tuple(members), tuple(order)))
    side = tuple(t for t in side if t not in xs_set)
    return Plan(tuple(dys), tuple(conn), side, tuple(groups), roots, frozenset(active), gate)


def _reached(from_ops, passes=None):
    """Ops reachable from `from_ops` along edges `passes` lets a gradient through (TF's
    _MarkReachedOps; by default `trainable`)."""
    passes = passes or trainable
    reached = set()
    queue = list(from_ops)
    while queue:
        op = queue.pop()
        if op in reached:
            continue
        reached.add(op)
        for t in op._outputs:
            if passes(t):
                queue.extend(t._op._graph._consumers_of(t))
    return reached


def _between(to_ops, reached):
    between = set()
    queue = list(to_ops)
    while queue:
        op = queue.pop()
        if op in reached and op not in between:
            between.add(op)
            queue.extend(t._op for t in data_inputs(op))
    return between


def _live(ys, between, stops):
    """Tensors that receive gradient, and the ops that pass it on (reverse creation order;
    again while a capture, made after the op that reads it, makes more live)."""
    live = {y for y in ys if trainable(y)}
    active, passed = set(), set()
    ordered = sorted(between, key=lambda o: o._id, reverse=True)
    while True:
        before = len(live)
        for op in ordered:
            if op in stops or op in active or op in passed or not any(
                    t in live for t in op._outputs):
                continue
            if passes_capture(op):  # (the re-run reads the captured value: _alias_captures)
                passed.add(op)
                live.add(op._inputs[0])
            elif differentiable(op):
                active.add(op)
                live.update(t for t in data_inputs(op) if trainable(t))
        if len(live) == before:
            return live, active


def passes_capture(op):
    """Whether `op` brings an outside value into the cond branch or loop body that
    tf.gradients was called in (a branch's Switch, an Enter): the gradient passes through it
    to the value, as TF's gradient built in that branch or body does."""
    ctx = op._ctx
    return (op._type in _CAPTURES and bool(op._inputs) and ctx is not None
            and (op._type in ("Enter", "RefEnter") or hasattr(ctx, "branch"))
            and trainable(op._inputs[0]))


def captured(t):
    """The value `t` passes on through such captures (`t` itself if none)."""
    while passes_capture(t._op):
        t = t._op._inputs[0]
    return t


def _layers(conn, between):
    """Groups of x indices: first the xs with no x downstream, then their parents, ..."""
    by_op = {}
    for i, x in enumerate(conn):
        by_op.setdefault(x._op, []).append(i)
    below = {i: set() for i in range(len(conn))}  # x index -> xs downstream of it
    for i, x in enumerate(conn):
        if not x._op._inputs:
            continue
        for op in _ancestors(x._op, between):
            for j in by_op.get(op, ()):
                below[j].add(i)
    left = list(range(len(conn)))
    out = []
    while left:
        layer = [i for i in left if not below[i].intersection(left)]
        if not layer:  # a cycle through loop back edges: differentiate together
            layer = left
        out.append(layer)
        left = [i for i in left if i not in layer]
    return out


def _ancestors(op, between):
    seen = set()
    queue = [t._op for t in data_inputs(op)]
    while queue:
        o = queue.pop()
        if o in seen or o not in between:
            continue
        seen.add(o)
        queue.extend(t._op for t in data_inputs(o))
    return seen


def _order(dys, active, cut):
    """Active ops needed for `dys` when `cut` tensors are given, in execution order."""
    cut_ops = {t._op for t in cut}
    needed = set()
    stack = [y._op for y in dys if y not in cut]
    while stack:
        op = stack.pop()
        if op in needed or op not in active or op in cut_ops:
            continue
        needed.add(op)
        stack.extend(captured(t)._op for t in data_inputs(op) if captured(t) not in cut)
    return _by_id(needed)


def _collect_side(order, dys, cut, side):
    from scopeflow.lowering.stages import HOST_KERNELS
    ran = set(order)
    for op in order:
        if op._type in HOST_KERNELS:  # the host step's outputs fix the sizes the re-run needs
            for t in op._outputs:
                side.setdefault(t, None)
        for t in data_inputs(op):
            src = captured(t)  # (a capture of a value the re-run makes reads that value)
            if t._op not in ran and src not in cut and src._op not in ran:
                side.setdefault(t, None)
    for y in dys:
        if y._op not in ran and y not in cut:
            side.setdefault(y, None)
