"""scopeflow.insight.lint and `scopeflow lint`: planted scoping mistakes are found at their line,
correct programs give no finding."""

import os
import subprocess
import sys

import numpy as np

from scopeflow import insight

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

SEED = os.path.join(ROOT, "examples", "seed.py")


def _lint_script(tmp_path, text=None, script=None):
    if script is None:
        script = tmp_path / "prog.py"
        script.write_text(text)
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "lint", str(script)], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    return proc, str(script)


def test_seed_example_flags_exactly_get_variable_under_name_scope(tmp_path):
    proc, script = _lint_script(tmp_path, script=SEED)
    assert proc.returncode == 1, proc.stderr[-2000:]
    lines = [ln for ln in proc.stdout.splitlines() if ": [" in ln]
    # line 4: get_variable('var1') in name_scope('my_scope'). scoping()'s get_variable('b')
    # also runs under tf.name_scope, but the same line runs under tf.variable_scope too: the
    # function is written for both on purpose (the classic explanation contrasts them)
    assert [ln.split(": [")[0] for ln in lines] == [script + ":4"]
    assert "[get_variable-ignores-name_scope]" in lines[0] and "'my_scope/var2'" in lines[0]
    assert "tf.variable_scope('my_scope')" in proc.stdout
    assert proc.stdout.strip().endswith("1 finding")


BN = """x = tf.placeholder(tf.float32, [None, 3])
h = tf.layers.batch_normalization(x, training=True)
loss = tf.reduce_mean(tf.square(tf.layers.dense(h, 1)))
%s
"""
BN_BAD = "train = tf.train.AdamOptimizer(0.1).minimize(loss)"
BN_GOOD = ("with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
           "    train = tf.train.AdamOptimizer(0.1).minimize(loss)")
BN_GROUP = ("train = tf.group(tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss), "
            "*tf.get_collection(tf.GraphKeys.UPDATE_OPS))")


def test_update_ops_left_out_of_the_train_op(tf):
    exec(BN % BN_BAD, {"tf": tf})
    found = insight.lint(tf.get_default_graph())
    assert [f.kind for f in found] == ["update_ops-not-in-train-op"] * 2
    assert {f.message.split("'")[1] for f in found} == {
        "batch_normalization/AssignMovingAvg", "batch_normalization/AssignMovingAvg_1"}
    assert all(f.where.endswith(":2") for f in found)  # the batch_normalization line


def test_correct_programs_give_no_finding(tf):
    for fix in (BN_GOOD, BN_GROUP):
        g = tf.Graph()
        with g.as_default():
            exec(BN % fix, {"tf": tf})
        assert insight.lint(g) == []
    g = tf.Graph()
    with g.as_default():  # slim nets, tf.layers, Keras layers and an optimizer
        slim = tf.contrib.slim
        x = tf.placeholder(tf.float32, [2, 64, 64, 3])
        with slim.arg_scope(slim.nets.resnet_v1.resnet_arg_scope()):
            net, _ = slim.nets.resnet_v1.resnet_v1_50(x, 10, is_training=True)
        with tf.name_scope("head"):
            k = tf.keras.layers.Dense(3)(tf.layers.flatten(net))
        with tf.name_scope("out"):
            w = tf.get_variable("out_w", [3, 1])  # no variable in 'out' carries the prefix
        loss = tf.reduce_mean(tf.matmul(k, w))
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        assert insight.lint(g) == []
    g = tf.Graph()
    with g.as_default():
        for i in range(2):  # towers: name scopes around one shared variable scope
            with tf.name_scope("tower_%d" % i), tf.variable_scope("shared", reuse=i > 0):
                tf.Variable(0.0, name="count")  # tower_0/shared/count
                tf.get_variable("w", [3])  # shared/w
        assert insight.lint(g) == []


def test_provenance_records_user_call_sites_only(tf):
    with tf.variable_scope("a"):
        w = tf.get_variable("w", [2])
        tf.layers.dense(tf.zeros([1, 2]), 1)
    with tf.variable_scope("a", reuse=True):
        w2 = tf.get_variable("w", [2])
    calls = insight.get_variable_calls(tf.get_default_graph())
    assert [(c.variable, c.requested, c.name_scope) for c in calls] == [
        (w, "w", "a"), (w2, "w", "a_1")]
    assert calls[0].where.endswith("test_lint.py:%d" % (calls[0].lineno,))
    assert calls[1].lineno > calls[0].lineno
    assert np.all([c.function == "test_provenance_records_user_call_sites_only" for c in calls])
