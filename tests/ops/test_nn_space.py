"""Dilated convolution and pooling of inputs whose spatial sizes are known only when the graph
runs (tf.nn.with_space_to_batch's Shape / required_space_to_batch_paddings chain) against TF:
every op of the graph, values and gradients."""

import pytest
from math_oracle import check_all_ops, check_values

GRAPHS = [
    "x = tf.placeholder(tf.float32, [None, None, None, 3]); w = tf.ones([3, 3, 3, 4])\n"
    "r = [tf.nn.atrous_conv2d(x, w, 2, 'SAME'), tf.nn.convolution(x, w, 'VALID', "
    "dilation_rate=[2, 3])]",
    "x = tf.placeholder(tf.float32, [2, 3, None, 7]); w = tf.ones([2, 3, 3, 4])\n"
    "r = tf.nn.convolution(x, w, 'SAME', dilation_rate=[3, 2], data_format='NCHW')",
    "x = tf.placeholder(tf.float32, [None, None, 6, 3])\n"
    "r = [tf.nn.pool(x, [2, 2], 'MAX', 'VALID', dilation_rate=[2, 2]), "
    "tf.nn.pool(x, [3, 2], 'AVG', 'VALID', dilation_rate=[2, 1])]",
    "x = tf.placeholder(tf.float32, [None, None, 3]); w = tf.ones([3, 3, 2])\n"
    "r = tf.nn.convolution(x, w, 'SAME', dilation_rate=[4])",
    "x = tf.placeholder(tf.float32, [None, None, 6, 3])\n"
    "r = tf.nn.pool(x, [2, 2], 'MAX', 'SAME', dilation_rate=[2, 2])",
    "s = tf.placeholder(tf.int32, [2])\n"
    "r = list(tf.required_space_to_batch_paddings(s, [2, 3], [[1, 1], [0, 2]]))",
]

VALUES = [
    "rs = np.random.RandomState(4); a = rs.randn(2, 9, 11, 3).astype(np.float32); "
    "k = rs.randn(3, 3, 3, 4).astype(np.float32)\n"
    "x = tf.placeholder(tf.float32, [None, None, None, 3]); w = tf.constant(k)\n"
    "ys = [tf.nn.atrous_conv2d(x, w, 2, 'SAME'), tf.nn.convolution(x, w, 'VALID', "
    "dilation_rate=[2, 3]), tf.nn.pool(x, [2, 2], 'MAX', 'VALID', dilation_rate=[2, 2]), "
    "tf.nn.pool(x, [3, 2], 'AVG', 'VALID', dilation_rate=[2, 1])]\n"
    "fetch = ys + tf.gradients([tf.reduce_sum(y * y) for y in ys], [x, w])\n"
    "feed = {x: a}",
    "s = tf.placeholder(tf.int32, [2])\n"
    "fetch = list(tf.required_space_to_batch_paddings(s, [2, 3], [[1, 1], [0, 2]]))\n"
    "feed = {s: [7, 5]}",
]


@pytest.mark.oracle
def test_dynamic_dilated_graphs_match_tf_op_by_op(oracle):
    check_all_ops(oracle, GRAPHS)


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES, ids=["conv_pool", "paddings"])
def test_dynamic_dilated_values_match_tf(oracle, code):
    check_values(oracle, code, rtol=1e-5, atol=1e-4)
