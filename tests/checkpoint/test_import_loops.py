"""Imported TF1 while loops run: the importer rebuilds each frame's loop record
(import_loops.py). TF builds and exports the graphs (meta graph and checkpoint); scopeflow
imports, restores and runs them; the values must be TF's."""

import numpy as np
import pytest

# each entry: (name, program building the graph and setting `fetch` (tensors) and `feed`)
_GRAPHS = {
    "counter": """
i = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [tf.constant(0)])
fetch, feed = [i], {}
""",
    "several_vars": """
x = tf.placeholder(tf.float32, [3], name="x")
r = tf.while_loop(lambda i, a, b: i < 5,
                  lambda i, a, b: (i + 1, a * 2.0 + x, b + tf.reduce_sum(a)), [0, x, 0.0])
fetch, feed = list(r), {"x:0": [1.0, 2.0, 3.0]}
""",
    "nested": """
n = tf.placeholder(tf.int32, [], name="n")
def outer_body(i, acc):
    j, acc2 = tf.while_loop(lambda j, a: j < i,
                            lambda j, a: (j + 1, a + tf.cast(j * i, tf.float32)), [0, acc])
    return i + 1, acc2
r = tf.while_loop(lambda i, a: i < n, outer_body, [0, 0.0])
fetch, feed = list(r), {"n:0": 5}
""",
    "cond_inside": """
r = tf.while_loop(lambda i, a: i < 6, lambda i, a: (i + 1, tf.cond(
    tf.equal(i % 2, 0), lambda: a + 1.0, lambda: a * 2.0)), [0, 1.0])
fetch, feed = list(r), {}
""",
    "variables": """
w = tf.get_variable("w", [2, 2], initializer=tf.constant_initializer([[0.5, 1], [-1, 0.25]]))
v = tf.get_variable("v", [2], use_resource=True, initializer=tf.constant_initializer(0.1))
r = tf.while_loop(lambda k, h: k < 4, lambda k, h: (k + 1, tf.tanh(tf.matmul(h, w) + v)),
                  (0, tf.ones([1, 2])), maximum_iterations=3)
fetch, feed = list(r), {}
""",
    "dynamic_rnn": """
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [2, 5, 3], name="x")
out, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), x, sequence_length=[5, 3],
                            dtype=tf.float32)
fetch = [out, st.c, st.h]
feed = {"x:0": np.cos(np.arange(30)).reshape(2, 5, 3).astype(np.float32)}
""",
}

_EXPORT = """
import numpy as np
outdir = %(dir)r
%(build)s
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    values = s.run(fetch, feed)
    if tf.global_variables():
        tf.train.Saver().save(s, outdir + "/model")
tf.train.export_meta_graph(outdir + "/model.meta")
np.savez(outdir + "/want.npz", *values)
result = [t.name for t in fetch], {k: np.asarray(v).tolist() for k, v in feed.items()}
"""


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(_GRAPHS))
def test_tf_loop_runs_after_import(oracle, tf, tmp_path, name):
    d = str(tmp_path)
    there = oracle(_EXPORT % {"dir": d, "build": _GRAPHS[name]})
    assert "ok" in there, there
    names, feed = there["ok"]
    want = np.load(d + "/want.npz")
    with tf.Graph().as_default(), tf.Session() as s:
        saver = tf.train.import_meta_graph(d + "/model.meta")
        if saver is not None:
            saver.restore(s, d + "/model")
        got = s.run(names, feed)
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, want["arr_%d" % k], rtol=1e-5, atol=1e-6,
                                   err_msg=names[k])


def test_loop_round_trip_through_graph_def(tf):
    """A loop scopeflow built, exported and imported again runs from the rebuilt record."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [], name="x")
        r = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.while_loop(
            lambda j, b: j < i, lambda j, b: (j + 1, b * x), [0, a])[1]), [0, 1.0])
    names = [t.name for t in r]
    with tf.Graph().as_default() as h:
        tf.import_graph_def(g.as_graph_def(), name="imp")
        spec = h.get_tensor_by_name("imp/" + names[1]).op._cf[0]
        assert type(spec).__name__ == "ImportedLoop" and spec.exits
        with tf.Session() as s:
            got = s.run(["imp/" + n for n in names], {"imp/x:0": 2.0})
    assert got[0] == 3 and got[1] == 8.0  # x ** (0 + 1 + 2)


def test_value_inside_a_loop_is_a_tf_error(tf):
    """Fetching a tensor of the loop body is refused with TF's error class, not a KeyError."""
    g = tf.Graph()
    with g.as_default():
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
    with tf.Graph().as_default() as h:
        tf.import_graph_def(g.as_graph_def(), name="")
        with tf.Session() as s, pytest.raises(tf.errors.UnimplementedError,
                                              match="while loop"):
            s.run(h.get_tensor_by_name("while/NextIteration:0"))


_TRAIN = """
import numpy as np
outdir = %(dir)r
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [3, 6, 4], name="x")
y = tf.placeholder(tf.float32, [3, 2], name="y")
cell = %(cell)s
out, _ = tf.nn.dynamic_rnn(cell, x, sequence_length=[6, 4, 2], dtype=tf.float32, scope="rnn")
pred = tf.layers.dense(out[:, -1], 2, name="head")
loss = tf.reduce_mean(tf.square(pred - y)) + 0.1 * tf.reduce_mean(tf.square(out))
train = tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
tf.add_to_collection("train_op", train)
tf.add_to_collection("loss", loss)
rng = np.random.RandomState(0)
X, Y = rng.randn(3, 6, 4).astype(np.float32), rng.randn(3, 2).astype(np.float32)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(train, {x: X, y: Y})
    tf.train.Saver().save(s, outdir + "/model")
tf.train.export_meta_graph(outdir + "/model.meta")
np.savez(outdir + "/data.npz", X=X, Y=Y)
tf.reset_default_graph()
%(step)s
np.savez(outdir + "/after.npz", **got)
result = sorted(got)
"""

# the same text runs under TF (its reference) and under scopeflow
_KEEP_TRAINING = """
d = np.load(outdir + "/data.npz")
feed = {"x:0": d["X"], "y:0": d["Y"]}
got = {}
with tf.Session() as s:
    saver = tf.train.import_meta_graph(outdir + "/model.meta")
    saver.restore(s, outdir + "/model")
    loss, train = tf.get_collection("loss")[0], tf.get_collection("train_op")[0]
    for i in range(3):
        got["loss_%d" % i] = s.run([loss, train], feed)[0]
    got.update({"var:" + v.op.name: s.run(v) for v in tf.global_variables()})
"""


@pytest.mark.oracle
@pytest.mark.parametrize("cell", ["tf.nn.rnn_cell.GRUCell(5)", "tf.nn.rnn_cell.LSTMCell(5)"])
def test_tf_rnn_training_graph_keeps_training(oracle, tf, tmp_path, cell):
    """TF's gradient loop (stacks pushed by the forward loop, popped by the backward loop,
    TensorArray gradients) trains under scopeflow as under TF."""
    d = str(tmp_path)
    there = oracle(_TRAIN % {"dir": d, "cell": cell, "step": _KEEP_TRAINING})
    assert "ok" in there, there
    want = dict(np.load(d + "/after.npz"))
    env = {"tf": tf, "np": np, "outdir": d}
    exec(_KEEP_TRAINING, env)  # noqa: S102 - the same program TF ran
    got = env["got"]
    assert sorted(got) == sorted(want)
    for k in sorted(want):
        np.testing.assert_allclose(got[k], want[k], rtol=2e-5, atol=1e-6, err_msg=k)


def test_stack_push_without_a_bound_is_a_tf_error(tf):
    from scopeflow.ops import stack_ops
    x = tf.placeholder(tf.float32, [])
    h = stack_ops._stack(-1, elem_type=tf.float32)

    def body(i, a):
        with tf.control_dependencies([stack_ops._push(h, a)]):
            return i + 1, a * 2.0

    r = tf.while_loop(lambda i, a: a < x, body, [0, 1.0])
    with tf.Session() as s, pytest.raises(tf.errors.UnimplementedError, match="trip bound"):
        s.run(r, {x: 10.0})
