"""Training on fed SparseTensors whose count of entries changes every batch: the same TF1
scripts through scopeflow and TensorFlow (and a hand-written JAX step for the first),
interleaved in one run.

    python benchmarks/sparse_feeds.py                  # markdown table
    python benchmarks/sparse_feeds.py --models logreg --steps 50 --rounds 3

Models, batches of 32 rows with 1-19 entries each, so nearly every batch has another count:
- `logreg`: logistic regression on 1000 sparse features, `tf.sparse_placeholder` +
  `tf.sparse_tensor_dense_matmul`, GradientDescent;
- `lookup`: `tf.nn.embedding_lookup_sparse` (mean) of a fed `tf.sparse_placeholder` of ids
  into a 5000 x 16 table, a dense layer, Adam;
- `weighted`: the same lookup with weights per id (`sp_weights`, a second fed
  `tf.sparse_placeholder` with the same indices), sqrtn combiner, Adam;
- `text`: fed sentences, `tf.string_split`, a vocabulary table with out-of-vocabulary
  buckets, `embedding_lookup_sparse`, a dense layer, Adam.
Each framework runs in its own process (TensorFlow from $SCOPEFLOW_TF_PYTHON or
.venv-tf/bin/python), over the same batches drawn by NumPy; the first `warmup` steps are
timed apart (first runs and compiles), then `steps` steps, wall clock and process CPU.
scopeflow runs with its disk compile cache off and reports its XLA compiles. The JAX step
(logreg) is what a JAX user writes: entries padded to a power of two, masked, `segment_sum`,
one `jax.jit`. Every framework's losses must agree with TF's to 1e-5.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
D, ROWS = 1000, 32


def batches(model, n):
    rs = np.random.RandomState(0)
    out = []
    for _ in range(n):
        if model == "text":
            out.append(([" ".join(rs.choice(WORDS, rs.randint(1, 20))) for _ in range(ROWS)],
                        rs.randint(0, 2, ROWS)))
            continue
        idx, val, wts = [], [], []
        for r in range(ROWS):
            k = rs.randint(1, 20)
            if model == "weighted":
                wts += list(rs.rand(k).astype(np.float32) + 0.1)
            if model == "logreg":
                idx += [[r, c] for c in np.sort(rs.choice(D, k, replace=False))]
                val += list(rs.rand(k))
            else:
                idx += [[r, c] for c in range(k)]
                val += list(rs.randint(0, VOCAB, k))
        out.append((np.array(idx, np.int64),
                    np.array(val, np.float32 if model == "logreg" else np.int64),
                    rs.randint(0, 2, ROWS).astype(np.float32), np.array(wts, np.float32)))
    return out


WORDS = ["w%d" % i for i in range(500)]
VOCAB = 5000


def _graph(tf, model):
    """(feed function of a batch, loss, train op) of `model` in the default graph."""
    if model == "text":
        s = tf.placeholder(tf.string, [None])
        y = tf.placeholder(tf.int64, [None])
        table = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
            tf.constant(WORDS[:400]), tf.range(400, dtype=tf.int64)), 10)
        sp = tf.string_split(s)
        ids = tf.SparseTensor(sp.indices, table.lookup(sp.values), sp.dense_shape)
        emb = tf.get_variable("emb", [410, 16])
        logits = tf.layers.dense(tf.nn.embedding_lookup_sparse(emb, ids, None, "mean"), 2)
        loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
        return (lambda b: {s: b[0], y: b[1]}), loss, tf.train.AdamOptimizer(0.01).minimize(loss)
    x = tf.sparse_placeholder(tf.float32 if model == "logreg" else tf.int64)
    y = tf.placeholder(tf.float32, [None])
    if model == "logreg":
        w = tf.get_variable("w", [D, 1], initializer=tf.zeros_initializer())
        logit = tf.reshape(tf.sparse_tensor_dense_matmul(x, w), [-1])
        opt = tf.train.GradientDescentOptimizer(0.5)
        shape = [ROWS, D]
    else:
        emb = tf.get_variable("emb", [VOCAB, 16])
        wx = tf.sparse_placeholder(tf.float32) if model == "weighted" else None
        h = tf.nn.embedding_lookup_sparse(emb, x, wx, combiner="mean" if wx is None
                                          else "sqrtn")
        logit = tf.reshape(tf.layers.dense(h, 1), [-1])
        opt = tf.train.AdamOptimizer(0.01)
        shape = [ROWS, 20]
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logit))

    def feed(b):
        got = {x: tf.SparseTensorValue(b[0], b[1], shape), y: b[2]}
        if model == "weighted":
            got[wx] = tf.SparseTensorValue(b[0], b[3], shape)
        return got
    return feed, loss, opt.minimize(loss)


def _tf1(tf, model, data, warmup):
    tf.set_random_seed(1)
    feed, loss, train = _graph(tf, model)
    losses, marks = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.tables_initializer())
        for i, b in enumerate(data):
            if i in (0, warmup):
                marks.append((time.perf_counter(), time.process_time()))
            losses.append(float(sess.run([loss, train], feed(b))[0]))
        marks.append((time.perf_counter(), time.process_time()))
    return losses, marks


def _jax(data, warmup):
    import jax
    import jax.numpy as jnp

    @jax.jit
    def step(w, idx, val, n, lab):
        def loss_fn(w):
            real = jnp.arange(val.shape[0]) < n
            rows = jnp.where(real, idx[:, 0], ROWS)
            logit = jax.ops.segment_sum(val * w[idx[:, 1], 0], rows, ROWS + 1)[:ROWS]
            pos = logit >= 0  # (TF's selects: their gradients at 0 too)
            return jnp.mean(jnp.where(pos, logit, 0.0) - logit * lab
                            + jnp.log1p(jnp.exp(jnp.where(pos, -logit, logit))))
        loss, g = jax.value_and_grad(loss_fn)(w)
        return w - 0.5 * g, loss

    w = jnp.zeros((D, 1), jnp.float32)
    losses, marks = [], []
    for i, (idx, val, lab, _) in enumerate(data):
        if i in (0, warmup):
            marks.append((time.perf_counter(), time.process_time()))
        n = len(val)
        big = max(16, 1 << (n - 1).bit_length())
        pad = big - n
        w, loss = step(w, np.concatenate([idx, np.zeros((pad, 2), np.int64)]),
                       np.concatenate([val, np.zeros(pad, np.float32)]), n, lab)
        losses.append(float(loss))
    marks.append((time.perf_counter(), time.process_time()))
    return losses, marks


def worker(framework, model, warmup, steps):
    data = batches(model, warmup + steps)
    compiles = None
    if framework == "jax":
        losses, marks = _jax(data, warmup)
    elif framework == "tf":
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        losses, marks = _tf1(tf, model, data, warmup)
    else:
        os.environ["SCOPEFLOW_COMPILE_CACHE"] = "0"
        import scopeflow.compat.v1 as tf
        from scopeflow.lowering import cache
        losses, marks = _tf1(tf, model, data, warmup)
        compiles = cache.stats["compiles"]
    (w0, c0), (w1, c1), (w2, c2) = marks
    print(json.dumps({"losses": losses, "first_wall": w1 - w0, "first_cpu": c1 - c0,
                      "step_wall": (w2 - w1) / steps, "step_cpu": (c2 - c1) / steps,
                      "compiles": compiles}))


def _tf_python():
    for p in (os.environ.get("SCOPEFLOW_TF_PYTHON"), os.path.join(ROOT, ".venv-tf/bin/python")):
        if p and os.path.exists(p):
            return p
    raise SystemExit("no TensorFlow python: set SCOPEFLOW_TF_PYTHON")


def _run(framework, model, warmup, steps):
    py = _tf_python() if framework == "tf" else sys.executable
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([py, __file__, "--worker", framework, "--models", model, "--warmup",
                          str(warmup), "--steps", str(steps)], capture_output=True, text=True,
                         env=env, cwd=ROOT)
    if out.returncode:
        raise SystemExit("%s failed:\n%s" % (framework, out.stderr[-3000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker")
    ap.add_argument("--models", default="logreg,lookup,weighted,text")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    if a.worker:
        return worker(a.worker, a.models, a.warmup, a.steps)
    rows = []
    for model in a.models.split(","):
        names = ("scopeflow", "tf", "jax") if model == "logreg" else ("scopeflow", "tf")
        got = {n: [] for n in names}
        for _ in range(a.rounds):
            for n in names:
                got[n].append(_run(n, model, a.warmup, a.steps))
        ref = got["tf"][0]["losses"]
        for n in names:
            err = max(abs(p - q) for p, q in zip(got[n][0]["losses"], ref))
            if err > 1e-5:
                raise SystemExit("%s: %s's losses differ from TF's by %g" % (model, n, err))

        def med(n, k):
            return float(np.median([r[k] for r in got[n]]))
        tf_step = med("tf", "step_wall")
        for n in names:
            c = got[n][0]["compiles"]
            rows.append("| %s | %s | %.2f | %.2f | %.2fx | %.2f | %s |" % (
                model, n, med(n, "first_wall"), 1e3 * med(n, "step_wall"),
                med(n, "step_wall") / tf_step, 1e3 * med(n, "step_cpu"),
                "" if c is None else c))
    print("load average: %.1f, %.1f, %.1f" % os.getloadavg())
    print("| model | | first %d steps, wall s | step wall ms | vs TF | step CPU ms | "
          "XLA compiles |" % a.warmup)
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
