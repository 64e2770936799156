"""Resource variables in files: VariableDefs, meta graphs and checkpoints that TF loads and
that scopeflow loads from TF, ref and resource variables restoring each other's checkpoints."""

import pytest
from oracle import run_here

# a model of resource variables (layers, an embedding, a counter) with updates and a Saver
BUILD = """
import numpy as np
x = tf.placeholder(tf.float32, [None, 3], name="x")
with tf.variable_scope("net", use_resource=True):
    h = tf.layers.dense(x, 4, activation=tf.nn.relu, name="d1",
                        kernel_initializer=tf.constant_initializer(0.3))
    y = tf.layers.dense(h, 1, name="d2", kernel_initializer=tf.constant_initializer(-0.2))
    emb = tf.get_variable("emb", [5, 2], initializer=tf.constant_initializer(0.5))
look = tf.nn.embedding_lookup(emb, [0, 3])
out = tf.identity(tf.reduce_sum(y) + tf.reduce_sum(look), name="out")
c = tf.Variable(0, use_resource=True, name="count")
upd = tf.group(c.assign_add(1), tf.scatter_add(emb, [0], [[1.0, 1.0]]),
               net_update(), name="upd")
tf.add_to_collection("out", out)
tf.add_to_collection("upd", upd)
saver = tf.train.Saver()
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(upd)
    saver.save(s, PATH)
    result = [s.run([out, c], {x: np.ones((2, 3))})]
    s.run(upd)
    result.append(s.run([out, c], {x: np.ones((2, 3))}))
result.append([(v.name, type(v).__name__, v.op.type) for v in tf.global_variables()])
"""

NET_UPDATE = """
def net_update():
    k = tf.trainable_variables()[0]
    return k.assign(k * 0.5)
"""

# the saved meta graph, imported with the checkpoint: the same values, one more update
LOAD = """
import numpy as np
saver = tf.train.import_meta_graph(PATH + ".meta")
out, upd = tf.get_collection("out")[0], tf.get_collection("upd")[0]
with tf.Session() as s:
    saver.restore(s, PATH)
    result = [s.run(out, {"x:0": np.ones((2, 3))})]
    s.run(upd)
    result.append(s.run([out, tf.global_variables()[-1].value()], {"x:0": np.ones((2, 3))}))
result.append([(v.name, type(v).__name__, v.op.type) for v in tf.global_variables()])
result.append(sorted(tf.train.list_variables(PATH)))
"""


def _code(template, path):
    return "PATH = %r\n" % path + NET_UPDATE + template


@pytest.mark.parametrize("writer,reader", [("scopeflow", "tf"), ("tf", "scopeflow"),
                                           ("scopeflow", "scopeflow")])
def test_meta_graph_round_trips(oracle, tmp_path, writer, reader):
    path = str(tmp_path / "model")
    engines = {"scopeflow": run_here, "tf": oracle}
    built = engines[writer](_code(BUILD, path))
    assert "ok" in built, built
    loaded = engines[reader](_code(LOAD, path))
    assert "ok" in loaded, loaded
    first, after, kinds, listed = loaded["ok"]
    assert first == pytest.approx(built["ok"][0][0], abs=1e-5)
    assert after == pytest.approx(built["ok"][1], abs=1e-5)
    assert kinds == built["ok"][2]
    assert [n for n, _ in listed] == sorted(n[:-2] for n, _, _ in kinds)


MIXED = """
import numpy as np
with tf.variable_scope("m", use_resource=RESOURCE):
    a = tf.get_variable("a", [2], initializer=tf.constant_initializer(VALUE))
    b = tf.Variable([VALUE, VALUE + 1], name="b")
saver = tf.train.Saver()
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    if SAVE:
        saver.save(s, PATH)
    else:
        saver.restore(s, PATH)
    result = [type(a).__name__, s.run([a, b])]
"""


@pytest.mark.parametrize("saved_resource", [True, False])
@pytest.mark.parametrize("writer", ["scopeflow", "tf"])
def test_checkpoints_load_across_kinds(oracle, tmp_path, saved_resource, writer):
    path = str(tmp_path / "ck")

    def code(resource, save, value):
        return "PATH, RESOURCE, SAVE, VALUE = %r, %r, %r, %r\n" % (
            path, resource, save, value) + MIXED

    engines = {"scopeflow": run_here, "tf": oracle}
    saved = engines[writer](code(saved_resource, True, 3.0))
    there = oracle(code(not saved_resource, False, 0.0))
    here = run_here(code(not saved_resource, False, 0.0))
    assert here == there
    assert here["ok"][1] == saved["ok"][1] == [[3.0, 3.0], [3.0, 4.0]]
    assert here["ok"][0] == ("RefVariable" if saved_resource else "ResourceVariable")


def test_variable_def_round_trip(tf):
    v = tf.Variable([1.0, 2.0], use_resource=True, name="w")
    d = v.to_proto()
    assert (d.variable_name, d.snapshot_name, d.initializer_name, d.is_resource) == (
        "w:0", "w/Read/ReadVariableOp:0", "w/Assign", True)
    w = tf.Variable(variable_def=d)
    assert type(w).__name__ == "ResourceVariable"
    assert (w.name, w.handle is v.handle, w.initializer is v.initializer, w.shape) == (
        "w:0", True, True, v.shape)
    with tf.Session() as s:
        s.run(w.initializer)
        assert s.run(w).tolist() == [1.0, 2.0]
