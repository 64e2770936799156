"""Placement: the device TF's placer gives each op, and the JAX device that runs it.

A Session's devices are TF's local ones, `/job:localhost/replica:0/task:0/device:CPU:k` and
`...GPU:k` (under a distributed tf.train.Server: its task's, `/job:worker/replica:0/task:1/...`,
and the CPU:0 of every other task of the cluster, run here too), each mapped to a JAX device
(`Devices`):

- CPU:k -> `jax.local_devices(backend="cpu")[k % n]`: n is 1, or N under
  `XLA_FLAGS=--xla_force_host_platform_device_count=N`; TF's count is
  `ConfigProto.device_count["CPU"]` when set, else n.
- GPU:k (TPU:k) -> the k-th accelerator JAX has (none on a CPU-only machine), at most
  `device_count["GPU"]`.

`place(graph, devices, soft)` decides every op's device as TF's placer does (facts from TF 2.21):
an op's requested device if it exists; with `allow_soft_placement` a missing CPU:5 or GPU:1 goes
to the first device of its type, else to the default device (GPU:0, else CPU:0); a job, replica
or task other than the local one fails even with soft placement. Ops without a request go to
the default device, except: ops taking a variable by reference go with the variable, Identity
and shape-reading ops go with their input, and "generators" (no inputs, one non-ref output: a
Const, a Placeholder) go with their consumers when those share one device. Failures are TF's
InvalidArgumentError naming the op ("Cannot assign a device for operation b: ...").
"""

import functools

from scopeflow.core.device import DeviceSpec

LOCAL = "/job:localhost/replica:0/task:0/device:"
# TF's placer puts ops reading only shapes with their input, and an Identity between two ops
# that request the same device (its only input and only consumer) with its input
_METADATA = frozenset(("Shape", "ShapeN", "Size", "Rank"))


class Devices:
    """A Session's TF devices (full names, TF's order) and the JAX device behind each.

    >>> Devices(ConfigProto()).names[0]
    '/job:localhost/replica:0/task:0/device:CPU:0'
    """

    def __init__(self, config):
        import jax
        cpus = jax.local_devices(backend="cpu")
        accel = [] if jax.default_backend() == "cpu" else jax.local_devices()
        counts = config.device_count
        n_cpu = max(1, counts["CPU"]) if "CPU" in counts else len(cpus)
        n_acc = min(len(accel), counts["GPU"]) if "GPU" in counts else len(accel)
        kind = "GPU" if accel and accel[0].platform in ("gpu", "cuda", "rocm") else (
            accel[0].platform.upper() if accel else "GPU")
        here = self.prefix = _task_prefix_here()
        self.names = [here + "CPU:%d" % i for i in range(n_cpu)] + [
            here + "%s:%d" % (kind, i) for i in range(n_acc)]
        self.jax = {here + "CPU:%d" % i: cpus[i % len(cpus)] for i in range(n_cpu)}
        self.jax.update({here + "%s:%d" % (kind, i): accel[i] for i in range(n_acc)})
        self.default = here + ("%s:0" % kind if n_acc else "CPU:0")
        self._by_type = {}
        for name in self.names:
            self._by_type.setdefault(name.rsplit(":", 2)[1], []).append(name)
        # the CPU of each other task of a distributed Server's cluster: its ops run here
        # (ps variables: train/remote_vars.py), under that task's name, as TF logs them;
        # TF lists the devices task by task (job names, then task indices)
        tasks = _cluster_prefixes()
        if tasks:
            local, self.names = self.names, []
            for prefix in tasks:
                if prefix == here:
                    self.names.extend(local)
                else:
                    self.names.append(prefix + "CPU:0")
                    self.jax[prefix + "CPU:0"] = self.jax[here + "CPU:0"]
        self.resolve = functools.lru_cache(maxsize=None)(self._resolve)

    def _resolve(self, requested, soft):
        """The full name of the device `requested` ('/gpu:1') runs on, or None: no such device
        (TF's error, also under soft placement for another job, replica or task)."""
        spec = DeviceSpec.from_string(requested)
        prefix = _task_prefix(spec, self.prefix)
        if prefix is None:
            return None
        if prefix != self.prefix:  # another task of the cluster: its CPU:0
            ok = spec.device_type in (None, "CPU") and spec.device_index in (None, 0)
            return prefix + "CPU:0" if ok or soft else None
        if spec.device_type is None:
            return self.default
        of_type = self._by_type.get(spec.device_type, ())
        if spec.device_index is None:
            hit = of_type[0] if of_type else None
        else:
            name = self.prefix + "%s:%d" % (spec.device_type, spec.device_index)
            hit = name if name in self.jax else None
        if hit is None and soft:
            return of_type[0] if of_type else self.default
        return hit

    def distinct(self, graph, soft):
        """Whether the ops of `graph` name devices that run on more than one JAX device
        (requests only: a quick test before placing op by op)."""
        seen = {self.jax[self.default]}
        for dev in {op._device for op in graph._ops if op._device}:
            name = self.resolve(dev, soft)
            if name is not None:
                seen.add(self.jax[name])
        return len(seen) > 1


def _task_prefix(spec, here):
    """'/job:J/replica:0/task:T/device:' of the task a device spec names, `here` for this
    process's own task, None for a task that does not exist. Under a distributed
    tf.train.Server every task of its cluster exists: ps variables and other tasks' ops run in
    this process under their task's name."""
    if spec.replica not in (None, 0):
        return None
    if spec.job in (None, "localhost"):
        return here if spec.task in (None, 0) else None
    from scopeflow.train.server import active
    server = active()
    if server is None or spec.job not in server._cluster.jobs:
        return None
    task = spec.task
    if task is None:
        task = server._task if spec.job == server._job else server._cluster.task_indices(
            spec.job)[0]
    if task not in server._cluster.task_indices(spec.job):
        return None
    prefix = "/job:%s/replica:0/task:%d/device:" % (spec.job, task)
    return here if (spec.job, task) == (server._job, server._task) else prefix


def _task_prefix_here():
    """This process's task prefix: its distributed Server's task, else TF's localhost."""
    from scopeflow.train.server import active
    server = active()
    if server is None:
        return LOCAL
    return "/job:%s/replica:0/task:%d/device:" % (server._job, server._task)


def _cluster_prefixes():
    """The task prefixes of every task of the distributed Server's cluster (none without)."""
    from scopeflow.train.server import active
    server = active()
    if server is None:
        return []
    cluster = server._cluster
    return ["/job:%s/replica:0/task:%d/device:" % (j, t)
            for j in sorted(cluster.jobs) for t in sorted(cluster.task_indices(j))]


def _is_generator(op):
    outs = op._outputs
    return not op._inputs and len(outs) == 1 and not outs[0]._dtype._is_ref_dtype and \
        outs[0]._dtype._enum != 20  # DT_RESOURCE


def _between(graph, op):
    if len(op._inputs) != 1 or op._control_inputs or op._control_outputs:
        return False
    users = graph._consumers_of(op._outputs[0])
    return len(users) == 1 and users[0]._device == op._inputs[0]._op._device


def place(graph, devices, soft):
    """`(placed, order)`: op -> full device name for every op of `graph`, and the ops in the
    order TF's placer assigns them (its log's order: other ops first, then generators).
    Raises TF's InvalidArgumentError for an op whose device does not exist."""
    from scopeflow.lowering.slice import is_handle, variable_of
    placed, order, bad, later = {}, [], [], []
    ops = list(graph._ops)
    by_name = {op._name: op for op in ops}

    def choose(op):
        if op._device:
            return devices.resolve(op._device, soft)
        for group in op._colocation or ():
            root = by_name.get(group)
            if root is not None and root is not op and root in placed:
                return placed[root]
        for t in op._inputs:
            if is_handle(t):
                var = variable_of(t)
                if var is not None and var in placed:
                    return placed[var]
        if op._inputs and op._inputs[0]._op in placed and (
                op._type in _METADATA or op._type == "Identity" and _between(graph, op)):
            return placed[op._inputs[0]._op]
        return devices.default

    def assign(op, name):
        if name is None:
            bad.append(op)
            name = devices.default
        placed[op] = name
        order.append(op)

    for op in ops:
        if _is_generator(op):
            later.append(op)
        else:
            assign(op, choose(op))
    for op in later:
        if op._device or op._colocation:
            assign(op, choose(op))
            continue
        users = {placed[c] for c in graph._consumers_of(op._outputs[0])}
        users.update(placed[c] for c in op._control_outputs)
        assign(op, users.pop() if len(users) == 1 else devices.default)
    if bad:
        _raise(bad, devices)
    return placed, order


def _raise(bad, devices):
    # TF's placer puts an input-less Const with its consumer: it reports the consumer
    op = next((o for o in bad if o._type != "Const"), bad[0])
    from scopeflow import errors
    from scopeflow.lowering.context import run_error
    msg = ("Cannot assign a device for operation %s: {{node %s}} was explicitly assigned to %s "
           "but available devices are [ %s ]. Make sure the device specification refers to a "
           "valid device." % (op._name, op._name, op._device, ", ".join(devices.names)))
    text = run_error(errors.InvalidArgumentError, op, msg).message
    # TF's trailer is '[[v]]', whose name TF's Session fails to look up: no op, no stack
    raise errors.InvalidArgumentError(None, None, text.replace(
        "\n\t [[{{node %s}}]]" % op._name, "\n\t [[%s]]" % op._name))


def check(graph, devices, soft):
    """TF's InvalidArgumentError for the first op of `graph` pinned to a device the Session
    lacks (TF places the whole graph, not the run's slice); else nothing."""
    bad = [op for op in graph._ops if op._device and devices.resolve(op._device, soft) is None]
    if bad:
        _raise(bad, devices)


def log_lines(placed, order):
    """`log_device_placement`'s lines, as TF prints them: 'name: (Type): device'."""
    return ["%s: (%s): %s" % (op._name, op._type, placed[op]) for op in order]
