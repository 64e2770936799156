"""scopeflow.insight.explain and `scopeflow explain NAME --graph|--script`: names explained from
the graph (variable, optimizer slot, gradient of an op, name scope, op), patterns only without
a graph."""

import os
import subprocess
import sys

from scopeflow import insight

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = """import tensorflow.compat.v1 as tf
with tf.variable_scope("scope"):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.get_variable("w", [3, 2])
    h = tf.matmul(x, w)
    y = tf.layers.dense(h, 1)
with tf.variable_scope("scope", reuse=True):
    w_again = tf.get_variable("w")
loss = tf.reduce_mean(tf.square(y))
train = tf.train.AdamOptimizer(0.1).minimize(loss)
mom = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
saver = tf.train.Saver()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    saver.save(sess, %r)
"""


def _graph(tf):
    body = "\n" + SCRIPT.split("saver =")[0].split("\n", 1)[1]  # line numbers kept
    exec(body, {"tf": tf})  # noqa: S102
    return tf.get_default_graph()


def test_variable_with_creation_and_reuse(tf):
    e = insight.explain(_graph(tf), "scope/w")
    assert e.kind == "variable"
    assert "created by tf.get_variable at" in e.lines[0] and ":4 (in <module>)" in e.lines[0]
    assert any(ln.strip().endswith(":8 (in <module>)") for ln in e.lines)  # the reuse
    assert any("updated by Adam/update_scope/w/ApplyAdam" in ln for ln in e.lines)


def test_slots_of_which_optimizer_for_which_variable(tf):
    g = _graph(tf)
    e = insight.explain(g, "scope/w/Adam_1:0")
    assert e.kind == "slot"
    assert e.lines[0] == ("scope/w/Adam_1:0: the Adam optimizer's second moment (v) slot of "
                          "variable 'scope/w'")
    assert insight.explain(g, "scope/dense/kernel/Adam").lines[0].endswith(
        "the Adam optimizer's first moment (m) slot of variable 'scope/dense/kernel'")
    assert insight.explain(g, "scope/w/Momentum").lines[0].endswith(
        "the Momentum optimizer's momentum accumulator slot of variable 'scope/w'")
    assert "non-slot variable" in str(insight.explain(g, "beta1_power"))


def test_optimizer_named_by_its_update_not_its_scope(tf):
    w = tf.get_variable("w", [2], use_resource=True)
    with tf.name_scope("training"):
        tf.train.RMSPropOptimizer(0.1, momentum=0.9).minimize(tf.reduce_sum(w), name="step")
    g = tf.get_default_graph()
    assert insight.explain(g, "w/RMSProp_1").lines[0] == (
        "w/RMSProp_1: the RMSProp optimizer's momentum slot of variable 'w'")
    assert "the train op of the RMSProp optimizer" in insight.explain(g, "training/step").lines[0]


def test_moving_average_shadow(tf):
    w = tf.get_variable("w", [2])
    tf.train.ExponentialMovingAverage(0.9).apply([w])
    e = insight.explain(tf.get_default_graph(), "w/ExponentialMovingAverage")
    assert e.lines[0] == ("w/ExponentialMovingAverage: the moving-average shadow of variable "
                          "'w' (tf.train.ExponentialMovingAverage)")


def test_gradient_of_which_op(tf):
    g = _graph(tf)
    e = insight.explain(g, "gradients/scope/dense/MatMul_grad/MatMul")
    assert e.kind == "gradient"
    assert "part of the gradient of op 'scope/dense/MatMul'" in e.lines[0]
    assert "gradient of op 'scope/MatMul'" in insight.explain(
        g, "gradients_1/scope/MatMul_grad/MatMul_1:0").lines[0]


def test_name_scope_op_and_unknown(tf):
    g = _graph(tf)
    scope = insight.explain(g, "scope/dense")
    assert scope.kind == "name_scope" and "a variable scope" in str(scope)
    assert "scope/dense/kernel" in str(scope)
    assert "the scope of one tf.gradients call" in str(insight.explain(g, "gradients"))
    op = insight.explain(g, "scope/MatMul")
    assert op.kind == "op" and "op of type MatMul, defined at" in op.lines[0]
    assert "  inputs: scope/x:0, scope/w/read:0" in op.lines
    read = insight.explain(g, "scope/w/read:0")
    assert read.kind == "variable_op" and "read snapshot (Identity) of variable 'scope/w'" in \
        read.lines[0]
    assert "the train op of the Adam optimizer" in insight.explain(g, "Adam").lines[0]
    unknown = insight.explain(g, "scope/MatMull")
    assert unknown.kind == "unknown" and "scope/MatMul" in unknown.lines[1]


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "explain", *args],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def test_cli_explains_from_a_script_and_from_its_checkpoint(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT % str(tmp_path / "model"))
    code, out, err = _cli("scope/w", "--script", str(script))
    assert code == 0, err
    assert out.startswith("scope/w: variable 'scope/w', created by tf.get_variable at %s:4"
                          % script)
    assert "%s:8 (in <module>)" % script in out
    assert not (tmp_path / "model.index").exists()  # stopped at the first Session.run
    subprocess.run([sys.executable, "-m", "scopeflow", "run", str(script)], check=True,
                   env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, timeout=300)
    code, out, err = _cli("scope/w/Adam_1", "--graph", str(tmp_path / "model"))
    assert code == 0, err
    assert out.splitlines()[0] == ("scope/w/Adam_1: the Adam optimizer's second moment (v) "
                                   "slot of variable 'scope/w'")
    code, out, _ = _cli("gradients/scope/MatMul_grad/MatMul", "--graph",
                        str(tmp_path / "model.meta"))
    assert "part of the gradient of op 'scope/MatMul'" in out


def test_cli_falls_back_to_patterns_without_a_graph():
    code, out, _ = _cli("s/w/Adam_1:0")
    assert code == 0 and "Adam_1: Adam's slot variable for s/w" in out
