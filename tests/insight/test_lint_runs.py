"""The script's runs: a placeholder no run feeds and variables a run reads before their
initializer ran are found at their line; correctly fed and initialized scripts are silent."""

import textwrap

import numpy as np
import pytest

from scopeflow import insight

MODEL = """
x = tf.placeholder(tf.float32, [None, 3], name="x")
y = tf.placeholder(tf.float32, [None, 1], name="y")
keep = tf.placeholder_with_default(1.0, [], name="keep")
pred = tf.layers.dense(tf.nn.dropout(x, rate=1.0 - keep), 1)
loss = tf.reduce_mean(tf.square(pred - y))
"""
FEED = "{x: np.ones((2, 3), np.float32), y: np.ones((2, 1), np.float32)}"


def _lint(tf, source):
    """(findings, the exception the program stopped with or None) with its runs recorded."""
    g, error = tf.Graph(), None
    with g.as_default(), insight.record_runs():
        try:
            exec(compile(textwrap.dedent(source), "planted.py", "exec"), {"tf": tf, "np": np})
        except Exception as e:  # noqa: BLE001 - a planted mistake may stop the program
            error = e
    return insight.lint(g), error


def test_placeholder_never_fed(tf):
    found, error = _lint(tf, MODEL + "lr = tf.placeholder(tf.float32, [], name='lr')\n"
                         "train = tf.train.GradientDescentOptimizer(lr).minimize(loss)\n"
                         "with tf.Session() as sess:\n"
                         "    sess.run(tf.global_variables_initializer())\n"
                         "    sess.run(train, %s)\n" % FEED)
    assert type(error).__name__ == "InvalidArgumentError"
    assert [(f.kind, f.where) for f in found] == [("placeholder-never-fed", "planted.py:7")]
    assert "'lr'" in found[0].message and "planted.py:11" in found[0].message
    # fed nowhere and needed by no run: a value that depends on it was never computed
    found, error = _lint(tf, MODEL + "with tf.Session() as sess:\n"
                         "    sess.run(tf.global_variables_initializer())\n"
                         "    sess.run(pred, {x: np.ones((2, 3), np.float32)})\n")
    assert error is None
    assert [(f.kind, f.where) for f in found] == [("placeholder-never-fed", "planted.py:3")]
    assert "no run computed anything" in found[0].message


def test_initializer_never_run(tf):
    found, error = _lint(tf, MODEL + "init = tf.global_variables_initializer()\n"
                         "train = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
                         "with tf.Session() as sess:\n"
                         "    sess.run(init)\n"
                         "    sess.run(train, %s)\n" % FEED)
    assert type(error).__name__ == "FailedPreconditionError"
    assert [(f.kind, f.where) for f in found] == [("initializer-not-run", "planted.py:8")]
    f = found[0]
    assert "'beta1_power'" in f.message and "'dense/kernel/Adam'" in f.message
    assert "planted.py:11" in f.message and "planted.py:7" in f.message  # the run, the init


def test_local_variables_never_initialized(tf):
    found, error = _lint(tf, """
    x = tf.placeholder(tf.float32, [None])
    acc, update = tf.metrics.accuracy(x, x)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(update, {x: [1.0, 0.0]})
    """)
    assert type(error).__name__ == "FailedPreconditionError"
    assert [(f.kind, f.where) for f in found] == [("initializer-not-run", "planted.py:3")]
    assert "'accuracy/count', 'accuracy/total'" in found[0].message
    assert "tf.local_variables_initializer()" in found[0].fix


@pytest.mark.parametrize("runs", [
    "with tf.Session() as sess:\n"
    "    sess.run(tf.global_variables_initializer())\n"
    "    for _ in range(2):\n"
    "        sess.run([train, loss], %s)\n" % FEED,
    # MonitoredSession checks for uninitialized variables before initializing them
    "with tf.train.MonitoredSession() as sess:\n"
    "    sess.run(train, %s)\n" % FEED,
    # initialized by a restore
    "saver = tf.train.Saver()\n"
    "with tf.Session() as sess:\n"
    "    sess.run(tf.global_variables_initializer())\n"
    "    path = saver.save(sess, CKPT)\n"
    "with tf.Session() as sess:\n"
    "    saver.restore(sess, path)\n"
    "    sess.run(loss, %s)\n" % FEED,
])
def test_fed_and_initialized_runs_are_silent(tf, runs, tmp_path):
    source = (MODEL + "train = tf.train.AdamOptimizer(0.1).minimize(loss)\n" + runs).replace(
        "CKPT", repr(str(tmp_path / "model")))
    found, error = _lint(tf, source)
    assert error is None and found == []


def test_without_recorded_runs_no_run_finding(tf):
    g = tf.Graph()
    with g.as_default():
        exec(MODEL, {"tf": tf})
    assert insight.lint(g) == []


def test_cli_lints_every_graph_that_ran(tmp_path):
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = tmp_path / "graphs.py"
    script.write_text(textwrap.dedent("""\
        import tensorflow.compat.v1 as tf
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [], name="x")
            unfed = tf.placeholder(tf.float32, [], name="unfed")
            with tf.Session() as sess:
                sess.run(x * 2.0, {x: 1.0})
        """))
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "lint", str(script)],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=root),
                          timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert proc.stdout.startswith("%s:4: [placeholder-never-fed]" % script)
    assert proc.stdout.strip().endswith("1 finding")
