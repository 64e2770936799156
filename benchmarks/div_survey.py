"""Last-bit survey of float32 ops that divide: scopeflow against TensorFlow, bit for bit.

    python benchmarks/div_survey.py            # markdown table: values that differ per op

Each case builds one graph with placeholders, feeds ~1000 random float32 values and fetches
the result (gradients through `tf.gradients`); scopeflow and TensorFlow run the same case code
in their own processes (TensorFlow from $SCOPEFLOW_TF_PYTHON or .venv-tf/bin/python).
`--worker MODULE OUT.npz` is the per-framework half.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _rng(i):
    return np.random.default_rng(1234 + i)


def _normal(i, *shape):
    return _rng(i).standard_normal(shape).astype(np.float32)


def _positive(i, *shape):
    return _rng(i).uniform(0.5, 4.0, shape).astype(np.float32)


def _ph(tf, value):
    return tf.placeholder(tf.float32, value.shape)


def _binary(fn, x, y):
    def case(tf):
        a, b = _ph(tf, x), _ph(tf, y)
        return fn(tf, a, b), {a: x, b: y}
    return case


def _unary(fn, x):
    def case(tf):
        a = _ph(tf, x)
        return fn(tf, a), {a: x}
    return case


def _grad(fn, x):
    """d(sum(fn(x) * w))/dx with a random upstream gradient w (of fn's shape)."""
    def case(tf):
        a = _ph(tf, x)
        out = fn(tf, a)
        w = _normal(99, *out.shape.as_list())
        return tf.gradients(out * w, a)[0], {a: x}
    return case


def _scalars(fn, shapes, runs=200):
    """A scalar result over `runs` feeds: (graph builder, feeds list)."""
    def case(tf):
        phs = [tf.placeholder(tf.float32, s) for s in shapes]
        out = fn(tf, *phs)
        feeds = [{p: _normal(1000 + 7 * r + k, *s) for k, (p, s) in enumerate(zip(phs, shapes))}
                 for r in range(runs)]
        return out, feeds
    return case


def _mse(tf, a, b):
    return tf.losses.mean_squared_error(a, b, weights=tf.abs(b) + 0.5)


def _fused_bn(training):
    def fn(tf, a):
        scale, offset = np.float32(np.linspace(0.5, 2, 4)), np.float32(np.linspace(-1, 1, 4))
        mean, var = np.float32(np.linspace(-0.2, 0.3, 4)), np.float32(np.linspace(0.5, 1.5, 4))
        out = tf.nn.fused_batch_norm(a, scale, offset, None if training else mean,
                                     None if training else var, is_training=training)
        return out[0]
    return fn


def _moments_norm(tf, a):
    mean, var = tf.nn.moments(a, [0])
    return tf.nn.batch_normalization(a, mean, var, 0.1, 1.5, 1e-3)


def _adam(tf, g):
    var = tf.Variable(np.linspace(-1, 1, 1000, dtype=np.float32))
    step = tf.train.AdamOptimizer(0.01).apply_gradients([(g, var)])
    with tf.control_dependencies([step]):
        return tf.identity(var.read_value() if hasattr(var, "read_value") else var)


def _metrics_mean(tf, a):
    return tf.metrics.mean(a)[1]


def _keras_mse(tf, a, b):
    return tf.keras.losses.MeanSquaredError()(a, b)


def _keras_cce(tf, a, b):
    return tf.keras.losses.categorical_crossentropy(tf.nn.softmax(a), tf.abs(b) + 0.1)


X, Y, Z = _normal(0, 100, 10), _positive(1, 100, 10), _positive(2, 100, 10)
FLAT, S = _normal(3, 1000), _positive(4)
LABELS = (Y / Y.sum(1, keepdims=True)).astype(np.float32)
NEAR = (_rng(5).integers(-50, 50, 1000) * np.float32(0.7)).astype(np.float32)
CASES = {
    "RealDiv x/5.0 (Const)": _unary(lambda tf, a: a / 5.0, FLAT),
    "RealDiv x/s (scalar fed)": _binary(lambda tf, a, b: a / b, FLAT, S),
    "RealDiv [100,10]/[10]": _binary(lambda tf, a, b: a / b, X, Y[0]),
    "RealDiv [100,10]/[100,1]": _binary(lambda tf, a, b: a / b, X, Y[:, :1]),
    "RealDiv x/y (same shape)": _binary(lambda tf, a, b: a / b, X, Y),
    "RealDiv x/y/z": _binary(lambda tf, a, b: a / b / (b + 1.0), X, Y),
    "RealDiv x/(y/z)": _binary(lambda tf, a, b: a / (b / (b + 1.0)), X, Y),
    "RealDiv x/exp(y)": _binary(lambda tf, a, b: a / tf.exp(b), X, Y),
    "RealDiv x/sqrt(y)": _binary(lambda tf, a, b: a / tf.sqrt(b), X, Y),
    "Div (tf.div) x/s": _binary(lambda tf, a, b: tf.div(a, b), FLAT, S),
    "FloorDiv k*0.7 // 0.7": _unary(lambda tf, a: a // 0.7, NEAR),
    "FloorMod k*0.7 % 0.7": _unary(lambda tf, a: a % 0.7, NEAR),
    "DivNoNan x/s": _binary(lambda tf, a, b: tf.div_no_nan(a, b), FLAT, S),
    "Xdivy x/s": _binary(lambda tf, a, b: tf.math.xdivy(a, b), FLAT, S),
    "Reciprocal": _unary(lambda tf, a: tf.reciprocal(a), FLAT),
    "Mean all [1000]": _scalars(lambda tf, a: tf.reduce_mean(a), [(1000,)]),
    "Mean axis 0 [1000,10]": _unary(lambda tf, a: tf.reduce_mean(a, 0), _normal(6, 1000, 10)),
    "Mean axis 1 [1000,10]": _unary(lambda tf, a: tf.reduce_mean(a, 1), _normal(7, 1000, 10)),
    "Mean axis 1 [1000,3]": _unary(lambda tf, a: tf.reduce_mean(a, 1), _normal(8, 1000, 3)),
    "Mean axes 0,2 [7,1000,3]": _unary(lambda tf, a: tf.reduce_mean(a, [0, 2]),
                                       _normal(9, 7, 1000, 3)),
    "Mean grad [100,10] axis 1": _grad(lambda tf, a: tf.reduce_mean(a, 1, keepdims=True), X),
    "Softmax [100,10]": _unary(lambda tf, a: tf.nn.softmax(a), X),
    "LogSoftmax [100,10]": _unary(lambda tf, a: tf.nn.log_softmax(a), X),
    "Softmax grad": _grad(lambda tf, a: tf.nn.softmax(a), X),
    "SoftmaxXent backprop": _grad(lambda tf, a: tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=LABELS, logits=a)[:, None], X),
    "SparseXent backprop": _grad(lambda tf, a: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=np.arange(100) % 10, logits=a)[:, None], X),
    "l2_normalize": _unary(lambda tf, a: tf.nn.l2_normalize(a, -1), X),
    "moments + batch_normalization": _unary(_moments_norm, X),
    "moments variance [1000,10]": _unary(lambda tf, a: tf.nn.moments(a, [1])[1],
                                         _normal(10, 1000, 10)),
    "FusedBatchNormV3 training": _unary(_fused_bn(True), _normal(11, 10, 5, 5, 4)),
    "FusedBatchNormV3 inference": _unary(_fused_bn(False), _normal(12, 10, 5, 5, 4)),
    "FusedBatchNorm training grad": _grad(_fused_bn(True), _normal(13, 10, 5, 5, 4)),
    "AvgPool 3x3 SAME": _unary(lambda tf, a: tf.nn.avg_pool(a, 3, 2, "SAME"),
                               _normal(14, 4, 20, 25, 3)),
    "AvgPoolGrad 3x3 SAME": _grad(lambda tf, a: tf.nn.avg_pool(a, 3, 2, "SAME"),
                                  _normal(15, 4, 20, 25, 3)),
    "Rsqrt grad": _grad(lambda tf, a: tf.rsqrt(a), Y),
    "Sqrt grad": _grad(lambda tf, a: tf.sqrt(a), Y),
    "Reciprocal grad": _grad(lambda tf, a: tf.reciprocal(a), Y),
    "losses.mean_squared_error": _scalars(_mse, [(100,), (100,)]),
    "losses.sparse_softmax_xent": _scalars(
        lambda tf, a: tf.losses.sparse_softmax_cross_entropy(np.arange(10) % 3, a), [(10, 3)]),
    "Adam step (ApplyAdam)": _unary(_adam, FLAT),
    "metrics.mean (update)": _scalars(_metrics_mean, [(100,)]),
    "keras MeanSquaredError": _scalars(_keras_mse, [(10, 10), (10, 10)]),
    "keras categorical_crossentropy": _binary(_keras_cce, X, Y),
}


def _run_case(tf, case):
    tf.reset_default_graph()
    out, feeds = case(tf)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.local_variables_initializer())
        if isinstance(feeds, dict):
            return np.asarray(sess.run(out, feeds), np.float32).ravel()
        return np.array([sess.run(out, f) for f in feeds], np.float32).ravel()


def worker(module, path):
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import importlib
    tf = importlib.import_module(module)
    if module.startswith("tensorflow"):
        tf.disable_v2_behavior()
    results = {}
    for i, (name, case) in enumerate(CASES.items()):
        try:
            results["c%d" % i] = _run_case(tf, case)
        except Exception as e:  # noqa: BLE001 - reported in the table
            print("%s: %s: %s" % (name, type(e).__name__, str(e)[:200]), file=sys.stderr)
    np.savez(path, **results)


def _tf_python():
    for p in (os.environ.get("SCOPEFLOW_TF_PYTHON"), os.path.join(ROOT, ".venv-tf/bin/python"),
              "/work/main/.venv-tf/bin/python"):
        if p and os.path.exists(p):
            return p
    raise SystemExit("no TensorFlow python found")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=2)
    args = ap.parse_args()
    if args.worker:
        return worker(*args.worker)
    with tempfile.TemporaryDirectory() as d:
        paths = {}
        for label, py, module in (("tf", _tf_python(), "tensorflow.compat.v1"),
                                  ("sf", sys.executable, "scopeflow.compat.v1")):
            paths[label] = os.path.join(d, label + ".npz")
            env = dict(os.environ, PYTHONPATH=ROOT)
            subprocess.run([py, os.path.abspath(__file__), "--worker", module, paths[label]],
                           check=True, env=env)
        tf_out, sf_out = np.load(paths["tf"]), np.load(paths["sf"])
        print("| op | values | differ from TF |\n| --- | --- | --- |")
        for i, name in enumerate(CASES):
            key = "c%d" % i
            if key not in tf_out or key not in sf_out:
                print("| %s | - | %s |" % (name, "fails in TF" if key not in tf_out
                                           else "fails here"))
                continue
            a, b = tf_out[key], sf_out[key]
            same = a.shape == b.shape and (a.view(np.int32) == b.view(np.int32))
            print("| %s | %d | %d |" % (name, a.size, a.size - int(np.sum(same))))


if __name__ == "__main__":
    main()
