"""Cost of the compiled run-time checks: training steps with checks on vs off (scopeflow only).

    python benchmarks/checks.py                       # mlp, cnn, lstm; 4 interleaved rounds
    python benchmarks/checks.py --models lstm --rounds 6 --steps 10 --repeats 3

The MLP and CNN are benchmarks/train.py's; the LSTM is `tf.nn.dynamic_rnn` over a 128-unit
BasicLSTMCell (batch 64, T=50, 32 inputs, Adam, sparse softmax cross-entropy on the last
output). Each measurement is a fresh process, with SCOPEFLOW_RUNTIME_CHECKS=0 (checks left out
of the compiled programs; for this measurement only) or unset; on and off alternate within a
round, and which goes first alternates between rounds. Steps are timed by process CPU time on
one core (`taskset -c 0`, single-threaded XLA), which the other load on a shared machine
disturbs far less than wall clock. Prints per model the median ratio on/off of seconds per
step, its range over rounds, the number of checks compiled in, and the load average.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402 - the MLP and CNN of benchmarks/train.py


def make_arrays(model, seed=0):
    if model != "lstm":
        return train.make_arrays(model, seed)
    rng = np.random.RandomState(seed)
    return {"x": rng.randn(64, 50, 32).astype(np.float32),
            "y": rng.randint(0, 10, 64).astype(np.int32)}


def build(tf, model, arrays):
    """(x, y, loss, train_op) of `model`."""
    if model != "lstm":
        return train.build_tf1(tf, model, arrays)
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [None, 50, 32], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    cell = tf.nn.rnn_cell.BasicLSTMCell(128)
    out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    logits = tf.layers.dense(out[:, -1], 10)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return x, y, loss, tf.train.AdamOptimizer(1e-3).minimize(loss)


def worker(model, data, steps, repeats):
    import scopeflow.compat.v1 as tf
    from scopeflow.lowering import context
    arrays = dict(np.load(data))
    x, y, loss, step = build(tf, model, arrays)
    feed = {x: arrays["x"], y: arrays["y"]}
    n_checks = [0]
    real_check = context.RunContext.check

    def counting(self, ok, *a, **k):  # counts the checks traced into the step's program
        before = len(self.checks)
        out = real_check(self, ok, *a, **k)
        n_checks[0] += len(self.checks) - before
        return out

    context.RunContext.check = counting
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([step, loss], feed)
        traced = n_checks[0]
        for _ in range(3):
            sess.run([step, loss], feed)
        secs = []
        for _ in range(repeats):
            t0 = time.process_time()
            for _ in range(steps):
                sess.run([step, loss], feed)
            secs.append((time.process_time() - t0) / steps)
    return {"s_per_step": secs, "checks": traced}


def _spawn(model, data, checks, args):
    env = dict(os.environ)
    env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false").strip()
    env.pop("SCOPEFLOW_RUNTIME_CHECKS", None)
    if not checks:
        env["SCOPEFLOW_RUNTIME_CHECKS"] = "0"
    cmd = ["taskset", "-c", "0", sys.executable, os.path.abspath(__file__), "--worker",
           "--model", model, "--data", data, "--steps", str(args.steps),
           "--repeats", str(args.repeats)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env,
                         cwd=os.path.dirname(HERE))
    if out.returncode:
        raise RuntimeError("worker failed:\n%s" % out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(model, args):
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "%s.npz" % model)
        np.savez(data, **make_arrays(model))
        ratios, on_s, off_s, n = [], [], [], 0
        for r in range(args.rounds):
            got = {}
            for checks in ((True, False) if r % 2 == 0 else (False, True)):
                got[checks] = _spawn(model, data, checks, args)
            on, off = (float(np.median(got[c]["s_per_step"])) for c in (True, False))
            n = got[True]["checks"]
            on_s.append(on)
            off_s.append(off)
            ratios.append(on / off)
    return {"ratio": float(np.median(ratios)), "min": min(ratios), "max": max(ratios),
            "on_ms": 1e3 * float(np.median(on_s)), "off_ms": 1e3 * float(np.median(off_s)),
            "checks": n, "rounds": ratios}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default="mlp,cnn,lstm")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--worker", action="store_true")
    p.add_argument("--model")
    p.add_argument("--data")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.model, args.data, args.steps, args.repeats)))
        return
    print("| model | checks compiled in | ms/step on | ms/step off | on/off (median) "
          "| range over rounds | load average |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for model in args.models.split(","):
        load0 = os.getloadavg()[0]
        r = measure(model, args)
        print("| %s | %d | %.2f | %.2f | %.3f | %.3f-%.3f | %.1f-%.1f |" % (
            model, r["checks"], r["on_ms"], r["off_ms"], r["ratio"], r["min"], r["max"],
            load0, os.getloadavg()[0]), flush=True)


if __name__ == "__main__":
    main()
