"""`tf.train.SyncReplicasOptimizer`: synchronous between-graph training on JAX's runtime.

TF aggregates `replicas_to_aggregate` gradients in accumulators on the parameter servers and
the chief applies their mean. Here every worker process holds the variables (see
`train/server.py`), so the mean is one cross-process all-reduce of the gradients (TF's
CollectiveReduceV2 with final_op Div, the gradients of one dtype packed into one vector), and
every worker applies it to its copy: the copies stay equal, and N workers on N half-batches
take the step one process takes on the whole batch. With backup workers
(`replicas_to_aggregate < total_num_replicas`) the gradients go to an accumulator on the ps
instead (ops/accumulator.py) and the variables live on the ps (train/remote_vars.py): each
step averages the first `replicas_to_aggregate` gradients, a late one is dropped, and the
step's update lands once; a slow worker goes on from the current step.

>>> import scopeflow as tf
>>> opt = SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1), 1)
>>> opt.get_name()
'sync_replicas'
"""

import itertools

from scopeflow.ops import accumulator
from scopeflow.ops.array import reshape
from scopeflow.ops.collective import all_reduce
from scopeflow.ops.joining import concat, split
from scopeflow.train.optimizer import Optimizer
from scopeflow.train.session_run_hook import SessionRunHook

_instance_keys = itertools.count(1)


class SyncReplicasOptimizer(Optimizer):
    """Averages the gradients of all worker processes, then applies them with `opt`."""

    def __init__(self, opt, replicas_to_aggregate, total_num_replicas=None,
                 variable_averages=None, variables_to_average=None, use_locking=False,
                 name="sync_replicas"):
        if total_num_replicas is None:
            total_num_replicas = replicas_to_aggregate
        if replicas_to_aggregate > total_num_replicas:
            raise NotImplementedError(
                "SyncReplicasOptimizer with replicas_to_aggregate=%d and total_num_replicas=%d:"
                " scopeflow's workers each give one gradient per step, so a step cannot "
                "aggregate more gradients than there are workers." % (replicas_to_aggregate,
                                                                      total_num_replicas))
        super().__init__(use_locking, name)
        self._opt = opt
        self._replicas_to_aggregate = replicas_to_aggregate
        self._total_num_replicas = total_num_replicas
        self._variable_averages = variable_averages
        self._variables_to_average = variables_to_average
        self._gradients_applied = False

    def compute_gradients(self, *args, **kwargs):
        return self._opt.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The wrapped optimizer's update with the mean of every worker's gradients."""
        from scopeflow.core.contexts import control_dependencies
        from scopeflow.ops import op_util
        from scopeflow.ops.constant import convert_to_tensor
        if not grads_and_vars:
            raise ValueError("Must supply at least one variable")
        if global_step is None:
            raise ValueError("Global step is required to check staleness")
        pairs = [(g, v) for g, v in grads_and_vars]
        live = [i for i, (g, _) in enumerate(pairs) if g is not None]
        with op_util.name_scope(None, self._name) as scope:
            dense = [convert_to_tensor(pairs[i][0]) for i in live]
            means = self._mean(dense, global_step)
        averaged = list(pairs)
        for i, m in zip(live, means):
            averaged[i] = (m, pairs[i][1])
        update = self._opt.apply_gradients(averaged, global_step=global_step, name=name)
        self._gradients_applied = True
        self._supervisor_ops(scope)
        if self._variable_averages is None:
            return update
        with control_dependencies([update]):
            return self._variable_averages.apply(self._variables_to_average)

    def _mean(self, grads, global_step):
        """The cross-worker mean of each gradient: per dtype, one packed all-reduce (or, with
        backup workers, one accumulator on the ps)."""
        out = [None] * len(grads)
        by_dtype = {}
        for i, g in enumerate(grads):
            by_dtype.setdefault(g.dtype.base_dtype, []).append(i)
        for idx in by_dtype.values():
            shapes = [grads[i].shape.as_list() for i in idx]
            if any(d is None for s in shapes for d in s):
                raise ValueError("SyncReplicasOptimizer needs gradients of known shape; "
                                 "found %s" % [grads[i].shape for i in idx])
            flat = concat([reshape(grads[i], [-1]) for i in idx], 0)
            sizes = [_size(s) for s in shapes]
            if self._replicas_to_aggregate < self._total_num_replicas:
                total = self._accumulated(flat, sum(sizes), global_step)
            else:
                total = all_reduce(flat, self._replicas_to_aggregate, 1, next(_instance_keys),
                                   "Add", "Div")
            for i, part, shape in zip(idx, split(total, sizes, 0), shapes):
                out[i] = reshape(part, shape)
        return out

    def _accumulated(self, flat, size, global_step):
        """Backup workers: the mean of the first `replicas_to_aggregate` gradients of the step
        (ops/accumulator.py: an accumulator on the ps; late gradients are dropped)."""
        from scopeflow.core.contexts import control_dependencies
        from scopeflow.ops.array import identity
        from scopeflow.ops.math_cast import cast
        dtype = flat.dtype.base_dtype
        with control_dependencies(None):  # placed with the variables (the device setter)
            acc = accumulator.conditional_accumulator(
                dtype, [size], "%s/accumulator_%d" % (self._name, next(_instance_keys)))
        step = cast(identity(global_step), "int64")
        apply = accumulator.apply_gradient(acc, step, flat)
        with control_dependencies([apply]):
            mean = accumulator.take_gradient(acc, self._replicas_to_aggregate, dtype)
        return reshape(mean, [size])

    def _supervisor_ops(self, scope):
        """The ops TF's distributed examples hand to a Supervisor (TF's attribute names): none
        has work to do here; the chief queue runner's thread waits until the queue closes."""
        from scopeflow.core.var_ops import global_variables, report_uninitialized_variables
        from scopeflow.ops import op_util
        from scopeflow.ops.queues import FIFOQueue
        from scopeflow.ops.state import no_op
        from scopeflow.train.queue_runner import QueueRunner
        with op_util.name_scope(scope):
            self.local_step_init_op = no_op(name="local_step_init")
            self.chief_init_op = no_op(name="chief_init")
            self.ready_for_local_init_op = report_uninitialized_variables(global_variables())
        idle = FIFOQueue(1, ["int64"], shapes=[[]], name="sync_token_q")  # TF's, at top level
        self._chief_queue_runner = QueueRunner(idle, [idle.dequeue().op])

    def get_chief_queue_runner(self):
        """A QueueRunner for the chief's Supervisor (its thread only waits: nothing to do)."""
        if not self._gradients_applied:
            raise ValueError("Should be called after apply_gradients().")
        return self._chief_queue_runner

    def get_slot(self, *args, **kwargs):
        return self._opt.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._opt.get_slot_names(*args, **kwargs)

    def variables(self):
        return self._opt.variables()

    def get_init_tokens_op(self, num_tokens=-1):
        """A no-op: the all-reduce needs no tokens."""
        from scopeflow.ops.state import no_op
        self._check_applied("get_init_tokens_op")
        return no_op(name="sync_token_init")

    def make_session_run_hook(self, is_chief, num_tokens=-1):
        """TF's hook for MonitoredTrainingSession; nothing to start here."""
        return _SyncReplicasOptimizerHook(self, is_chief, num_tokens)

    def _check_applied(self, what):
        if not self._gradients_applied:
            raise ValueError("%s() should be called after apply_gradients()." % what)


class _SyncReplicasOptimizerHook(SessionRunHook):
    def __init__(self, sync_optimizer, is_chief, num_tokens):
        self._sync_optimizer = sync_optimizer
        self._is_chief = is_chief
        self._num_tokens = num_tokens

    def begin(self):
        self._sync_optimizer._check_applied("begin")


def _size(shape):
    n = 1
    for d in shape:
        n *= d
    return n
