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


def _run(devices):
    env = dict(os.environ, PYTHONPATH=ROOT,
               XLA_FLAGS="--xla_force_host_platform_device_count=%d" % devices)
    out = subprocess.run([sys.executable, "-c", PROGRAM], check=False, capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.splitlines()[-1])


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
