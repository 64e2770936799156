"""GraphDef export: node names, op types, inputs, devices and attrs as TF writes them."""

import numpy as np
import pytest
from oracle import explain, run_here

from scopeflow.summary.graph_def import attr_value, shape_proto, tensor_proto

GRAPH = """
from google.protobuf import json_format
{body}
gd = tf.get_default_graph().as_graph_def({args})
result = [json_format.MessageToDict(n) for n in gd.node]
"""
BODIES = [
    """
x = tf.placeholder(tf.float32, [None, 3], name='x')
y = tf.matmul(x, tf.ones([3, 2]))
z = tf.reduce_sum(y, axis=1, keepdims=True)
c = tf.cast(z, tf.int32)""",
    """
a = tf.constant([1.5, 2.0]); b = tf.constant([[1, 2], [3, 4]], tf.int64)
s = tf.constant(['a', 'bc']); t = tf.constant('x'); u = tf.constant([True, False])
h = tf.constant([1.0, 2.0], tf.float16); k = tf.constant(3.0, tf.float64)
z = tf.zeros([2, 3]); o = tf.ones([4], tf.int32)""",
    """
with tf.name_scope('my_scope'):
    v1 = tf.get_variable('var1', [1], dtype=tf.float32)
    v2 = tf.Variable(1, name='var2', dtype=tf.float32)
    a = tf.add(v1, v2)""",
    """
x = tf.placeholder(tf.float32, [4], name='x')
parts = tf.split(x, 2)
c = tf.concat(parts, 0)
r = tf.reshape(c, [2, 2])
st = tf.stack([x, x])
with tf.control_dependencies([r]):
    n = tf.no_op(name='n')
with tf.device('/cpu:0'):
    d = tf.identity(x, name='on_cpu')""",
    """
x = tf.placeholder(tf.int32, [None], name='x')
g = tf.gather(tf.constant([1.0, 2.0, 3.0]), x)
m = tf.reduce_max(g)
e = tf.equal(x, 1)
w = tf.where(e)
t = tf.transpose(tf.ones([2, 3]))""",
    """
b = tf.constant(1., name='b'); a = tf.constant(2., name='a'); z = tf.constant(3., name='z')
with tf.control_dependencies([z, b, a]):  # control inputs: TF's NodeDef sorts them by name
    d = tf.identity(b, name='d')
with tf.control_dependencies([b]):
    with tf.control_dependencies([a]):
        e = tf.identity(z, name='e')""",
    # TF marks every op named in tf.control_dependencies (_has_manual_control_dependencies),
    # also where no op built in the block takes it: Sigmoid's gradient names its incoming
    # gradient, which SigmoidGrad already has as an input; an empty block; a nested repeat
    """
x = tf.placeholder(tf.float32, [3], name='x')
z = tf.sigmoid(x) * 2.0
g = tf.gradients(z, x)
with tf.control_dependencies([z]):
    pass
u = tf.identity(x, name='u')
with tf.control_dependencies([u]):
    with tf.control_dependencies([u, g[0]]):
        c = tf.add(x, 1.0, name='c')""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("args", ["", "add_shapes=True"])
def test_nodes_match_tf(oracle, body, args):
    code = GRAPH.format(body=body, args=args)
    here, there = run_here(code), oracle(code)
    assert "ok" in here, explain(code, here, there)
    mine = {n["name"]: n for n in here["ok"]}
    for node in there["ok"]:
        assert mine.get(node["name"]) == node, explain(code, mine.get(node["name"]), node)
    assert [n["name"] for n in here["ok"]] == [n["name"] for n in there["ok"]]


def test_node_def_of_an_operation(tf):
    x = tf.placeholder(tf.float32, [2], name="x")
    with tf.control_dependencies([x.op]):
        y = tf.split(tf.ones([4]), 2, name="sp")[1] + x
    nd = y.op.node_def
    assert nd.name == "add" and nd.op == "AddV2"
    assert list(nd.input) == ["sp:1", "x"]  # x is a data input: no control edge to it
    assert nd.attr["T"].type == tf.float32.as_datatype_enum


def test_tensor_protos():
    tp = tensor_proto(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert [d.size for d in tp.tensor_shape.dim] == [2, 3]
    assert np.frombuffer(tp.tensor_content, np.float32).tolist() == [0, 1, 2, 3, 4, 5]
    assert tensor_proto(np.broadcast_to(np.int32(0), [3])).int_val == [0]
    assert len(tensor_proto(np.zeros([3], np.int32)).tensor_content) == 12
    assert tensor_proto(np.array([b"a", b"b"], dtype=object)).string_val == [b"a", b"b"]
    assert tensor_proto(np.array([1 + 2j], np.complex64)).scomplex_val == [1.0, 2.0]
    assert tensor_proto(np.float16(1.5)).half_val == [np.float16(1.5).view(np.uint16)]


def test_attr_values(tf):
    assert attr_value(tf.float32).type == 1
    assert attr_value(True).b and attr_value(3).i == 3 and attr_value("s").s == b"s"
    assert attr_value([1, 2], "list(int)").list.i == [1, 2]
    assert attr_value(tf.TensorShape([None, 2])).shape == shape_proto([None, 2])
    assert shape_proto(None).unknown_rank
