"""Operation.get_attr: TF's Python types (bytes, DType, TensorShapeProto, TensorProto)."""

import pytest
from oracle import explain, outcome, run_here, same

# each attr as [type name, text]: the protobuf classes' text forms match across the two packages
SHOW = "def show(v):\n    return [type(v).__name__, str(v) if hasattr(v, 'ListFields') else repr(v)]\n"

GRAPHS = [
    # strings are bytes, lists of strings too; ints, bools and lists keep their Python types
    "x = tf.placeholder(tf.float32, [1, 4, 4, 3])\n"
    "c = tf.nn.conv2d(x, tf.ones([2, 2, 3, 2]), [1, 1, 1, 1], 'SAME')\n"
    "result = [show(c.op.get_attr(k)) for k in"
    " ('data_format', 'padding', 'strides', 'T', 'use_cudnn_on_gpu', 'dilations')]",
    "f = tf.io.decode_csv(['1,a'], [[1], ['x']])[0].op\n"
    "result = [show(f.get_attr(k)) for k in ('OUT_TYPE', 'field_delim', 'select_cols')]",
    # shapes are TensorShapeProto, tensors TensorProto
    "a = tf.placeholder(tf.float32, [2, None]).op\nb = tf.placeholder(tf.float32).op\n"
    "result = [show(a.get_attr('shape')), show(b.get_attr('shape')),"
    " show(tf.constant('hi').op.get_attr('value')),"
    " show(tf.constant([1, 2], tf.int64).op.get_attr('value'))]",
    # `T` is the NodeDef's: a Fill of grad_ys is float, its int32 shape Const has no `T`
    "a = tf.placeholder(tf.float32, [2])\n_ = tf.gradients(tf.cos(a), a)\n"
    "g = tf.get_default_graph()\n"
    "result = [show(g.get_operation_by_name('gradients/grad_ys_0').get_attr('T'))]",
    "a = tf.placeholder(tf.float32, [2])\n_ = tf.gradients(tf.cos(a), a)\n"
    "tf.get_default_graph().get_operation_by_name('gradients/Shape').get_attr('T')",
    "tf.constant(1.0).op.get_attr('T')",
    "tf.placeholder(tf.float32).op.get_attr('nope')",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_get_attr_matches_tf(oracle, code):
    here, there = run_here(SHOW + code), oracle(SHOW + code)
    assert same(here, there), explain(code, here, there)
    if "raises" in there:
        assert here["msg"] == there["msg"]


@pytest.mark.oracle
@pytest.mark.parametrize("code", [
    "t = tf.placeholder(tf.float32, [None])\nif t:\n    pass",
    "t = tf.placeholder(tf.float32, [None])\nfor x in t:\n    pass",
    "tf.while_loop(lambda i: i < 3, lambda i: (i > 0) and i + 1 or i + 1, [0.0])",
])
def test_python_control_flow_on_a_tensor_fails_with_tfs_words(oracle, code):
    assert outcome(run_here(code)) == outcome(oracle(code))
