"""Slim nets forward + backward: resnet_v1_50 (224x224) and inception_v3 (299x299) at batch 8,
scopeflow against TensorFlow 2.21 with tf_slim, in one run.

    python benchmarks/slim_nets.py                        # both nets; markdown table for README
    python benchmarks/slim_nets.py --nets resnet_v1_50 --steps 3 --repeats 1 --rounds 1

One step is `sess.run([train, loss], feed)`: the net's logits, softmax cross-entropy against
fixed labels (plus the auxiliary head's for inception_v3), the gradient of every weight and a
plain SGD update (learning rate 1e-4). The same TF1 script builds the net through `tf_slim.nets`
in each framework, with graph seed 7 (scopeflow's seeded initializers draw TF's numbers, so the
first losses must agree) and the same NumPy batch. No arg scope: tf_slim's batch_norm does not
build under TF 2.21 (it imports a module tf_keras no longer has), so the nets run without batch
norm (convolutions with biases and ReLU) on both sides.

Each framework runs in its own process; the first step is timed apart (scopeflow: tracing + XLA
compilation; TF: graph optimization), then `repeats` timings of `steps` steps, in `rounds`
interleaved passes over the frameworks (load on the machine hits both alike). Each timing is
taken by wall clock (the headline) and by process CPU time; the table gives medians and the
load average (`os.getloadavg`) before and after, since the machine may be shared.
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
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import train  # tf_python(): the TensorFlow the other benchmarks use

NETS = {  # call of tf_slim.nets, image size
    "resnet_v1_50": ("nets.resnet_v1.resnet_v1_50(x, num_classes=1000)", 224),
    "inception_v3": ("nets.inception_v3.inception_v3(x, num_classes=1000)", 299),
}
BATCH = 8


def make_batch(net, seed=0):
    size = NETS[net][1]
    rng = np.random.RandomState(seed)
    return {"x": rng.rand(BATCH, size, size, 3).astype(np.float32),
            "y": rng.randint(0, 1000, BATCH).astype(np.int32)}


def build(tf, slim_nets, net):
    """The training step of `net`: returns (x, y, loss, train_op)."""
    call, size = NETS[net]
    tf.set_random_seed(7)
    x = tf.placeholder(tf.float32, [BATCH, size, size, 3], name="x")
    y = tf.placeholder(tf.int32, [BATCH], name="y")
    logits, ends = eval(call, {"nets": slim_nets, "x": x})
    logits = tf.reshape(logits, [BATCH, 1000])
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    if "AuxLogits" in ends:
        loss += 0.4 * tf.losses.sparse_softmax_cross_entropy(y, ends["AuxLogits"])
    return x, y, loss, tf.train.GradientDescentOptimizer(1e-4).minimize(loss)


def run(tf, slim_nets, net, batch, steps, repeats):
    x, y, loss, train_op = build(tf, slim_nets, net)
    feed = {x: batch["x"], y: batch["y"]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        t0 = time.perf_counter()
        first_loss = float(sess.run([train_op, loss], feed)[1])
        compile_s = time.perf_counter() - t0
        wall, cpu = [], []
        for _ in range(repeats):
            w0, c0 = time.perf_counter(), time.process_time()
            for _ in range(steps):
                sess.run([train_op, loss], feed)
            wall.append(steps / (time.perf_counter() - w0))
            cpu.append(steps / (time.process_time() - c0))
        return {"first_loss": first_loss, "compile_s": compile_s, "wall": wall, "cpu": cpu}


def worker(framework, net, data, steps, repeats):
    batch = dict(np.load(data))
    if framework == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        import tf_slim.nets as slim_nets
    else:
        import scopeflow.compat.v1 as tf
        from scopeflow.slim import nets as slim_nets
    return run(tf, slim_nets, net, batch, steps, repeats)


def _spawn(framework, net, data, args):
    py = train.tf_python() if framework == "tensorflow" else sys.executable
    cmd = [py, os.path.abspath(__file__), "--worker", framework, "--nets", net, "--data", data,
           "--steps", str(args.steps), "--repeats", str(args.repeats)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if out.returncode:
        raise RuntimeError("%s worker failed:\n%s" % (framework, out.stderr[-3000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(net, args):
    """{framework: merged result} over `rounds` interleaved passes."""
    frameworks = ["scopeflow"] + (["tensorflow"] if train.tf_python() else [])
    runs = {f: [] for f in frameworks}
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "%s.npz" % net)
        np.savez(data, **make_batch(net))
        for _ in range(args.rounds):
            for f in frameworks:
                runs[f].append(_spawn(f, net, data, args))
    return {f: {"first_loss": rs[0]["first_loss"],
                "compile_s": float(np.median([r["compile_s"] for r in rs])),
                "wall": float(np.median([s for r in rs for s in r["wall"]])),
                "cpu": float(np.median([s for r in rs for s in r["cpu"]]))}
            for f, rs in runs.items()}


def table(results):
    lines = [("| net | framework | steps/s (wall) | vs TF | steps/s (CPU time) | vs TF "
             "| first step s | first loss |"), "|---|---|---:|---:|---:|---:|---:|---:|"]
    for net, res in results.items():
        ref = res.get("tensorflow")
        for f, r in res.items():
            lines.append("| %s | %s | %.3f | %s | %.3f | %s | %.1f | %.5f |" % (
                net, f, r["wall"], "%.2fx" % (r["wall"] / ref["wall"]) if ref else "-",
                r["cpu"], "%.2fx" % (r["cpu"] / ref["cpu"]) if ref else "-", r["compile_s"],
                r["first_loss"]))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nets", default="resnet_v1_50,inception_v3")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--worker")
    p.add_argument("--data")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.nets, args.data, args.steps, args.repeats)))
        return 0
    load_before = os.getloadavg()
    results = {net: measure(net, args) for net in args.nets.split(",")}
    print(table(results))
    print("load average (1, 5, 15 min): before %.1f %.1f %.1f, after %.1f %.1f %.1f"
          % (load_before + os.getloadavg()))
    bad = [(net, f) for net, res in results.items() for f, r in res.items()
           if "tensorflow" in res
           and abs(r["first_loss"] - res["tensorflow"]["first_loss"])
           > 1e-4 * max(1.0, abs(res["tensorflow"]["first_loss"]))]
    for net, f in bad:
        print("FIRST LOSS MISMATCH %s/%s" % (net, f))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
