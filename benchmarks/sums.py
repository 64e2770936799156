"""Large float32 sums (`tf.reduce_sum` / `reduce_mean` / `nn.l2_loss`) per `Session.run`:
the same TF1 graphs through scopeflow and TensorFlow, and the same sums as hand-written JAX
(`jnp.sum`, which does not keep TF's order), each in its own process, taking turns.

    python benchmarks/sums.py                 # markdown table
    python benchmarks/sums.py --rounds 3 --runs 50

Cases: a fed 5000x784 batch summed whole, over rows (axis 1) and over 1000 of its rows'
columns (axis 0); a 3136x1024 variable's weight decay (`reduce_sum(square(W))`), its
`l2_loss`, and `reduce_mean(abs(W))`. scopeflow's float32 sums add in the order of TF's
Eigen kernels (bit for bit), so its results are compared with TF's bits; JAX's only to 1e-4.
Wall clock a run (best of `repeats` loops of `runs` runs), ms; TensorFlow from
$SCOPEFLOW_TF_PYTHON or .venv-tf/bin/python.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402 - tf_python(): the TensorFlow the other benchmarks use

CASES = ["fed_sum", "fed_rows", "fed_cols", "decay", "l2_loss", "mean_abs"]

CHILD = r"""
import json, os, sys, time
from train import best_ms
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
engine, runs, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rs = np.random.RandomState(0)
batch = rs.rand(5000, 784).astype(np.float32)
weight = (rs.randn(3136, 1024) * 0.05).astype(np.float32)


def timed(fn):
    return best_ms(fn, runs, repeats)


out = {}
if engine == "jax":
    import jax
    import jax.numpy as jnp
    w = jnp.asarray(weight)
    fns = {"fed_sum": (jax.jit(jnp.sum), batch), "fed_rows": (jax.jit(lambda x: x.sum(1)), batch),
           "fed_cols": (jax.jit(lambda x: x.sum(0)), batch[:1000]),
           "decay": (jax.jit(lambda w: jnp.sum(w * w)), w),
           "l2_loss": (jax.jit(lambda w: jnp.sum(w * w) / 2), w),
           "mean_abs": (jax.jit(lambda w: jnp.mean(jnp.abs(w))), w)}
    for name, (f, arg) in fns.items():
        ms, v = timed(lambda: f(arg).block_until_ready())
        out[name] = [ms, v.ravel()[:8].tolist(), None]
else:
    if engine == "tensorflow":
        import tensorflow.compat.v1 as tf
        tf.disable_eager_execution()
    else:
        import scopeflow.compat.v1 as tf
    x = tf.placeholder(tf.float32, [None, 784])
    w = tf.Variable(weight)
    ops = {"fed_sum": tf.reduce_sum(x), "fed_rows": tf.reduce_sum(x, 1),
           "fed_cols": tf.reduce_sum(x, 0), "decay": tf.reduce_sum(tf.square(w)),
           "l2_loss": tf.nn.l2_loss(w), "mean_abs": tf.reduce_mean(tf.abs(w))}
    feeds = {"fed_sum": {x: batch}, "fed_rows": {x: batch}, "fed_cols": {x: batch[:1000]}}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for name, op in ops.items():
            ms, v = timed(lambda: s.run(op, feeds.get(name)))
            out[name] = [ms, v.ravel()[:8].tolist(), v.view(np.uint32).ravel().tolist()]
print(json.dumps(out))
"""


def run(engine, runs, repeats):
    return train.child_json(engine, CHILD, [engine, runs, repeats])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    engines = ["tensorflow", "scopeflow", "jax"]
    best = {e: {c: float("inf") for c in CASES} for e in engines}
    values = {}
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for engine in engines:
            for case, (ms, head, bits) in run(engine, args.runs, args.repeats).items():
                best[engine][case] = min(best[engine][case], ms)
                values[engine, case] = (head, bits)
    print("load average %.1f before, %.1f after; ms a run, best of %d rounds" % (
        load, os.getloadavg()[0], args.rounds))
    print()
    print("| case | scopeflow | tensorflow | jax | scopeflow vs TF | same bits as TF |")
    print("|---|---:|---:|---:|---:|---|")
    for case in CASES:
        sf, tf, jx = (best[e][case] for e in ("scopeflow", "tensorflow", "jax"))
        same = values["scopeflow", case][1] == values["tensorflow", case][1]
        print("| %s | %.3f | %.3f | %.3f | %.2fx | %s |" % (case, sf, tf, jx, tf / sf,
                                                          "yes" if same else "NO"))


if __name__ == "__main__":
    main()
