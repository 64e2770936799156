"""Between-graph training on a ps: variables on `/job:ps` live in the ps process.

Under a distributed `tf.train.Server` whose cluster has ps tasks, and a graph that does not
all-reduce gradients across workers (no `SyncReplicasOptimizer` with every worker
aggregated: no CollectiveReduceV2 op), a
variable that `replica_device_setter` (or `tf.device`) puts on `/job:ps/task:k` is held by that
ps task's store (`train/ps_store.py`). A worker's `Session.run` touching such variables reads
their current values from the ps before the step, runs the step as one compiled program on
them, and sends what it wrote afterwards, as TF's ops placed on the ps read and update there:

- a variable the step changes only through additive updates (`Apply*` optimizer ops,
  `assign_add` / `assign_sub`, scatter adds) sends its new value, the difference from the value
  it read and the version it read: while no other worker wrote the variable since, the ps takes
  the new value, bit for bit the value TF's apply op on the ps computes from the same inputs;
  else it adds the difference to the current value, so the global step counts every worker's
  steps and plain gradient descent applies each gradient to the current weights, as TF does.
  An optimizer's slots (Momentum's accumulator, Adam's moments) are colocated with their
  variable, so they live on the same ps and travel in the same request; an optimizer's
  training op (`ApplyAdam`, `SparseApplyMomentum`, ...) also sends its type, attrs and other
  inputs (the gradient, learning rate, beta powers, as the step computed or read them: the
  run fetches them too), and when another worker wrote the variable or a slot since the read,
  the ps runs the op's update rule (`train/apply_op.py`) on its current values instead, so
  every worker's update applies to the slots as the others left them, as TF's apply ops on
  the ps run one after the other (and an `Assign(v, v * y)`, Adam's beta powers, likewise);
- any other write (`Assign`, initializers, restores, scatter updates) sets the value.

With backup workers (`SyncReplicasOptimizer(replicas_to_aggregate=R < total_num_replicas)`:
the step takes its mean from an accumulator on the ps, `ops/accumulator.py`), a step's writes
land once, as the chief's update in TF: every worker that read the same values applies the
same mean, the first to send sets them, and the ps drops the others' (and those of a worker
whose read was stale, whose gradient the accumulator dropped too). A slow worker thus does
not go through the steps it missed: its next step reads the current variables and the
global step, as TF's worker does after its token.

A variable the ps has no value for yet is uninitialized in the worker (TF's
FailedPreconditionError, `report_uninitialized_variables` lists it), so a non-chief worker
waits for the chief's initialization as in TF.
"""

import threading

import numpy as np

from scopeflow.core.device import DeviceSpec
from scopeflow.lowering.slice import backward_slice, is_handle, is_variable_op, variable_of
from scopeflow.ops.registry import REGISTRY
from scopeflow.train.apply_op import SCALED, rule_of
from scopeflow.train.ps_store import Update

_ADDITIVE = frozenset((
    "AssignAdd", "AssignSub", "AssignAddVariableOp", "AssignSubVariableOp", "ScatterAdd",
    "ScatterSub", "ScatterNdAdd", "ScatterNdSub", "ResourceScatterAdd", "ResourceScatterSub",
    "ResourceScatterNdAdd", "ResourceScatterNdSub", "CountUpTo", "ResourceCountUpTo"))
_ADDITIVE_PREFIXES = ("Apply", "SparseApply", "ResourceApply", "ResourceSparseApply")
_READS = frozenset(("Identity", "ReadVariableOp", "IsVariableInitialized", "VarIsInitializedOp",
                    "ResourceGather", "ResourceGatherNd", "VariableShape"))
_MAX_PLANS = 4096
# SyncReplicasOptimizer's ops: its workers keep mirrored copies of the ps variables
_SYNCHRONOUS = frozenset(("CollectiveReduceV2",))
_ONCE = "ResourceAccumulatorTakeGradient"  # a backup workers' step: its writes land once


def additive(op_type):
    """Whether an op of this type changes a variable only by adding to it (an optimizer's
    apply op counts: its update is computed from the values the step read)."""
    return op_type in _ADDITIVE or op_type.startswith(_ADDITIVE_PREFIXES)


class _RunInfo:
    """The remote variables of one run signature: which it touches, which only add, and the
    training ops whose updates the ps reruns on a stale read (with the tensors it fetches)."""

    __slots__ = ("additive", "by_task", "extra", "names", "once", "ruled", "rules", "task")

    def __init__(self, variables, remote, slice_ops):
        self.names = {v: remote[v][1] for v in variables}
        self.task = {v: remote[v][0] for v in variables}
        self.by_task = {}
        for v in variables:
            self.by_task.setdefault(remote[v][0], []).append(v)
        kinds = {}  # variable -> True while every op writing it in the slice adds
        writers = {}  # variable -> the ops writing it
        for op in slice_ops:
            rec = REGISTRY.get(op._type)
            for i, t in enumerate(op._inputs):
                v = variable_of(t) if is_handle(t) else None
                if v in self.names and op._type not in _READS and op is not v:
                    kinds[v] = kinds.get(v, True) and additive(op._type)
                    if rec is None or i >= len(rec.flags) or rec.flags[i] & 2:
                        writers.setdefault(v, set()).add(op)  # (else: a value input)
        self.additive = frozenset(v for v, ok in kinds.items() if ok)
        self.once = any(op._type == _ONCE for op in slice_ops)
        self.rules = [r for r in map(self._rule, slice_ops) if r is not None and all(
            writers.get(v) == {r[0]} for v in r[3])]
        self.ruled = frozenset(v for r in self.rules for v in r[3])
        self.extra = tuple(x for r in self.rules for fetched, x in r[4].values() if fetched)

    def _rule(self, op):
        """(op, its update's type and attrs, reference variables, {input name: (True, tensor
        to fetch) or (False, ps variable: the value read)}) of a training op (or an
        `Assign(v, v * y)`) on ps variables of one task, or None."""
        if op._type == "Assign":
            return self._scaled(op)
        found = rule_of(op._type) if additive(op._type) else None
        if found is None or op._type.startswith("Resource"):
            return None
        by = dict(zip(found.names, op._inputs))
        refs = [variable_of(by[n]) for n in found.refs]
        if any(v not in self.names for v in refs) or len({self.task[v] for v in refs}) > 1:
            return None
        inputs = {}
        for n, t in by.items():
            if n in found.refs:
                continue
            v = variable_of(t) if is_handle(t) else None
            if v is not None and v not in self.names:
                return None  # a local variable's value as the op saw it: not kept
            inputs[n] = (True, t) if v is None else (False, v)
        attrs = {k: op._attrs.get(k, d) for k, d in found.attrs.items()}
        return op, op._type, attrs, refs, inputs

    def _scaled(self, op):
        """The rule of `Assign(v, v * y)` on a ps variable v (Adam's beta powers), or None."""
        v, value = variable_of(op._inputs[0]), op._inputs[1]._op
        if v not in self.names or value._type != "Mul":
            return None
        reads = [_reads(t, v) for t in value._inputs]
        if reads.count(True) != 1:
            return None
        y = value._inputs[reads.index(False)]
        return op, SCALED, {}, [v], {"y": (True, y)}


def _reads(t, v):
    """Whether tensor `t` is variable `v`'s value: its ref or an Identity of it."""
    if t._op._type == "Identity" and t._op._inputs:
        t = t._op._inputs[0]
    return is_handle(t) and variable_of(t) is v


class RemoteVariables:
    """A Session's view of the ps tasks' stores: `run(plan, targets, cut, execute)` reads the
    remote variables of the run into the Session, executes (`execute(extra)`: the run's
    result and the values of the `extra` tensors), and sends back what changed."""

    def __init__(self, sess, server):
        self._sess, self._server = sess, server
        self._remote = (-1, {})  # (graph version, variable op -> (ps task, name))
        self._plans = {}  # plan -> (graph version, _RunInfo)
        self._lock = threading.RLock()  # runs on remote variables, one at a time

    def run(self, plan, targets, cut, execute):
        info = self._info(plan, targets, cut)
        if info is None:
            return execute(())[0]
        with self._lock:
            base, placed = self._pull(info)
            extra = {}
            try:
                result, values = execute(info.extra)
                extra = dict(zip(info.extra, values))
                return result
            finally:
                self._push(info, base, placed, extra)

    def _info(self, plan, targets, cut):
        graph = self._sess._graph
        version, info = self._plans.get(plan, (-1, None))
        if version == graph._version:
            return info
        remote = self.variables(graph)
        info = None
        if remote:
            ops = backward_slice(targets, frozenset(cut))
            touched = set(ops)
            for op in ops:  # variables a loop or cond reads inside (slice.deps)
                cf = op._cf
                if cf is not None:
                    touched.update(getattr(cf[0], "variables", ()))
            used = [v for v in remote if v in touched]
            info = _RunInfo(used, remote, ops) if used else None
        if len(self._plans) >= _MAX_PLANS:
            self._plans.clear()
        self._plans[plan] = (graph._version, info)
        return info

    def variables(self, graph):
        """{variable op: (ps task, name)} of the variables the ps tasks hold."""
        version, remote = self._remote
        if version == graph._version:
            return remote
        remote = {}
        ops = graph.get_operations()
        if not any(op._type in _SYNCHRONOUS for op in ops):  # else: mirrored
            for op in ops:
                if not is_variable_op(op):
                    continue
                spec = DeviceSpec.from_string(op._device or "")
                dtype = op._outputs[0]._dtype.base_dtype
                if spec.job == "ps" and dtype.name != "string" and op._type != "VarHandleOp":
                    remote[op] = (spec.task or 0, op._name)
        self._remote = (graph._version, remote)
        return remote

    def _pull(self, info):
        """Reads the run's remote variables into the Session: (values read, arrays placed)."""
        import jax

        from scopeflow.lowering.lower import x64
        base, versions = {}, {}
        for task, variables in info.by_task.items():
            values, read = self._server.ps_client(task).read([info.names[v] for v in variables])
            base.update(zip(variables, values))
            versions.update(zip(variables, read))
        sess = self._sess
        placed = {}
        with sess._lock, x64():
            state = sess._state
            for v, value in base.items():
                old = state.get(v)
                if value is None:
                    if old is not None:
                        del state[v]
                        sess._state_version += 1
                    placed[v] = None
                    continue
                if old is None or old.shape != value.shape or old.dtype != value.dtype:
                    sess._state_version += 1
                where = old.sharding if old is not None and hasattr(old, "sharding") else \
                    jax.local_devices()[0]
                state[v] = placed[v] = jax.device_put(value, where)
        return (base, versions), placed

    def _push(self, info, read, placed, extra):
        """Sends the values the run wrote: with differences where it only added, and the
        training ops' updates with their inputs (`extra`: fetched values)."""
        base, versions = read
        sess = self._sess
        with sess._lock:
            state = dict(sess._state)
        sends = {}
        for v in info.names:
            new = state.get(v)
            if new is None or new is placed.get(v):
                continue  # not written
            new = np.asarray(new)
            old = base.get(v)
            if info.once:
                item = (info.names[v], "once", new, versions[v])
            elif (v in info.additive or v in info.ruled) and old is not None \
                    and old.shape == new.shape and new.dtype != np.bool_:
                item = (info.names[v], "apply", (new, new - old), versions[v])
            else:
                item = (info.names[v], "set", new, None)
            sends.setdefault(info.task[v], []).append(item)
        rules = {}
        sent = {item[0] for items in sends.values() for item in items if item[1] == "apply"}
        for _, op_type, attrs, refs, inputs in info.rules if extra or not info.extra else ():
            names = [info.names[v] for v in refs]
            if not all(n in sent for n in names):
                continue  # the op did not run (a cond), or a value is set whole
            values = {n: np.asarray(extra[x] if fetched else base[x])
                      for n, (fetched, x) in inputs.items()}
            rules.setdefault(info.task[refs[0]], []).append(
                Update(op_type, names, values, attrs))
        for task, items in sends.items():
            names, kinds, arrays, bases = zip(*items)
            self._server.ps_client(task).put(names, kinds, arrays, bases, rules.get(task, ()))

