"""A feed_dict loop whose last batch is smaller: scopeflow (as before, and with padding
`exact` or `rows` and the last batch compiled ahead) against TensorFlow, each a fresh process
with an empty disk cache.

    python benchmarks/eval_batches.py                  # markdown table for README
    python benchmarks/eval_batches.py --examples 1050 --batch 100 --rounds 3
    python benchmarks/eval_batches.py --model cnn_train
    python benchmarks/eval_batches.py --model resnet_v1_50 --examples 20 --batch 8
    python benchmarks/eval_batches.py --model cnn_towers --towers 2

`cnn` is the CNN of benchmarks/train.py (two 5x5 convolutions with 2x2 max-pooling, fc 1024,
10 logits; its weights from NumPy) evaluated, `cnn_train` the same net's training step
(Momentum; a step is never padded) and `resnet_v1_50` slim's net of benchmarks/resnet_infer.py
(224x224, is_training=False, graph seed 7: TF's initial weights) evaluated; `cnn_towers` is
`cnn` in TF1's multi-tower recipe (benchmarks/towers.py): the batch `tf.split` over `towers`
host devices (scopeflow: `XLA_FLAGS=--xla_force_host_platform_device_count`, TF:
`ConfigProto(device_count)`), variables on /cpu:0, the towers' logits concatenated. The loop runs
`sess.run(fetches, {x: X[i:i + batch], ...})` over `examples` rows, so the last batch has
`examples % batch` rows (eval fetches: logits and their argmax; training: the step and its
loss). Timed: the whole loop (wall clock, and the process's CPU time), its first batch (the
compile), the median full batch, the last batch; counted: XLA compiles (scopeflow's
`cache.stats`, the compile ahead included). Each worker writes the loop's values (logits or
losses), so the table says whether the last batch's are bit-identical to the run before
(`pad 0`: no padding and nothing compiled ahead) and how far they are from TensorFlow's.
Workers run one at a time, interleaved over `rounds`; the table gives medians and the load
average before and after.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from train import make_arrays, tf_python

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# (framework, SCOPEFLOW_PAD_BATCHES): "0" is the run before (no padding, nothing compiled ahead)
KINDS = (("scopeflow", "0"), ("scopeflow", "exact"), ("scopeflow", "rows"), ("tensorflow", ""))


NAMES = ("w1", "b1", "w2", "b2", "w3", "b3", "w4", "b4")


def _forward(tf, x, v):
    h = tf.reshape(x, [-1, 28, 28, 1])
    for i in (1, 2):
        h = tf.nn.relu(tf.nn.conv2d(h, v["w%d" % i], [1, 1, 1, 1], "SAME") + v["b%d" % i])
        h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = tf.reshape(h, [-1, 7 * 7 * 64])
    h = tf.nn.relu(tf.matmul(h, v["w3"]) + v["b3"])
    return tf.matmul(h, v["w4"]) + v["b4"]


def build(tf, arrays):
    """(x, logits, predictions): train.py's CNN, forward only."""
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    logits = _forward(tf, x, {k: tf.Variable(arrays[k]) for k in NAMES})
    return x, logits, tf.argmax(logits, 1)


def build_towers(tf, arrays, towers):
    """`build` in TF1's multi-tower recipe: the batch split over `towers` devices."""
    with tf.device("/cpu:0"):
        x = tf.placeholder(tf.float32, [None, 784], name="x")
        v = {k: tf.Variable(arrays[k]) for k in NAMES}
        parts = tf.split(x, towers)
    outs = []
    for i, part in enumerate(parts):
        with tf.device("/cpu:%d" % i), tf.name_scope("tower_%d" % i):
            outs.append(_forward(tf, part, v))
    with tf.device("/cpu:0"):
        logits = tf.concat(outs, 0)
    return x, logits, tf.argmax(logits, 1)


def _resnet(tf, framework):
    import resnet_infer
    if framework == "tensorflow":
        import tf_slim.nets as nets
    else:
        from scopeflow.slim import nets
    x, logits = resnet_infer.build(tf, nets)
    return x, logits, tf.argmax(logits, 1)


def _step(tf, framework, model, arrays, towers=1):
    """(feeds of rows i:j, fetches, which fetch is recorded) of the loop's `model`."""
    if model == "cnn_train":  # train.py's CNN step: Momentum, sparse softmax cross-entropy
        import train
        x, y, loss, step = train.build_tf1(tf, "cnn", arrays)
        return lambda i, j: {x: arrays["x"][i:j], y: arrays["y"][i:j]}, [step, loss], 1
    if model == "cnn_towers":
        x, logits, preds = build_towers(tf, arrays, towers)
    else:
        x, logits, preds = build(tf, arrays) if model == "cnn" else _resnet(tf, framework)
    return lambda i, j: {x: arrays["x"][i:j]}, [logits, preds], 0


def worker(framework, model, data, out, examples, batch, plain, towers=1):
    arrays = {k: v[:examples] if k in ("x", "y") else v for k, v in np.load(data).items()}
    if framework == "tensorflow":
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        stats = None
    else:
        import scopeflow.compat.v1 as tf
        from scopeflow.lowering import ahead, cache
        stats = cache.stats
        if plain:  # before: nothing compiled ahead for a feed_dict loop's last batch
            ahead.sliced = lambda *a: None
    feed, fetches, kept = _step(tf, framework, model, arrays, towers)
    times, got = [], []
    with tf.Session(config=tf.ConfigProto(device_count={"CPU": towers})) as sess:
        sess.run(tf.global_variables_initializer())
        before = dict(stats) if stats is not None else None
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, examples, batch):
            t = time.perf_counter()
            got.append(np.reshape(sess.run(fetches, feed(i, i + batch))[kept], (-1,) if kept
                                  else (min(batch, examples - i), -1)))
            times.append(time.perf_counter() - t)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
    np.save(out, np.concatenate(got))
    return {"total": total, "cpu": cpu, "first": times[0], "full": float(np.median(times[1:-1])),
            "last": times[-1],
            "compiles": None if stats is None else stats["compiles"] - before["compiles"]}


def _spawn(kind, data, out, args):
    framework, pad = kind
    py = tf_python() if framework == "tensorflow" else sys.executable
    with tempfile.TemporaryDirectory() as cache_dir:  # a first process: nothing on disk
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=ROOT,
                   SCOPEFLOW_CACHE_DIR=cache_dir, SCOPEFLOW_PAD_BATCHES=pad or "0")
        if args.towers > 1:
            env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=%d" % args.towers
        cmd = [py, os.path.abspath(__file__), "--worker", framework, "--model", args.model,
               "--plain", str(int(pad == "0")), "--data", data, "--out",
               out, "--examples", str(args.examples), "--batch", str(args.batch),
               "--towers", str(args.towers)]
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=ROOT,
                              env=env)
    if proc.returncode:
        raise RuntimeError("%s worker failed:\n%s" % (framework, proc.stderr[-3000:]))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _table(runs, values, args, loads):
    n_last = args.examples % args.batch or args.batch
    last = slice(-1, None) if args.model == "cnn_train" else slice(args.examples - n_last, None)
    plain, tf_vals = values.get(("scopeflow", "0")), values.get(("tensorflow", ""))
    lines = ["%s%s: %d examples in batches of %d (last batch %d); load average %s" % (
        args.model, " (%d towers)" % args.towers if args.towers > 1 else "", args.examples,
        args.batch, n_last, " -> ".join(
            "%.1f" % v for v in loads)),
        "", "| run | loop wall s | loop CPU s | first batch s | full batch s | last batch s "
        "| compiles | last batch = unpadded | vs TF max abs |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|"]
    for kind in KINDS:
        rs = runs.get(kind)
        if not rs:
            continue
        med = {k: float(np.median([r[k] for r in rs])) for k in ("total", "cpu", "first", "full",
                                                                  "last")}
        v = values[kind]
        same = "-" if plain is None or kind[0] == "tensorflow" else (
            "bit-identical" if np.array_equal(v[last], plain[last]) else "max abs %.2g" % (
                np.abs(v[last] - plain[last]).max()))
        diff = "-" if tf_vals is None else "%.2g" % np.abs(v - tf_vals).max()
        name = kind[0] if kind[0] == "tensorflow" else "scopeflow, pad %s" % kind[1]
        lines.append("| %s | %.2f | %.2f | %.3f | %.4f | %.3f | %s | %s | %s |" % (
            name, med["total"], med["cpu"], med["first"], med["full"], med["last"],
            "-" if rs[0]["compiles"] is None else rs[0]["compiles"], same, diff))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="cnn",
                   choices=["cnn", "cnn_train", "resnet_v1_50", "cnn_towers"])
    p.add_argument("--towers", type=int, default=0, help="cnn_towers: devices (default 2)")
    p.add_argument("--plain", type=int, default=0)
    p.add_argument("--examples", type=int, default=1050)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--worker")
    p.add_argument("--data")
    p.add_argument("--out")
    args = p.parse_args()
    args.towers = args.towers or (2 if args.model == "cnn_towers" else 1)
    if args.worker:
        print(json.dumps(worker(args.worker, args.model, args.data, args.out, args.examples,
                                args.batch, args.plain, args.towers)))
        return 0
    kinds = [k for k in KINDS if k[0] == "scopeflow" or tf_python()]
    runs, values = {k: [] for k in kinds}, {}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as d:
        arrays = make_arrays("cnn")
        rng = np.random.RandomState(1)
        shape = (224, 224, 3) if args.model == "resnet_v1_50" else (784,)
        arrays["x"] = (rng.rand(args.examples, *shape) - 0.5).astype(np.float32)
        arrays["y"] = rng.randint(0, 10, args.examples).astype(np.int32)
        data = os.path.join(d, "cnn.npz")
        np.savez(data, **arrays)
        for _ in range(args.rounds):
            for kind in kinds:
                out = os.path.join(d, "%s-%s.npy" % kind)
                runs[kind].append(_spawn(kind, data, out, args))
                values[kind] = np.load(out)
    loads.append(os.getloadavg()[0])
    print(_table(runs, values, args, loads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
