"""Quantized dtypes (qint8, quint8, qint16, quint16, qint32) against TF: the DType table,
graph building with them and a GraphDef round trip (no kernels)."""

import pytest
from oracle import explain, run_here, same

NAMES = ("qint8", "quint8", "qint16", "quint16", "qint32")

PROGRAMS = [
    "result = [[repr(d), str(d), d.as_datatype_enum, str(np.dtype(d.as_numpy_dtype)),"
    " d.is_quantized, d.is_integer, d.is_floating, d.is_unsigned, d.size,"
    " d.is_numpy_compatible, repr(d._as_ref), d._as_ref.as_datatype_enum,"
    " tf.as_dtype(d.as_numpy_dtype) == d, tf.as_dtype(d.as_datatype_enum) == d]"
    " for d in map(tf.as_dtype, %r)]" % (NAMES,),
    "result = sorted(map(repr, tf.dtypes.QUANTIZED_DTYPES)) + [repr(tf.qint8), repr(tf.quint16)]",
    "tf.qint8.min", "tf.quint16.max", "tf.qint32.limits",
    # Python values: nested lists of 1-tuples (the NumPy records); TF refuses bare numbers
    "result = [str(tf.constant(v, tf.qint8).op.get_attr('value'))"
    " for v in ([(1,), (2,)], (1,), [], [[(1,)]], np.int32(1))]",
    "tf.constant([1, 2], tf.qint8)", "tf.constant(1, tf.quint8)",
    "tf.constant([(1.5,)], tf.qint8)", "tf.constant([(300,)], tf.qint8)",
    # NumPy values convert; the TensorProto keeps the type (tensor_content, or int_val)
    "c = tf.constant(np.array([1, 2], np.int8), tf.qint8)\n"
    "s = tf.constant(np.array((3,), tf.qint32.as_numpy_dtype))\n"
    "p = tf.placeholder(tf.quint8, [2], name='p')\n"
    "result = [str(c), str(s), str(p), str(c.op.get_attr('value')),"
    " str(s.op.get_attr('value')), repr(p.op.get_attr('dtype'))]",
    "c = tf.constant(np.array([(1,), (2,)], tf.qint16.as_numpy_dtype), name='c')\n"
    "p = tf.placeholder(tf.quint16, [None], name='p')\n"
    "gd = tf.get_default_graph().as_graph_def()\n"
    "g = tf.Graph()\n"
    "with g.as_default():\n"
    "    tf.import_graph_def(gd, name='')\n"
    "result = [str(g.get_tensor_by_name('c:0')), str(g.get_tensor_by_name('p:0')),"
    " g.as_graph_def().node[0] == gd.node[0], g.as_graph_def().node[1] == gd.node[1]]",
    "c = tf.constant(np.array([1, 2], np.int8), tf.qint8)\nc + c",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_quantized_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
    if "raises" in there:
        assert here["msg"] == there["msg"]
