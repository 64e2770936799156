"""Runs over several devices (lowering/devices.py): TF1's multi-tower recipe on 4 forced host
devices gives the one-tower program's averaged gradients and trained values, and the same
values as the 4-tower graph run on one device. JAX's device count is fixed when it starts, so
each case runs in a fresh process."""

import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

PROGRAM = r"""
import json, sys
import numpy as np
sys.path.insert(0, "benchmarks")
import towers
import scopeflow.compat.v1 as tf
from scopeflow.lowering.devices import DevicePlan

arrays = towers.make_arrays(batch=16, c1=4, c2=8, fc=32)
out = {}
for n in (1, 4):
    g = tf.Graph()
    with g.as_default():
        x, y, loss, averaged, train = towers.build(tf, n, arrays)
        init = tf.global_variables_initializer()
    feed = {x: arrays["x"], y: arrays["y"]}
    with tf.Session(graph=g, config=tf.ConfigProto(device_count={"CPU": n})) as s:
        s.run(init)
        grads = s.run([gv[0] for gv in averaged], feed)
        losses = [float(s.run([train, loss], feed)[1]) for _ in range(3)]
        trained = s.run([gv[1] for gv in averaged])
        progs = [p.prog[1] for p in s._plans.values()]
        pieces = [p for p in progs if type(p) is DevicePlan]
        out[n] = {"grads": [a.tolist() for a in grads], "losses": losses,
                  "trained": [a.tolist() for a in trained],
                  "devices": sorted({str(q.device) for p in pieces for q in p.pieces})}
print(json.dumps(out))
"""


def _python(code, devices):
    """The JSON that `code` prints, run in a fresh process with `devices` host devices."""
    env = dict(os.environ, PYTHONPATH=ROOT,
               XLA_FLAGS="--xla_force_host_platform_device_count=%d" % devices)
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                         text=True, env=env, cwd=ROOT, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.splitlines()[-1])


def _run(devices):
    return _python(PROGRAM, devices)


def _close(a, b):
    for u, v in zip(a, b):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=2e-5, atol=2e-6)


def test_four_towers_on_four_devices_train_as_one_tower():
    many, one = _run(4), _run(1)
    # on 4 devices the 4-tower runs are programs on each of them; on one device, one program
    assert many["4"]["devices"] == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]
    assert one["4"]["devices"] == [] and many["1"]["devices"] == []
    for run in (many, one):
        _close(run["4"]["grads"], run["1"]["grads"])  # averaged tower gradients: the gradient
        _close(run["4"]["trained"], run["1"]["trained"])
        _close([run["4"]["losses"]], [run["1"]["losses"]])
    _close(many["4"]["grads"], one["4"]["grads"])
    _close(many["4"]["trained"], one["4"]["trained"])


EDGES = r"""
import json
import numpy as np
import scopeflow.compat.v1 as tf
from scopeflow.lowering.devices import DevicePlan

tf.set_random_seed(3)
x = tf.placeholder(tf.float32, [3], name="x")
with tf.device("/cpu:0"):
    w = tf.get_variable("w", initializer=np.array([1.0, 2.0, 3.0], np.float32))
    c = tf.constant([10.0, 20.0, 30.0])
with tf.device("/cpu:1"):
    h = x * w + tf.random_uniform([3], seed=5)
    i = tf.placeholder(tf.int32, [], name="i")
    g = tf.gather(h, i)
with tf.device("/cpu:0"):
    total = tf.reduce_sum(h) + c[0]
    step = tf.assign(w, w + h)
out = {}
with tf.Session(config=tf.ConfigProto(device_count={"CPU": 2})) as s:
    s.run(w.initializer)
    feed = {x: [1.0, 1.0, 1.0], i: 1}
    out["run"] = [v.tolist() for v in s.run([total, h, w, c, g], feed)]
    out["fed_h"] = float(s.run(total, {h: [1.0, 2.0, 3.0]}))  # a fed tensor of another device
    s.run(step, feed)
    out["w"] = s.run(w).tolist()
    try:
        s.run(g, {x: [1.0, 1.0, 1.0], i: 7})
        out["error"] = None
    except tf.errors.InvalidArgumentError as e:
        out["error"] = e.message.splitlines()[-2][:60]
    out["plans"] = sum(type(p.prog[1]) is DevicePlan for p in s._plans.values())
print(json.dumps(out))
"""


def _edges(devices):
    return _python(EDGES, devices)


def test_fetches_feeds_randomness_and_checks_across_devices_match_one_device():
    two, one = _edges(2), _edges(1)
    assert two["plans"] >= 3 and one["plans"] == 0
    for key in ("run", "w"):
        for u, v in zip(two[key], one[key]):
            np.testing.assert_allclose(u, v, rtol=1e-6)
    assert two["fed_h"] == one["fed_h"] == 16.0
    assert two["error"] == one["error"] and "indices = 7 is not in [0, 3)" in two["error"]


LAST_BATCH = r"""
import json
import numpy as np
import scopeflow.compat.v1 as tf
from scopeflow.lowering import ahead, cache, padding
from scopeflow.lowering.devices import DevicePlan

rng = np.random.RandomState(0)
W = {"w1": rng.randn(3, 3, 1, 4).astype(np.float32) * 0.3,
     "w2": rng.randn(64, 10).astype(np.float32) * 0.1, "e": rng.randn(64).astype(np.float32)}
X = rng.randn(20, 64).astype(np.float32)


def var(name):
    with tf.device("/cpu:0"):  # the recipe's variables on /cpu:0
        return tf.get_variable(name, initializer=W[name])


def cnn(x):
    h = tf.nn.conv2d(tf.reshape(x, [-1, 8, 8, 1]), var("w1"), [1, 1, 1, 1], "SAME")
    h = tf.nn.max_pool(tf.nn.relu(h), [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    return tf.matmul(tf.reshape(h, [-1, 64]), var("w2"))


def elementwise(x):
    return tf.tanh(x * var("e")) + 1.5


def loop(net, mode, hint=True):
    padding.set_mode(mode)
    sliced = ahead.sliced
    if not hint:  # the run before: nothing compiled ahead
        ahead.sliced = lambda *a: None
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 64])
        with tf.device("/cpu:0"):
            parts = tf.split(x, 2)
        towers = []
        for i in range(2):
            with tf.device("/cpu:%d" % i), tf.variable_scope("m", reuse=i > 0):
                towers.append(net(parts[i]))
        with tf.device("/cpu:0"):
            out = tf.concat(towers, 0)
        init = tf.global_variables_initializer()
    values, made = [], []
    with tf.Session(graph=g, config=tf.ConfigProto(device_count={"CPU": 2})) as s:
        s.run(init)
        for i in range(0, 20, 8):  # 8, 8, then 4 rows
            n = cache.stats["compiles"]
            values.append(s.run(out, {x: X[i:i + 8]}).tolist())
            for t in s._resources.get(("compile ahead",), ahead._Threads()).threads:
                t.join()  # (a compile ahead counts with the run that started it)
            made.append(cache.stats["compiles"] - n)
        plans = sum(type(p.prog[1]) is DevicePlan for p in s._plans.values())
    ahead.sliced = sliced
    return {"values": values, "made": made, "plans": plans}


print(json.dumps({"%s %s %d" % (net.__name__, mode, hint): loop(net, mode, hint)
                  for net, mode, hint in ((cnn, "0", 0), (cnn, "exact", 1), (cnn, "rows", 1),
                                          (elementwise, "0", 0), (elementwise, "exact", 1))}))
"""


def test_a_smaller_last_batch_over_devices_is_compiled_ahead_or_padded():
    """Two towers on two devices, a feed_dict loop of 8, 8 and 4 rows. Before: the 4-row
    pieces compile at the last run. Exact padding (the default) leaves a CNN alone (its
    matmul and convolution round sizes differently): its 4-row pieces compile beside the
    second run, the same programs, the same values; `rows` pads each tower's 2 rows to 4.
    Towers of exact ops are padded by default, bit for bit the unpadded run's values."""
    got = _python(LAST_BATCH, 2)
    before = got["cnn 0 0"]
    pieces = before["made"][0]
    assert pieces > 1 and before["made"] == [pieces, 0, pieces] and before["plans"] == 1
    ahead_ = got["cnn exact 1"]
    assert ahead_["made"] == [pieces, pieces, 0] and ahead_["values"] == before["values"]
    padded = got["cnn rows 1"]
    assert padded["made"] == [pieces, 0, 0] and len(padded["values"][2]) == 4
    _close(padded["values"], before["values"])
    plain, exact = got["elementwise 0 0"], got["elementwise exact 1"]
    assert exact["made"] == [exact["made"][0], 0, 0] and plain["made"][2] > 0
    assert exact["values"] == plain["values"]  # bit for bit (JSON floats: every bit)
