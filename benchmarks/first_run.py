"""First-run time of a TF1 training script in a fresh process, with scopeflow's on-disk
compilation cache empty (first process) and filled (second process), against TF.

    python benchmarks/first_run.py [--model mlp|cnn]

Each measurement is a new Python process that builds the model of benchmarks/train.py and
times its first `sess.run([train, loss], feed)` (wall clock, and the process's CPU time, which
a loaded machine disturbs less): for scopeflow that is tracing + XLA compilation (or a
disk-cache read), for TF graph optimization.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

_WORKER = r"""
import json, os, sys, time
sys.path.insert(0, %(here)r)
import numpy as np
framework, model = sys.argv[1], sys.argv[2]
if framework == "tensorflow":
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
else:
    import scopeflow.compat.v1 as tf
import train
arrays = train.make_arrays(model)
t0, c0 = time.perf_counter(), time.process_time()
x, y, loss, step = train.build_tf1(tf, model, arrays)
feed = {x: arrays["x"], y: arrays["y"]}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    t1, c1 = time.perf_counter(), time.process_time()
    sess.run([step, loss], feed)
    t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"build": t1 - t0, "first": t2 - t1, "first_cpu": c2 - c1}))
"""


def _one(python, framework, model, env):
    out = subprocess.run([python, "-c", _WORKER % {"here": HERE}, framework, model],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="mlp")
    args = ap.parse_args()
    tf_python = os.environ.get("SCOPEFLOW_TF_PYTHON", os.path.join(ROOT, ".venv-tf/bin/python"))
    env = dict(os.environ, SCOPEFLOW_CACHE_DIR=tempfile.mkdtemp(), SCOPEFLOW_QUIET="1",
               PYTHONPATH=ROOT)
    rows = [("scopeflow, empty cache", _one(sys.executable, "scopeflow", args.model, env)),
            ("scopeflow, filled cache", _one(sys.executable, "scopeflow", args.model, env))]
    if os.path.exists(tf_python):
        rows.append(("tensorflow", _one(tf_python, "tensorflow", args.model, env)))
    print("load average: %.1f" % os.getloadavg()[0])
    print("| %s | process | build s | first step s | first step CPU s |" % args.model)
    print("|---|---|---:|---:|---:|")
    for name, r in rows:
        print("| %s | %s | %.2f | %.2f | %.2f |" % (args.model, name, r["build"], r["first"],
                                                   r["first_cpu"]))


if __name__ == "__main__":
    main()
