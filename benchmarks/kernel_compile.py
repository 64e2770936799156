"""First-run cost of the float32 Eigen-exact kernels against XLA's own ops: for each kernel,
the process CPU time of tracing + lowering to StableHLO and of XLA's compile (the fastest of
`--repeats` fresh compiles), the StableHLO size, and the fusions of the optimized program.

    python benchmarks/kernel_compile.py [--kernels softmax,colsum] [--repeats 3]

Shapes are the logistic regression's (batch 100, 10 classes). XLA's CPU compile time follows
the number of fusions (each is compiled as its own LLVM module: some 30-60 ms each on this
machine) more than their size; a cheap elementwise producer (the bit operations of an exact
Exp or Log) is copied into every fusion that reads it.
"""

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import eigen_exp, eigen_reciprocal, eigen_softmax, eigen_sum
from scopeflow.ops.rounding import round_each


def _softmax_grad(s, g):
    # TF's _SoftmaxGrad: (g - sum(g * s, -1)) * s, its Sum as scopeflow's kernel adds it
    return round_each((g - eigen_sum.tf_sum(round_each(g * s), (1,)).reshape(-1, 1)) * s)


def kernels():
    rs = np.random.RandomState(0)
    x, g = rs.randn(100, 10).astype(np.float32), rs.randn(100, 10).astype(np.float32)
    return {
        "softmax": (eigen_softmax.softmax, (x,)),
        "xla_softmax": (jax.nn.softmax, (x,)),
        "softmax_grad": (_softmax_grad, (x, g)),
        "xent": (eigen_softmax.xent, (x, g)),
        "exp": (eigen_exp.eigen_exp, (x,)),
        "log": (eigen_exp.eigen_log, (np.abs(x),)),
        "reciprocal": (eigen_reciprocal.eigen_reciprocal, (x[:, 0],)),
        "rowsum": (lambda a: eigen_sum.tf_sum(a, (1,)), (x,)),
        "colsum": (lambda a: eigen_sum.tf_sum(a, (0,)), (x,)),
        "xla_colsum": (lambda a: jnp.sum(a, 0), (x,)),
        "bias_grad": (eigen_sum.outer_dim_sums, (x,)),
    }


def measure(fn, args, repeats):
    best = None
    for _ in range(repeats):
        fresh = lambda *a: fn(*a)  # noqa: E731  (a new function: no in-memory cache)
        t0 = time.process_time()
        lowered = jax.jit(fresh).lower(*args)
        t1 = time.process_time()
        compiled = lowered.compile()
        t2 = time.process_time()
        if best is None or t2 - t1 < best[1]:
            best = (t1 - t0, t2 - t1, lowered, compiled)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernels", default="")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    jax.config.update("jax_enable_x64", True)  # (as inside a run: the scalar tails use doubles)
    table = kernels()
    names = args.kernels.split(",") if args.kernels else list(table)
    print("| kernel | trace+lower CPU s | compile CPU s | StableHLO lines | fusions |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        fn, inputs = table[name]
        lower, comp, lowered, compiled = measure(fn, inputs, args.repeats)
        print("| %s | %.3f | %.3f | %d | %d |" % (name, lower, comp, lowered.as_text().count("\n"),
                                                  compiled.as_text().count(" fusion(")))


if __name__ == "__main__":
    main()
