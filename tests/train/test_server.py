"""tf.train.Server and between-graph replication on JAX's distributed runtime: a ps task and
two worker processes, each running the same TF1 script through `scopeflow run` (with a
MonitoredTrainingSession, or a Supervisor as TF's mnist_replica example), end with the weights
one process reaches on the whole batch."""

import contextlib
import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from scopeflow.train import server as server_lib

PROGRAM = os.path.join(os.path.dirname(__file__), "programs", "between_graph.py")
TIMEOUT = 300  # seconds for the whole run: a failing process must not hang the suite


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("localhost", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _launch(args, log):
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("XLA_FLAGS", None)  # one CPU device per process
    return subprocess.Popen([sys.executable, "-m", "scopeflow", "run", PROGRAM, *args],
                            stdout=log, stderr=subprocess.STDOUT, env=env)


def _finish(proc, log, what):
    try:
        rc = proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = "timeout"
    if rc != 0:
        log.seek(0)
        pytest.fail("%s exited with %s:\n%s" % (what, rc, log.read()[-4000:]))


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """The final weights of the one-process run on the whole batch."""
    d = tmp_path_factory.mktemp("single")
    with open(d / "single.log", "w+") as log:
        _finish(_launch(["single", str(d / "single.json")], log), log, "single")
    return json.loads((d / "single.json").read_text())


@pytest.mark.parametrize("loop", ["monitored", "supervisor"])
def test_two_workers_and_a_ps_train_like_one_process(tmp_path, single, loop):
    ps, w0, w1 = _free_ports(3)
    cluster = json.dumps({"ps": ["localhost:%d" % ps],
                          "worker": ["localhost:%d" % w0, "localhost:%d" % w1]})
    with contextlib.ExitStack() as stack:
        logs = {k: stack.enter_context(open(tmp_path / (k + ".log"), "w+"))
                for k in ("ps", "w0", "w1")}
        _run_all(cluster, logs, tmp_path, [loop] if loop == "supervisor" else [])
    got = {k: json.loads((tmp_path / (k + ".json")).read_text()) for k in ("w0", "w1")}
    assert got["w0"] == got["w1"]  # the workers' copies are one model
    assert got["w0"]["global_step"] == single["global_step"] == 5
    for name, want in single.items():
        np.testing.assert_allclose(got["w0"][name], want, rtol=1e-5, atol=1e-6, err_msg=name)


def _run_all(cluster, logs, tmp_path, extra):
    procs = {"ps": _launch([cluster, "ps", "0", str(tmp_path / "ps.json")], logs["ps"])}
    try:
        for k, task in (("w0", 0), ("w1", 1)):
            procs[k] = _launch([cluster, "worker", str(task), str(tmp_path / (k + ".json"))]
                               + extra, logs[k])
        for k in ("w0", "w1"):
            _finish(procs[k], logs[k], k)
    finally:
        for p in procs.values():
            if p.poll() is None:  # the ps joins for ever, as in TF
                p.kill()
                p.wait()


def test_server_picks_its_task_as_tf():
    s = server_lib.Server({"worker": ["localhost:2222"]}, start=False)
    assert s.target == "grpc://localhost:2222"
    with pytest.raises(ValueError, match="Must specify an explicit `job_name`."):
        server_lib.Server({"ps": ["a:1"], "worker": ["b:1"]}, start=False)
    with pytest.raises(ValueError, match="Must specify an explicit `task_index`."):
        server_lib.Server({"worker": ["a:1", "b:1"]}, job_name="worker", start=False)
    with pytest.raises(ValueError, match="No task with index 2 in job 'worker'"):
        server_lib.Server({"worker": ["a:1", "b:1"]}, job_name="worker", task_index=2)


def test_a_local_server_leaves_jax_alone():
    s = server_lib.Server.create_local_server()
    assert s.target.startswith("grpc://localhost:")
    assert server_lib.active() is None


def test_process_order_puts_the_chief_first():
    cluster = server_lib.ClusterSpec({"worker": ["w0:1", "w1:1"], "ps": ["p:1"],
                                      "chief": ["c:1"]})
    assert server_lib.worker_tasks(cluster) == [("chief", 0), ("worker", 0), ("worker", 1)]
