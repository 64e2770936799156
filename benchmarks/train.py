"""Training throughput: one TF1 script through scopeflow and TensorFlow, and a hand-written JAX
step, from the same initial weights and data.

    python benchmarks/train.py                          # both models; markdown table for README
    python benchmarks/train.py --models mlp --steps 20 --repeats 5 --rounds 2

Models: `mlp` (784-1024-1024-10, ReLU, Adam, batch 256), `cnn` (two 5x5 SAME convolutions
with ReLU and 2x2 max-pooling, 32 and 64 channels, fc 1024, Momentum 0.9, batch 128),
`lstm` (tf.nn.dynamic_rnn of a BasicLSTMCell(128) over T=50 steps of 16 features, the last
output through a dense layer, Adam, batch 64) and `cnn_bn` (the CNN in tf.layers with batch
normalization (training mode, moving averages
updated through UPDATE_OPS) after each convolution and dropout 0.5 after fc 1024; graph seed 7),
all with sparse softmax cross-entropy. Weights and data are drawn with NumPy and handed to every
worker in one .npz file; each framework runs in its own process (TensorFlow from
$SCOPEFLOW_TF_PYTHON, .venv-tf/bin/python or /tmp/tf/bin/python). A training step is
`sess.run([train, loss], feed)` with the batch fed from NumPy (the JAX step gets the same
arrays). scopeflow runs twice: imported into a Python process (`scopeflow`) and through the
command `scopeflow run` (`scopeflow run`), whose process keeps freed memory for the next step
(scopeflow/lowering/host_memory.py). The first step is timed apart as compile time; then
`repeats` timings of `steps` steps each, in `rounds` passes over the workers (interleaved, so
load on the machine hits every framework alike); the table gives the median. The loss of
step 10 must agree with TensorFlow's to 1e-4 (`cnn_bn`: 1e-3, and its JAX step draws its own
dropout masks with `jax.random`, so only scopeflow's losses are checked).

`--pin` runs every worker on one core (`taskset -c 0`, one intra-op thread in TF, single-threaded
Eigen in XLA) and times steps by process CPU time: the work per step, robust to other load on a
shared machine (wall-clock timings there swing by 2x between runs).
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
LOSS_STEPS = 10


# ---- the models: data and initial weights ----------------------------------------------------
def _glorot(rng, shape, fan_in, fan_out):
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-lim, lim, shape).astype(np.float32)


def make_arrays(model, seed=0):
    """{name: array}: the batch (`x`, `y`) and every initial weight of `model`."""
    rng = np.random.RandomState(seed)
    if model == "mlp":
        sizes = [784, 1024, 1024, 10]
        out = {"x": (rng.rand(256, 784) - 0.5).astype(np.float32)}
        for i, (a, b) in enumerate(zip(sizes, sizes[1:]), 1):
            out["w%d" % i] = _glorot(rng, (a, b), a, b)
            out["b%d" % i] = np.zeros(b, np.float32)
    elif model == "lstm":  # BasicLSTMCell 128 over T=50 steps of 16 features, batch 64
        out = {"x": (rng.rand(64, LSTM_T * LSTM_IN) - 0.5).astype(np.float32),
               "kernel": _glorot(rng, (LSTM_IN + 128, 512), LSTM_IN + 128, 512),
               "bias": np.zeros(512, np.float32),
               "w_out": _glorot(rng, (128, 10), 128, 10), "b_out": np.zeros(10, np.float32)}
    else:  # cnn, cnn_bn
        out = {"x": (rng.rand(128, 784) - 0.5).astype(np.float32),
               "w1": _glorot(rng, (5, 5, 1, 32), 25, 25 * 32), "b1": np.full(32, 0.1, np.float32),
               "w2": _glorot(rng, (5, 5, 32, 64), 800, 1600), "b2": np.full(64, 0.1, np.float32),
               "w3": _glorot(rng, (3136, 1024), 3136, 1024), "b3": np.full(1024, 0.1, np.float32),
               "w4": _glorot(rng, (1024, 10), 1024, 10), "b4": np.zeros(10, np.float32)}
    out["y"] = rng.randint(0, 10, len(out["x"])).astype(np.int32)
    if model == "cnn_bn":  # no conv biases before batch norm; its scale and offset instead
        del out["b1"], out["b2"]
        for i, n in ((1, 32), (2, 64)):
            out["gamma%d" % i] = np.ones(n, np.float32)
            out["beta%d" % i] = np.zeros(n, np.float32)
    return out


MODELS = ("mlp", "cnn", "cnn_bn", "lstm")
LSTM_T, LSTM_IN = 50, 16
RANDOM_MODELS = ("cnn_bn",)  # dropout: the JAX step's masks are not TF's
# batch statistics amplify rounding differences from step to step: cnn_bn's first losses agree
# with TF's to 2e-7, its 10th to 4e-4 (1.858966 vs 1.858615)
LOSS_TOL = {"cnn_bn": 1e-3}


# ---- the TF1 script (run unchanged by scopeflow and TensorFlow) -------------------------------
def build_tf1(tf, model, arrays):
    """The TF1 graph of `model`: returns (x, y, loss, train_op)."""
    x = tf.placeholder(tf.float32, [None, LSTM_T * LSTM_IN if model == "lstm" else 784],
                       name="x")
    y = tf.placeholder(tf.int32, [None], name="y")

    def var(name):
        return tf.get_variable(name, initializer=arrays[name])

    if model == "cnn_bn":
        return _build_bn(tf, x, y, arrays)
    if model == "lstm":
        return _build_lstm(tf, x, y, arrays)
    if model == "mlp":
        h = tf.nn.relu(tf.matmul(x, var("w1")) + var("b1"))
        h = tf.nn.relu(tf.matmul(h, var("w2")) + var("b2"))
        logits = tf.matmul(h, var("w3")) + var("b3")
        opt = tf.train.AdamOptimizer(1e-3)
    else:
        h = tf.reshape(x, [-1, 28, 28, 1])
        for i in (1, 2):
            h = tf.nn.relu(tf.nn.conv2d(h, var("w%d" % i), [1, 1, 1, 1], "SAME") + var("b%d" % i))
            h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        h = tf.reshape(h, [-1, 7 * 7 * 64])
        h = tf.nn.relu(tf.matmul(h, var("w3")) + var("b3"))
        logits = tf.matmul(h, var("w4")) + var("b4")
        opt = tf.train.MomentumOptimizer(0.01, 0.9)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return x, y, loss, opt.minimize(loss)


def _build_bn(tf, x, y, arrays):
    """`cnn_bn` in tf.layers: conv -> batch norm -> ReLU -> pool (x2), fc, dropout, fc."""
    tf.set_random_seed(7)

    def init(name):
        return tf.constant_initializer(arrays[name])

    h = tf.reshape(x, [-1, 28, 28, 1])
    for i, n in ((1, 32), (2, 64)):
        h = tf.layers.conv2d(h, n, 5, padding="same", use_bias=False,
                             kernel_initializer=init("w%d" % i))
        h = tf.layers.batch_normalization(h, training=True,
                                          gamma_initializer=init("gamma%d" % i),
                                          beta_initializer=init("beta%d" % i))
        h = tf.layers.max_pooling2d(tf.nn.relu(h), 2, 2, padding="same")
    h = tf.layers.dense(tf.reshape(h, [-1, 7 * 7 * 64]), 1024, tf.nn.relu,
                        kernel_initializer=init("w3"), bias_initializer=init("b3"))
    h = tf.layers.dropout(h, 0.5, training=True)
    logits = tf.layers.dense(h, 10, kernel_initializer=init("w4"), bias_initializer=init("b4"))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss)
    return x, y, loss, train


def _build_lstm(tf, x, y, arrays):
    """`lstm`: tf.nn.dynamic_rnn of a BasicLSTMCell(128) over T=50, a dense layer on the last
    output, Adam; the cell's kernel and bias start from `arrays` (a custom getter)."""
    def from_arrays(getter, name, *args, **kwargs):
        kwargs["initializer"] = tf.constant_initializer(arrays[name.split("/")[-1]])
        return getter(name, *args, **kwargs)

    seq = tf.reshape(x, [-1, LSTM_T, LSTM_IN])
    with tf.variable_scope("lstm", custom_getter=from_arrays):
        cell = tf.nn.rnn_cell.BasicLSTMCell(128)
        out, _ = tf.nn.dynamic_rnn(cell, seq, dtype=tf.float32)
    logits = tf.matmul(out[:, -1], tf.get_variable("w_out", initializer=arrays["w_out"])) + \
        tf.get_variable("b_out", initializer=arrays["b_out"])
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return x, y, loss, tf.train.AdamOptimizer(1e-3).minimize(loss)


def run_tf1(tf, model, arrays, steps, repeats, pin=False):
    """Losses of the first steps, compile time and per-repeat steps/s of the TF1 script."""
    x, y, loss, train = build_tf1(tf, model, arrays)
    feed = {x: arrays["x"], y: arrays["y"]}
    config = tf.ConfigProto(intra_op_parallelism_threads=1,
                            inter_op_parallelism_threads=1) if pin else None
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        t0 = time.perf_counter()
        losses = [float(sess.run([train, loss], feed)[1])]
        compile_s = time.perf_counter() - t0
        losses += [float(sess.run([train, loss], feed)[1]) for _ in range(LOSS_STEPS - 1)]
        cpu = []
        return {"losses": losses, "compile_s": compile_s, "cpu_s": cpu,
                "steps_per_s": _time(lambda: sess.run([train, loss], feed), steps, repeats, pin,
                                     cpu)}


def _time(step, steps, repeats, pin, cpu=None):
    """Steps per second of each repeat (process CPU time when pinned, else wall clock); the
    CPU seconds per step of each repeat go to `cpu` (all threads of the process together)."""
    clock = time.process_time if pin else time.perf_counter
    out = []
    for _ in range(repeats):
        t0, c0 = clock(), time.process_time()
        for _ in range(steps):
            step()
        out.append(steps / (clock() - t0))
        if cpu is not None:
            cpu.append((time.process_time() - c0) / steps)
    return out


# ---- the hand-written JAX step ----------------------------------------------------------------
def _jax_loss(model):
    import jax
    import jax.numpy as jnp

    def logits_of(p, x):
        if model == "lstm":  # BasicLSTMCell: gates i, j, f, o; forget bias 1.0
            seq = x.reshape(-1, LSTM_T, LSTM_IN).transpose(1, 0, 2)

            def cell(carry, xt):
                c, h = carry
                i, j, f, o = jnp.split(jnp.concatenate([xt, h], 1) @ p["kernel"] + p["bias"],
                                       4, axis=1)
                c = c * jax.nn.sigmoid(f + 1.0) + jax.nn.sigmoid(i) * jnp.tanh(j)
                return (c, jnp.tanh(c) * jax.nn.sigmoid(o)), None

            zeros = jnp.zeros((x.shape[0], 128), x.dtype)
            (_, h), _ = jax.lax.scan(cell, (zeros, zeros), seq)
            return h @ p["w_out"] + p["b_out"]
        if model == "mlp":
            h = jax.nn.relu(x @ p["w1"] + p["b1"])
            h = jax.nn.relu(h @ p["w2"] + p["b2"])
            return h @ p["w3"] + p["b3"]
        h = x.reshape(-1, 28, 28, 1)
        for i in (1, 2):
            h = jax.lax.conv_general_dilated(h, p["w%d" % i], (1, 1), "SAME",
                                             dimension_numbers=("NHWC", "HWIO", "NHWC"))
            h = jax.nn.relu(h + p["b%d" % i])
            h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1),
                                      "SAME")
        h = jax.nn.relu(h.reshape(-1, 3136) @ p["w3"] + p["b3"])
        return h @ p["w4"] + p["b4"]

    def loss(p, x, y):
        logits = logits_of(p, x)
        picked = jnp.take_along_axis(logits, y[:, None], axis=1)[:, 0]
        return jnp.mean(jax.nn.logsumexp(logits, axis=-1) - picked)

    return loss


def _jax_bn_loss():
    """`cnn_bn`'s loss as a JAX user writes it: (loss, batch statistics) of (params, x, y, key)."""
    import jax
    import jax.numpy as jnp

    def loss(p, x, y, key):
        h = x.reshape(-1, 28, 28, 1)
        stats = []
        for i in (1, 2):
            h = jax.lax.conv_general_dilated(h, p["w%d" % i], (1, 1), "SAME",
                                             dimension_numbers=("NHWC", "HWIO", "NHWC"))
            mean = h.mean((0, 1, 2))
            var = jnp.square(h - mean).mean((0, 1, 2))
            stats.append((mean, var))
            h = (h - mean) * jax.lax.rsqrt(var + 1e-3) * p["gamma%d" % i] + p["beta%d" % i]
            h = jax.lax.reduce_window(jax.nn.relu(h), -jnp.inf, jax.lax.max, (1, 2, 2, 1),
                                      (1, 2, 2, 1), "SAME")
        h = jax.nn.relu(h.reshape(-1, 3136) @ p["w3"] + p["b3"])
        h = jnp.where(jax.random.bernoulli(key, 0.5, h.shape), h / 0.5, 0.0)
        logits = h @ p["w4"] + p["b4"]
        picked = jnp.take_along_axis(logits, y[:, None], axis=1)[:, 0]
        return jnp.mean(jax.nn.logsumexp(logits, axis=-1) - picked), stats

    return loss


def _jax_step(model):
    import jax
    import jax.numpy as jnp
    if model == "cnn_bn":
        return _jax_bn_step()
    grad = jax.value_and_grad(_jax_loss(model))

    def adam(state, x, y):
        p, m, v, b1p, b2p = state
        loss, g = grad(p, x, y)
        lr = 1e-3 * jnp.sqrt(1 - b2p) / (1 - b1p)
        m = {k: m[k] + (g[k] - m[k]) * 0.1 for k in p}
        v = {k: v[k] + (g[k] * g[k] - v[k]) * 0.001 for k in p}
        p = {k: p[k] - m[k] * lr / (jnp.sqrt(v[k]) + 1e-8) for k in p}
        return (p, m, v, b1p * 0.9, b2p * 0.999), loss

    def momentum(state, x, y):
        p, acc = state
        loss, g = grad(p, x, y)
        acc = {k: acc[k] * 0.9 + g[k] for k in p}
        return ({k: p[k] - 0.01 * acc[k] for k in p}, acc), loss

    return jax.jit(adam if model in ("mlp", "lstm") else momentum, donate_argnums=(0,))


def _jax_bn_step():
    """Momentum step of `cnn_bn`; state (params, accumulators, moving averages, PRNG key)."""
    import jax
    grad = jax.value_and_grad(_jax_bn_loss(), has_aux=True)

    def step(state, x, y):
        p, acc, moving, key = state
        key, sub = jax.random.split(key)
        (loss, stats), g = grad(p, x, y, sub)
        acc = {k: acc[k] * 0.9 + g[k] for k in p}
        # moving averages as TF's fused batch norm keeps them (unbiased variance)
        counts = (x.shape[0] * 28 * 28, x.shape[0] * 14 * 14)
        moving = [(mm - (mm - m) * 0.01, mv - (mv - v * n / (n - 1)) * 0.01)
                  for (mm, mv), (m, v), n in zip(moving, stats, counts)]
        return ({k: p[k] - 0.01 * acc[k] for k in p}, acc, moving, key), loss

    return jax.jit(step, donate_argnums=(0,))


def run_jax(model, arrays, steps, repeats, pin=False):
    """The same measurements for a hand-written `jax.jit` step (donated state)."""
    import jax
    params = {k: v for k, v in arrays.items() if k not in ("x", "y")}
    zeros = {k: np.zeros_like(v) for k, v in params.items()}
    if model in ("mlp", "lstm"):
        state = (params, zeros, dict(zeros), np.float32(0.9), np.float32(0.999))
    elif model == "cnn_bn":
        moving = [(np.zeros(n, np.float32), np.ones(n, np.float32)) for n in (32, 64)]
        state = (params, zeros, moving, jax.random.key(7))
    else:
        state = (params, zeros)
    state = jax.device_put(state)
    step = _jax_step(model)
    box = [state]

    def one():
        box[0], loss = step(box[0], arrays["x"], arrays["y"])
        return float(loss)

    t0 = time.perf_counter()
    losses = [one()]
    compile_s = time.perf_counter() - t0
    losses += [one() for _ in range(LOSS_STEPS - 1)]
    cpu = []
    return {"losses": losses, "compile_s": compile_s, "cpu_s": cpu,
            "steps_per_s": _time(one, steps, repeats, pin, cpu)}


# ---- workers and the table --------------------------------------------------------------------
def worker(framework, model, data, steps, repeats, pin):
    arrays = dict(np.load(data))
    if framework == "jax":
        import scopeflow  # noqa: F401 - the same JAX configuration (x64 on) as scopeflow runs
        return run_jax(model, arrays, steps, repeats, pin)
    if framework == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # tf.layers in TF1 mode
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
    else:
        import scopeflow.compat.v1 as tf
    return run_tf1(tf, model, arrays, steps, repeats, pin)


def tf_python():
    for cand in (os.environ.get("SCOPEFLOW_TF_PYTHON"), os.path.join(ROOT, ".venv-tf/bin/python"),
                 "/tmp/tf/bin/python"):
        if cand and os.path.exists(cand):
            return cand
    return None


def best_ms(fn, runs, repeats):
    """(ms a call of `fn`, best of `repeats` loops of `runs` calls after one warm-up call; the
    last call's result as an array): the benchmarks' child processes time with it."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(runs):
            out = fn()
        best = min(best, (time.perf_counter() - t) / runs)
    return best * 1e3, np.asarray(out)


def taking_turns(description, run, batch, argv=None, last="comparison"):
    """The layer benchmarks' driver (depthwise.py, conv3d.py): parses --rounds, --runs,
    --repeats and --batch (default `batch`), calls `run(engine, args)` ({case: [ms, extra...]})
    for TensorFlow, scopeflow and JAX in turn, `rounds` times, and prints the table's head
    with `last` its last column's title. Returns (args, {engine: {case: best ms}},
    {(engine, case): the last round's extras})."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=batch)
    args = parser.parse_args(argv)
    engines = ["tensorflow", "scopeflow", "jax"]
    best, extras = {e: {} for e in engines}, {}
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for engine in engines:
            for case, result in run(engine, args).items():
                best[engine][case] = min(best[engine].get(case, float("inf")), result[0])
                extras[engine, case] = result[1:]
    print("batch %d; load average %.1f before, %.1f after; ms a run, best of %d rounds" % (
        args.batch, load, os.getloadavg()[0], args.rounds))
    print()
    print("| case | scopeflow | tensorflow | jax | scopeflow vs TF | %s |" % last)
    print("|---|---:|---:|---:|---:|---|")
    return args, best, extras


def child_json(engine, code, argv):
    """Runs `code` (`python -c`) with `argv` in TF's Python for engine "tensorflow", else this
    one, the repository on PYTHONPATH and `benchmarks/` on the path (`from train import
    best_ms`); returns its last line of output as JSON."""
    python = tf_python() if engine == "tensorflow" else sys.executable
    if python is None:
        raise SystemExit("no TensorFlow: set SCOPEFLOW_TF_PYTHON or run make tf-venv")
    env = dict(os.environ, PYTHONPATH=ROOT)
    code = "import sys; sys.path.insert(0, %r)\n%s" % (HERE, code)
    done = subprocess.run([python, "-c", code] + [str(a) for a in argv], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit("%s failed:\n%s" % (engine, done.stderr[-3000:]))
    return json.loads(done.stdout.strip().splitlines()[-1])


def _spawn(framework, model, data, args):
    py = tf_python() if framework == "tensorflow" else sys.executable
    # `scopeflow run`: the scopeflow worker as the command runs a script (its process keeps
    # freed memory for the next run: scopeflow/lowering/host_memory.py)
    launch = [py, "-m", "scopeflow", "run"] if framework == "scopeflow run" else [py]
    cmd = launch + [os.path.abspath(__file__), "--worker", framework.split()[0], "--model", model,
                    "--data", data, "--steps", str(args.steps), "--repeats", str(args.repeats)]
    env = dict(os.environ)
    if args.pin:
        cmd = ["taskset", "-c", "0"] + cmd + ["--pin"]
        env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "")
                            + " --xla_cpu_multi_thread_eigen=false").strip()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode:
        raise RuntimeError("%s worker failed:\n%s" % (framework, out.stderr[-3000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(model, args):
    """{framework: merged result} over `rounds` interleaved passes."""
    frameworks = ["scopeflow", "scopeflow run", "jax"] + (["tensorflow"] if tf_python() else [])
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "%s.npz" % model)
        np.savez(data, **make_arrays(model))
        runs = {f: [] for f in frameworks}
        for _ in range(args.rounds):
            for f in frameworks:
                runs[f].append(_spawn(f, model, data, args))
    return {f: {"losses": rs[0]["losses"],
                "compile_s": float(np.median([r["compile_s"] for r in rs])),
                "steps_per_s": float(np.median([s for r in rs for s in r["steps_per_s"]])),
                "cpu_s": float(np.median([c for r in rs for c in r["cpu_s"]]))}
            for f, rs in runs.items()}


def table(results):
    lines = ["| model | framework | steps/s | vs TensorFlow | vs JAX | CPU s/step "
             "| first step (compile) s | loss at step %d |" % LOSS_STEPS,
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for model, res in results.items():
        tf_rate = res.get("tensorflow", {}).get("steps_per_s")
        jax_rate = res["jax"]["steps_per_s"]
        for f, r in res.items():
            rate = r["steps_per_s"]
            lines.append("| %s | %s | %.2f | %s | %.2fx | %.3f | %.2f | %.6f |" % (
                model, f, rate, "%.2fx" % (rate / tf_rate) if tf_rate else "-",
                rate / jax_rate, r["cpu_s"], r["compile_s"], r["losses"][-1]))
    return "\n".join(lines)


def check_losses(results, tol=1e-4):
    """Messages for each framework whose step-10 loss is off TensorFlow's (or JAX's)."""
    bad = []
    for model, res in results.items():
        ref_f = "tensorflow" if "tensorflow" in res else "jax"
        ref = res[ref_f]["losses"][-1]
        for f, r in res.items():
            if model in RANDOM_MODELS and "jax" in (f, ref_f):
                continue
            if abs(r["losses"][-1] - ref) > LOSS_TOL.get(model, tol):
                bad.append("%s/%s: loss %.6f vs %.6f" % (model, f, r["losses"][-1], ref))
    return bad


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default="mlp,cnn")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--pin", action="store_true", help="one core, CPU time (see above)")
    p.add_argument("--worker")
    p.add_argument("--model")
    p.add_argument("--data")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.model, args.data, args.steps, args.repeats,
                                args.pin)))
        return 0
    unknown = [m for m in args.models.split(",") if m not in MODELS]
    if unknown:  # (any other name used to run the CNN under that name)
        p.error("unknown model(s) %s: the models are %s" % (", ".join(unknown), ", ".join(MODELS)))
    load = os.getloadavg()
    results = {m: measure(m, args) for m in args.models.split(",")}
    print(table(results))
    print("load average (1, 5, 15 min): before %.1f %.1f %.1f, after %.1f %.1f %.1f"
          % (load + os.getloadavg()))
    bad = check_losses(results)
    for line in bad:
        print("LOSS MISMATCH " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
