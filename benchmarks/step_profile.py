"""Where a training step's time goes on XLA:CPU, kernel by kernel.

    python benchmarks/step_profile.py --model cnn            # per kernel, ms a step
    python benchmarks/step_profile.py --model mlp --timeline # one step's kernels in order

Builds a model of benchmarks/train.py (mlp, cnn, cnn_bn, lstm) through scopeflow, runs a few
steps to warm up, then `--steps` steps under JAX's profiler (`jax.profiler.start_trace`), and
reads back the trace: each XLA:CPU thunk (a fusion, a dot, a copy, a conditional, the launch
of a convolution) with its wall time per step and how often it ran. Convolutions and Eigen
dots hand their work to XLA's thread pool and return: their time is not in their own events
but in the gaps of `--timeline`, which prints one step's thunks in start order (ms from the
step's start, duration, the thread). The trace's folder is kept (`--trace DIR`) for
TensorBoard's profile plugin.
"""

import argparse
import collections
import glob
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

_NOISE = ("ThunkExecutor", "ThreadpoolListener", "end: ", "SlinkyThreadPool")


def _events(folder):
    import jax

    path = glob.glob(os.path.join(folder, "**", "*.xplane.pb"), recursive=True)[0]
    data = jax.profiler.ProfileData.from_file(path)
    steps, kernels = [], []
    for plane in data.planes:
        for line in plane.lines:
            if line.name == "python":
                continue
            for ev in line.events:
                if ev.name == "ThunkExecutor::Execute (wait for completion)":
                    steps.append((ev.start_ns, ev.duration_ns))
                elif not ev.name.startswith(_NOISE):
                    kernels.append((ev.start_ns, ev.duration_ns, line.name, ev.name))
    return sorted(steps), sorted(kernels)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="cnn")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--timeline", action="store_true")
    ap.add_argument("--trace", default=None, help="keep the trace in this folder")
    args = ap.parse_args()

    import jax

    import scopeflow.compat.v1 as tf
    import train as T

    arrays = T.make_arrays(args.model)
    x, y, loss, step = T.build_tf1(tf, args.model, arrays)
    feed = {x: arrays["x"], y: arrays["y"]}
    folder = args.trace or tempfile.mkdtemp(prefix="step_profile_")
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(5):
            s.run([step, loss], feed)
        jax.profiler.start_trace(folder)
        t0 = time.perf_counter()
        for _ in range(args.steps):
            s.run([step, loss], feed)
        took = (time.perf_counter() - t0) / args.steps
        jax.profiler.stop_trace()
    steps, kernels = _events(folder)
    print("%s: %.2f ms a step (wall, under the profiler), load average %.1f; trace in %s"
          % (args.model, took * 1e3, os.getloadavg()[0], folder))
    total, count = collections.Counter(), collections.Counter()
    for _, dur, _, name in kernels:
        total[name] += dur
        count[name] += 1
    n = max(len(steps), 1)
    print("| kernel | ms a step | runs a step |")
    print("|---|---:|---:|")
    for name, dur in total.most_common(args.top):
        print("| %s | %.2f | %.1f |" % (name, dur / 1e6 / n, count[name] / n))
    if args.timeline and steps:
        start, dur = steps[len(steps) // 2]
        print("\none step (%.2f ms): start ms, duration ms, thread, kernel" % (dur / 1e6))
        for t, d, thread, name in kernels:
            if start <= t <= start + dur:
                print("%8.2f %7.2f  %s  %s" % ((t - start) / 1e6, d / 1e6, thread[-8:], name))


if __name__ == "__main__":
    main()
