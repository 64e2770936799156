"""Asynchronous parameter-server training: a ps task holds the /job:ps variables and two
worker processes (TF1 programs under `scopeflow run`, no SyncReplicasOptimizer) read and
update them, so that together they train one model."""

import contextlib
import functools
import json
import os
import signal

import numpy as np
import pytest

from scopeflow.train import ps_store, remote_vars, server
from tests.oracle import run_here
from tests.train.cluster import TIMEOUT, finish, free_ports, launch, run_cluster

PROGRAM = os.path.join(os.path.dirname(__file__), "programs", "async_ps.py")
STEPS, AHEAD = 20, 5  # as in the program


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    return run_cluster(PROGRAM, tmp_path_factory.mktemp("async"))


def test_the_global_step_counts_every_workers_steps(workers):
    assert [w["global_step"] for w in workers] == [2 * STEPS, 2 * STEPS]


def test_the_workers_train_one_model(workers):
    w0, w1 = workers
    # the chief initialized the ps variables: worker 1 (another graph seed) reads them
    np.testing.assert_array_equal(w1["tag"], w0["tag"])
    # once every worker is done, both read the same weights and loss from the ps
    np.testing.assert_array_equal(w0["final_w"], w1["final_w"])
    assert w0["final_loss"] == w1["final_loss"]
    assert w0["final_loss"] < 0.1 * w0["first_loss"]


def test_a_worker_sees_the_other_workers_updates(workers):
    w0, w1 = workers
    assert w1["seen_step"] >= AHEAD  # it waited for the chief's steps in the shared step
    assert not np.allclose(w1["seen_w"], w0["first_w"])  # ... and reads their weights
    # its first step starts from the chief's progress: the loss on its half of the batch is
    # far below that at the initial weights (8.2 there; 2.9 or less after 5 chief steps)
    rng = np.random.RandomState(0)  # the program's data
    x = rng.randn(8, 4).astype(np.float32)
    y = (x @ rng.randn(4, 1)).astype(np.float32)
    start = float(np.mean((x[4:] @ np.array(w0["first_w"], np.float32) - y[4:]) ** 2))
    assert w1["losses"][0] < 0.5 * start


def _stop(proc):
    if proc.poll() is None:  # the ps joins for ever, as in TF
        proc.kill()
        proc.wait()


def test_a_dead_worker_leaves_the_ps_and_the_chief_running(tmp_path, monkeypatch):
    # worker 1 takes a step and is killed; the coordination service finds it dead after
    # its heartbeat timeout while the chief waits at exit for the live tasks: the chief
    # and the ps go on and the chief ends normally (JAX's default would abort them all)
    monkeypatch.setenv("SCOPEFLOW_HEARTBEAT_TIMEOUT", "15")
    program = os.path.join(os.path.dirname(__file__), "programs", "ps_dead_worker.py")
    ports = free_ports(3)
    cluster = json.dumps({"ps": ["localhost:%d" % ports[0]],
                          "worker": ["localhost:%d" % p for p in ports[1:]]})
    tasks = [("ps", 0), ("worker", 0), ("worker", 1)]
    with contextlib.ExitStack() as stack:
        logs = [stack.enter_context(open(tmp_path / ("%s%d.log" % t), "w+")) for t in tasks]
        procs = []
        for (job, k), log in zip(tasks, logs):
            procs.append(launch(program, [cluster, job, str(k),
                                          str(tmp_path / ("%s%d.json" % (job, k)))], log))
            stack.callback(_stop, procs[-1])
        assert procs[2].wait(timeout=TIMEOUT) == -signal.SIGKILL
        finish(procs[1], logs[1], "chief")
    chief = json.loads((tmp_path / "worker0.json").read_text())
    assert chief["global_step"] == 1 + 3  # worker 1's step and the chief's
    np.testing.assert_allclose(chief["w"], np.array([1.0, -2.0]) * 0.5 ** 4)


def test_only_additive_updates_travel_as_differences():
    assert remote_vars.additive("ApplyGradientDescent")
    assert remote_vars.additive("ResourceApplyAdam")
    assert remote_vars.additive("AssignAdd")
    assert remote_vars.additive("ScatterSub")
    assert not remote_vars.additive("Assign")
    assert not remote_vars.additive("ScatterUpdate")


class _Worker(server.Server):
    """Worker 1 of a cluster with a ps task, as the active Server, its ps an in-process
    store."""

    def __init__(self):
        super().__init__({"ps": ["p:1"], "worker": ["w:1", "w:2"]}, job_name="worker",
                         task_index=1, start=False)
        self.client = ps_store.StoreClient(ps_store.Store())

    def ps_client(self, task):
        assert task == 0
        return self.client


@pytest.fixture
def worker(monkeypatch):
    w = _Worker()
    monkeypatch.setattr(server, "_ACTIVE", [w])
    return w


def _model(tf, sync=False, backup=False):
    with tf.device(tf.train.replica_device_setter(ps_tasks=1)):
        step = tf.train.get_or_create_global_step()
        w = tf.get_variable("w", initializer=[1.0, 2.0])
        loss = tf.reduce_sum(tf.square(w))
        opt = tf.train.GradientDescentOptimizer(0.25)
        if sync or backup:  # backup: one of two workers' gradients makes a step
            opt = tf.train.SyncReplicasOptimizer(opt, 1, total_num_replicas=1 + backup)
        train = opt.minimize(loss, global_step=step)
    local = tf.Variable(5.0, name="local")  # on this worker: not the ps's
    return step, w, train, local


def test_ps_variables_are_read_and_updated_in_the_store(tf, worker):
    step, w, train, local = _model(tf)
    store = worker.client
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match="Attempting to use uninitialized value w"):
            sess.run(w)
        sess.run(tf.global_variables_initializer())
        assert sorted(store.store._values) == ["global_step", "w"]
        sess.run(train)  # w -= 0.25 * 2w, sent as the difference
        np.testing.assert_allclose(store.get(["w"])[0], [0.5, 1.0])
        store.put(["w", "global_step"], ["add", "add"],  # another worker's step lands
                  [np.array([1.0, 1.0], np.float32), np.array(1, np.int64)])
        sess.run(train)  # reads [1.5, 2.0]
        np.testing.assert_allclose(sess.run(w), [0.75, 1.0])
        assert sess.run(step) == 3
        assert sess.run(local) == 5.0
    with tf.Session() as other:  # a new session (another worker) finds them initialized
        assert other.run(step) == 3
        assert tf.report_uninitialized_variables().eval(session=other).tolist() == [b"local"]


def test_synchronous_training_keeps_the_variables_here(tf, worker):
    _, w, train, _ = _model(tf, sync=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [0.5, 1.0])
    assert worker.client.store._values == {}


def test_backup_workers_take_each_step_once_and_drop_stale_ones(tf, worker, monkeypatch):
    step, w, train, _ = _model(tf, backup=True)
    store = worker.client
    names = ["w", "global_step"]

    def read_at(snapshot):  # a worker whose read of the ps variables was `snapshot`
        values, versions = snapshot
        with monkeypatch.context() as m:
            m.setattr(store, "read", lambda n: ([values[names.index(x)] for x in n],
                                                [versions[names.index(x)] for x in n]))
            sess.run(train)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)  # w -= 0.25 * 2w
        slow = store.read(names)  # a slow worker reads at step 1
        sess.run(train)
        sess.run(train)
        np.testing.assert_allclose(store.get(["w"])[0], [0.125, 0.25])
        read_at(slow)  # its gradient is stale (step 1 was taken) and so is its update
        assert store.get(["global_step"])[0] == 3
        np.testing.assert_allclose(store.get(["w"])[0], [0.125, 0.25])
        both = store.read(names)  # two workers read at step 3 and both take the step
        sess.run(train)
        read_at(both)  # ... it lands once
        assert store.get(["global_step"])[0] == 4
        np.testing.assert_allclose(store.get(["w"])[0], [0.0625, 0.125])
        sess.run(train)  # the next step starts from the current values, not a replay
        assert sess.run(step) == 5
        np.testing.assert_allclose(sess.run(w), [0.03125, 0.0625])


def test_placement_names_the_cluster_tasks(tf, worker, capsys):
    _model(tf)
    free = tf.constant(1.0, name="free")
    cfg = tf.ConfigProto(log_device_placement=True)
    with tf.Session(config=cfg) as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(free)
    lines = capsys.readouterr().out.splitlines()
    assert "w: (VariableV2): /job:ps/replica:0/task:0/device:CPU:0" in lines
    assert "free: (Const): /job:worker/replica:0/task:1/device:CPU:0" in lines


# one worker training on the ps with optimizers whose slots update from their own values
_SLOTTED = """
import numpy as np
with tf.device(DEVICE):
    step = tf.train.get_or_create_global_step()
    w = tf.get_variable("w", initializer=np.linspace(-1.3, 2.1, 6).astype(np.float32))
    x = tf.constant(np.cos(np.arange(6.0)).astype(np.float32))
    loss = tf.reduce_sum(tf.square(w * x - 0.3)) + tf.reduce_sum(tf.sin(w))
    opt = OPT
    train = opt.minimize(loss, global_step=step)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(6):
        sess.run(train)
    names = sorted(v.op.name for v in tf.global_variables())
    result = {n: np.asarray(v).tolist() for n, v in zip(
        names, sess.run([tf.get_default_graph().get_tensor_by_name(n + ":0") for n in names]))}
"""
_OPTIMIZERS = ["tf.train.MomentumOptimizer(0.05, 0.9)",
               "tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True)",
               "tf.train.AdamOptimizer(0.1)"]


def _values(result):
    assert "ok" in result, result
    return result["ok"]


@pytest.mark.oracle
def test_one_worker_on_the_ps_trains_as_tf(worker, monkeypatch, oracle):
    for opt in _OPTIMIZERS:  # one TF process for all
        code = _SLOTTED.replace("OPT", opt).replace("DEVICE", "'/cpu:0'")
        worker.client.store = ps_store.Store()
        with monkeypatch.context() as m:
            m.setattr(server, "_ACTIVE", [worker])
            on_ps = _values(run_here(code.replace(
                "'/cpu:0'", "tf.train.replica_device_setter(ps_tasks=1)")))
            # the slots lived with their variable in the ps's store
            assert sorted(worker.client.store._values) == sorted(on_ps), opt
            m.setattr(server, "_ACTIVE", [])
            here = _values(run_here(code))  # one process, no ps: the same bits
        assert on_ps.keys() == here.keys()
        for name in here:
            np.testing.assert_array_equal(on_ps[name], here[name], err_msg=opt + name)
        tf_values = _values(oracle(code))
        assert tf_values.keys() == here.keys()
        for name in here:
            np.testing.assert_allclose(on_ps[name], tf_values[name], rtol=1e-5, atol=1e-6,
                                       err_msg=opt + name)


# two workers step from the same read of the ps variables; the second one's update lands
# after the first's: TF's apply op on the ps runs it on the slots the first left
_INTERLEAVED = {
    "tf.train.MomentumOptimizer(0.05, 0.9)":
        "tf.raw_ops.ApplyMomentum(var=w, accum=s[0], lr=0.05, grad=g, momentum=0.9)",
    "tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True)":
        "tf.raw_ops.ApplyMomentum(var=w, accum=s[0], lr=0.05, grad=g, momentum=0.9, "
        "use_nesterov=True)",
    "tf.train.AdamOptimizer(0.1)":
        "tf.raw_ops.ApplyAdam(var=w, m=s[0], v=s[1], beta1_power=0.9, beta2_power=0.999, "
        "lr=0.1, beta1=0.9, beta2=0.999, epsilon=1e-8, grad=g)",
}
_TWICE = """
import numpy as np
w0 = np.linspace(-1.3, 2.1, 6).astype(np.float32)
x = np.cos(np.arange(6.0)).astype(np.float32)
g = (2 * x * (w0 * x - np.float32(0.3)) + np.cos(w0)).astype(np.float32)  # the loss's
w = tf.Variable(w0, use_resource=False)
s = [tf.Variable(np.zeros(6, np.float32), use_resource=False) for _ in range(2)]
apply = APPLY
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(apply)
    sess.run(apply)
    result = [["%.9g" % e for e in v] for v in sess.run([w] + s)]  # unrounded
"""


def _step_from(store, snapshot, names, run):
    """`run` as a worker whose read of the ps variables `names` was `snapshot`."""
    def read(wanted):
        return tuple([part[names.index(x)] for x in wanted] for part in snapshot)

    saved = store.read
    store.read = read
    try:
        run()
    finally:
        store.read = saved


@pytest.mark.oracle
def test_interleaved_workers_apply_each_update_to_the_current_slots(tf, worker, oracle):
    for opt, apply in _INTERLEAVED.items():
        worker.client.store = store = ps_store.Store()
        with tf.Graph().as_default(), tf.device(tf.train.replica_device_setter(ps_tasks=1)):
            step = tf.train.get_or_create_global_step()
            w = tf.get_variable("w", initializer=np.linspace(-1.3, 2.1, 6).astype(np.float32))
            x = tf.constant(np.cos(np.arange(6.0)).astype(np.float32))
            loss = tf.reduce_sum(tf.square(w * x - 0.3)) + tf.reduce_sum(tf.sin(w))
            optimizer = eval(opt, {"tf": tf})  # a constant of this test
            train = optimizer.minimize(loss, global_step=step)
            slots = sorted(optimizer.get_slot(w, n).op.name for n in optimizer.get_slot_names())
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                names = sorted(store._values)
                snapshot = store.read(names)  # both workers read
                sess.run(train)  # the first one's update lands
                _step_from(store, snapshot, names, functools.partial(sess.run, train))
        got = store.get(["w"] + slots)
        assert store.get(["global_step"])[0] == 2
        if "Adam" in opt:  # each step's Assign(beta_power, beta_power * beta) lands too
            np.testing.assert_allclose(store.get(["beta1_power", "beta2_power"]),
                                       [0.9 ** 3, 0.999 ** 3], rtol=1e-6)
        want = _values(oracle(_TWICE.replace("APPLY", apply)))
        for name, a, b in zip(["w", "slot 1", "slot 2"], got, want):
            np.testing.assert_allclose(a, np.float32(b), rtol=1e-5, atol=1e-6,
                                       err_msg=opt + name)
