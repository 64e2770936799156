"""Convolution layout and precision on XLA:CPU: the CNN's second convolution (128x14x14x32 -> 64,
5x5 SAME) forward + both gradients, lowered as NHWC/HWIO (scopeflow's form), as NCHW/OIHW
(transposed at the edges) and with Precision.HIGHEST; whether the bits equal NHWC's, CPU ms per
step (process time, best run on one pinned core), and the convolution XLA compiled.

    XLA_FLAGS=--xla_cpu_multi_thread_eigen=false taskset -c 0 python benchmarks/conv_layout.py
"""

import re
import time

import jax
import numpy as np
from jax import lax

_NHWC = ("NHWC", "HWIO", "NHWC")


def _variants():
    def nhwc(x, w):
        return lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=_NHWC)

    def nchw(x, w):
        y = lax.conv_general_dilated(x.transpose(0, 3, 1, 2), w.transpose(3, 2, 0, 1), (1, 1),
                                     "SAME", dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y.transpose(0, 2, 3, 1)

    def highest(x, w):
        return lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=_NHWC,
                                        precision=lax.Precision.HIGHEST)

    return {"NHWC": nhwc, "NCHW": nchw, "HIGHEST": highest}


def _step(f):
    def step(x, w, g):  # (output, input gradient, filter gradient)
        y, vjp = jax.vjp(f, x, w)
        return (y, *vjp(g))
    return jax.jit(step)


def main(rounds=5, steps=3):
    rng = np.random.RandomState(0)
    args = (rng.rand(128, 14, 14, 32).astype(np.float32),
            ((rng.rand(5, 5, 32, 64) - 0.5) * 0.1).astype(np.float32),
            rng.rand(128, 14, 14, 64).astype(np.float32))
    steps_of = {n: _step(f) for n, f in _variants().items()}
    ref = [np.asarray(o) for o in steps_of["NHWC"](*args)]
    times = {n: [] for n in steps_of}
    for _ in range(rounds):  # interleaved
        for n, f in steps_of.items():
            c0 = time.process_time()
            for _ in range(steps):
                jax.block_until_ready(f(*args))
            times[n].append((time.process_time() - c0) / steps * 1000)
    print("| lowering | bits = NHWC's (y, dx, dw) | CPU ms/step (median) | XLA convolution |")
    print("|---|---|---:|---|")
    for n, f in steps_of.items():
        same = [bool(np.array_equal(a, np.asarray(b))) for a, b in zip(ref, f(*args))]
        hlo = f.lower(*args).compile().as_text()
        labels = sorted(set(re.findall(r"dim_labels=([^,\s]+)", hlo)))
        print("| %s | %s | %.1f | %s |" % (n, same, float(np.median(times[n])), " ".join(labels)))


if __name__ == "__main__":
    main()
