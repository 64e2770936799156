"""ResNet inference: slim's resnet_v1_50 forward pass (224x224, is_training=False) at batch 1
and 32 through scopeflow and TensorFlow 2.21 (tf_slim), and a hand-written JAX forward pass of
the same net on the same weights, interleaved in one run.

    python benchmarks/resnet_infer.py                     # markdown table for README
    python benchmarks/resnet_infer.py --batches 1 --steps 5 --repeats 2 --rounds 1

One step is `sess.run(logits, {x: batch})` with the batch fed from NumPy (placeholder
[None, 224, 224, 3]: one graph serves both batch sizes). The net is built by `tf_slim.nets` (TF)
or `scopeflow.slim.nets` with graph seed 7 and no arg scope (tf_slim's batch_norm does not build
under TF 2.21, see slim_nets.py): convolutions with biases and ReLU. scopeflow's seeded
initializers draw TF's numbers, so the logits must agree; the JAX worker builds the graph in
scopeflow only to read those initial weights, then runs its own `jax.jit` forward pass
(`lax.conv_general_dilated`, NHWC) on them. Each framework runs in its own process; the first
run of each batch size is timed apart (scopeflow and JAX: tracing + XLA compilation; TF: graph
optimization), then `repeats` timings of `steps` runs, in `rounds` interleaved passes over the
frameworks. Each timing is taken by wall clock (the headline) and by process CPU time (all
threads); the table gives medians and the load average before and after.
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

SIZE = 224
BLOCKS = ((64, 3, 2), (128, 4, 2), (256, 6, 2), (512, 3, 1))  # resnet_v1_50: base depth, units,
#                                                                 stride of the last unit


def build(tf, slim_nets):
    tf.set_random_seed(7)
    x = tf.placeholder(tf.float32, [None, SIZE, SIZE, 3], name="x")
    logits, _ = slim_nets.resnet_v1.resnet_v1_50(x, num_classes=1000, is_training=False)
    return x, tf.reshape(logits, [-1, 1000])  # (B, 1, 1, 1000) in both


def _weights(tf, slim_nets):
    """{variable name: initial value} of the scopeflow-built net (the JAX worker's weights)."""
    build(tf, slim_nets)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        vs = tf.global_variables()
        return {v.op.name: a for v, a in zip(vs, sess.run(vs))}


def _jax_forward():
    """resnet_v1_50's forward pass as a JAX user writes it: f(weights, images) -> logits."""
    import jax
    import jax.numpy as jnp

    def conv(w, h, name, k_stride=1, relu=True, same_pad=False):
        k = w[name + "/weights"]
        if same_pad and k_stride > 1:  # slim's conv2d_same: explicit padding, then VALID
            total = k.shape[0] - 1
            h = jnp.pad(h, ((0, 0), (total // 2, total - total // 2),
                            (total // 2, total - total // 2), (0, 0)))
            pad = "VALID"
        else:
            pad = "SAME"
        h = jax.lax.conv_general_dilated(h, k, (k_stride, k_stride), pad,
                                         dimension_numbers=("NHWC", "HWIO", "NHWC"))
        h = h + w[name + "/biases"]
        return jax.nn.relu(h) if relu else h

    def forward(w, x):
        s = "resnet_v1_50/"
        h = conv(w, x, s + "conv1", 2, same_pad=True)  # (B, 112, 112, 64)
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 3, 3, 1), (1, 2, 2, 1),
                                  "VALID")  # (B, 55, 55, 64)
        for b, (base, units, last_stride) in enumerate(BLOCKS, 1):
            for u in range(1, units + 1):
                stride = last_stride if u == units else 1
                p = s + "block%d/unit_%d/bottleneck_v1/" % (b, u)
                if h.shape[-1] == 4 * base:
                    short = h[:, ::stride, ::stride, :]
                else:
                    short = conv(w, h, p + "shortcut", stride, relu=False)
                r = conv(w, h, p + "conv1")
                r = conv(w, r, p + "conv2", stride, same_pad=True)
                r = conv(w, r, p + "conv3", relu=False)
                h = jax.nn.relu(short + r)
        h = h.mean((1, 2), keepdims=True)  # (B, 1, 1, 2048)
        return conv(w, h, s + "logits", relu=False)[:, 0, 0, :]

    return jax.jit(forward)


def _time(run, steps, repeats):
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            run()
        wall.append(steps / (time.perf_counter() - w0))
        cpu.append((time.process_time() - c0) / steps)
    return wall, cpu


def _measure(run_batch, images, batches, steps, repeats):
    """{batch: first run s, runs/s (wall), CPU s/run, logits of the first image}."""
    out = {}
    for n in batches:
        x = images[:n]
        t0 = time.perf_counter()
        logits = run_batch(x)
        first = time.perf_counter() - t0
        wall, cpu = _time(lambda x=x: run_batch(x), steps, repeats)
        out[n] = {"first_s": first, "wall": wall, "cpu": cpu,
                  "logits": [float(v) for v in logits[0][:5]]}
    return out


def worker(framework, data, batches, steps, repeats):
    images = np.load(data)["x"]
    if framework == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        import tf_slim.nets as slim_nets
    else:
        import scopeflow.compat.v1 as tf
        from scopeflow.slim import nets as slim_nets
    if framework == "jax":
        import jax
        w = jax.device_put(_weights(tf, slim_nets))
        fwd = _jax_forward()
        return _measure(lambda x: np.asarray(fwd(w, x)), images, batches, steps, repeats)
    x, logits = build(tf, slim_nets)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return _measure(lambda a: sess.run(logits, {x: a}), images, batches, steps, repeats)


def _spawn(framework, data, args):
    py = train.tf_python() if framework == "tensorflow" else sys.executable
    cmd = [py, os.path.abspath(__file__), "--worker", framework, "--data", data,
           "--batches", args.batches, "--steps", str(args.steps), "--repeats", str(args.repeats)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if out.returncode:
        raise RuntimeError("%s worker failed:\n%s" % (framework, out.stderr[-3000:]))
    return {int(k): v for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}


def measure(args):
    """{batch: {framework: merged result}} over `rounds` interleaved passes."""
    frameworks = ["scopeflow", "jax"] + (["tensorflow"] if train.tf_python() else [])
    batches = [int(b) for b in args.batches.split(",")]
    runs = {f: [] for f in frameworks}
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "images.npz")
        rng = np.random.RandomState(0)
        np.savez(data, x=rng.rand(max(batches), SIZE, SIZE, 3).astype(np.float32))
        for _ in range(args.rounds):
            for f in frameworks:
                runs[f].append(_spawn(f, data, args))
    return {n: {f: {"logits": rs[0][n]["logits"],
                    "first_s": float(np.median([r[n]["first_s"] for r in rs])),
                    "wall": float(np.median([s for r in rs for s in r[n]["wall"]])),
                    "cpu": float(np.median([s for r in rs for s in r[n]["cpu"]]))}
                for f, rs in runs.items()} for n in batches}


def table(results):
    lines = ["| batch | framework | runs/s (wall) | vs TF | vs JAX | CPU s/run | first run s |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for n, res in results.items():
        tf_rate = res.get("tensorflow", {}).get("wall")
        for f, r in res.items():
            lines.append("| %d | %s | %.3f | %s | %.2fx | %.3f | %.2f |" % (
                n, f, r["wall"], "%.2fx" % (r["wall"] / tf_rate) if tf_rate else "-",
                r["wall"] / res["jax"]["wall"], r["cpu"], r["first_s"]))
    return "\n".join(lines)


def mismatches(results, tol=1e-3):
    """Frameworks whose first logits differ from TF's (else scopeflow's) by more than `tol`
    relative to their size."""
    bad = []
    for n, res in results.items():
        ref = np.array(res.get("tensorflow", res["scopeflow"])["logits"])
        for f, r in res.items():
            if np.abs(np.array(r["logits"]) - ref).max() > tol * max(1.0, np.abs(ref).max()):
                bad.append("batch %d %s: logits %s vs %s" % (n, f, r["logits"], ref.tolist()))
    return bad


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batches", default="1,32")
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--worker")
    p.add_argument("--data")
    args = p.parse_args()
    if args.worker:
        res = worker(args.worker, args.data, [int(b) for b in args.batches.split(",")],
                     args.steps, args.repeats)
        print(json.dumps(res))
        return 0
    load = os.getloadavg()
    results = measure(args)
    print(table(results))
    print("load average (1, 5, 15 min): before %.1f %.1f %.1f, after %.1f %.1f %.1f"
          % (load + os.getloadavg()))
    bad = mismatches(results)
    for line in bad:
        print("LOGITS MISMATCH " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
