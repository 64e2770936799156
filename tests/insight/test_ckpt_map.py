"""scopeflow.insight.ckpt_map and `scopeflow ckpt-map`: checkpoint keys onto renamed graphs,
restored through the emitted assignment_map with equal values (also from a TF-written
checkpoint)."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from scopeflow.insight import ckpt_map

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MODEL = """
def model(outer, extra_layer=False):
    with tf.variable_scope(outer):
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        if extra_layer:
            tf.layers.dense(x, 7)  # takes the name dense: the model's layers become dense_1, _2
        h = tf.layers.dense(x, 4, activation=tf.nn.relu)
        y = tf.layers.dense(h, 1)
        p = tf.get_variable("p", [6, 2], partitioner=tf.fixed_size_partitioner(2))
    loss = tf.reduce_mean(tf.square(y)) + tf.reduce_sum(p)
    return tf.train.AdamOptimizer(0.1).minimize(loss)
"""


def _save_old(tf, path):
    """Trains the model under scope `old` one step and saves it; returns {name: value}."""
    env = {"tf": tf}
    exec(MODEL, env)  # noqa: S102
    g = tf.Graph()
    with g.as_default():
        train = env["model"]("old")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {"old/x:0": np.ones((2, 3), np.float32)})
            values = {v.op.name: sess.run(v) for v in tf.global_variables()}
            saver.save(sess, path)
    return env, values


def _restored(tf, path, mapping):
    tf.train.init_from_checkpoint(path, mapping)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return {v.op.name: sess.run(v) for v in tf.global_variables()}


def _full(values, name):
    """The whole value of a (maybe partitioned) variable from {op name: value}."""
    if name in values:
        return values[name]
    parts = sorted(k for k in values if re.sub(r"/part_\d+", "", k) == name)  # p/part_0/Adam
    return np.concatenate([values[k] for k in parts])


def test_renamed_outer_scope_restores_equal_values(tf, tmp_path):
    path = str(tmp_path / "old")
    env, old = _save_old(tf, path)
    env["model"]("tower_0/new", extra_layer=True)
    found = ckpt_map.map_checkpoint(path, tf.get_default_graph())
    assert found.rules[:2] == [
        "scope prefix 'old/' -> 'tower_0/new/' (inferred, 3 variables)",
        ("_N suffixes renumbered under scope prefix 'old/' -> 'tower_0/new/' (inferred, "
         "12 variables)")]
    amap = found.assignment_map
    assert amap["old/dense/kernel"] == "tower_0/new/dense_1/kernel"
    # slots by their key in get_variable's store, as TF's init_from_checkpoint needs them
    assert amap["old/dense_1/bias/Adam_1"] == "tower_0/new/dense_2/bias/Adam_1/"
    assert amap["old/p"] == "tower_0/new/p"
    assert amap["beta1_power"].name == "beta1_power:0"  # tf.Variable: the variable itself
    assert len(amap) == 17 and not found.ambiguous and not found.left_checkpoint
    assert found.left_graph == ["tower_0/new/dense/bias", "tower_0/new/dense/kernel"]
    new = _restored(tf, path, amap)
    for key, target in found.names.items():
        np.testing.assert_array_equal(_full(new, target), _full(old, key))


def test_stated_rule_and_the_slot_of_a_second_optimizer_instance(tf):
    with tf.variable_scope("enc"):
        w = tf.get_variable("w", [2, 3])
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    opt.minimize(tf.reduce_sum(w))
    ckpt = {"model/w": ((2, 3), "float32"), "model/w/Momentum_1": ((2, 3), "float32"),
            "model/w/Adam": ((2, 3), "float32"), "model/v": ((5,), "float32")}
    found = ckpt_map.map_variables(ckpt, tf.get_default_graph(), [("model/", "enc/")])
    assert found.names == {"model/w": "enc/w", "model/w/Momentum_1": "enc/w/Momentum"}
    assert found.rules == ["scope prefix 'model/' -> 'enc/' (stated, 1 variable)",
                           ("_N suffixes renumbered under scope prefix 'model/' -> 'enc/' "
                            "(inferred, 1 variable)")]
    assert found.left_checkpoint == ["model/v", "model/w/Adam"] and found.left_graph == []


def test_shape_checks_ambiguity_and_parts(tf):
    a = tf.get_variable("a", [3])
    tf.get_variable("s1/bias", [4])
    tf.get_variable("s2/bias", [4])
    tf.get_variable("emb", [6, 2], partitioner=tf.fixed_size_partitioner(2))
    tf.get_variable("whole", [4, 2])
    ckpt = {"a": ((5,), "float32"), "t/bias": ((4,), "float32"),
            "emb/part_0": ((3, 2), "float32"), "emb/part_1": ((3, 2), "float32"),
            "whole/part_0": ((2, 2), "float32"), "whole/part_1": ((2, 2), "float32")}
    found = ckpt_map.map_variables(ckpt, tf.get_default_graph())
    assert found.mismatched == [("a", "a", "checkpoint float32 [5], graph float32 [3]")]
    assert found.ambiguous == {"t/bias": ["s1/bias", "s2/bias"]}
    assert found.assignment_map == {"emb/part_0": "emb/part_0", "emb/part_1": "emb/part_1"}
    assert found.names == found.assignment_map
    assert [(p.key, p.target) for p in found.needs_concat] == [
        ("whole/part_0", "whole"), ("whole/part_1", "whole")]
    assert found.left_graph == ["a", "s1/bias", "s2/bias"] and found.left_checkpoint == ["a"]
    report = "\n".join(found.report())
    assert "ambiguous: 1\n  t/bias: could be s1/bias, s2/bias" in report
    del a


TF_WRITER = """
import numpy as np
with tf.variable_scope("tf_model"):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    h = tf.layers.dense(x, 4, activation=tf.nn.relu, name="hidden")
    y = tf.layers.dense(h, 2, name="logits")
train = tf.train.AdamOptimizer(0.05).minimize(tf.reduce_mean(tf.square(y)))
saver = tf.train.Saver()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train, {x: np.ones((2, 3), np.float32)})
    values = {v.op.name: sess.run(v) for v in tf.global_variables()}
    saver.save(sess, PATH)
np.savez(PATH + "_values.npz", **values)
result = sorted(values)
"""


@pytest.mark.oracle
def test_tf_written_checkpoint_onto_another_outer_scope(oracle, tf, tmp_path):
    path = str(tmp_path / "tf_ckpt")
    out = oracle(TF_WRITER.replace("PATH", repr(path)))
    assert "ok" in out, out
    with tf.variable_scope("sf_model"):
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        h = tf.layers.dense(x, 4, activation=tf.nn.relu, name="hidden")
        y = tf.layers.dense(h, 2, name="logits")
    tf.train.AdamOptimizer(0.05).minimize(tf.reduce_mean(tf.square(y)))
    found = ckpt_map.map_checkpoint(path, tf.get_default_graph())
    assert found.rules[0] == "scope prefix 'tf_model/' -> 'sf_model/' (inferred, 12 variables)"
    assert not (found.left_graph or found.left_checkpoint or found.ambiguous)
    values = np.load(path + "_values.npz")
    assert sorted(found.assignment_map) == sorted(values.files) == out["ok"]
    new = _restored(tf, path, found.assignment_map)
    for key, target in found.names.items():
        np.testing.assert_array_equal(new[target], values[key])


def test_cli_maps_a_checkpoint_onto_a_script(tf, tmp_path):
    path = str(tmp_path / "old")
    _save_old(tf, path)
    script = tmp_path / "new.py"
    script.write_text("import tensorflow.compat.v1 as tf\n" + MODEL +
                      "train = model('new')\nwith tf.Session() as s:\n"
                      "    s.run(tf.global_variables_initializer())\n")
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "ckpt-map", path, "--script",
                           str(script)], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=ROOT), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert proc.stdout.startswith("mapped 17 of 17 checkpoint keys (2 of them by exact name)\n"
                                  "rule: scope prefix 'old/' -> 'new/' (inferred, 15 variables)")
    assert '"old/dense/kernel": "new/dense/kernel"' in proc.stdout
    assert '"old/dense/kernel/Adam": "new/dense/kernel/Adam/"' in proc.stdout
    assert proc.stdout.strip().endswith("takes the variables themselves for beta1_power, "
                                        "beta2_power, old/p/Adam, old/p/Adam_1")
