"""Keras `fit` on symbolic input tensors (a tf.data iterator's `get_next()`) in TF1 graph mode:
a small Dense model fed by a `tf.data` pipeline, the same script under `scopeflow run` and
under TensorFlow (tf_keras, TF_USE_LEGACY_KERAS=1), rounds interleaved.

    python benchmarks/keras_tensor_fit.py                # 3 rounds, 300 steps an epoch
    python benchmarks/keras_tensor_fit.py --rounds 5 --steps 500

Three models: `input` (a Keras Input placeholder: x and y are wired into the train step, as
tf_keras' tensor connections), `tensor` (`Input(tensor=x)`) and `deferred` (a Sequential
without an input shape, built on the tensor). Each process runs a first epoch (graph building,
compilation) and then times one epoch of `--steps` steps: wall steps/s and process CPU ms per
step (both cores). The last loss of each is printed to the digits Keras prints.
"""

import argparse
import os
import sys
import tempfile

from keras_fit import run, tf_python

SCRIPT = '''
import json, time
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
K, L = tf.keras, tf.keras.layers
kind, steps, batch = %(kind)r, %(steps)d, %(batch)d
tf.set_random_seed(1)
rng = np.random.RandomState(0)
xs = rng.rand(1024, 16).astype("float32")
ys = (xs @ rng.rand(16, 1)).astype("float32")
ds = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(batch).repeat()
x, y = tf.data.make_one_shot_iterator(ds).get_next()
g = K.initializers.glorot_uniform
layers = [L.Dense(32, activation="relu", kernel_initializer=g(seed=1)),
          L.Dense(1, kernel_initializer=g(seed=2))]
if kind == "deferred":
    model = K.Sequential(layers)
else:
    inp = K.Input(shape=(16,)) if kind == "input" else K.Input(tensor=x)
    out = inp
    for layer in layers:
        out = layer(out)
    model = K.Model(inp, out)
model.compile(K.optimizers.SGD(0.01), "mse")
model.fit(x, y, epochs=1, steps_per_epoch=5, verbose=0)
t0, c0 = time.perf_counter(), time.process_time()
h = model.fit(x, y, epochs=1, steps_per_epoch=steps, verbose=0)
t1, c1 = time.perf_counter(), time.process_time()
print(json.dumps({"steps_per_s": steps / (t1 - t0), "cpu_ms_per_step": 1e3 * (c1 - c0) / steps,
                  "loss": "%%.4f" %% h.history["loss"][-1]}))
'''


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--kinds", default="input,tensor,deferred")
    args = p.parse_args(argv)
    engines = [("scopeflow", [sys.executable, "-m", "scopeflow", "run", "fit.py"])]
    if tf_python():
        engines.append(("tensorflow", [tf_python(), "fit.py"]))
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for kind in args.kinds.split(","):
                with open(os.path.join(tmp, "fit.py"), "w") as f:
                    f.write(SCRIPT % dict(vars(args), kind=kind))
                for name, cmd in engines:
                    rows.setdefault((kind, name), []).append(run(cmd, tmp))
    print("load average: %.1f" % os.getloadavg()[0])
    print("| model | engine | steps/s (median of rounds) | CPU ms/step | last loss |")
    print("|---|---|---:|---:|---:|")
    for (kind, name), rs in rows.items():
        sps = sorted(r["steps_per_s"] for r in rs)
        cpu = sorted(r["cpu_ms_per_step"] for r in rs)
        print("| %s | %s | %.0f (%s) | %.2f | %s |" % (
            kind, name, sps[len(sps) // 2], ", ".join("%.0f" % s for s in sps),
            cpu[len(cpu) // 2], rs[-1]["loss"]))


if __name__ == "__main__":
    main()
