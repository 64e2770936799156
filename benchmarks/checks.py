"""Cost of the compiled run-time checks: training steps with checks on vs off (scopeflow only).

    python benchmarks/checks.py                       # mlp, cnn, lstm; 30 interleaved rounds
    python benchmarks/checks.py --models lstm --rounds 60 --steps 5

The MLP and CNN are benchmarks/train.py's; the LSTM is `tf.nn.dynamic_rnn` over a 128-unit
BasicLSTMCell (batch 64, T=50, 32 inputs, Adam, sparse softmax cross-entropy on the last
output). One process per model (pinned to one core, `taskset -c 0`, single-threaded XLA)
builds the model twice, in two graphs with a Session each: one traced with the checks, one
without (SCOPEFLOW_RUNTIME_CHECKS=0's switch, set while that session runs; for this
measurement only). Blocks of `--steps` steps then alternate between the two, which one goes
first alternating per round, so both see the same load and the same process state. Each block
is timed by process CPU time (which other load on a shared machine disturbs far less) and by
wall clock. Printed per model: the median on/off ratio of seconds per step over the rounds
and its quartiles, for CPU and wall time; and what the checks add to the compiled step
(optimized HLO of the two programs: instructions, fusions, reductions, conditionals, copies
and the bytes those copies move).
"""

import argparse
import collections
import json
import os
import re
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


# ---- the compiled step's structure ---------------------------------------------------------
_TYPE = re.compile(r"(pred|[sfu]\d+|bf16)\[([\d,]*)\]")
_BYTES = {"pred": 1, "bf16": 2}


def hlo_ops(text):
    """[(opcode, result bytes)] of every instruction of optimized HLO `text` (all
    computations: fused ones and conditional branches too), and those of the entry alone."""
    every, entry, in_entry = [], [], False
    for line in text.splitlines():
        if not line.startswith(" "):
            in_entry = line.startswith("ENTRY")
            continue
        if " = " not in line:
            continue
        rhs = line.split(" = ", 1)[1]
        if rhs.startswith("("):  # a tuple-shaped result: skip its type
            depth = 0
            for i, ch in enumerate(rhs):
                depth += (ch == "(") - (ch == ")")
                if depth == 0:
                    break
            kind, rest = rhs[:i + 1], rhs[i + 1:].lstrip()
        else:
            kind, _, rest = rhs.partition(" ")
        m = re.match(r"[\w-]+", rest)
        if m is None:
            continue
        size = 0
        for dt, dims in _TYPE.findall(kind):
            n = int(np.prod([int(d) for d in dims.split(",") if d])) if dims else 1
            size += n * _BYTES.get(dt, int(re.sub(r"\D", "", dt) or 32) // 8)
        every.append((m.group(0), size))
        if in_entry:
            entry.append((m.group(0), size))
    return every, entry


_KINDS = ("fusion", "reduce", "compare", "conditional", "copy")


def hlo_summary(text):
    every, entry = hlo_ops(text)
    count = collections.Counter(op for op, _ in every)
    out = {"instructions": len(every), "entry": len(entry)}
    out.update({k: count[k] for k in _KINDS})
    out["copy_bytes"] = sum(b for op, b in entry if op == "copy")
    return out


# ---- one model, one process ----------------------------------------------------------------
def worker(model, data, steps, rounds):
    import scopeflow.compat.v1 as tf
    from scopeflow.lowering import context, disk_cache
    arrays = dict(np.load(data))
    lowered = {}
    real_compile = disk_cache.compile_traced
    which = [None]

    def keep(traced, *what, **named):  # the training step's program of each variant (HLO)
        lowered.setdefault(which[0], []).append(traced)
        return real_compile(traced, *what, **named)

    disk_cache.compile_traced = keep
    traced = collections.Counter()
    real_check = context.RunContext.check

    def counting(self, ok, *a, **k):  # counts the checks traced into each variant's programs
        before = len(self.checks)
        out = real_check(self, ok, *a, **k)
        traced[which[0]] += len(self.checks) - before
        return out

    context.RunContext.check = counting
    sessions = {}
    for on in (True, False):
        g = tf.Graph()
        with g.as_default():
            x, y, loss, step = build(tf, model, arrays)
            init = tf.global_variables_initializer()
        sess = tf.Session(graph=g)
        context._CHECKS_OFF = not on  # read when a program is traced
        which[0] = on
        sess.run(init)
        sessions[on] = (sess, [step, loss], {x: arrays["x"], y: arrays["y"]})
        for _ in range(3):
            sess.run(*sessions[on][1:])
    from scopeflow.lowering.lower import x64
    with x64():  # (lowered as the Session traced them: 64-bit types on)
        hlo = {on: hlo_summary(lowered[on][-1].lower().compile().as_text()) for on in lowered}

    def block(on):
        sess, fetches, feed = sessions[on]
        context._CHECKS_OFF = not on  # (a retrace, should one happen, keeps its variant)
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(steps):
            sess.run(fetches, feed)
        return (time.process_time() - c0) / steps, (time.perf_counter() - w0) / steps

    cpu, wall = {True: [], False: []}, {True: [], False: []}
    for r in range(rounds):
        for on in ((True, False) if r % 2 == 0 else (False, True)):
            c, w = block(on)
            cpu[on].append(c)
            wall[on].append(w)
    return {"cpu": {str(k): v for k, v in cpu.items()},
            "wall": {str(k): v for k, v in wall.items()},
            "checks": traced[True], "checks_off": traced[False],
            "hlo_on": hlo[True], "hlo_off": hlo[False]}


def _spawn(model, data, args):
    env = dict(os.environ)
    env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false").strip()
    env.pop("SCOPEFLOW_RUNTIME_CHECKS", None)
    env["SCOPEFLOW_QUIET"] = "1"
    cmd = ["taskset", "-c", "0", sys.executable, os.path.abspath(__file__), "--worker",
           "--model", model, "--data", data, "--steps", str(args.steps),
           "--rounds", str(args.rounds)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env,
                         cwd=os.path.dirname(HERE))
    if out.returncode:
        raise RuntimeError("worker failed:\n%s" % out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ratios(got, key):
    on, off = np.array(got[key]["True"]), np.array(got[key]["False"])
    r = on / off
    q1, med, q3 = np.percentile(r, [25, 50, 75])
    return {"median": med, "q1": q1, "q3": q3, "on_ms": 1e3 * np.median(on),
            "off_ms": 1e3 * np.median(off)}


def measure(model, args):
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "%s.npz" % model)
        np.savez(data, **make_arrays(model))
        got = _spawn(model, data, args)
    return got, _ratios(got, "cpu"), _ratios(got, "wall")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default="mlp,cnn,lstm")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--json", help="also write every measurement to this file")
    p.add_argument("--worker", action="store_true")
    p.add_argument("--model")
    p.add_argument("--data")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.model, args.data, args.steps, args.rounds)))
        return
    print("| model | checks | ms/step on / off (CPU) | on/off CPU: median [quartiles] "
          "| on/off wall: median [quartiles] | load average |")
    print("|---|---:|---:|---:|---:|---|")
    every, hlo = {}, []
    for model in args.models.split(","):
        load0 = os.getloadavg()[0]
        got, cpu, wall = measure(model, args)
        every[model] = got
        print("| %s | %d | %.2f / %.2f | %.3f [%.3f-%.3f] | %.3f [%.3f-%.3f] | %.1f-%.1f |" % (
            model, got["checks"], cpu["on_ms"], cpu["off_ms"], cpu["median"], cpu["q1"], cpu["q3"],
            wall["median"], wall["q1"], wall["q3"], load0, os.getloadavg()[0]), flush=True)
        hlo.append((model, got["hlo_on"], got["hlo_off"]))
    print("\nWhat the checks add to the compiled step (optimized HLO, on - off):\n")
    keys = ("instructions", "entry") + _KINDS + ("copy_bytes",)
    print("| model | " + " | ".join(keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for model, on, off in hlo:
        print("| %s | " % model + " | ".join("%d (%d)" % (on[k] - off[k], on[k]) for k in keys)
              + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(every, f)


if __name__ == "__main__":
    main()
