"""Input pipeline throughput: TFRecord -> TFRecordDataset -> parse_single_example -> shuffle ->
batch(256) -> repeat, through scopeflow and TensorFlow, alone and feeding an MLP step.

    python benchmarks/pipeline.py                       # markdown table for README
    python benchmarks/pipeline.py --examples 5000 --batches 20
    python benchmarks/pipeline.py --before /tmp/old    # also the scopeflow/ under /tmp/old

One TFRecord file of `--examples` serialized tf.train.Examples (784 floats "x", int64 "y") is
written once (by scopeflow's writer: the format is TF's) and read by every worker. Each
framework runs in its own process (TensorFlow from $SCOPEFLOW_TF_PYTHON, .venv-tf/bin/python or
/tmp/tf/bin/python). `pipeline` times `sess.run(next_batch)` alone; `train` runs the MLP of
benchmarks/train.py (784-1024-1024-10, ReLU, Adam) on the iterator's batches; `step` runs
that training step alone, fed one batch drawn from the pipeline every time (the cost of
`train` without its input pipeline). The first `--warmup` runs are not timed; the table gives
examples per second, wall clock (median of `--repeats`; the round with the most), and the CPU
time of the process (all its threads) per example in that round.
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

WORKER = r'''
import json, os, sys, time, warnings
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")
cfg = json.loads(sys.argv[1])
if cfg["framework"] == "tensorflow":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
else:
    import scopeflow.compat.v1 as tf

def parse(record):
    f = tf.parse_single_example(record, {"x": tf.FixedLenFeature([784], tf.float32),
                                          "y": tf.FixedLenFeature([], tf.int64)})
    return f["x"], f["y"]

ds = tf.data.TFRecordDataset(cfg["path"]).map(parse).shuffle(10000, seed=1).batch(256).repeat()
x, y = tf.data.make_one_shot_iterator(ds).get_next()
fetch, feed = x, None
if cfg["mode"] in ("train", "step"):
    h = x
    for i, (a, b) in enumerate([(784, 1024), (1024, 1024), (1024, 10)]):
        w = tf.get_variable("w%d" % i, [a, b], initializer=tf.glorot_uniform_initializer(seed=i))
        h = tf.matmul(h, w) + tf.get_variable("b%d" % i, [b], initializer=tf.zeros_initializer())
        h = tf.nn.relu(h) if i < 2 else h
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(y, tf.int32), logits=h))
    fetch = [tf.train.AdamOptimizer(1e-3).minimize(loss), loss]
times, cpus = [], []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    if cfg["mode"] == "step":  # the step alone: one batch of the pipeline fed every time
        feed = dict(zip((x, y), sess.run((x, y))))
    for _ in range(cfg["warmup"]):
        sess.run(fetch, feed)
    for _ in range(cfg["repeats"]):
        t, c = time.perf_counter(), time.process_time()
        for _ in range(cfg["batches"]):
            sess.run(fetch, feed)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
n = 256 * cfg["batches"]
print(json.dumps({"examples_per_s": n / sorted(times)[len(times) // 2],
                  "cpu_us": 1e6 * sorted(cpus)[len(cpus) // 2] / n}))
'''


def tf_python():
    for cand in (os.environ.get("SCOPEFLOW_TF_PYTHON"), os.path.join(ROOT, ".venv-tf/bin/python"),
                 "/work/main/.venv-tf/bin/python", "/tmp/tf/bin/python"):
        if cand and os.path.exists(cand):
            return cand
    return None


def write_records(path, n, seed=0):
    """`n` serialized Examples of 784 uniform floats "x" and a label "y" in 0..9."""
    sys.path.insert(0, ROOT)
    import scopeflow.compat.v1 as tf
    rng = np.random.RandomState(seed)
    with tf.python_io.TFRecordWriter(path) as w:
        for _ in range(n):
            ex = tf.train.Example(features=tf.train.Features(feature={
                "x": tf.train.Feature(float_list=tf.train.FloatList(
                    value=rng.rand(784).astype(np.float32).tolist())),
                "y": tf.train.Feature(int64_list=tf.train.Int64List(
                    value=[int(rng.randint(10))]))}))
            w.write(ex.SerializeToString())


def run_worker(python, cfg, root=ROOT):
    env = dict(os.environ, PYTHONPATH=root)
    out = subprocess.run([python, "-c", WORKER, json.dumps(cfg)], capture_output=True, text=True,
                         env=env, check=False)
    if out.returncode:
        raise RuntimeError("%s worker failed:\n%s" % (cfg["framework"], out.stderr[-3000:]))
    got = json.loads(out.stdout.strip().splitlines()[-1])
    return got["examples_per_s"], got["cpu_us"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--examples", type=int, default=20000)
    p.add_argument("--batches", type=int, default=40)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--modes", default="pipeline,train,step")
    p.add_argument("--rounds", type=int, default=1,
                   help="alternate the frameworks this many times; each keeps its best round "
                        "(on a shared machine the best round is the least disturbed one)")
    p.add_argument("--before", default=None,
                   help="also run the scopeflow package under this directory (a copy of the "
                        "tree before a change), as a column of its own")
    args = p.parse_args()
    workers = [("scopeflow", sys.executable, ROOT)]
    if args.before:
        workers.insert(0, ("before", sys.executable, args.before))
    tf_py = tf_python()
    if tf_py:
        workers.append(("tensorflow", tf_py, ROOT))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "examples.tfrecord")
        write_records(path, args.examples)
        rows = []
        loads = [os.getloadavg()[0]]
        for mode in args.modes.split(","):
            got = {}
            for _ in range(args.rounds):
                for name, python, root in workers:
                    cfg = {"framework": "scopeflow" if name == "before" else name, "path": path,
                           "mode": mode, "batches": args.batches, "warmup": args.warmup,
                           "repeats": args.repeats}
                    got[name] = max(got.get(name, (0.0, 0.0)), run_worker(python, cfg, root))
                    loads.append(os.getloadavg()[0])
            rows.append((mode, got))
    names = [w[0] for w in workers]
    print("| workload | " + " | ".join("%s examples/s" % n for n in names)
          + " | ratio to TF | " + " | ".join("%s CPU µs/example" % n for n in names) + " |")
    print("|---|" + "---:|" * (2 * len(names) + 1))
    for mode, got in rows:
        tf = got.get("tensorflow", (0.0, 0.0))[0]
        ratios = ["%.2f" % (got[n][0] / tf) for n in names[:-1]] if tf else ["-"]
        print("| %s | %s | %s | %s |" % (mode, " | ".join("%.0f" % got[n][0] for n in names),
                                         " / ".join(ratios),
                                         " | ".join("%.1f" % got[n][1] for n in names)))
    print("\n(load average %.1f-%.1f during the run; best of %d round(s))"
          % (min(loads), max(loads), args.rounds))


if __name__ == "__main__":
    main()
