"""tf.train.ClusterSpec, tf.train.replica_device_setter and placement without soft placement."""

import pytest

from oracle import run_here

SETTER = [
    # round robin over ps tasks; everything else on the worker
    """with tf.device(tf.train.replica_device_setter(ps_tasks=3)):
    vs = [tf.get_variable("v%d" % i, [2]) for i in range(4)]
    y = tf.multiply(vs[0], 2.0, name="y")
    r = tf.Variable(1.0, name="r")
result = [[v.device, v.initializer.device] for v in tf.global_variables()] + [y.device]""",
    # merging with the enclosing device and with an explicit job
    """with tf.device("/gpu:1"):
    with tf.device(tf.train.replica_device_setter(ps_tasks=2, worker_device="/job:w/task:3")):
        a = tf.get_variable("a", [1])
        c = tf.constant(1.0, name="c")
        with tf.device("/job:other"):
            b = tf.get_variable("b", [1])
result = [a.device, c.device, b.device]""",
    # cluster spec, custom ps_ops, no ps job, merge_devices=False, custom strategy
    """cl = tf.train.ClusterSpec({"ps": ["h0:1", "h1:1"], "worker": ["w0:1"]})
out = [tf.train.replica_device_setter(cluster={"worker": ["w:1"]}) is None,
       tf.train.replica_device_setter() is None]
with tf.device(tf.train.replica_device_setter(cluster=cl, ps_ops=["Const"])):
    out += [tf.constant(1.0).device, tf.constant(2.0).device, tf.add(1.0, 2.0).device]
with tf.device(tf.train.replica_device_setter(ps_tasks=2, merge_devices=False)):
    with tf.device("/cpu:0"):
        out.append(tf.get_variable("m", [1]).device)
with tf.device(tf.train.replica_device_setter(ps_tasks=4, ps_strategy=lambda op: 3)):
    out.append(tf.get_variable("s", [1]).device)
try:
    tf.train.replica_device_setter(ps_tasks=1, ps_strategy=3)
except TypeError as e:
    out.append(str(e))
result = out""",
]

CLUSTER = [
    """c = tf.train.ClusterSpec({"ps": ["a:1", "b:1"], "worker": {1: "w1:2", 3: "w3:2"}})
result = [c.as_dict(), sorted(c.jobs), c.num_tasks("worker"), c.task_indices("worker"),
          c.task_address("ps", 1), c.job_tasks("worker"), repr(c), bool(c),
          bool(tf.train.ClusterSpec({})), c == c.as_dict(),
          tf.train.ClusterSpec(c).as_dict(), tf.train.ClusterSpec(c.as_cluster_def()).as_dict(),
          [(j.name, sorted(j.tasks.items())) for j in c.as_cluster_def().job]]""",
    """c = tf.train.ClusterSpec({"ps": ["a:1"]})
c.num_tasks("nope")""",
    """c = tf.train.ClusterSpec({"ps": ["a:1"]})
c.task_address("ps", 4)""",
    """tf.train.ClusterSpec({"ps": "a:1"})""",
    """tf.train.ClusterSpec(["a:1"])""",
]

PLACEMENT = [
    """with tf.device("/gpu:0"):
    v = tf.get_variable("v", [2], initializer=tf.zeros_initializer())
with tf.Session(config=tf.ConfigProto(allow_soft_placement=False, device_count={"GPU": 0})) as s:
    s.run(v.initializer)""",
    """a = tf.constant(1.0, name="a")
with tf.device("/job:worker/task:1"):
    b = tf.add(a, 1.0, name="b")
with tf.Session() as s:
    s.run(a)""",
    """with tf.device("/cpu:1"):
    b = tf.add(1.0, 1.0, name="b")
with tf.Session() as s:
    s.run(b)""",
    """with tf.device("/job:localhost/replica:0/task:0/device:CPU:0"):
    a = tf.add(1.0, 1.0, name="a")
with tf.device("/device:CPU:*"):
    b = tf.add(a, 1.0, name="b")
with tf.device("/gpu:3"):
    c = tf.add(a, 1.0, name="c")
cfg = tf.ConfigProto(allow_soft_placement=True, device_count={"GPU": 0})
with tf.Session(config=cfg) as s:
    out = [s.run(c)]
with tf.Session(config=tf.ConfigProto(device_count={"GPU": 0})) as s:
    try:
        s.run(b)
    except tf.errors.InvalidArgumentError as e:
        out.append(e.message.split("Node:")[-1])
result = out""",
]


def _tail(r):
    if isinstance(r, dict) and "msg" in r:  # the defining stack differs; the rest must not
        r = dict(r, msg=r["msg"].split("Node:")[-1])
        r.pop("tb", None)
    return r


@pytest.mark.oracle
@pytest.mark.parametrize("code", SETTER + CLUSTER + PLACEMENT)
def test_matches_tf(oracle, code):
    here, there = _tail(run_here(code)), _tail(oracle(code))
    assert here == there, (code, here, there)
