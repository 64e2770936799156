"""Resident memory kept by dropped graphs and by many feed shapes: scopeflow (and TF if present).

    python benchmarks/memory.py [--graphs 100] [--shapes 2000] [--engine scopeflow|tf|both]

"graphs": builds, runs and drops N small graphs (a dense layer with a variable, run twice);
"shapes": runs one graph with N distinct fed shapes. Each workload runs in a fresh process and
reports the RSS growth in MiB after a warm-up and `gc.collect()` (Linux /proc/self/statm).
"""

import argparse
import gc
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TF_PYTHONS = (os.environ.get("SCOPEFLOW_TF_PYTHON"), os.path.join(ROOT, ".venv-tf/bin/python"),
              "/work/main/.venv-tf/bin/python", "/tmp/tf/bin/python")


def _rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _import(engine):
    if engine == "tf":
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        return tf
    import scopeflow.compat.v1 as tf
    return tf


def _one_graph(tf, i):
    import numpy as np
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 64])
        w = tf.get_variable("w", [64, 64])
        y = tf.nn.relu(tf.matmul(x, w) + float(i))
        loss = tf.reduce_sum(y * y)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(loss, {x: np.ones((8, 64), np.float32)})


def _graphs(tf, n):
    for i in range(5):  # warm-up: imports, first compiles
        _one_graph(tf, i)
    gc.collect()
    before = _rss_mib()
    for i in range(n):
        _one_graph(tf, i)
    gc.collect()
    return _rss_mib() - before


def _shapes(tf, n):
    import numpy as np
    x = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(x * 2.0 + 1.0)
    with tf.Session() as s:
        for k in range(1, 6):
            s.run(y, {x: np.ones(k, np.float32)})
        gc.collect()
        before = _rss_mib()
        for k in range(6, 6 + n):
            s.run(y, {x: np.ones(k, np.float32)})
        gc.collect()
        return _rss_mib() - before


def _worker(engine, workload, n):
    tf = _import(engine)
    grow = _graphs(tf, n) if workload == "graphs" else _shapes(tf, n)
    print(json.dumps({"mib": round(grow, 1)}))


def _spawn(engine, workload, n):
    python = sys.executable
    if engine == "tf":
        python = next((p for p in TF_PYTHONS if p and os.path.exists(p)), None)
        if python is None:
            return None
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([python, __file__, "--worker", engine, workload, str(n)], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["mib"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graphs", type=int, default=100)
    ap.add_argument("--shapes", type=int, default=2000)
    ap.add_argument("--engine", default="scopeflow", choices=("scopeflow", "tf", "both"))
    ap.add_argument("--worker", nargs=3)
    a = ap.parse_args()
    if a.worker:
        return _worker(a.worker[0], a.worker[1], int(a.worker[2]))
    engines = ("scopeflow", "tf") if a.engine == "both" else (a.engine,)
    print("| workload | " + " | ".join("%s RSS growth MiB" % e for e in engines) + " |")
    print("|---|" + "---:|" * len(engines))
    for workload, n in (("graphs", a.graphs), ("shapes", a.shapes)):
        cells = [_spawn(e, workload, n) for e in engines]
        print("| %d %s | %s |" % (n, "dropped graphs" if workload == "graphs" else
                                  "distinct feed shapes",
                                  " | ".join("n/a" if c is None else "%.1f" % c for c in cells)))


if __name__ == "__main__":
    main()
