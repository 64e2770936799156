"""tf_slim.nets.overfeat: the OverFeat "fast" model, fully connected layers as convolutions.

>>> import scopeflow.compat.v1 as tf
>>> from scopeflow.slim.nets import overfeat
>>> logits, _ = overfeat.overfeat(tf.placeholder(tf.float32, [1, 231, 231, 3]), 10)
>>> logits.shape.as_list()
[1, 10]
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.ops import init_ops
from scopeflow.ops.nn import relu
from scopeflow.slim import layers, regularizers, utils
from scopeflow.slim.arg_scope import arg_scope
from scopeflow.slim.nets._common import conv_head, squeezed, trunc_normal

__all__ = ["overfeat", "overfeat_arg_scope"]


def overfeat_arg_scope(weight_decay=0.0005):
    """ReLU, L2 weight decay, zero biases; SAME convolutions and VALID max pools."""
    with arg_scope([layers.conv2d, layers.fully_connected], activation_fn=relu,
                   weights_regularizer=regularizers.l2_regularizer(weight_decay),
                   biases_initializer=init_ops.zeros_initializer()):
        with arg_scope([layers.conv2d], padding="SAME"):
            with arg_scope([layers.max_pool2d], padding="VALID") as arg_sc:
                return arg_sc


def overfeat(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
             spatial_squeeze=True, scope="overfeat"):
    """OverFeat for 231x231 inputs; returns (logits, end_points)."""
    with variable_scope(scope, "overfeat", [inputs]) as sc:
        collection = sc.name + "_end_points"
        with arg_scope([layers.conv2d, layers.fully_connected, layers.max_pool2d],
                       outputs_collections=collection):
            net = layers.conv2d(inputs, 64, [11, 11], 4, padding="VALID", scope="conv1")
            net = layers.max_pool2d(net, [2, 2], scope="pool1")
            net = layers.conv2d(net, 256, [5, 5], padding="VALID", scope="conv2")
            net = layers.max_pool2d(net, [2, 2], scope="pool2")
            for i, depth in ((3, 512), (4, 1024), (5, 1024)):
                net = layers.conv2d(net, depth, [3, 3], scope="conv%d" % i)
            net = layers.max_pool2d(net, [2, 2], scope="pool5")
            net = conv_head(net, num_classes, ((3072, [6, 6]), 4096), is_training,
                            dropout_keep_prob,
                            (trunc_normal(0.005), init_ops.constant_initializer(0.1)))
            end_points = utils.convert_collection_to_dict(collection)
            return squeezed(net, end_points, sc, spatial_squeeze)


overfeat.default_image_size = 231
