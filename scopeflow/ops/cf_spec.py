"""Graph-side records of a cond and a while loop: what the lowering runs in their place.

TF keeps a `CondContext` / `WhileContext` beside the graph; so does scopeflow (cf_context.py),
and when a construct is complete it records, on each of its Merge (cond) or Exit (loop) ops,
`op._cf = (spec, output index)`. The lowering (lower.execute) sees the record and runs the
whole construct once per run with lax.cond / lax.while_loop (cf_run.py) from its outside
values `spec.inputs`; the backward slice follows `spec.inputs` and `spec.controls` instead of
the Merge / Exit inputs, so no branch or body op runs in the enclosing program.

>>> import scopeflow as tf
>>> p = tf.placeholder(tf.bool, [])
>>> r = tf.cond(p, lambda: tf.constant(1), lambda: tf.constant(2))
>>> type(r.op._cf[0]).__name__, [t.name for t in r.op._cf[0].inputs]
('CondSpec', ['Placeholder:0'])
"""

import dataclasses
import weakref

from scopeflow.core.tensor import Tensor

# op of an imported outermost loop's frame -> (its LoopSpec, "cond" | "body"): where a fetch
# of its value finds it (lowering/loop_fetch.py)
INSIDE = weakref.WeakKeyDictionary()

# Switch ops a cond accounts for: a tf.cond's predicate Switch, the Switch ops tf.gradients
# builds for conds, an imported cond's (checkpoint/import_cf.py). TF's executor runs them by
# dead tensors; here the cond's record does. Any other Switch outside a cond or loop context
# is raw: the lowering follows TF's dead-tensor rules below it (lowering/liveness.py).
COND_SWITCHES = weakref.WeakSet()


def own_switches(ops):
    """Marks the Switch ops among `ops` as a cond's (see COND_SWITCHES)."""
    COND_SWITCHES.update(op for op in ops if op._type in ("Switch", "RefSwitch"))


@dataclasses.dataclass(frozen=True, eq=False)
class Branch:
    """A cond branch as a sub-function: its results, computed from the cond's outside inputs."""

    outputs: tuple
    inputs: tuple
    edges: tuple = ()  # outside control edges the sub-function leaves out


@dataclasses.dataclass(frozen=True, eq=False)
class CondSpec:
    """One tf.cond: the lowering runs `then_branch` or `else_branch` with lax.cond."""

    pred: Tensor  # the outside predicate (pred_id's input)
    inputs: tuple  # outside values the branches read, the predicate among them
    then_branch: Branch
    else_branch: Branch
    controls: tuple  # outside control inputs: they run before the cond
    exits: list = dataclasses.field(default_factory=list)  # its Merge ops
    contexts: list = dataclasses.field(default_factory=list)  # (true, false) CondContexts
    variables: tuple = ()  # variable ops the branches use (their state enters the run)

    def subs(self):
        """(owner, key, outputs, inputs, skip) of each sub-function the lowering traces for
        this construct (cf_run._sub; graph_key.py hashes their ops)."""
        return [(b, "f", b.outputs, b.inputs, ()) for b in (self.else_branch, self.then_branch)]

    def run(self, ctx, values):
        """[output values..., branch index]."""
        from scopeflow.ops.cf_run import run_cond
        pred = values[self.inputs.index(self.pred)]
        return run_cond(ctx, pred, values, self)

    @staticmethod
    def output(got, k):
        return got[k], got[-1]  # Merge: (value, value_index)

    def branch_reads(self):
        """(else, then): the outside values each branch reads (lowering/liveness.py)."""
        from scopeflow.ops.cf_run import sub_order
        reads = []
        for b in (self.else_branch, self.then_branch):
            used = {t for op in sub_order(b, b.outputs, b.inputs) for t in op._inputs}
            reads.append(tuple(t for t in self.inputs if t in used or t in b.outputs))
        return reads


@dataclasses.dataclass(frozen=True, eq=False)
class LoopSpec:
    """One tf.while_loop: the lowering runs it with lax.while_loop (or a bounded scan)."""

    cond_cut: tuple  # Merge outputs: the loop values when the condition runs
    body_cut: tuple  # Switch:1 outputs: the loop values when the body runs
    cond_out: Tensor
    body_outs: tuple
    inputs: tuple  # the loop's outside values
    init_pos: tuple  # index in `inputs` of each loop variable's initial value
    specs: tuple  # (TensorShape, DType) of each loop variable
    max_iterations: object  # static bound (int) when known and gradients may flow, else None
    limit_pos: object = None  # index in `inputs` of a bound known only when the run is traced
    controls: tuple = ()  # outside control inputs: they run before the loop
    back_prop: bool = True  # False: a plain lax.while_loop, no gradient rule
    skip: tuple = ()  # the loop's Merge and Switch ops: sub-functions never run them
    exits: list = dataclasses.field(default_factory=list)  # its Exit ops
    variables: tuple = ()  # variable ops the loop uses (their state enters the run)
    edges: tuple = ()  # outside control edges kept in the graph (its Enters')
    context: object = None  # its WhileContext (host ops inside make it run on the host)
    rows: tuple = ()  # loop values that grow by rows (TF's IndexedSlices accumulators)
    maxima: tuple = ()  # (k, v): loop value k is Maximum(v, itself), v static (their shape)
    reread: tuple = ()  # indices in `inputs` of `v/read`s the cond and body read afresh

    def subs(self):
        """(owner, key, outputs, inputs, skip) of the condition and the body (see CondSpec)."""
        inputs = read_once(self, self.inputs)
        return [(self, "c", (self.cond_out,), tuple(self.cond_cut) + inputs, self.skip),
                (self, "b", tuple(self.body_outs), tuple(self.body_cut) + inputs, self.skip)]

    def run(self, ctx, values):
        from scopeflow.ops.cf_run import run_while
        return run_while(ctx, values, self)

    @staticmethod
    def output(got, k):
        return got[k]


def read_once(spec, inputs):
    """The outside values a loop's cond and body take (a tuple of `inputs`, one per
    `spec.inputs`): not the `v/read`s they read afresh (`spec.reread`)."""
    return tuple(x for i, x in enumerate(inputs) if i not in spec.reread)
