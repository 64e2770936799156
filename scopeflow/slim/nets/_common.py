"""Shared pieces of the slim nets: end-point collection scopes and the classifier head.

>>> from scopeflow.slim.nets._common import trunc_normal
>>> trunc_normal(0.01).stddev
0.01
"""

from scopeflow.ops import init_ops
from scopeflow.ops.array import squeeze
from scopeflow.slim import layers
from scopeflow.slim.arg_scope import arg_scope


def trunc_normal(stddev):
    """The truncated normal initializer slim nets use for their fully connected layers."""
    return init_ops.truncated_normal_initializer(0.0, stddev)


def conv_head(net, num_classes, sizes, is_training, dropout_keep_prob, initializers=None):
    """fc6 (a VALID conv of `sizes[0]`), dropout6, fc7 (1x1), dropout7, fc8 (1x1 logits).

    `sizes` is ((depth6, kernel6), depth7); `initializers` an optional (weights, biases) pair
    for fc6 and fc7 (fc8's biases are always zeros)."""
    (depth6, kernel6), depth7 = sizes
    extra = {}
    if initializers is not None:
        extra = {"weights_initializer": initializers[0], "biases_initializer": initializers[1]}
    with arg_scope([layers.conv2d], **extra):
        net = layers.conv2d(net, depth6, kernel6, padding="VALID", scope="fc6")
        net = layers.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout6")
        net = layers.conv2d(net, depth7, [1, 1], scope="fc7")
        net = layers.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout7")
        fc8 = {"biases_initializer": init_ops.zeros_initializer()} if initializers else {}
        return layers.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                             scope="fc8", **fc8)


def squeezed(net, end_points, sc, spatial_squeeze):
    """The logits squeezed to [batch, classes] (`fc8/squeezed`) when asked, as an end point."""
    if spatial_squeeze:
        net = squeeze(net, [1, 2], name="fc8/squeezed")
        end_points[sc.name + "/fc8"] = net
    return net, end_points
