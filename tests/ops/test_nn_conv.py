"""Static shapes of the convolution input-gradient ops, against TF 2.21."""

import pytest
from oracle import run_here

# DCGAN's deconv2d: conv2d_transpose to [batch_size, h, w, c] of a `reshape(z, [-1, ...])`;
# Conv2DBackpropInput takes out_backprop's batch dim (Conv3D's and depthwise's do not), and
# checks batch and channels
SHAPES = r"""
def shape_or_error(f):
    try:
        return f()
    except ValueError as e:  # TF's first words, not its node description
        return ["ValueError", str(e).split(" for ")[0]]
w = tf.get_variable("w", [5, 5, 16, 32])
result = []
for xs, out in [([None, 1, 1, 32], [4, 2, 2, 16]), ([4, 1, 1, None], [4, 2, 2, 16]),
                ([None, None, None, 32], [4, 3, 3, 16]), ([3, 1, 1, 32], [4, 2, 2, 16]),
                ([None, 1, 1, 31], [4, 2, 2, 16]), ([3, 1, 1, 31], [4, 2, 2, 16])]:
    x = tf.placeholder(tf.float32, xs)
    result.append(shape_or_error(lambda: tf.nn.conv2d_backprop_input(
        out, w, x, strides=[1, 2, 2, 1], padding="SAME").shape.as_list()))
x = tf.placeholder(tf.float32, [None, 1, 1, 32])
result.append(tf.nn.conv2d_transpose(x, w, [4, 2, 2, 16], [1, 2, 2, 1]).shape.as_list())
result.append(tf.nn.conv2d_backprop_input(tf.placeholder(tf.int32, [4]), w,
    tf.placeholder(tf.float32, [3, 1, 1, 32]), [1, 2, 2, 1], "SAME").shape.as_list())
result.append(tf.nn.conv2d_backprop_input([4, 16, 2, 2], w,
    tf.placeholder(tf.float32, [None, 32, 1, 1]), [1, 1, 2, 2], "SAME",
    data_format="NCHW").shape.as_list())
x5 = tf.placeholder(tf.float32, [None, 1, 1, 1, 32])
result.append(tf.nn.conv3d_transpose(x5, tf.get_variable("w3", [2, 2, 2, 16, 32]),
    [4, 2, 2, 2, 16], [1, 2, 2, 2, 1]).shape.as_list())
result.append(tf.nn.depthwise_conv2d_native_backprop_input(
    [4, 2, 2, 16], tf.get_variable("wd", [3, 3, 16, 2]), x, [1, 2, 2, 1], "SAME").shape.as_list())
"""


@pytest.mark.oracle
def test_conv2d_backprop_input_shape_as_tf(oracle):
    here, there = run_here(SHAPES), oracle(SHAPES)
    assert here == there
    assert there["ok"][0] == [None, 2, 2, 16]
    assert there["ok"][4] == ["ValueError", "Dimensions must be equal, but are 31 and 32"]
