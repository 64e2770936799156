"""Placement against TF's placer: log_device_placement's lines, soft placement and the
InvalidArgumentError for a missing device, with 4 CPU devices on both sides (TF:
ConfigProto(device_count={"CPU": 4}); scopeflow: 4 forced host devices, set in a subprocess
before JAX starts)."""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from oracle import ROOT, tf_python

# the 4-device parts share one process per framework (the `placed` fixture): one worker
pytestmark = pytest.mark.xdist_group("placement")

_PRELUDE = {
    "tensorflow": "import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n",
    "scopeflow": "import scopeflow.compat.v1 as tf\n",
}
_ERR = r'''
import json, re
def _err(e):
    m = re.search(r"Node: '[^']*'\n(.*?)\n\t \[\[", str(e), re.S)
    return [type(e).__name__, m.group(1) if m else str(e)]
'''
_EPILOGUE = r'''
try:
    out = main()
except Exception as e:
    out = _err(e)
print("RESULT " + json.dumps(out, default=lambda v: v.tolist()))
'''


def run_program(framework, code, devices=4):
    """(stdout lines before the result, result) of `code` (defining `main()`) run by
    `framework` in a fresh process with `devices` CPU devices."""
    py = sys.executable if framework == "scopeflow" else tf_python()
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=ROOT,
               XLA_FLAGS="--xla_force_host_platform_device_count=%d" % devices)
    src = "import numpy as np\n" + _PRELUDE[framework] + _ERR + code + _EPILOGUE
    out = subprocess.run([py, "-c", src], check=False, capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    return lines[:-1], json.loads(lines[-1][len("RESULT "):])


def compare(code, devices=4):
    if tf_python() is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    here = run_program("scopeflow", code, devices)
    there = run_program("tensorflow", code, devices)
    assert here == there, (code, here, there)
    return here


TOWERS = """
def main():
    x = tf.placeholder(tf.float32, [4], name="x")
    with tf.device("/cpu:0"):
        w = tf.get_variable("w", initializer=np.arange(4.0, dtype=np.float32))
    outs = []
    for i in range(4):
        with tf.device("/cpu:%d" % i), tf.name_scope("tower_%d" % i):
            outs.append(tf.reduce_sum(x * w * float(i + 1)))
    total = tf.add_n(outs, name="total")
    cfg = tf.ConfigProto(log_device_placement=True, device_count={"CPU": 4})
    with tf.Session(config=cfg) as s:
        s.run(tf.global_variables_initializer())
        return [s.run([total, outs], {x: [1.0, 2.0, 3.0, 4.0]}), s.run(total, {x: np.ones(4)})]
"""

TOWER_CNN = """
import sys
sys.path.insert(0, "benchmarks")
import towers

def main():
    arrays = towers.make_arrays(batch=8, c1=2, c2=2, fc=4)
    x, y, loss, averaged, train = towers.build(tf, 2, arrays)
    cfg = tf.ConfigProto(log_device_placement=True, device_count={"CPU": 2})
    with tf.Session(config=cfg) as s:
        s.run(tf.global_variables_initializer())
        return round(float(s.run([train, loss], {x: arrays["x"], y: arrays["y"]})[1]), 5)
"""

SOFT = """
def main():
    a = tf.placeholder(tf.float32, [], name="a")
    outs = []
    for i, dev in enumerate(["/cpu:5", "/gpu:1", "/device:GPU:0", "/device:XYZ:0", "/cpu:*",
                             "/job:localhost/replica:0/task:0/device:CPU:2", "/task:0/cpu:1"]):
        with tf.device(dev):
            outs.append(tf.add(a, float(i), name="b%d" % i))
    with tf.colocate_with(outs[5]):
        c = tf.identity(outs[0], name="colocated")
    cfg = tf.ConfigProto(allow_soft_placement=True, log_device_placement=True,
                         device_count={"CPU": 4})
    with tf.Session(config=cfg) as s:
        out = s.run([outs, c], {a: 1.0})
        with tf.get_default_graph().as_default():
            late = tf.identity(c, name="late")  # the graph grew: TF logs all of it again
        return [out, s.run(late, {a: 2.0})]
"""

ERRORS = """
def one(device, soft):
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0, name="a")
        with tf.device(device):
            tf.add(a, 2.0, name="b")
    cfg = tf.ConfigProto(allow_soft_placement=soft, device_count={"CPU": 4})
    with tf.Session(graph=g, config=cfg) as s:
        try:
            return s.run(a)
        except Exception as e:
            return _err(e)

def main():
    return [one(d, soft) for d, soft in [
        ("/cpu:5", False), ("/gpu:0", False), ("/device:XYZ:0", False), ("/gpu:*", False),
        ("/job:worker/task:1", True), ("/job:localhost/task:1/cpu:2", True),
        ("/replica:1", True), ("/cpu:3", False), ("/cpu:*", False)]]
"""

SETTER = """
def main():
    with tf.device(tf.train.replica_device_setter(ps_tasks=1)):
        v = tf.get_variable("v", [2], initializer=tf.zeros_initializer())
        y = v + 1.0
    cfg = tf.ConfigProto(allow_soft_placement=True, device_count={"CPU": 4})
    with tf.Session(config=cfg) as s:
        s.run(v.initializer)
        return s.run(y)
"""


# the five 4-device programs run in one process per framework (a fresh graph each, a marker
# line before each one's log): one TF and one scopeflow start instead of five of each
PARTS = {"towers": TOWERS, "tower_cnn": TOWER_CNN, "soft": SOFT, "errors": ERRORS,
         "setter": SETTER}


def _joined():
    """One program running every part's `main` in turn, printing "PART name" before its log
    and "RESULT name json" after it."""
    code = ""
    for name, part in PARTS.items():
        code += part.replace("def main():", "def main_%s():" % name).replace(
            "one(", "one_%s(" % name)
    code += "\ndef main():\n    for name in %r:\n" % list(PARTS)
    code += ("        tf.reset_default_graph()\n"
             "        print('PART ' + name, flush=True)\n"
             "        try:\n"
             "            r = globals()['main_' + name]()\n"
             "        except Exception as e:\n"
             "            r = _err(e)\n"
             "        print('PART_RESULT ' + json.dumps(r, default=lambda v: v.tolist()),"
             " flush=True)\n")
    return code


def _split(lines):
    out, name = {}, None
    for line in lines:
        if line.startswith("PART "):
            name, out[line[5:]] = line[5:], [[], None]
        elif line.startswith("PART_RESULT "):
            out[name][1] = json.loads(line[len("PART_RESULT "):])
        else:
            out[name][0].append(line)
    return {k: tuple(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def placed():
    """{part: ((lines, result) here, (lines, result) under TF)} for the 4-device parts."""
    if tf_python() is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    code = _joined()
    here = _split(run_program("scopeflow", code)[0])
    there = _split(run_program("tensorflow", code)[0])
    assert sorted(here) == sorted(there) == sorted(PARTS), (here, there)
    return {k: (here[k], there[k]) for k in PARTS}


def compare_part(placed, name):
    here, there = placed[name]
    assert here == there, (PARTS[name], here, there)
    return here


@pytest.mark.oracle
def test_towers_log_their_devices_and_values_as_tf(placed):
    lines, result = compare_part(placed, "towers")
    assert "tower_3/Sum: (Sum): /job:localhost/replica:0/task:0/device:CPU:3" in lines
    assert result[1] == 60.0


@pytest.mark.oracle
def test_the_multi_tower_cnn_is_placed_as_tf_places_it(placed):
    # TF1's recipe (benchmarks/towers.py): the whole graph, gradients and Momentum included
    lines, _ = compare_part(placed, "tower_cnn")
    assert len(lines) > 300
    assert "tower_1/model/Conv2D: (Conv2D): /job:localhost/replica:0/task:0/device:CPU:1" in lines


@pytest.mark.oracle
def test_soft_placement_and_colocation_place_as_tf(placed):
    lines, _ = compare_part(placed, "soft")
    assert "b0: (AddV2): /job:localhost/replica:0/task:0/device:CPU:0" in lines
    assert lines.count("late: (Identity): /job:localhost/replica:0/task:0/device:CPU:0") == 1


@pytest.mark.oracle
def test_missing_devices_fail_as_tf(placed):
    _, result = compare_part(placed, "errors")
    assert [r[0] for r in result[:7]] == ["InvalidArgumentError"] * 7
    assert result[7:] == [1.0, 1.0]


@pytest.mark.oracle
def test_replica_device_setter_needs_a_cluster_as_in_tf(placed):
    _, result = compare_part(placed, "setter")
    assert result[0] == "InvalidArgumentError" and "/job:ps/task:0" in result[1]


CLUSTER = r'''
import socket
def _servers():
    ports = []
    for _ in range(3):
        s = socket.socket(); s.bind(("localhost", 0)); ports.append(s.getsockname()[1]); s.close()
    cluster = tf.train.ClusterSpec({"ps": ["localhost:%d" % ports[0]],
                                    "worker": ["localhost:%d" % p for p in ports[1:]]})
    if tf.__name__.startswith("scopeflow"):  # one process stands for worker 1 and the ps
        from jax._src.lib import _jax
        from scopeflow.train import ps_store, server
        address = "localhost:%d" % ports[1]  # a coordination service of one task
        service = _jax.get_distributed_runtime_service(address, 1)
        kv = _jax.get_distributed_runtime_client(address, 0, init_timeout=60)
        kv.connect()
        serving = ps_store.Serving(kv, 0)
        import atexit

        def leave():
            kv.shutdown()
            serving.join()
            service.shutdown()
        atexit.register(leave)
        worker = tf.train.Server(cluster, job_name="worker", task_index=1, start=False)
        worker._clients[0] = ps_store.Client(kv, 0, "/job:ps/replica:0/task:0")
        server._ACTIVE.append(worker)
    else:
        worker = [tf.train.Server(cluster, job_name=j, task_index=t)
                  for j, t in (("ps", 0), ("worker", 0), ("worker", 1))][2]
    return cluster, worker.target

def main():
    cluster, target = _servers()
    with tf.device(tf.train.replica_device_setter(worker_device="/job:worker/task:1",
                                                  cluster=cluster)):
        gs = tf.train.get_or_create_global_step()
        w = tf.get_variable("w", [2], initializer=tf.ones_initializer())
        loss = tf.reduce_sum(w * w)
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
    c = tf.constant(1.0, name="free_const")
    d = tf.add(c, c, name="free_add")
    with tf.device("/job:worker/task:0"):
        other = tf.multiply(d, 3.0, name="on_worker_0")
    cfg = tf.ConfigProto(log_device_placement=True)
    with tf.Session(target, config=cfg) as s:
        s.run(tf.global_variables_initializer())
        out = s.run([train, d, other])[1:] + [s.run(gs)]
    g = tf.Graph()
    with g.as_default():
        with tf.device("/job:worker/task:7"):
            tf.constant(1.0, name="nowhere")
        with tf.Session(target, graph=g) as s:
            try:
                s.run("nowhere:0")
            except Exception as e:
                out.append(_err(e))
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0, name="a")
        outs = []
        for i, dev in enumerate(["/job:ps/task:0/device:GPU:0", "/job:worker/task:0/cpu:3",
                                 "/job:worker/task:1/gpu:0", "/job:worker", "/job:ps"]):
            with tf.device(dev):
                outs.append(tf.add(a, float(i), name="soft%d" % i))
        cfg = tf.ConfigProto(log_device_placement=True, allow_soft_placement=True)
        with tf.Session(target, graph=g, config=cfg) as s:
            out.append(s.run(outs))
    return out
'''


@pytest.mark.oracle
def test_a_cluster_task_logs_and_places_as_tf():
    # TF: three servers in one process, the session on worker 1's; scopeflow: the ps store
    # served through a coordination service of this process, and worker 1's Server taken as
    # the process's distributed one
    lines, result = compare(CLUSTER, devices=1)  # a TF server's task has one CPU
    assert "w: (VariableV2): /job:ps/replica:0/task:0/device:CPU:0" in lines
    assert "free_add: (AddV2): /job:worker/replica:0/task:1/device:CPU:0" in lines
    assert result[:3] == [2.0, 6.0, 1]
    assert "available devices are [ /job:ps/replica:0/task:0/device:CPU:0, " in result[3][1]


def test_one_device_graphs_keep_one_program(tf):
    from scopeflow.lowering.lower import Program
    with tf.device("/cpu:0"):
        x = tf.constant(2.0) * 3.0
    with tf.device("/device:CPU:*"):
        y = x + 1.0
    with tf.Session() as s:
        assert s.run(y) == 7.0
        (plan,) = s._plans.values()
        assert type(plan.prog[1]) is Program
