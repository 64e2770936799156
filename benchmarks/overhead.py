"""Per-run overhead of Session.run: scopeflow vs real TensorFlow vs a plain jitted JAX function.

    python benchmarks/overhead.py [--loops 2000] [--repeats 7]

Three workloads on float32 scalar variables `a`, `b`: `a + b` with no feed, `p + b` with one
scalar feed, ten fetches `a * i + b`; plus `a + b` of two constants, which both TF (Grappler)
and scopeflow fold when the graph is first run. Each engine runs in its own subprocess (TF from $SCOPEFLOW_TF_PYTHON or
/tmp/tf/bin/python when present); the time per run is the median over repeats, and the first
run (graph compilation) is timed separately. Prints a markdown table.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TF_PYTHONS = (os.environ.get("SCOPEFLOW_TF_PYTHON"), os.path.join(ROOT, ".venv-tf/bin/python"),
              "/tmp/tf/bin/python")
WORKLOADS = ("no feed", "one scalar feed", "10 fetches", "constants (folded)")


def _timed(fn, loops, repeats):
    """Median seconds per call over `repeats` batches of `loops` calls."""
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        samples.append((time.perf_counter() - t0) / loops)
    samples.sort()
    return samples[len(samples) // 2]


def _graph_runs(tf):
    """The workloads as Session.run calls, plus the first-run time of each."""
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    c = a + b
    p = tf.placeholder(tf.float32, [], name="p")
    d = p + b
    outs = [a * float(i) + b for i in range(10)]
    k = tf.constant(1.0) + tf.constant(2.0)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    calls = {"no feed": lambda: sess.run(c), "one scalar feed": lambda: sess.run(d, {p: 3.0}),
             "10 fetches": lambda: sess.run(outs), "constants (folded)": lambda: sess.run(k)}
    return calls, _first_runs(calls)


def _first_runs(calls):
    first = {}
    for key, fn in calls.items():
        t0 = time.perf_counter()
        fn()
        first[key] = time.perf_counter() - t0
    return first


def _jax_runs():
    import jax
    import jax.numpy as jnp
    import numpy as np
    a, b = jnp.float32(1.0), jnp.float32(2.0)  # device arrays, as variables are
    f0 = jax.jit(lambda a, b: a + b)
    f1 = jax.jit(lambda p, b: p + b)
    f10 = jax.jit(lambda a, b: [a * float(i) + b for i in range(10)])
    fk = jax.jit(lambda: jnp.float32(1.0) + jnp.float32(2.0))
    calls = {"no feed": lambda: np.asarray(f0(a, b))[()],
             "one scalar feed": lambda: np.asarray(f1(np.float32(3.0), b))[()],
             "10 fetches": lambda: [np.asarray(x)[()] for x in f10(a, b)],
             "constants (folded)": lambda: np.asarray(fk())[()]}
    return calls, _first_runs(calls)


def run_engine(engine, loops, repeats):
    """Times one engine in this process; returns {"per_run": {...}, "first": {...}}."""
    if engine == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        calls, first = _graph_runs(tf)
    elif engine == "scopeflow":
        sys.path.insert(0, ROOT)
        import scopeflow.compat.v1 as tf
        calls, first = _graph_runs(tf)
    else:
        calls, first = _jax_runs()
    per_run = {k: _timed(fn, loops, repeats) for k, fn in calls.items()}
    return {"per_run": per_run, "first": first}


def _subprocess(python, engine, loops, repeats):
    cmd = [python, os.path.abspath(__file__), "--engine", engine, "--loops", str(loops),
           "--repeats", str(repeats)]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if engine == "tensorflow":
        env.pop("PYTHONPATH")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800,
                          check=False)
    if proc.returncode != 0:
        print("%s failed:\n%s" % (engine, proc.stderr[-2000:]), file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(results):
    """Markdown table: µs per run for each engine and scopeflow's ratio to TF and to JAX."""
    sf, tf, jx = (results.get(k) for k in ("scopeflow", "tensorflow", "jax"))
    lines = [("| workload | scopeflow µs | TF µs | jitted JAX µs | scopeflow / TF | "
              "scopeflow / JAX |"), "|---|---:|---:|---:|---:|---:|"]

    def us(r, k):
        return None if r is None else r["per_run"][k] * 1e6

    def fmt(x, spec="%.1f"):
        return "–" if x is None else spec % x

    for k in WORKLOADS:
        s, t, j = us(sf, k), us(tf, k), us(jx, k)
        lines.append("| %s | %s | %s | %s | %s | %s |" % (
            k, fmt(s), fmt(t), fmt(j), fmt(s / t if s and t else None, "%.2f"),
            fmt(s / j if s and j else None, "%.2f")))
    lines += ["", "| first run (compile) | scopeflow s | TF s | jitted JAX s |",
              "|---|---:|---:|---:|"]
    for k in WORKLOADS:
        lines.append("| %s | %s | %s | %s |" % (
            k, *(fmt(None if r is None else r["first"][k], "%.3f") for r in (sf, tf, jx))))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=("scopeflow", "tensorflow", "jax"))
    ap.add_argument("--loops", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    if args.engine:
        print(json.dumps(run_engine(args.engine, args.loops, args.repeats)))
        return
    results = {"scopeflow": _subprocess(sys.executable, "scopeflow", args.loops, args.repeats),
               "jax": _subprocess(sys.executable, "jax", args.loops, args.repeats)}
    tf_python = next((p for p in TF_PYTHONS if p and os.path.exists(p)), None)
    if tf_python:
        results["tensorflow"] = _subprocess(tf_python, "tensorflow", args.loops, args.repeats)
    print(table(results))


if __name__ == "__main__":
    main()
