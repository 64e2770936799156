"""`tf.train.ClusterSpec` and `tf.train.replica_device_setter`, as TF's device_setter/server_lib.

>>> fn = replica_device_setter(ps_tasks=2)   # variables round-robin on /job:ps/task:0, 1, ...
"""

from scopeflow.core.device import DeviceSpec

STANDARD_PS_OPS = ("Variable", "VariableV2", "AutoReloadVariable",
                   "MutableHashTable", "MutableHashTableV2",
                   "MutableHashTableOfTensors", "MutableHashTableOfTensorsV2",
                   "MutableDenseHashTable", "MutableDenseHashTableV2",
                   "VarHandleOp", "BoostedTreesEnsembleResourceHandleOp",
                   "BoostedTreesQuantileStreamResourceHandleOp",
                   "ResourceConditionalAccumulator",
                   "DecisionTreeResource")


def _cluster_pb2():
    from tensorboard.compat.proto import cluster_pb2
    return cluster_pb2


class ClusterSpec:
    """A set of jobs, each a map from task index to network address.

    >>> ClusterSpec({"ps": ["h0:1", "h1:1"]}).num_tasks("ps")
    2
    """

    def __init__(self, cluster):
        if isinstance(cluster, dict):
            self._cluster_spec = {}
            for job_name, tasks in cluster.items():
                if isinstance(tasks, (list, tuple)):
                    job_tasks = dict(enumerate(tasks))
                elif isinstance(tasks, dict):
                    job_tasks = {int(i): task for i, task in tasks.items()}
                else:
                    raise TypeError("The tasks for job %r must be a list or a dictionary "
                                    "from integers to strings." % job_name)
                self._cluster_spec[job_name] = job_tasks
            self._make_cluster_def()
        elif isinstance(cluster, ClusterSpec) or (
                type(cluster).__name__ == "ClusterDef" and hasattr(cluster, "job")):
            cdef = cluster.as_cluster_def() if isinstance(cluster, ClusterSpec) else cluster
            self._cluster_def = _cluster_pb2().ClusterDef()
            self._cluster_def.MergeFrom(cdef)
            self._cluster_spec = {j.name: dict(j.tasks.items()) for j in self._cluster_def.job}
        else:
            raise TypeError("`cluster` must be a dictionary mapping one or more job names to "
                            "lists of network addresses, or a `ClusterDef` protocol buffer")

    def __bool__(self):
        return bool(self._cluster_spec)

    def __eq__(self, other):
        return self._cluster_spec == other

    def __ne__(self, other):
        return self._cluster_spec != other

    __hash__ = None

    def __repr__(self):
        kv = self.as_dict()
        return "ClusterSpec({" + ", ".join(repr(k) + ": " + repr(kv[k]) for k in sorted(kv)) + "})"

    def as_dict(self):
        ret = {}
        for job in self.jobs:
            idx = self.task_indices(job)
            if not idx:
                ret[job] = {}
            elif max(idx) + 1 == len(idx):
                ret[job] = self.job_tasks(job)
            else:
                ret[job] = {i: self.task_address(job, i) for i in idx}
        return ret

    def as_cluster_def(self):
        return self._cluster_def

    @property
    def jobs(self):
        return list(self._cluster_spec.keys())

    def _job(self, job_name):
        try:
            return self._cluster_spec[job_name]
        except KeyError:
            raise ValueError("No such job in cluster: %r" % job_name) from None

    def num_tasks(self, job_name):
        return len(self._job(job_name))

    def task_indices(self, job_name):
        return sorted(self._job(job_name).keys())

    def task_address(self, job_name, task_index):
        job = self._job(job_name)
        try:
            return job[task_index]
        except KeyError:
            raise ValueError("No task with index %r in job %r"
                             % (task_index, job_name)) from None

    def job_tasks(self, job_name):
        job = self._job(job_name)
        ret = [None] * (max(job.keys()) + 1)
        for i, task in job.items():
            ret[i] = task
        return ret

    def _make_cluster_def(self):
        self._cluster_def = _cluster_pb2().ClusterDef()
        for job_name, tasks in sorted(self._cluster_spec.items()):
            job_def = self._cluster_def.job.add()
            job_def.name = _as_text(job_name, "Job name %r must be bytes or unicode")
            for i, address in sorted(tasks.items()):
                job_def.tasks[i] = _as_text(address, "Task address %r must be bytes or unicode")


def _as_text(s, msg):
    if isinstance(s, bytes):
        return s.decode()
    if isinstance(s, str):
        return s
    raise TypeError(msg % (s,))


class _RoundRobinStrategy:
    """The next ps task index, cycling over `num_tasks`."""

    def __init__(self, num_tasks):
        self._num_tasks = num_tasks
        self._next_task = 0

    def __call__(self, unused_op):
        task = self._next_task
        self._next_task = (self._next_task + 1) % self._num_tasks
        return task


def _merged(base, current):
    out = DeviceSpec.from_string(base or "")
    return out.merge_from(current)


class _ReplicaDeviceChooser:
    """Chooses a ps device for `ps_ops` and the worker device for everything else."""

    def __init__(self, ps_tasks, ps_device, worker_device, merge_devices, ps_ops, ps_strategy):
        self._ps_tasks = ps_tasks
        self._ps_device = ps_device
        self._worker_device = worker_device
        self._merge_devices = merge_devices
        self._ps_ops = ps_ops
        self._ps_strategy = ps_strategy

    def device_function(self, op):
        if not self._merge_devices and op.device:
            return op.device
        current = DeviceSpec.from_string(op.device or "")
        op_type = op.type if hasattr(op, "type") else op.op   # an Operation or a NodeDef
        if self._ps_tasks and self._ps_device and op_type in self._ps_ops:
            ps = DeviceSpec.from_string(self._ps_device)
            if ps.job and (not current.job or current.job == ps.job):
                ps.task = self._ps_strategy(op)
            return ps.merge_from(current).to_string()
        return _merged(self._worker_device, current).to_string()


def replica_device_setter(ps_tasks=0, ps_device="/job:ps", worker_device="/job:worker",
                          merge_devices=True, cluster=None, ps_ops=None, ps_strategy=None):
    """A device function for `tf.device`: ps ops on ps tasks, the rest on `worker_device`.

    >>> fn = replica_device_setter(cluster={"ps": ["h0:1"], "worker": ["w0:1"]})
    """
    if cluster is not None:
        spec = (cluster if isinstance(cluster, ClusterSpec) else ClusterSpec(cluster)).as_dict()
        ps_job_name = DeviceSpec.from_string(ps_device).job
        if ps_job_name not in spec or spec[ps_job_name] is None:
            return None
        ps_tasks = len(spec[ps_job_name])
    if ps_tasks == 0:
        return None
    if ps_ops is None:
        ps_ops = list(STANDARD_PS_OPS)
    if ps_strategy is None:
        ps_strategy = _RoundRobinStrategy(ps_tasks)
    if not callable(ps_strategy):
        raise TypeError("ps_strategy must be callable")
    chooser = _ReplicaDeviceChooser(ps_tasks, ps_device, worker_device, merge_devices, ps_ops,
                                    ps_strategy)
    return chooser.device_function
