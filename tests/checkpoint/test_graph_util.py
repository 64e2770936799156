"""tf.graph_util (freezing, sub-graphs, pruning) and tf.io.write_graph against real TF; a frozen
graph written by one side runs on the other."""

import re

import pytest
from oracle import explain, run_here

_CLASS = re.compile(r"<class '[^']*'>")  # TF's classes and scopeflow's are named differently

_NODES = "[(n.name, n.op, list(n.input), sorted(n.attr)) for n in %s.node]"

CASES = [
    # control inputs and colocations are followed; graph order is kept
    "a = tf.constant(1.0, name='a')\nb = tf.constant(2.0, name='b')\n"
    "with tf.control_dependencies([b]):\n  c = tf.identity(a, name='c')\n"
    "with tf.colocate_with(a):\n  d = tf.constant(3.0, name='d')\n"
    "e = tf.add(c, d, name='e')\ntf.constant(0.0, name='unused')\n"
    "gd = tf.get_default_graph().as_graph_def()\n"
    "sub = tf.graph_util.extract_sub_graph(gd, ['e'])\n"
    "result = [" + _NODES % "sub" + ", sub.versions.producer == gd.versions.producer]",
    "tf.constant(1.0, name='a')\n"
    "tf.graph_util.extract_sub_graph(tf.get_default_graph().as_graph_def(), 'a')",
    "tf.constant(1.0, name='a')\n"
    "tf.graph_util.extract_sub_graph(tf.get_default_graph().as_graph_def(), ['zz'])",
    "tf.graph_util.extract_sub_graph(tf.get_default_graph(), ['zz'])",
    # CheckNumerics dropped, Identity / StopGradient spliced out unless protected, colocated or
    # under a control edge
    "x = tf.placeholder(tf.float32, [2], name='x')\ni = tf.identity(x, name='i')\n"
    "s = tf.stop_gradient(i, name='s')\nc = tf.check_numerics(s, 'bad', name='c')\n"
    "with tf.control_dependencies([c]):\n  k = tf.identity(s, name='k')\n"
    "y = tf.multiply(k, 2.0, name='y')\n"
    "gd = tf.get_default_graph().as_graph_def()\n"
    "out = tf.graph_util.remove_training_nodes(gd)\n"
    "out2 = tf.graph_util.remove_training_nodes(gd, protected_nodes=['i', 'c'])\n"
    "result = [" + _NODES % "out" + ", " + _NODES % "out2" + ", out.versions.producer]",
    "x = tf.constant([1, 2], name='x')\ns = tf.constant('a', name='s')\n"
    "f = tf.constant(1.0, name='f')\nv = tf.get_variable('v', [1])\n"
    "c = tf.cast(x, tf.float32, name='c')\n"
    "g = tf.get_default_graph()\n"
    "result = [(o.name, tf.graph_util.must_run_on_cpu(o),\n"
    "           tf.graph_util.must_run_on_cpu(o.node_def, True)) for o in g.get_operations()]",
    "x = tf.placeholder(tf.float32, [None, 3], name='x')\n"
    "y = tf.split(x, [1, 2], axis=1, name='y')\n"
    "g = tf.get_default_graph()\n"
    "result = [str(tf.graph_util.tensor_shape_from_node_def_name(g, n)) for n in ('x', 'y:1')]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CASES)
def test_graph_util_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    if "raises" in there:
        assert here.get("raises") == there["raises"], explain(code, here, there)
        assert _CLASS.sub("C", here["msg"]) == _CLASS.sub("C", there["msg"])
    else:
        assert here == there, explain(code, here, there)


_FREEZE = """
import os
x = tf.placeholder(tf.float32, [None, 2], name="x")
w = tf.get_variable("w", initializer=[[1.0], [2.0]])
b = tf.get_variable("b", initializer=[0.5])
y = tf.add(tf.matmul(x, w), b, name="y")
z = tf.nn.relu(y * tf.cond(tf.reduce_sum(x) > 0, lambda: w[0, 0], lambda: -w[1, 0]), name="z")
step = tf.train.get_or_create_global_step()
train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(z), global_step=step)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train, {x: [[1.0, 2.0]]})
    gd = sess.graph.as_graph_def()
    frozen = tf.graph_util.convert_variables_to_constants(sess, gd, ["z"])
    partly = tf.graph_util.convert_variables_to_constants(sess, gd, ["y"],
                                                          variable_names_blacklist=["b"])
    only = tf.graph_util.convert_variables_to_constants(sess, gd, ["y"],
                                                        variable_names_whitelist=["b"])
tf.io.write_graph(frozen, DIR, "frozen.pb", as_text=False)
def _values(t):  # the stored field and the values (rounded in the comparison)
    if t.tensor_content:
        return ["tensor_content", np.frombuffer(t.tensor_content, np.float32).tolist()]
    return ["float_val", list(t.float_val), str(t.tensor_shape)]
consts = {n.name: _values(n.attr["value"].tensor) for n in frozen.node
          if n.op == "Const" and n.name in ("w", "b")}
result = [[(n.name, n.op, list(n.input), dict((k, str(v)) for k, v in n.attr.items()
            if k in ("T", "dtype"))) for n in g.node] for g in (frozen, partly, only)]
result.append(consts)
"""

_RUN_FROZEN = """
gd = tf.GraphDef()
with open(DIR + "/frozen.pb", "rb") as f:
    gd.ParseFromString(f.read())
z, = tf.import_graph_def(gd, return_elements=["z:0"], name="")
with tf.Session() as sess:
    result = [sess.run(z, {"x:0": [[1.0, 2.0], [-1.0, -3.0]]}).tolist(),
              sorted(o.type for o in tf.get_default_graph().get_operations())]
"""


@pytest.mark.oracle
def test_frozen_graph_runs_on_both_sides(oracle, tmp_path):
    here_dir, there_dir = tmp_path / "here", tmp_path / "there"
    here = run_here("DIR = %r\n" % str(here_dir) + _FREEZE)
    there = oracle("DIR = %r\n" % str(there_dir) + _FREEZE)
    assert here == there, explain(_FREEZE, here, there)
    for d in (here_dir, there_dir):
        prog = "DIR = %r\n" % str(d) + _RUN_FROZEN
        ran_here, ran_there = run_here(prog), oracle(prog)
        assert ran_here == ran_there, explain(prog, ran_here, ran_there)
        assert "VariableV2" not in ran_here["ok"][1]


_WRITE = """
import os
a = tf.constant([1.0, 2.0], name="a")
tf.multiply(a, 2.0, name="m")
g = tf.get_default_graph()
paths = [tf.io.write_graph(g, DIR, "g.pbtxt"), tf.train.write_graph(g.as_graph_def(), DIR + "/sub",
         "g.pb", as_text=False)]
gd = tf.GraphDef()
with open(DIR + "/sub/g.pb", "rb") as f:
    gd.ParseFromString(f.read())
from google.protobuf import text_format
text = open(DIR + "/g.pbtxt").read()
result = [[os.path.relpath(p, DIR) for p in paths], sorted(os.listdir(DIR)),
          text == text_format.MessageToString(gd), [n.name for n in gd.node]]
"""


@pytest.mark.oracle
def test_write_graph_matches_tf(oracle, tmp_path):
    here = run_here("DIR = %r\n" % str(tmp_path / "here") + _WRITE)
    there = oracle("DIR = %r\n" % str(tmp_path / "there") + _WRITE)
    assert here == there, explain(_WRITE, here, there)


@pytest.mark.oracle
def test_graph_def_versions_match_tf(oracle):
    code = ("g = tf.get_default_graph()\nresult = [str(g.graph_def_versions),"
            " str(g.as_graph_def().versions),"
            " str(tf.train.export_meta_graph().graph_def.versions)]")
    assert run_here(code) == oracle(code)
