"""Multi-tower training: TF1's multi-GPU recipe on 1, 2 and 4 devices, scopeflow against TF.

    python benchmarks/towers.py                       # markdown table for README
    python benchmarks/towers.py --towers 1,2,4 --steps 10 --repeats 3 --rounds 2

The script is TF1's: the batch split in `towers` parts, one tower per device
(`tf.device(DEVICE % i)`, `tf.name_scope("tower_%d" % i)`, variables shared by
`variable_scope(reuse=i > 0)` and kept on /cpu:0), each tower's gradients from
`compute_gradients`, averaged on /cpu:0 and applied with Momentum. The model is the CNN of
benchmarks/train.py (two 5x5 convolutions with 2x2 max-pooling, fc, softmax cross-entropy).
Devices are host CPUs: scopeflow gets N JAX CPU devices from
`XLA_FLAGS=--xla_force_host_platform_device_count=N`, TensorFlow N CPU devices from
`ConfigProto(device_count={"CPU": N})`. Workers run one at a time, interleaved over `rounds`;
the table gives the median steps/s and the loss after `LOSS_STEPS` steps, which must agree
across tower counts and frameworks (the averaged gradients of N towers are the one-tower
gradient).
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
LOSS_STEPS = 5


def make_arrays(batch=128, c1=32, c2=64, fc=1024, seed=0):
    """{name: array}: the batch (`x`, `y`) and the CNN's initial weights."""
    rng = np.random.RandomState(seed)

    def glorot(shape, fan_in, fan_out):
        lim = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-lim, lim, shape).astype(np.float32)

    return {"x": (rng.rand(batch, 784) - 0.5).astype(np.float32),
            "y": rng.randint(0, 10, batch).astype(np.int32),
            "w1": glorot((5, 5, 1, c1), 25, 25 * c1), "b1": np.full(c1, 0.1, np.float32),
            "w2": glorot((5, 5, c1, c2), 25 * c1, 25 * c2), "b2": np.full(c2, 0.1, np.float32),
            "w3": glorot((49 * c2, fc), 49 * c2, fc), "b3": np.full(fc, 0.1, np.float32),
            "w4": glorot((fc, 10), fc, 10), "b4": np.zeros(10, np.float32)}


def _tower_loss(tf, x, y, arrays):
    def var(name):
        with tf.device("/cpu:0"):  # the recipe's _variable_on_cpu
            return tf.get_variable(name, initializer=arrays[name])

    h = tf.reshape(x, [-1, 28, 28, 1])
    for i in (1, 2):
        h = tf.nn.relu(tf.nn.conv2d(h, var("w%d" % i), [1, 1, 1, 1], "SAME") + var("b%d" % i))
        h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = tf.reshape(h, [-1, arrays["w3"].shape[0]])
    h = tf.nn.relu(tf.matmul(h, var("w3")) + var("b3"))
    logits = tf.matmul(h, var("w4")) + var("b4")
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))


def build(tf, towers, arrays, device="/cpu:%d"):
    """The TF1 multi-tower graph: (x, y, loss, averaged [(grad, var)], train_op)."""
    with tf.device("/cpu:0"):
        x = tf.placeholder(tf.float32, [None, 784], name="x")
        y = tf.placeholder(tf.int32, [None], name="y")
        opt = tf.train.MomentumOptimizer(0.01, 0.9)
        xs, ys = tf.split(x, towers), tf.split(y, towers)
        losses, tower_grads = [], []
        for i in range(towers):
            with tf.device(device % i), tf.name_scope("tower_%d" % i), \
                    tf.variable_scope("model", reuse=i > 0):
                loss = _tower_loss(tf, xs[i], ys[i], arrays)
                losses.append(loss)
                tower_grads.append(opt.compute_gradients(loss))
        averaged = []
        for pairs in zip(*tower_grads):  # one (grad, var) per tower, for one variable
            grads = [tf.expand_dims(g, 0) for g, _ in pairs]
            averaged.append((tf.reduce_mean(tf.concat(grads, 0), 0), pairs[0][1]))
        train = opt.apply_gradients(averaged)
        return x, y, tf.add_n(losses) / float(towers), averaged, train


def run(tf, towers, arrays, steps, repeats):
    """Losses of the first steps, first-step time and per-repeat steps/s."""
    x, y, loss, _, train = build(tf, towers, arrays)
    feed = {x: arrays["x"], y: arrays["y"]}
    config = tf.ConfigProto(device_count={"CPU": towers})
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        t0, c0 = time.perf_counter(), time.process_time()
        losses = [float(sess.run([train, loss], feed)[1])]
        first_s, first_cpu = time.perf_counter() - t0, time.process_time() - c0
        losses += [float(sess.run([train, loss], feed)[1]) for _ in range(LOSS_STEPS - 1)]
        rates = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for _ in range(steps):
                sess.run([train, loss], feed)
            rates.append(steps / (time.perf_counter() - t0))
    return {"losses": losses, "first_s": first_s, "first_cpu_s": first_cpu,
            "steps_per_s": rates}


def worker(framework, towers, data, steps, repeats):
    arrays = dict(np.load(data))
    if framework == "tensorflow":
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
    else:
        import scopeflow.compat.v1 as tf
    return run(tf, towers, arrays, steps, repeats)


def _tf_python():
    for cand in (os.environ.get("SCOPEFLOW_TF_PYTHON"), os.path.join(ROOT, ".venv-tf/bin/python")):
        if cand and os.path.exists(cand):
            return cand
    return None


def _spawn(framework, towers, data, args):
    py = _tf_python() if framework == "tensorflow" else sys.executable
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=ROOT)
    if framework == "scopeflow":
        env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count="
                            "%d" % towers).strip()
    cmd = [py, os.path.abspath(__file__), "--worker", framework, "--towers", str(towers),
           "--data", data, "--steps", str(args.steps), "--repeats", str(args.repeats)]
    out = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode:
        raise RuntimeError("%s worker failed:\n%s" % (framework, out.stderr[-3000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--towers", default="1,2,4")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--worker")
    p.add_argument("--data")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, int(args.towers), args.data, args.steps,
                                args.repeats)))
        return 0
    counts = [int(n) for n in args.towers.split(",")]
    frameworks = ["scopeflow"] + (["tensorflow"] if _tf_python() else [])
    runs = {(f, n): [] for f in frameworks for n in counts}
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "cnn.npz")
        np.savez(data, **make_arrays())
        for _ in range(args.rounds):
            for n in counts:
                for f in frameworks:
                    runs[f, n].append(_spawn(f, n, data, args))
    lines = ["| towers | framework | steps/s | vs 1 tower | vs TensorFlow | first step s "
             "| first step CPU s | loss at step %d |" % LOSS_STEPS,
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    rate = {k: float(np.median([s for r in rs for s in r["steps_per_s"]]))
            for k, rs in runs.items()}
    for n in counts:
        for f in frameworks:
            rs = runs[f, n]
            tf_rate = rate.get(("tensorflow", n))
            lines.append("| %d | %s | %.2f | %.2fx | %s | %.2f | %.2f | %.6f |" % (
                n, f, rate[f, n], rate[f, n] / rate[f, counts[0]],
                "%.2fx" % (rate[f, n] / tf_rate) if tf_rate else "-",
                float(np.median([r["first_s"] for r in rs])),
                float(np.median([r["first_cpu_s"] for r in rs])), rs[0]["losses"][-1]))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
