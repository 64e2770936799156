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


_FETCH_INSIDE = """
g = tf.Graph()
with g.as_default():
    n = tf.placeholder(tf.int32, [], name="n")
    tf.while_loop(lambda i: i < n, lambda i: i + 1, [0])
result = []
with tf.Graph().as_default(), tf.Session() as s:
    tf.import_graph_def(g.as_graph_def(), name="")
    for trips in (0, 1, 2):
        for fetch in (["while/add:0"], ["while/Exit:0", "while/add:0"], ["while/Less:0"],
                      ["while/Identity:0"]):
            try:
                result.append([int(v) for v in s.run(fetch, {"n:0": trips})])
            except tf.errors.OpError as e:
                result.append([type(e).__name__, e.message])
"""


@pytest.mark.oracle
def test_value_inside_a_loop_is_tfs(oracle):
    """A value inside an imported loop is fetched when its op ran once; otherwise TF's errors
    (never ran: InvalidArgumentError, ran again: InternalError naming TF's _retval node)."""
    from oracle import run_here
    there = oracle(_FETCH_INSIDE)
    assert "ok" in there, there
    assert run_here(_FETCH_INSIDE) == there
