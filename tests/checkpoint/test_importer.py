"""tf.import_graph_def: names, input maps, return elements, errors, and GraphDefs from TF."""

import tracemalloc

import numpy as np
import pytest
from oracle import explain, run_here, same
from tensorboard.compat.proto import attr_value_pb2, graph_pb2

from scopeflow.checkpoint.attrs import decode_attr, tensor_value

_BASE = ("g = tf.Graph()\nwith g.as_default():\n"
         "  x = tf.placeholder(tf.float32, [2], name='x')\n"
         "  y = tf.add(x, 1.0, name='y')\n  z = tf.identity(y, name='z')\n"
         "gd = g.as_graph_def()\n")
_OPS = "[o.name for o in tf.get_default_graph().get_operations()]"

PROGRAMS = [
    _BASE + "r = tf.import_graph_def(gd)\nr2 = tf.import_graph_def(gd)\nresult = [r, %s]" % _OPS,
    _BASE + "c = tf.constant([5., 6.], name='c')\n"
    "r = tf.import_graph_def(gd, input_map={'x:0': c}, return_elements=['z:0', 'y'], name='m')\n"
    "result = [[t.name for t in r], [i.name for i in r[1].inputs], %s]" % _OPS,
    _BASE + "tf.import_graph_def(gd, return_elements=['q:0'])",
    _BASE + "tf.import_graph_def(gd, return_elements=['q'])",
    _BASE + "tf.import_graph_def(gd, input_map={'q:0': tf.constant(1.0)})",
    _BASE + "tf.import_graph_def(gd, input_map={'x:0': tf.constant([1, 2])})",
    _BASE + "tf.placeholder(tf.float32, name='x')\nr = tf.import_graph_def(gd, name='')\n"
    "result = %s" % _OPS,
    _BASE + "with tf.name_scope('outer'):\n  r = tf.import_graph_def(gd, return_elements=['z:0'])\n"
    "result = [r[0].name, r[0].shape.as_list(), r[0].dtype.name]",
    _BASE + "tf.constant(1.0, name='import')\nr = tf.import_graph_def(gd, return_elements=['z:0'])\n"
    "result = r[0].name",
    "tf.import_graph_def(5)",
    "g = tf.Graph()\nwith g.as_default():\n  a = tf.constant(1.0, name='a')\n"
    "  with tf.device('/cpu:0'), tf.control_dependencies([a]):\n    b = tf.constant(2.0, name='b')\n"
    "  with tf.colocate_with(a):\n    c = tf.identity(b, name='c')\n"
    "gd = g.as_graph_def()\nwith tf.device('/gpu:1'):\n"
    "  r = tf.import_graph_def(gd, return_elements=['b', 'c'])\n"
    "result = [(o.name, o.device, [x.name for x in o.control_inputs], o.colocation_groups())"
    " for o in r]",
    # list inputs (N), multiple outputs, attrs of several kinds
    "g = tf.Graph()\nwith g.as_default():\n  a = tf.constant([[1., 2.], [3., 4.]], name='a')\n"
    "  s = tf.split(a, 2, axis=1, name='s')\n  c = tf.concat([s[1], s[0]], 0, name='c')\n"
    "  m = tf.matmul(a, a, transpose_b=True, name='m')\n"
    "  r = tf.reduce_sum(m, axis=[0], keepdims=True, name='r')\n"
    "  k = tf.cast(r, tf.int32, name='k')\n  n = tf.add_n([a, a, a], name='n')\n"
    "r = tf.import_graph_def(g.as_graph_def(), return_elements=['s:1', 'c:0', 'm:0', 'k:0',"
    " 'n:0'])\nresult = [[(t.name, t.shape.as_list(), t.dtype.name) for t in r]]\n"
    "with tf.Session() as sess: result.append(sess.run(r))",
    # variables come back as ops that a Session can initialize and run
    "g = tf.Graph()\nwith g.as_default():\n  v = tf.Variable([1.0, 2.0], name='v')\n"
    "  out = tf.identity(v * 2.0, name='out')\n"
    "r = tf.import_graph_def(g.as_graph_def(), return_elements=['v/Assign', 'out:0'], name='i')\n"
    "with tf.Session() as sess:\n  sess.run(r[0])\n  result = [sess.run(r[1]), %s]" % _OPS,
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_import_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
    if "raises" in there:
        assert here["msg"] == there["msg"], explain(code, here, there)


def _node(gd, name, op, inputs=()):
    n = gd.node.add(name=name, op=op)
    n.input.extend(inputs)
    return n


def test_unknown_op_is_not_found(tf):
    gd = graph_pb2.GraphDef()
    _node(gd, "a", "FooBar")
    with pytest.raises(tf.errors.NotFoundError, match="Op type not registered 'FooBar'"):
        tf.import_graph_def(gd)


def test_unknown_input_is_value_error(tf):
    gd = graph_pb2.GraphDef()
    _node(gd, "a", "Identity", ["nope"])
    with pytest.raises(ValueError, match="Node 'a': Unknown input node 'nope'"):
        tf.import_graph_def(gd)


def test_nodes_out_of_order_are_created_inputs_first(tf):
    g = tf.Graph()
    with g.as_default():
        x = tf.constant([1.0, 2.0], name="x")
        tf.identity(x * 3.0, name="y")
    gd = g.as_graph_def()
    nodes = list(gd.node)
    del gd.node[:]
    gd.node.extend(reversed(nodes))
    y, = tf.import_graph_def(gd, return_elements=["y:0"], name="")
    assert [o.name for o in tf.get_default_graph().get_operations()][-1] == "y"
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y), [3.0, 6.0])


@pytest.mark.parametrize("value", [np.float32(2.5), np.arange(6, dtype=np.int64).reshape(2, 3),
                                   np.array([b"a", b"bc"], dtype=object),
                                   np.ones((2, 2), np.float16), np.array([1 + 2j], np.complex64),
                                   np.array([True, False]), np.zeros((3,), np.float32)])
def test_tensor_values_round_trip(value):
    from scopeflow.summary.graph_def import tensor_proto
    got = tensor_value(tensor_proto(value))
    assert got.dtype == np.asarray(value).dtype and got.shape == np.shape(value)
    assert got.tolist() == np.asarray(value).tolist()


def test_decode_attr_kinds(tf):
    av = attr_value_pb2.AttrValue
    assert decode_attr(av(s=b"SAME")) == "SAME"
    assert decode_attr(av(s=b"\xff")) == b"\xff"
    assert decode_attr(av(b=True)) is True
    assert decode_attr(av(list=av.ListValue(type=[1, 3]))) == [tf.float32, tf.int32]
    assert decode_attr(av(list=av.ListValue())) == []
    assert decode_attr(av(shape=tf.TensorShape([None, 2]).as_proto())).as_list() == [None, 2]


@pytest.mark.oracle
def test_graph_def_from_tf_runs_here(oracle, tmp_path):
    path = str(tmp_path / "g.pb")
    code = ("g = tf.Graph()\nwith g.as_default():\n"
            "  x = tf.placeholder(tf.float32, [None, 3], name='x')\n"
            "  w = tf.constant(np.arange(6.0).reshape(3, 2), dtype=tf.float32, name='w')\n"
            "  h = tf.maximum(tf.matmul(x, w) - 4.0, 0.0, name='h')\n"
            "  o = tf.reduce_mean(tf.concat([h, h * 2.0], axis=1), axis=1, name='o')\n"
            "tf.io.write_graph(g.as_graph_def(), %r, 'g.pb', as_text=False)\n"
            "with tf.Session(graph=g) as sess:\n"
            "  result = sess.run(o, {x: [[1., 2., 3.], [0., 1., 0.]]})" % str(tmp_path))
    there = oracle(code)
    assert "ok" in there, there
    gd = graph_pb2.GraphDef()
    with open(path, "rb") as f:
        gd.ParseFromString(f.read())
    import scopeflow.compat.v1 as tf
    x, o = tf.import_graph_def(gd, return_elements=["x:0", "o:0"], name="tf")
    assert o.name == "tf/o:0"
    with tf.Session() as sess:
        got = sess.run(o, {x: [[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]]})
    np.testing.assert_allclose(got, there["ok"], rtol=1e-5)


def test_same_graph_round_trip(tf):
    g = tf.Graph()
    with g.as_default():
        a = tf.placeholder(tf.float32, [None], name="a")
        b = tf.reduce_sum(a * a, name="b")
    before = g.as_graph_def()
    g2 = tf.Graph()
    with g2.as_default():
        tf.import_graph_def(before, name="")
    after = g2.as_graph_def()
    assert [(n.name, n.op, list(n.input)) for n in after.node] == \
        [(n.name, n.op, list(n.input)) for n in before.node]
    assert b.name == "b:0"


# ---- hostile GraphDefs: TF's errors, raised at once, nothing allocated ---------------------
_F = 'attr { key: "T" value { type: DT_FLOAT } }'
_CONST = ('node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } '
          'attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { %s } %s } } } }')
HOSTILE = {
    "cycle": 'node { name: "a" op: "Identity" input: "b" %s }\n'
             'node { name: "b" op: "Identity" input: "a" %s }' % (_F, _F),
    "cycle_after_a_const": (_CONST % ("", "float_val: 1") + '\nnode { name: "a" op: "AddV2" '
                            'input: "c" input: "b" %s }\nnode { name: "b" op: "Identity" '
                            'input: "a" %s }\nnode { name: "d" op: "Identity" input: "b" %s }'
                            % (_F, _F, _F)),
    "self_loop": 'node { name: "a" op: "Identity" input: "a" %s }' % _F,
    "control_cycle": 'node { name: "a" op: "NoOp" input: "^b" }\n'
                     'node { name: "b" op: "NoOp" input: "^a" }',
    "duplicate": 'node { name: "a" op: "NoOp" }\nnode { name: "a" op: "NoOp" }',
    "unknown_op": 'node { name: "a" op: "FrobnicateV9" }',
    "negative_dim": _CONST % ("dim { size: -5 }", "float_val: 1"),
    "too_large": _CONST % ("dim { size: 4000000000000 } dim { size: 4000000000000 }",
                           "float_val: 1"),
    "too_large_placeholder": 'node { name: "p" op: "Placeholder" attr { key: "dtype" value { '
                             'type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: '
                             '1000000000 } dim { size: 1000000000 } dim { size: 1000000000 } } '
                             '} } }',
}


def _hostile_code(text):
    return ("from google.protobuf import text_format\n"
            "gd = text_format.Parse(%r, tf.GraphDef())\n"
            "tf.import_graph_def(gd, name='')\n"
            "result = [o.name for o in tf.get_default_graph().get_operations()]" % text)


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_graph_defs_raise_tfs_errors(oracle, case):
    code = _hostile_code(HOSTILE[case])
    here, there = run_here(code), oracle(code)
    assert "raises" in there and same(here, there), explain(code, here, there)
    # TF renders the attrs of the node in full; the part users read is the same
    assert here["msg"].split(" for '{{node")[0] == there["msg"].split(" for '{{node")[0]


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_graph_defs_fail_fast_without_allocating(tf, case):
    from google.protobuf import text_format
    gd = text_format.Parse(HOSTILE[case], graph_pb2.GraphDef())
    tracemalloc.start()
    try:
        with pytest.raises((ValueError, tf.errors.NotFoundError)):
            tf.import_graph_def(gd, name="")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


def test_a_huge_splat_constant_is_imported_without_its_values(tf):
    from google.protobuf import text_format
    text = _CONST % ("dim { size: 1000000 } dim { size: 1000000 }", "float_val: 2")
    tracemalloc.start()
    try:
        tf.import_graph_def(text_format.Parse(text, graph_pb2.GraphDef()), name="")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20  # 10^12 floats claimed, none allocated
    c = tf.get_default_graph().get_operation_by_name("c")
    assert c.outputs[0].shape.as_list() == [1000000, 1000000]
    assert c.get_attr("value").float_val == [2.0]  # a TensorProto, as in TF
    exported = tf.get_default_graph().as_graph_def().node[0].attr["value"].tensor
    assert list(exported.float_val) == [2.0] and not exported.tensor_content


def test_a_splat_constant_runs(tf):
    from google.protobuf import text_format
    text = _CONST % ("dim { size: 300 } dim { size: 200 }", "float_val: 2")
    c, = tf.import_graph_def(text_format.Parse(text, graph_pb2.GraphDef()),
                             return_elements=["c:0"])
    with tf.Session() as s:
        value = s.run(c)
    assert value.shape == (300, 200) and (value == 2.0).all()


def test_a_while_loops_back_edge_is_no_cycle(tf):
    from google.protobuf import text_format
    text = (_CONST % ("", "float_val: 1") + '\nnode { name: "e" op: "Enter" input: "c" %s '
            'attr { key: "frame_name" value { s: "f" } } }\n'
            'node { name: "m" op: "Merge" input: "e" input: "n" %s '
            'attr { key: "N" value { i: 2 } } }\n'
            'node { name: "n" op: "NextIteration" input: "m" %s }' % (_F, _F, _F))
    tf.import_graph_def(text_format.Parse(text, graph_pb2.GraphDef()), name="imp")
    merge = tf.get_default_graph().get_operation_by_name("imp/m")
    assert [t.op.name for t in merge.inputs] == ["imp/e", "imp/n"]


def test_import_keeps_the_manual_control_dependency_mark(tf):
    """An op TF marked `_has_manual_control_dependencies` (named in tf.control_dependencies,
    taken by no op) keeps the mark through import_graph_def."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2], name="x")
        y = tf.identity(x, name="y")
        with tf.control_dependencies([y]):
            pass
    gd = g.as_graph_def()
    assert gd.node[1].attr["_has_manual_control_dependencies"].b
    h = tf.Graph()
    with h.as_default():
        tf.import_graph_def(gd, name="")
    marked = [n.name for n in h.as_graph_def().node if "_has_manual_control_dependencies" in n.attr]
    assert marked == ["y"]
