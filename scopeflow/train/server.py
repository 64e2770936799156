"""`tf.train.Server`: one task of a `ClusterSpec`, mapped onto JAX's distributed runtime.

Between-graph replication runs one process per task. Each worker (and chief) task is one JAX
process: building its Server calls `jax.distributed.initialize` with the address of the
cluster's first worker task as the coordinator (`chief:0`, else `worker:0`), the number of
worker tasks and this task's place among them. Nothing else switches JAX into distributed
mode: a program that builds no Server (or only `Server.create_local_server()`) stays a plain
single-process program.

A ps task joins the runtime's coordination service only (a task of its own after the worker
tasks, with no JAX backend, no devices, no collectives): its Server serves a variable store
through the service's key-value store (`ps_store.py`) and `join()` blocks for ever, as TF's
does. In asynchronous training the variables placed on `/job:ps` live there, and every
worker's steps read and update them (`remote_vars.py`). The service thus counts the ps tasks
too: the workers' JAX process count is the number of worker tasks, and every live task leaves
the runtime together once the chief is done (`leave_together`); a worker that dies does not
end the others (the service's recoverable tasks), as in TF. In synchronous training
(`SyncReplicasOptimizer`) they are mirrored
instead: every worker holds a copy, the chief's session manager hands its initialized values
to the other workers through the coordinator, and a cross-process all-reduce of the gradients
(`ops/collective.py`) keeps the copies equal.

>>> Server.create_local_server().target.startswith("grpc://localhost:")
True
"""

import io
import itertools
import logging
import threading

import numpy as np

from scopeflow.train.device_setter import ClusterSpec

_PS_JOBS = ("ps",)
_ACTIVE = []  # the distributed Server of this process, once one is built
_handoffs = itertools.count()  # the k-th chief session pairs with every worker's k-th wait
_CHUNK = 1 << 21  # bytes per key-value entry of a hand-off (under gRPC's message limit)
_log = logging.getLogger("tensorflow")
_CLIENTS_LOCK = threading.Lock()


def active():
    """The distributed `Server` this process built (one that joined JAX's runtime), or None."""
    return _ACTIVE[0] if _ACTIVE else None


def worker_tasks(cluster):
    """[(job, task index)] of the tasks that are JAX processes, in process-id order: chief,
    worker, then any other non-ps job by name."""
    jobs = sorted(j for j in cluster.jobs if j not in _PS_JOBS)
    jobs.sort(key=lambda j: (j != "chief", j != "worker"))
    return [(j, i) for j in jobs for i in cluster.task_indices(j)]


def hand_off_variables(sess, graph, source, max_wait_secs=None):
    """Under a distributed Server, makes every worker's copy of the global variables the
    chief's: the chief (`source`, after initializing or restoring) publishes their values in
    the coordinator's key-value store; the others wait for them and load them into `sess`.
    Does nothing in a program without a distributed Server."""
    if active() is None:
        return
    from jax._src.distributed import global_state
    client = global_state.client
    remote = sess._remote_vars.variables(graph) if sess._remote_vars is not None else {}
    # variables the ps tasks hold (asynchronous training: remote_vars.py) are not copied
    variables = [v for v in graph.get_collection("variables") if v.op not in remote]
    key = "scopeflow/variables/%d" % next(_handoffs)
    if source:
        payload = _pack(sess.run(variables))
        chunks = [payload[i:i + _CHUNK] for i in range(0, len(payload), _CHUNK)] or [b""]
        for i, chunk in enumerate(chunks):
            client.key_value_set_bytes("%s/%d" % (key, i), chunk)
        client.key_value_set("%s/n" % key, str(len(chunks)))  # last: readers wait for it
        return
    ms = 2 ** 31 - 1 if max_wait_secs in (None, float("inf")) else int(max_wait_secs * 1000)
    n = int(client.blocking_key_value_get("%s/n" % key, ms))
    payload = b"".join(client.blocking_key_value_get_bytes("%s/%d" % (key, i), ms)
                       for i in range(n))
    values = _unpack(payload, len(variables))
    sess.run([v.initializer for v in variables],
             {v.initializer.inputs[1]: val for v, val in zip(variables, values)})


def _pack(values):
    buf = io.BytesIO()
    np.savez(buf, *[np.asarray(v).astype(bytes) if np.asarray(v).dtype == object else v
                    for v in values])
    return buf.getvalue()


def _unpack(payload, n):
    with np.load(io.BytesIO(payload), allow_pickle=False) as f:
        return [f["arr_%d" % i] for i in range(n)]


class Server:
    """An in-process server of one task of a cluster (TF's `tf.train.Server`).

    >>> Server({"worker": ["localhost:2222"]}, start=False).target
    'grpc://localhost:2222'
    """

    def __init__(self, server_or_cluster_def, job_name=None, task_index=None, protocol=None,
                 config=None, start=True):
        cluster, job_name, task_index = _task_of(server_or_cluster_def, job_name, task_index)
        self._cluster, self._job, self._task = cluster, job_name, task_index
        self._protocol = protocol or "grpc"
        self._config = config
        self._address = cluster.task_address(job_name, task_index)
        self._started = False
        self._serving = None  # a ps task's ps_store.Serving, once connected
        self._clients = {}  # ps task -> ps_store.Client of this worker
        self._local = job_name == "localhost" and len(worker_tasks(cluster)) == 1
        tasks = worker_tasks(cluster)
        self._process = tasks.index((job_name, task_index)) if job_name not in _PS_JOBS else None
        self._num_processes = len(tasks)
        if start:
            self.start()

    @property
    def target(self):
        """The session target of this task: "grpc://localhost:<port>", as TF's."""
        return "%s://localhost:%s" % (self._protocol, self._address.rsplit(":", 1)[-1])

    def start(self):
        """Joins JAX's distributed runtime (worker tasks of a cluster of several processes or
        with ps tasks); a ps task serves its variable store through the runtime's key-value
        store (connecting in a thread: the first worker task runs the service)."""
        if self._started:
            return
        self._started = True
        if self._job in _PS_JOBS:
            threading.Thread(target=_serve_ps, args=(self,), name="scopeflow-ps-connect",
                             daemon=True).start()
            return
        if self._process is None or self._local or (self._num_processes < 2
                                                    and not self.has_ps()):
            return
        _initialize(self)

    def has_ps(self):
        """Whether the cluster has parameter-server tasks (then /job:ps variables live
        there unless gradients are averaged: remote_vars.py)."""
        return any(j in self._cluster.jobs for j in _PS_JOBS)

    def ps_client(self, task):
        """This worker's access to ps task `task` (made on first use)."""
        with _CLIENTS_LOCK:  # one Client per ps task: it numbers this process's requests
            client = self._clients.get(task)
            if client is None:
                from jax._src.distributed import global_state

                from scopeflow.train import ps_store
                job = next(j for j in _PS_JOBS if j in self._cluster.jobs)
                client = self._clients[task] = ps_store.Client(
                    global_state.client, task, "/job:%s/replica:0/task:%d" % (job, task),
                    self._process)
        return client

    def join(self):
        """Blocks until the server shuts down: for ever, as in TF (a ps task serves its
        variables from a thread meanwhile)."""
        threading.Event().wait()

    @staticmethod
    def create_local_server(config=None, start=True):
        """A server of a one-task cluster on localhost (no distributed runtime)."""
        return Server({"localhost": ["localhost:%d" % _free_port()]}, protocol="grpc",
                      config=config, start=start)


def _task_of(server_or_cluster_def, job_name, task_index):
    """(ClusterSpec, job, task) as TF's `_make_server_def` picks them."""
    cluster = ClusterSpec(server_or_cluster_def)
    if not job_name:
        if len(cluster.jobs) != 1:
            raise ValueError("Must specify an explicit `job_name`.")
        job_name = cluster.jobs[0]
    if task_index is None:
        indices = cluster.task_indices(job_name)
        if len(indices) != 1:
            raise ValueError("Must specify an explicit `task_index`.")
        task_index = indices[0]
    cluster.task_address(job_name, task_index)  # TF's ValueError for an unknown task
    return cluster, job_name, task_index


def _initialize(server):
    """`jax.distributed.initialize` for `server`'s task; its shutdown waits for every process
    at exit (so the coordinator in process 0 outlives the others' last collective)."""
    import atexit

    import jax
    from jax._src import xla_bridge

    if _ACTIVE:
        raise RuntimeError("This process already runs task %s:%d of a cluster; a process can "
                           "be one task only." % (_ACTIVE[0]._job, _ACTIVE[0]._task))
    if xla_bridge.backends_are_initialized():
        raise RuntimeError(
            "tf.train.Server(...) for a task of a cluster must be built before the program "
            "runs anything: JAX's distributed runtime starts before JAX's first computation. "
            "Build the Server at the top of the program, before any Session runs.")
    first = worker_tasks(server._cluster)[0]
    coordinator = server._cluster.task_address(*first)
    if jax.config.jax_cpu_collectives_implementation is None:  # older JAX: no CPU collectives
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    # a task that dies (misses its heartbeats) does not end the others: its error is not
    # propagated to them (the service's recoverable tasks); leaving is synchronized by _leave
    jax.config.update("jax_enable_recoverability", True)
    from jax._src.distributed import global_state
    tasks = server._num_processes + len(_ps_tasks(server))
    jax.distributed.initialize(coordinator_address=coordinator, num_processes=tasks,
                               process_id=server._process,
                               heartbeat_timeout_seconds=heartbeat_timeout())
    # the service counts the ps tasks; JAX's processes (devices, collectives) are the workers
    global_state.num_processes = server._num_processes
    atexit.register(_leave, server._process, tasks)
    # every process starts its backend now: starting it waits for all processes' devices,
    # and a worker that first waits for the chief's variables (wait_for_session) before any
    # computation would otherwise hold the chief's first computation for ever
    jax.local_devices()
    _ACTIVE.append(server)


def _ps_tasks(server):
    """[(job, task index)] of the ps tasks, in the order of their service task ids (after the
    worker tasks')."""
    return [(j, i) for j in _PS_JOBS if j in server._cluster.jobs
            for i in server._cluster.task_indices(j)]


def heartbeat_timeout():
    """Seconds without heartbeats after which the coordination service counts a task dead
    ($SCOPEFLOW_HEARTBEAT_TIMEOUT, else JAX's 100)."""
    import os
    return int(os.environ.get("SCOPEFLOW_HEARTBEAT_TIMEOUT", "100"))


def _leave(process, tasks):
    """Leaves the runtime at exit: marks this worker gone, then waits for every live task
    (workers and ps) to leave too, so the coordinator in process 0 outlives the others' last
    use of it; a dead task is not waited for once the service counts it dead."""
    import jax
    from jax._src.distributed import global_state
    client = global_state.client
    if client is None:
        return
    client.key_value_set("scopeflow/gone/%d" % process, "1", allow_overwrite=True)
    leave_together(client, process, tasks)
    jax.distributed.shutdown()


def leave_together(client, task, tasks):
    """The part of leaving every task of the service takes before shutting down its
    `client`: once the chief (task 0) leaves, every live task meets the others (the
    service's live-task barrier leaves out the dead), and the chief, whose process runs the
    service, waits for the others to disconnect."""
    from jax.errors import JaxRuntimeError

    from scopeflow.train import ps_store
    everyone = list(range(tasks))
    try:
        while task != 0:  # the others wait for the chief's end (it may train for hours)
            try:
                client.blocking_key_value_get("scopeflow/gone/0", 3600 * 1000)
                break
            except JaxRuntimeError as e:
                if not ps_store.timed_out(e):
                    return
        client.get_live_nodes(everyone)  # every live task is leaving
        if task == 0:
            client.get_live_nodes(everyone)  # returns once the others disconnected
    except JaxRuntimeError as e:  # the service is gone: nothing to wait for
        _log.info("leaving the cluster: %s", e)


def _serve_ps(server):
    """A ps task's part: connects to the coordination service as the task after the workers,
    serves its store, and leaves with the live workers (a dead one does not hold it)."""
    from jax._src.lib import _jax

    from scopeflow.train import ps_store
    workers = worker_tasks(server._cluster)
    ps_id = _ps_tasks(server).index((server._job, server._task))
    kv = _jax.get_distributed_runtime_client(
        server._cluster.task_address(*workers[0]), len(workers) + ps_id,
        init_timeout=24 * 3600, use_compression=True, heartbeat_timeout=heartbeat_timeout())
    kv.connect()
    server._serving = ps_store.Serving(kv, server._task, len(workers))
    leave_together(kv, len(workers) + ps_id, len(workers) + len(_ps_tasks(server)))
    kv.shutdown()


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]
