"""Graph building: N TF1 API calls in nested scopes through scopeflow and real TensorFlow.

    python benchmarks/build.py                       # 1k, 10k, 100k calls; table for the README
    python benchmarks/build.py --sizes 1000,10000    # other sizes
    python benchmarks/build.py --profile             # cProfile of scopeflow building 10k calls

Each framework runs `build` (the same code) in its own worker process. TensorFlow comes from
$SCOPEFLOW_TF_PYTHON, .venv-tf/bin/python or /tmp/tf/bin/python; a TF size whose projected time
exceeds --tf-budget seconds is skipped and marked so. Memory per op is tracemalloc's count of
what scopeflow's graph keeps, over the ops it holds.
"""

import argparse
import gc
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CALLS_PER_BLOCK = 8
BLOCKS_PER_STAGE = 100
LAYERS = 10
MEMORY_SIZE = 10000
# Process CPU time is what a build costs even when other work shares the cores; wall is what
# a user waits.
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
REPEAT_CALLS = 20000  # sizes repeat (up to --repeat times) while repeats * size stays under this


def build(tf, n):
    """Issues `n` API calls (rounded down to whole blocks of 8); returns how many it issued.

    Per block: variable_scope (AUTO_REUSE, so one `w` per layer is shared), get_variable,
    name_scope, Variable, constant, add, multiply, matmul; blocks sit in stage name scopes.
    """
    init = np.ones((4, 4), np.float32)
    blocks = n // CALLS_PER_BLOCK
    h = None
    for start in range(0, blocks, BLOCKS_PER_STAGE):
        with tf.name_scope("stage"):
            for i in range(start, min(start + BLOCKS_PER_STAGE, blocks)):
                with tf.variable_scope("layer%d" % (i % LAYERS), reuse=tf.AUTO_REUSE):
                    w = tf.get_variable("w", [4, 4])
                    with tf.name_scope("block"):
                        v = tf.Variable(init, name="v")
                        c = tf.constant(init, name="c")
                        h = tf.add(w, c)
                        h = tf.multiply(h, v)
                        h = tf.matmul(h, w)
    return blocks * CALLS_PER_BLOCK


def _import(framework):
    if framework == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        return tf
    import scopeflow.compat.v1 as tf
    return tf


def _timed(tf, n, repeat, clock):
    """Best of `repeat` builds of n calls by `clock` (the best is the least disturbed by load)."""
    best = None
    for _ in range(repeat):
        tf.reset_default_graph()
        gc.collect()
        t0 = CLOCKS[clock]()
        calls = build(tf, n)
        seconds = CLOCKS[clock]() - t0
        if best is None or seconds < best["seconds"]:
            best = {"calls": calls, "seconds": seconds, "us_per_call": 1e6 * seconds / calls,
                    "ops": len(tf.get_default_graph().get_operations())}
    return best


def _memory(tf, n):
    """Bytes per op that building n calls leaves allocated (tracemalloc, Python heap)."""
    import tracemalloc
    tf.reset_default_graph()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    build(tf, n)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    ops = len(tf.get_default_graph().get_operations())
    return {"calls": n, "ops": ops, "bytes_per_op": (after - before) / ops}


def worker(framework, sizes, budget, memory, repeat, clock):
    """Runs in the framework's process: timings for each size, then memory; returns a dict."""
    tf = _import(framework)
    build(tf, 400)  # warm-up: first-call imports and caches
    results, last = {}, None
    for n in sorted(sizes):
        reps = max(1, min(repeat, REPEAT_CALLS // n))
        projected = None if last is None else reps * last["seconds"] * n / last["calls"]
        if projected is not None and projected > budget:
            results[n] = {"skipped": "projected %.0f s" % projected}
            continue
        results[n] = last = _timed(tf, n, reps, clock)
    out = {"results": results}
    if memory:
        out["memory"] = _memory(tf, MEMORY_SIZE)
    return out


def tf_python():
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    from oracle import tf_python as find
    return find()


def _run_worker(python, framework, args, memory):
    cmd = [python, os.path.abspath(__file__), "--worker", framework, "--sizes", args.sizes,
           "--tf-budget", str(args.tf_budget), "--repeat", str(args.repeat),
           "--clock", args.clock]
    cmd += ["--memory"] if memory else []
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit("%s worker failed:\n%s" % (framework, proc.stderr[-4000:]))
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["results"] = {int(k): v for k, v in out["results"].items()}
    return out


def _cell(result, key, fmt):
    if result is None:
        return "n/a"
    return result.get("skipped") or fmt % result[key]


def table(ours, theirs):
    """Markdown rows: calls, ops, µs per call for each, speed-up, growth of µs/call vs the
    smallest size."""
    rows = ["| API calls | ops | scopeflow µs/call | TF µs/call | speed-up | scopeflow growth |",
            "|---:|---:|---:|---:|---:|---:|"]
    first = ours[min(ours)]["us_per_call"]
    for n in sorted(ours):
        ours_n, tf_n = ours[n], (theirs or {}).get(n)
        speed = "n/a"
        if tf_n and "us_per_call" in tf_n:
            speed = "%.1fx" % (tf_n["us_per_call"] / ours_n["us_per_call"])
        rows.append("| %s | %s | %.1f | %s | %s | x%.2f |" % (
            format(n, ","), format(ours_n["ops"], ","), ours_n["us_per_call"],
            _cell(tf_n, "us_per_call", "%.1f"), speed, ours_n["us_per_call"] / first))
    return rows


def profile(sizes):
    """cProfile of scopeflow building the largest of `sizes` (at most 10k) calls."""
    import cProfile
    import pstats
    tf = _import("scopeflow")
    build(tf, 400)
    tf.reset_default_graph()
    prof = cProfile.Profile()
    prof.runcall(build, tf, min(max(sizes), 10000))
    stats = pstats.Stats(prof).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--tf-budget", type=float, default=240.0,
                    help="skip a TF size projected to take longer (seconds)")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many builds per size "
                    "(fewer for large sizes)")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                    help="process CPU time (default: steady on a shared machine) or wall time")
    ap.add_argument("--no-tf", action="store_true", help="scopeflow only")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--worker", choices=("scopeflow", "tensorflow"), help=argparse.SUPPRESS)
    ap.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.worker:
        budget = args.tf_budget if args.worker == "tensorflow" else float("inf")
        print(json.dumps(worker(args.worker, sizes, budget, args.memory, args.repeat,
                                args.clock)))
        return 0
    if args.profile:
        profile(sizes)
        return 0
    load = os.getloadavg()[0]
    ours = _run_worker(sys.executable, "scopeflow", args, memory=True)
    python = None if args.no_tf else tf_python()
    theirs = _run_worker(python, "tensorflow", args, memory=False)["results"] if python else None
    print("Graph building, %d calls per block (variable_scope with AUTO_REUSE, get_variable, "
          "name_scope, Variable, constant, add, multiply, matmul)%s; best %s time of up to "
          "%d builds; load average %.1f before, %.1f after" % (
              CALLS_PER_BLOCK, "" if python else "; TensorFlow not found", args.clock,
              args.repeat, load,
              os.getloadavg()[0]))
    print()
    print("\n".join(table(ours["results"], theirs)))
    mem = ours["memory"]
    print()
    print("scopeflow memory: %.0f bytes per op (tracemalloc, %s calls, %s ops)" % (
        mem["bytes_per_op"], format(mem["calls"], ","), format(mem["ops"], ",")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
