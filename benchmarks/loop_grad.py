"""LSTM training step: the op-by-op backward loop against one SymbolicGradient op (jax.vjp).

    python benchmarks/loop_grad.py --steps 5 --rounds 8

The model is benchmarks/checks.py's LSTM (`tf.nn.dynamic_rnn` over a 128-unit BasicLSTMCell,
batch 64, T=50, Adam). One process builds it twice: once as tf.gradients builds it now (TF's
backward loop, stacks, TensorArrayGradV3), once with the graph builder switched off, which
makes tf.gradients fall back to one SymbolicGradient op (the lowering before 2026-12). Blocks
of `--steps` steps alternate between the two; printed: XLA compilations of the first steps
(one each: one computation per step), the first losses, and per variant the median CPU and
wall milliseconds per step with quartiles, and the median CPU ratio. Run it pinned for
steadier numbers: `XLA_FLAGS=--xla_cpu_multi_thread_eigen=false taskset -c 0 python ...`.
"""

import argparse
import collections
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import checks  # (benchmarks/checks.py's LSTM)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--rounds", type=int, default=8)
    args = p.parse_args()
    import scopeflow.compat.v1 as tf
    from scopeflow.gradients import graph
    from scopeflow.lowering import disk_cache
    arrays = checks.make_arrays("lstm")
    compiles, which = collections.Counter(), [None]
    real_compile, real_buildable = disk_cache.compile_traced, graph.buildable

    def counted(traced, *rest):
        compiles[which[0]] += 1
        return real_compile(traced, *rest)

    disk_cache.compile_traced = counted
    sessions = {}
    for variant in ("symbolic", "op_by_op"):
        graph.buildable = real_buildable if variant == "op_by_op" else (lambda *a: False)
        g = tf.Graph()
        with g.as_default():
            x, y, loss, step = checks.build(tf, "lstm", arrays)
            init = tf.global_variables_initializer()
        graph.buildable = real_buildable
        sess = tf.Session(graph=g)
        which[0] = variant
        sess.run(init)
        feed = {x: arrays["x"], y: arrays["y"]}
        losses = [float(sess.run([step, loss], feed)[1]) for _ in range(3)]
        print("%s: %d compilations, losses %s" % (variant, compiles[variant], losses))
        sessions[variant] = (sess, [step, loss], feed)
    cpu, wall = collections.defaultdict(list), collections.defaultdict(list)
    for r in range(args.rounds):
        for v in (("symbolic", "op_by_op") if r % 2 == 0 else ("op_by_op", "symbolic")):
            sess, fetches, feed = sessions[v]
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(args.steps):
                sess.run(fetches, feed)
            cpu[v].append((time.process_time() - c0) / args.steps * 1e3)
            wall[v].append((time.perf_counter() - w0) / args.steps * 1e3)
    for v in cpu:
        print("%s: CPU %.1f ms/step [%.1f-%.1f], wall %.1f" % (
            (v,) + tuple(np.percentile(cpu[v], [50, 25, 75])) + (np.median(wall[v]),)))
    r = np.array(cpu["op_by_op"]) / np.array(cpu["symbolic"])
    print("op_by_op / symbolic CPU: %.3f [%.3f-%.3f]" % tuple(np.percentile(r, [50, 25, 75])))


if __name__ == "__main__":
    main()
