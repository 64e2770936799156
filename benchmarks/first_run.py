"""First-run time of a TF1 training script in a fresh process, with scopeflow's on-disk
compilation cache empty (first process) and filled (second process), against TF.

    python benchmarks/first_run.py [--model mlp|cnn|cnn_bn|lstm|gan|bn20|inception_v3]
    python benchmarks/first_run.py --model mlp --phases   # where an empty-cache first step goes

Each measurement is a new Python process that builds the model of benchmarks/train.py and
times its first `sess.run([train, loss], feed)` (wall clock, and the process's CPU time, which
a loaded machine disturbs less): for scopeflow that is tracing + XLA compilation (or a
disk-cache read), for TF graph optimization. `bn20` is the 20-layer batch-norm CNN of
udacity/deep-learning's batch-norm tutorial (tf.layers, `training=is_training` fed True, Adam),
`inception_v3` slim's forward pass at batch 1 (is_training=False; "build" then holds its
initializer's run). `--phases` splits scopeflow's empty-cache first
step by JAX's own events (tracing to a jaxpr, with scopeflow's lowering of each op inside it;
MLIR lowering; XLA's compile) and timers around the disk cache's keys and writes; "the run" is
a second run of the same step, "rest" what is left (slicing, feeds, Session bookkeeping).
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

_WORKER = r"""
import json, os, sys, time
sys.path.insert(0, %(here)r)
import numpy as np
framework, model = sys.argv[1], sys.argv[2]
if framework == "tensorflow":
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
else:
    import scopeflow.compat.v1 as tf
import first_run
t0, c0 = time.perf_counter(), time.process_time()
runs = first_run.build_runs(tf, model)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    t1, c1 = time.perf_counter(), time.process_time()
    for fetches, feed in runs:
        sess.run(fetches, feed)
    t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"build": t1 - t0, "first": t2 - t1, "first_cpu": c2 - c1}))
"""


_PHASES = r"""
import collections, json, sys, time
sys.path.insert(0, %(here)r)
import jax.monitoring
import scopeflow.compat.v1 as tf
from scopeflow.lowering import disk_cache, graph_key
import first_run
spent = collections.defaultdict(float)
jax.monitoring.register_event_duration_secs_listener(
    lambda name, secs, **_: spent.__setitem__(name.split("/")[-1],
                                              spent[name.split("/")[-1]] + secs))
def timed(mod, name):
    fn = getattr(mod, name)
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            spent["disk cache"] += time.perf_counter() - t
    setattr(mod, name, wrapper)
for mod, name in [(disk_cache, "_alias_path"), (disk_cache, "_store"), (graph_key, "key"),
                  (graph_key, "store")]:
    timed(mod, name)
runs = first_run.build_runs(tf, sys.argv[1])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    spent.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    for fetches, feed in runs:
        sess.run(fetches, feed)
    t1, c1 = time.perf_counter(), time.process_time()
    for fetches, feed in runs:
        sess.run(fetches, feed)
    t2 = time.perf_counter()
out = {"first": t1 - t0, "first_cpu": c1 - c0, "trace": spent["jaxpr_trace_duration"],
       "mlir": spent["jaxpr_to_mlir_module_duration"], "xla": spent["backend_compile_duration"],
       "disk": spent["disk cache"], "run": t2 - t1}
out["rest"] = out["first"] - sum(out[k] for k in ("trace", "mlir", "xla", "disk", "run"))
print(json.dumps(out))
"""


def build_runs(tf, model):
    """The runs of `model`'s training step as [(fetches, feed)]: benchmarks/train.py's model,
    or `gan` (the discriminator's step, then the generator's)."""
    import train
    if model == "inception_v3":
        return _inception_v3(tf)
    if model == "bn20":
        return _bn20(tf)
    if model != "gan":
        arrays = train.make_arrays(model)
        x, y, loss, step = train.build_tf1(tf, model, arrays)
        return [([step, loss], {x: arrays["x"], y: arrays["y"]})]
    rng = np.random.RandomState(0)

    def var(name, shape):
        a, b = shape if len(shape) == 2 else (shape[0], shape[0])
        return tf.Variable(train._glorot(rng, shape, a, b) if len(shape) == 2
                           else np.zeros(shape, np.float32), name=name)

    d = [var("d_w1", (784, 128)), var("d_b1", (128,)), var("d_w2", (128, 1)), var("d_b2", (1,))]
    g = [var("g_w1", (100, 128)), var("g_b1", (128,)), var("g_w2", (128, 784)),
         var("g_b2", (784,))]
    x = tf.placeholder(tf.float32, [None, 784])
    z = tf.placeholder(tf.float32, [None, 100])

    def discriminator(v):
        return tf.matmul(tf.nn.relu(tf.matmul(v, d[0]) + d[1]), d[2]) + d[3]

    fake = tf.nn.sigmoid(tf.matmul(tf.nn.relu(tf.matmul(z, g[0]) + g[1]), g[2]) + g[3])
    real_logits, fake_logits = discriminator(x), discriminator(fake)
    xent = tf.nn.sigmoid_cross_entropy_with_logits
    d_loss = tf.reduce_mean(xent(logits=real_logits, labels=tf.ones_like(real_logits))) + \
        tf.reduce_mean(xent(logits=fake_logits, labels=tf.zeros_like(fake_logits)))
    g_loss = tf.reduce_mean(xent(logits=fake_logits, labels=tf.ones_like(fake_logits)))
    d_step = tf.train.AdamOptimizer().minimize(d_loss, var_list=d)
    g_step = tf.train.AdamOptimizer().minimize(g_loss, var_list=g)
    xs = rng.rand(64, 784).astype(np.float32)
    zs = rng.uniform(-1, 1, (64, 100)).astype(np.float32)
    return [([d_step, d_loss], {x: xs, z: zs}), ([g_step, g_loss], {z: zs})]


def _inception_v3(tf):
    if tf.__name__.startswith("tensorflow"):
        from tf_slim.nets import inception_v3
    else:
        from scopeflow.slim.nets import inception_v3
    tf.set_random_seed(7)
    x = tf.placeholder(tf.float32, [None, 299, 299, 3])
    logits, _ = inception_v3.inception_v3(x, num_classes=1001, is_training=False)
    return [(logits, {x: np.full((1, 299, 299, 3), 0.5, np.float32)})]


def _bn20(tf):
    """udacity/deep-learning batch-norm/Batch_Normalization_Solutions, its tf.layers version:
    19 conv layers (3x3, 4-76 channels, stride 2 every third) with batch norm, a dense layer of
    100 with batch norm, 10 logits, sigmoid cross-entropy, Adam under UPDATE_OPS."""
    tf.set_random_seed(1)
    rng = np.random.RandomState(0)
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    y = tf.placeholder(tf.float32, [None, 10])
    training = tf.placeholder(tf.bool)
    layer = x
    for depth in range(1, 20):
        layer = tf.layers.conv2d(layer, depth * 4, 3, 2 if depth % 3 == 0 else 1, "same",
                                 use_bias=False)
        layer = tf.nn.relu(tf.layers.batch_normalization(layer, training=training))
    shape = layer.get_shape().as_list()
    layer = tf.reshape(layer, [-1, shape[1] * shape[2] * shape[3]])
    layer = tf.layers.dense(layer, 100, use_bias=False)
    layer = tf.nn.relu(tf.layers.batch_normalization(layer, training=training))
    logits = tf.layers.dense(layer, 10)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, labels=y))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        step = tf.train.AdamOptimizer(0.002).minimize(loss)
    xs = rng.rand(64, 28, 28, 1).astype(np.float32)
    ys = np.eye(10, dtype=np.float32)[rng.randint(0, 10, 64)]
    return [([step, loss], {x: xs, y: ys, training: True})]


def _phases(model, env):
    out = subprocess.run([sys.executable, "-c", _PHASES % {"here": HERE}, model],
                         capture_output=True, text=True, env=env, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print("load average: %.1f" % os.getloadavg()[0])
    print("| model | first step s (CPU s) | tracing | MLIR | XLA compile | disk cache | the run "
          "| rest |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    print("| %s | %.2f (%.2f) | %s |" % (model, r["first"], r["first_cpu"], " | ".join(
        "%.3f" % r[k] for k in ("trace", "mlir", "xla", "disk", "run", "rest"))))


def _one(python, framework, model, env):
    out = subprocess.run([python, "-c", _WORKER % {"here": HERE}, framework, model],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="mlp")
    ap.add_argument("--phases", action="store_true", help="split scopeflow's first step")
    args = ap.parse_args()
    tf_python = os.environ.get("SCOPEFLOW_TF_PYTHON", os.path.join(ROOT, ".venv-tf/bin/python"))
    env = dict(os.environ, SCOPEFLOW_CACHE_DIR=tempfile.mkdtemp(), SCOPEFLOW_QUIET="1",
               PYTHONPATH=ROOT, TF_USE_LEGACY_KERAS="1")  # (TF's tf.layers in graphs)
    if args.phases:
        return _phases(args.model, env)
    rows = [("scopeflow, empty cache", _one(sys.executable, "scopeflow", args.model, env)),
            ("scopeflow, filled cache", _one(sys.executable, "scopeflow", args.model, env))]
    if os.path.exists(tf_python):
        rows.append(("tensorflow", _one(tf_python, "tensorflow", args.model, env)))
    print("load average: %.1f" % os.getloadavg()[0])
    print("| %s | process | build s | first step s | first step CPU s |" % args.model)
    print("|---|---|---:|---:|---:|")
    for name, r in rows:
        print("| %s | %s | %.2f | %.2f | %.2f |" % (args.model, name, r["build"], r["first"],
                                                   r["first_cpu"]))


if __name__ == "__main__":
    main()
