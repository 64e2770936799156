"""The MLP training step of `benchmarks/train.py` against the machine's physical limit: the
achieved matmul FLOP/s of scopeflow, TensorFlow and hand-written JAX, and the peak of a plain
NumPy (BLAS) matmul of the step's own sizes on the same cores.

    python benchmarks/flops.py                      # 2 rounds of train.py's mlp workers
    python benchmarks/flops.py --steps 10 --repeats 3 --rounds 2

FLOPs per step count the matrix products only (2 m k n each): the forward pass, the weight
gradients of the three layers and the input gradients of layers 2 and 3 (the batch's own
gradient is never computed: it feeds no variable). Bias adds, ReLU, softmax and Adam's update
add about 0.3% more (a few operations per parameter or activation); they are left out so that
the ratio to a BLAS matmul means what it says. Peak: the rate of the step's largest product
(256x1024 @ 1024x1024) done by NumPy (its BLAS uses all cores), best of `--peak-repeats` timings
of 10 products, before and after the workers. Also printed: how long NumPy takes for the step's
eight products one after another (the narrow ones, with 10 columns, run far below peak).
Wall clock on all cores, as train.py measures steps; state the load.
"""

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402 - the same models, workers and interleaving

BATCH, SIZES = 256, (784, 1024, 1024, 10)


def products():
    """(m, k, n) of every matrix product of one MLP training step."""
    out = []
    for i, (a, b) in enumerate(zip(SIZES, SIZES[1:])):
        out.append((BATCH, a, b))      # forward: x @ w
        out.append((a, BATCH, b))      # weight gradient: x^T @ dy
        if i > 0:
            out.append((BATCH, b, a))  # input gradient: dy @ w^T (not for the fed batch)
    return out


def step_flops():
    return sum(2 * m * k * n for m, k, n in products())


def blas_seconds(repeats):
    """{(m, k, n): best seconds of one NumPy product} on float32 operands."""
    rng = np.random.RandomState(0)
    best = {}
    for m, k, n in products():
        a = rng.rand(m, k).astype(np.float32)
        b = rng.rand(k, n).astype(np.float32)
        a @ b  # (warm: threads up, pages touched)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for _ in range(10):
                a @ b
            times.append((time.perf_counter() - t0) / 10)
        best[(m, k, n)] = min(times)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--peak-repeats", type=int, default=20)
    args = p.parse_args()
    args.pin = False
    load = os.getloadavg()
    flops = step_flops()
    best = blas_seconds(args.peak_repeats)
    res = train.measure("mlp", args)
    again = blas_seconds(args.peak_repeats)  # (again after the workers: the load moved)
    best = {s: min(best[s], again[s]) for s in best}
    big = max(best, key=lambda s: s[0] * s[1] * s[2])
    peak = 2 * big[0] * big[1] * big[2] / best[big]
    one_by_one = sum(best[s] for s in products())
    print("MLP step: %.3f GFLOP of matrix products (%d products)" % (flops / 1e9,
                                                                    len(products())))
    print("NumPy BLAS peak (%s, float32): %.1f GFLOP/s; the step's %d products one by one: "
          "%.2f ms (%.1f GFLOP/s)" % ("x".join(map(str, big)), peak / 1e9, len(products()),
                                      one_by_one * 1e3, flops / one_by_one / 1e9))
    print("| framework | steps/s (wall) | GFLOP/s | of BLAS peak | CPU s/step |")
    print("|---|---:|---:|---:|---:|")
    for f, r in res.items():
        rate = r["steps_per_s"] * flops
        print("| %s | %.2f | %.1f | %.0f%% | %.3f |" % (f, r["steps_per_s"], rate / 1e9,
                                                      100 * rate / peak, r["cpu_s"]))
    print("load average (1, 5, 15 min): before %.1f %.1f %.1f, after %.1f %.1f %.1f"
          % (load + os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
