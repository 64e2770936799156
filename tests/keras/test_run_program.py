"""A TF1 program mixing tf.keras layers with tf.train.AdamOptimizer and a Session runs unchanged
under `scopeflow run`, printing what it prints under real TF (names, shapes, losses)."""

import os
import subprocess
import sys

import pytest
from oracle import tf_python

PROGRAM = '''
import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.compat.v1.keras import layers
tf.disable_v2_behavior()
tf.set_random_seed(0)
init = tf.keras.initializers.glorot_uniform

x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
labels = tf.placeholder(tf.int64, [None], name="labels")
h = layers.Conv2D(4, 3, activation="relu", kernel_initializer=init(seed=1))(x)
h = layers.MaxPooling2D()(h)
h = tf.keras.layers.BatchNormalization()(h, training=True)
h = layers.Flatten()(h)
h = layers.Dense(16, activation="relu", kernel_initializer=init(seed=2))(h)
logits = layers.Dense(3, kernel_initializer=init(seed=3))(h)
loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
step = tf.train.get_or_create_global_step()
train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=step)
rng = np.random.RandomState(0)
xs = rng.rand(16, 8, 8, 1).astype("float32")
ys = rng.randint(0, 3, size=16)
print(logits.name, logits.shape.as_list(), len(update_ops))
print(" ".join(v.name for v in tf.trainable_variables()))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(6):
        value, _ = sess.run([loss, train], {x: xs, labels: ys})
        print("%d %.4f" % (step, value))
    print("%.4f" % sess.run(loss, {x: xs, labels: ys}))
'''


def _run(cmd, cwd, env):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.splitlines()


def test_keras_layers_with_adam_under_scopeflow_run(tmp_path):
    python = tf_python()
    if python is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    (tmp_path / "prog.py").write_text(PROGRAM)
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3")
    here = _run([sys.executable, "-m", "scopeflow", "run", "prog.py"], tmp_path, env)
    there = _run([python, "prog.py"], tmp_path, env)
    assert here[:2] == there[:2]
    for a, b in zip(here[2:], there[2:]):
        assert a.split()[:-1] == b.split()[:-1]
        assert abs(float(a.split()[-1]) - float(b.split()[-1])) <= 2e-4, (here, there)
    assert len(here) == len(there)
