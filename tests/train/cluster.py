"""Running a TF1 program as the tasks of a localhost cluster, one `scopeflow run` process per
task (tests of tf.train.Server: test_server.py, test_remote_vars.py)."""

import contextlib
import json
import os
import socket
import subprocess
import sys

import pytest

TIMEOUT = 300  # seconds for a whole run: a failing process must not hang the suite
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_ports(n):
    """`n` distinct ports free now (held together while picked)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("localhost", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def launch(program, args, log):
    """Starts `scopeflow run program args...` writing its output to `log`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("XLA_FLAGS", None)  # one CPU device per process
    return subprocess.Popen([sys.executable, "-m", "scopeflow", "run", program, *args],
                            stdout=log, stderr=subprocess.STDOUT, env=env)


def finish(proc, log, what):
    """Waits for `proc`; fails the test with its output if it failed or ran out of time."""
    try:
        rc = proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = "timeout"
    if rc != 0:
        log.seek(0)
        pytest.fail("%s exited with %s:\n%s" % (what, rc, log.read()[-4000:]))


def run_cluster(program, tmp_path, workers=2, extra=()):
    """Runs `program CLUSTER JOB TASK OUT.json *extra` as one ps and `workers` worker tasks;
    the workers' OUT.json contents, by task (the ps, which joins for ever, is stopped)."""
    ports = free_ports(1 + workers)
    cluster = json.dumps({"ps": ["localhost:%d" % ports[0]],
                          "worker": ["localhost:%d" % p for p in ports[1:]]})
    names = ["ps"] + ["w%d" % k for k in range(workers)]
    with contextlib.ExitStack() as stack:
        logs = {k: stack.enter_context(open(tmp_path / (k + ".log"), "w+")) for k in names}
        procs = {"ps": launch(program, [cluster, "ps", "0", str(tmp_path / "ps.json")],
                              logs["ps"])}
        try:
            for k in range(workers):
                procs["w%d" % k] = launch(program, [cluster, "worker", str(k),
                                                    str(tmp_path / ("w%d.json" % k)),
                                                    *extra], logs["w%d" % k])
            for k in names[1:]:
                finish(procs[k], logs[k], k)
        finally:
            for p in procs.values():
                if p.poll() is None:  # the ps joins for ever, as in TF
                    p.kill()
                    p.wait()
    return [json.loads((tmp_path / (k + ".json")).read_text()) for k in names[1:]]
