"""Runs in steps found on disk by their graph in a second process (lowering/graph_key.py): the
steps of a loop run on the host (HostPlan programs with `inside`, TensorArrays and read masks
carried between them, fed values that set a gradient's shape compiled in), and a run fed
SparseTensors padded to a bucket (entries.Counted) whose index check fails. Two fresh
processes share one cache folder, this test's own: the second traces none of the loop's steps
and gives the first one's values and errors."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = r'''
import json, re
import numpy as np
import scopeflow.compat.v1 as tf
from scopeflow.lowering import disk_cache, lower
from scopeflow.lowering.entries import Counted

disk_cache._MIN_SECONDS = 0.0  # every program stored, however quick its compile
traced = {"loop_steps": 0, "padded": 0}
real = lower._build
def build(p, state, feeds, *a):
    traced["loop_steps"] += getattr(p, "inside", None) is not None
    traced["padded"] += any(type(f) is Counted for f in feeds)
    return real(p, state, feeds, *a)
lower._build = build

def bits(a):
    return np.asarray(a, np.float32).view(np.uint32).ravel().tolist()

def error(e):
    return [type(e).__name__, re.search(r"Node: '[^']*'\n(.*?)\n\t \[\[", str(e), re.S)[1]]

out = {}
# a data-dependent host op (tf.unique) in a while_loop: it and its gradient loop run on the
# host, a compiled step per iteration; Adam trains through them
w = tf.Variable([[1., 2.], [3., -1.], [0.5, 0.5], [2., 1.]])
ids = tf.placeholder(tf.int32, [None])
def body(i, a):
    u, _ = tf.unique(ids + i)
    return i + 1, a + tf.reduce_sum(tf.tanh(tf.gather(w, tf.minimum(u, 3)) * a), 0)
_, y = tf.while_loop(lambda i, a: i < 3, body, [0, tf.ones([2])])
loss = tf.reduce_sum(y * y)
train = tf.train.AdamOptimizer(0.1).minimize(loss)
# a dynamic_size TensorArray written in a loop run on the host; writing an index twice fails
n = tf.placeholder(tf.int32, [])
def ta_loop(index):
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    rows = lambda i: tf.cos(tf.cast(tf.reshape(tf.range(8), [2, 4]) * (i + 1), tf.float32))
    _, ta = tf.while_loop(lambda i, ta: i < n, lambda i, ta: (i + 1, ta.write(index(i), rows(i))),
                          (0, ta))
    return ta.stack()
stacked, twice = ta_loop(lambda i: i), ta_loop(lambda i: i // 2)
# fed SparseTensors: the second count on is padded to a bucket; an index out of range
sp = tf.sparse_placeholder(tf.float32, [4, 3])
prod = tf.sparse_tensor_dense_matmul(sp, tf.reshape(tf.range(6.0), [3, 2]))
good = [[0, 0], [1, 1], [2, 2], [3, 0], [1, 2]]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    out["train"] = [bits(s.run([loss, train], {ids: k})[0]) for k in ([0, 1, 1, 0], [2, 2, 0])]
    out["w"] = bits(s.run(w))
    out["stacked"] = bits(s.run(stacked, {n: 5}))
    try:
        s.run(twice, {n: 3})
    except tf.errors.OpError as e:
        out["twice"] = error(e)
    out["sparse"] = [bits(s.run(prod, {sp: tf.SparseTensorValue(good[:k], [1.0] * k, [4, 3])}))
                     for k in (3, 4, 5)]
    bad = [[0, 0], [1, 1], [2, 7], [3, 9], [1, 2], [0, 1]]
    try:
        s.run(prod, {sp: tf.SparseTensorValue(bad, [1.0] * 6, [4, 3])})
    except tf.errors.OpError as e:
        out["bad_index"] = error(e)
    out["after"] = bits(s.run(prod, {sp: tf.SparseTensorValue(good, [2.0] * 5, [4, 3])}))
print(json.dumps([out, traced, disk_cache.stats["graph_hits"]]))
'''


def _run(folder):
    env = dict(os.environ, PYTHONPATH=ROOT, SCOPEFLOW_CACHE_DIR=str(folder))
    env.pop("SCOPEFLOW_COMPILE_CACHE", None)  # (the cache on, whatever the caller's setting)
    done = subprocess.run([sys.executable, "-c", SCRIPT], check=False, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_a_second_process_traces_no_step_of_a_host_run_loop(tmp_path):
    first, first_traced, first_hits = _run(tmp_path)
    again, traced, hits = _run(tmp_path)
    assert again == first
    assert first["twice"] == ["InvalidArgumentError", first["twice"][1]]
    assert "Could not write to TensorArray index 0 because it has already been written to" in (
        first["twice"][1])
    assert first["bad_index"] == ["InvalidArgumentError",
                                  "k (7) from index[2,1] out of bounds (>=3)"]
    assert first_traced["loop_steps"] > 0 and first_hits == 0
    assert traced["loop_steps"] == 0  # every step of the loops read back
    # the padded program read back; traced again only for the failing check's message
    assert first_traced["padded"] == 1 and traced["padded"] == 1
    assert hits > first_traced["loop_steps"]
