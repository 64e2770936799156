"""Keras `fit` in TF1 graph mode: a small CNN for 3 epochs on MNIST-shaped synthetic data, the
same script under `scopeflow run` and under TensorFlow (tf_keras, TF_USE_LEGACY_KERAS=1).

    python benchmarks/keras_fit.py                 # 3 epochs of 2048 images, batch 64
    python benchmarks/keras_fit.py --samples 1024 --epochs 2

Each framework runs in its own process (TensorFlow from $SCOPEFLOW_TF_PYTHON or
.venv-tf/bin/python). The script times each epoch with a callback; the table gives the first
epoch (graph building and compilation included; wall and process CPU time), the steps per
second of the later epochs (wall) and their process CPU time per step (both cores, which a
loaded machine disturbs less), and the last epoch's loss (initializers are seeded, so the two
must agree closely).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SCRIPT = '''
import json, sys, time
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
K, L = tf.keras, tf.keras.layers
samples, epochs, batch = %(samples)d, %(epochs)d, %(batch)d
rng = np.random.RandomState(0)
x = rng.rand(samples, 28, 28, 1).astype("float32")
y = rng.randint(0, 10, samples)
g = K.initializers.glorot_uniform
model = K.Sequential([
    L.Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1), kernel_initializer=g(seed=1)),
    L.MaxPooling2D(),
    L.Conv2D(16, 3, activation="relu", kernel_initializer=g(seed=2)),
    L.MaxPooling2D(),
    L.Flatten(),
    L.Dense(64, activation="relu", kernel_initializer=g(seed=3)),
    L.Dense(10, activation="softmax", kernel_initializer=g(seed=4)),
])
model.compile(K.optimizers.SGD(0.05, momentum=0.9), "sparse_categorical_crossentropy",
              metrics=["accuracy"])
times, cpu = [time.perf_counter()], [time.process_time()]
class Clock(K.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        times.append(time.perf_counter())
        cpu.append(time.process_time())
h = model.fit(x, y, batch_size=batch, epochs=epochs, shuffle=False, verbose=0,
              callbacks=[Clock()])
steps = -(-samples // batch)
later = times[-1] - times[1]
print(json.dumps({"first_epoch_s": times[1] - times[0], "first_epoch_cpu_s": cpu[1] - cpu[0],
                  "steps_per_s": steps * (epochs - 1) / later if later else None,
                  "cpu_ms_per_step": 1e3 * (cpu[-1] - cpu[1]) / (steps * (epochs - 1))
                  if epochs > 1 else None,
                  "loss": h.history["loss"][-1]}))
'''


def tf_python():
    for cand in (os.environ.get("SCOPEFLOW_TF_PYTHON"), os.path.join(ROOT, ".venv-tf/bin/python")):
        if cand and os.path.exists(cand):
            return cand
    return None


def run(cmd, script_dir):
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3",
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(cmd, cwd=script_dir, capture_output=True, text=True, env=env,
                          check=False)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=2048)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=64)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "fit.py"), "w") as f:
            f.write(SCRIPT % vars(args))
        rows = [("scopeflow", run([sys.executable, "-m", "scopeflow", "run", "fit.py"], tmp))]
        if tf_python():
            rows.append(("tensorflow", run([tf_python(), "fit.py"], tmp)))
    print("load average: %.1f" % os.getloadavg()[0])
    print("| engine | first epoch s (CPU s) | steps/s (later epochs) | CPU ms/step | last loss |")
    print("|---|---:|---:|---:|---:|")
    for name, r in rows:
        print("| %s | %.2f (%.2f) | %.1f | %.2f | %.5f |" % (
            name, r["first_epoch_s"], r["first_epoch_cpu_s"], r["steps_per_s"] or 0,
            r["cpu_ms_per_step"] or 0, r["loss"]))


if __name__ == "__main__":
    main()
