"""scopeflow.insight.graph_filter and `scopeflow graph --hide --depth --out --text`: hidden and
collapsed scopes, edges rewired through them, read back with TensorBoard's own data API."""

import os
import subprocess
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from scopeflow.insight import graph_filter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _model(tf):
    with tf.variable_scope("model"):
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        h = tf.layers.dense(x, 4, activation=tf.nn.relu, name="hidden")
        y = tf.layers.dense(h, 1, name="out")
    loss = tf.reduce_mean(tf.square(y), name="loss")
    tf.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
    tf.train.Saver()
    return tf.get_default_graph().as_graph_def()


def _edges(graph_def):
    return {n.name: list(n.input) for n in graph_def.node}


def test_hidden_scopes_are_gone_and_edges_rewired(tf):
    full = _model(tf)
    shown = graph_filter.filter_graph_def(full, hide="gradients|save")
    names = {n.name for n in shown.node}
    assert any(n.name.startswith("gradients/") for n in full.node)
    assert not any(n.startswith(("gradients/", "save/")) for n in names)
    edges = _edges(shown)
    # every input names a node that is still there
    assert all(i.lstrip("^").split(":")[0] in names for ins in edges.values() for i in ins)
    # the update of out/kernel took its gradient from gradients/...; now it takes what the
    # gradient was computed from: the hidden layer's activation and the model's output path
    update = edges["train/update_model/out/kernel/ApplyGradientDescent"]
    assert update[:2] == ["model/out/kernel", "train/learning_rate"]
    assert "model/hidden/Relu" in update[2:]


def test_depth_collapses_scopes(tf):
    full = _model(tf)
    shown = graph_filter.filter_graph_def(full, hide="gradients|save|train", depth=2)
    edges = _edges(shown)
    assert set(edges) == {"model/x", "model/hidden", "model/out", "Square", "Const", "loss"}
    assert edges["model/hidden"] == ["model/x"]
    assert edges["model/out"] == ["model/hidden"]
    assert edges["Square"] == ["model/out"] and edges["loss"] == ["Square", "Const"]
    node = next(n for n in shown.node if n.name == "model/hidden")
    assert node.op == graph_filter.SCOPE_OP and node.attr["_collapsed_ops"].i > 5
    text = graph_filter.graph_text(shown)
    assert "  hidden  NameScope <- model/x  (" in text


def test_events_file_opens_in_tensorboard(tf, tmp_path):
    full = _model(tf)
    shown = graph_filter.filter_graph_def(full, hide="gradients|save", depth=3)
    path = graph_filter.write_events(shown, str(tmp_path))
    acc = EventAccumulator(path)
    acc.Reload()
    read = acc.Graph()
    assert _edges(read) == _edges(shown) and len(read.node) < len(full.node)
    assert "model/hidden/kernel" in _edges(read)


def test_cli_writes_the_filtered_graph(tf, tmp_path):
    logdir = tmp_path / "logs"
    tf.summary.FileWriter(str(logdir), graph=None).add_graph(tf.Graph())  # an older, empty one
    _model(tf)
    writer = tf.summary.FileWriter(str(logdir), tf.get_default_graph())
    writer.close()
    out = tmp_path / "shown"
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "graph", str(logdir), "--hide",
                           "gradients|save|train", "--depth", "2", "--out", str(out), "--text"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "  hidden  NameScope <- model/x" in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("wrote %s" % out)
    acc = EventAccumulator(str(out))
    acc.Reload()
    assert "model/out" in {n.name for n in acc.Graph().node}
