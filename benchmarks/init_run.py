"""First initializer run of a net in a fresh process, scopeflow against TF 2.21, interleaved.

    python benchmarks/init_run.py [--nets inception_v2,resnet_v1_50,mlp] [--rounds 2]
                                  [--modes empty,filled,compiled]

Each measurement is a new process that builds the net (slim's nets through
`scopeflow.slim.nets` / `tf_slim.nets`, no arg scope, batch 1 at 224x224; the MLP is
784-1024-1024-10 with get_variable's default initializers), graph seed 7, and times its first
`sess.run(tf.global_variables_initializer())` by wall clock and by process CPU time.
scopeflow runs as: `empty` (an empty on-disk compilation cache: a first process ever),
`filled` (the cache the `empty` process left), `compiled` (the host path of
lowering/init_host.py off, so the run compiles as one XLA program as it did before it; disk
cache off). Rounds interleave the frameworks, so load on the machine hits them alike; the load
average is printed before and after. Seeded initial values must be TF's bit for bit: a digest
of every variable's bytes is compared with TF's.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import train  # tf_python(): the TensorFlow the other benchmarks use

_WORKER = r"""
import hashlib, json, os, sys, time
framework, net, mode = sys.argv[1:4]
if framework == "tensorflow":
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tf_slim.nets as nets
else:
    import scopeflow.compat.v1 as tf
    from scopeflow.slim import nets
    if mode == "compiled":
        from scopeflow.lowering import init_host
        init_host.entry = lambda program, state: None
tf.set_random_seed(7)
if net == "mlp":
    x = tf.placeholder(tf.float32, [None, 784])
    for i, width in enumerate([1024, 1024, 10]):
        w = tf.get_variable("w%d" % i, [x.shape[1], width])
        b = tf.get_variable("b%d" % i, [width], initializer=tf.zeros_initializer())
        x = tf.matmul(x, w) + b
else:
    x = tf.placeholder(tf.float32, [1, 224, 224, 3])
    build = {"inception_v2": nets.inception_v2.inception_v2,
             "resnet_v1_50": nets.resnet_v1.resnet_v1_50}[net]
    build(x, num_classes=1000)
variables = sorted(tf.global_variables(), key=lambda v: v.name)
init = tf.global_variables_initializer()
with tf.Session() as sess:
    w0, c0 = time.perf_counter(), time.process_time()
    sess.run(init)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    h = hashlib.sha256()
    for v, a in zip(variables, sess.run(variables)):
        h.update(v.name.encode())
        h.update(a.tobytes())
print(json.dumps({"wall": wall, "cpu": cpu, "digest": h.hexdigest()[:16],
                  "variables": len(variables)}))
"""


def _spawn(framework, net, mode, cache_dir):
    py = train.tf_python() if framework == "tensorflow" else sys.executable
    env = dict(os.environ, PYTHONPATH=ROOT, SCOPEFLOW_QUIET="1", SCOPEFLOW_CACHE_DIR=cache_dir)
    if mode == "compiled":
        env["SCOPEFLOW_COMPILE_CACHE"] = "0"
    out = subprocess.run([py, "-c", _WORKER, framework, net, mode], capture_output=True,
                         text=True, env=env, cwd=ROOT, check=False)
    if out.returncode:
        raise RuntimeError("%s %s worker failed:\n%s" % (framework, net, out.stderr[-3000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(net, modes, rounds):
    """{row name: [results]} over `rounds` interleaved passes."""
    rows = {}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as d:
            for mode in modes:  # `filled` reads what `empty` wrote
                rows.setdefault("scopeflow, " + mode, []).append(
                    _spawn("scopeflow", net, mode, d))
            if train.tf_python():
                rows.setdefault("tensorflow", []).append(_spawn("tensorflow", net, "", d))
    return rows


def table(results):
    lines = ["| net | variables | run | wall s | CPU s | vs TF (wall) | values = TF's |",
             "|---|---:|---|---:|---:|---:|---|"]
    for net, rows in results.items():
        ref = rows.get("tensorflow")
        tf_wall = np.median([r["wall"] for r in ref]) if ref else None
        for name, rs in rows.items():
            wall = float(np.median([r["wall"] for r in rs]))
            cpu = float(np.median([r["cpu"] for r in rs]))
            same = "-" if not ref else (
                "yes" if all(r["digest"] == ref[0]["digest"] for r in rs) else "NO")
            lines.append("| %s | %d | %s | %.2f | %.2f | %s | %s |" % (
                net, rs[0]["variables"], name, wall, cpu,
                "%.1fx" % (wall / tf_wall) if tf_wall else "-", same))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nets", default="inception_v2,resnet_v1_50,mlp")
    p.add_argument("--modes", default="empty,filled,compiled")
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    load_before = os.getloadavg()
    modes = args.modes.split(",")
    results = {net: measure(net, modes, args.rounds) for net in args.nets.split(",")}
    print(table(results))
    print("load average (1, 5, 15 min): before %.1f %.1f %.1f, after %.1f %.1f %.1f"
          % (load_before + os.getloadavg()))
    bad = any(r["digest"] != rows["tensorflow"][0]["digest"]
              for rows in results.values() if "tensorflow" in rows
              for rs in rows.values() for r in rs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
