"""TF1 tutorial programs that import `tensorflow.contrib.rnn` (aymericdamien's
recurrent_network.py, bidirectional_rnn.py, shrunk), run with `scopeflow run` and, for the
reference, under real TF with `rnn` bound to tf.nn's cells and loops (TF 2 has no contrib)."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from oracle import tf_python

PROLOGUE = {
    "scopeflow": "import tensorflow as tf\nfrom tensorflow.contrib import rnn\n",
    "tf": ("import types\nimport tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n"
           "rnn = types.SimpleNamespace(BasicLSTMCell=tf.nn.rnn_cell.BasicLSTMCell,"
           " static_rnn=tf.nn.static_rnn,"
           " static_bidirectional_rnn=tf.nn.static_bidirectional_rnn)\n"),
}

BODY = textwrap.dedent("""
    import numpy as np
    tf.reset_default_graph()
    tf.set_random_seed(7)
    timesteps, num_input, num_hidden, num_classes, batch = 5, 4, 8, 3, 6
    X = tf.placeholder("float", [None, timesteps, num_input])
    Y = tf.placeholder("float", [None, num_classes])
    width = num_hidden * (2 if BIDIRECTIONAL else 1)
    W = tf.Variable(tf.random_normal([width, num_classes]))
    b = tf.Variable(tf.random_normal([num_classes]))

    def net(x):
        x = tf.unstack(x, timesteps, 1)
        if BIDIRECTIONAL:
            outputs, _, _ = rnn.static_bidirectional_rnn(
                rnn.BasicLSTMCell(num_hidden, forget_bias=1.0),
                rnn.BasicLSTMCell(num_hidden, forget_bias=1.0), x, dtype=tf.float32)
        else:
            outputs, states = rnn.static_rnn(rnn.BasicLSTMCell(num_hidden, forget_bias=1.0),
                                             x, dtype=tf.float32)
        return tf.matmul(outputs[-1], W) + b

    logits = net(X)
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    train_op = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(loss_op)
    rng = np.random.RandomState(0)
    xs = rng.uniform(size=(batch, timesteps, num_input)).astype(np.float32)
    ys = np.eye(num_classes, dtype=np.float32)[rng.randint(num_classes, size=batch)]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(4):
            _, loss = sess.run([train_op, loss_op], feed_dict={X: xs, Y: ys})
            print("loss %.6f" % loss)
        print("vars", " ".join(v.name for v in tf.trainable_variables()))
""")


def _run(python, args, script, cwd):
    path = os.path.join(cwd, "prog.py")
    with open(path, "w") as f:
        f.write(script)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_USE_LEGACY_KERAS="1")
    proc = subprocess.run([python, *args, path], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [line.split(" ", 1) for line in proc.stdout.splitlines()]


@pytest.mark.oracle
def test_tutorial_rnn_programs_like_tf(tmp_path):
    tf_py = tf_python()
    if tf_py is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    # recurrent_network.py, then bidirectional_rnn.py: one process each side
    body = "".join("BIDIRECTIONAL = %s\n" % b + BODY for b in (False, True))
    mine = _run(sys.executable, ["-m", "scopeflow", "run"], PROLOGUE["scopeflow"] + body,
                str(tmp_path))
    theirs = _run(tf_py, [], PROLOGUE["tf"] + body, str(tmp_path))
    assert [k for k, _ in mine] == [k for k, _ in theirs] == (["loss"] * 4 + ["vars"]) * 2
    assert mine[4] == theirs[4] and mine[9] == theirs[9]
    assert "rnn/basic_lstm_cell/kernel:0" in mine[4][1].split()
    assert "bidirectional_rnn/fw/basic_lstm_cell/kernel:0" in mine[9][1].split()
    losses = [[float(v) for k, v in run if k == "loss"] for run in (mine, theirs)]
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-4)
