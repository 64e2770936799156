"""tf_slim.nets.vgg: VGG A (11 layers), 16 and 19, fully connected layers as convolutions.

>>> import scopeflow.compat.v1 as tf
>>> from scopeflow.slim.nets import vgg
>>> logits, ends = vgg.vgg_16(tf.placeholder(tf.float32, [1, 224, 224, 3]), num_classes=10)
>>> logits.name
'vgg_16/fc8/squeezed:0'
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.ops import init_ops
from scopeflow.ops.nn import relu
from scopeflow.slim import layers, regularizers, utils
from scopeflow.slim.arg_scope import arg_scope
from scopeflow.slim.nets._common import conv_head, squeezed

__all__ = ["vgg_16", "vgg_19", "vgg_a", "vgg_arg_scope", "vgg_d", "vgg_e"]

# Convolutions per block (each block: 3x3 SAME convolutions, then a 2x2 max pool).
_BLOCKS = {"vgg_a": (1, 1, 2, 2, 2), "vgg_16": (2, 2, 3, 3, 3), "vgg_19": (2, 2, 4, 4, 4)}
_DEPTHS = (64, 128, 256, 512, 512)


def vgg_arg_scope(weight_decay=0.0005):
    """ReLU, L2 weight decay and zero biases for convolutions and fully connected layers."""
    with arg_scope([layers.conv2d, layers.fully_connected], activation_fn=relu,
                   weights_regularizer=regularizers.l2_regularizer(weight_decay),
                   biases_initializer=init_ops.zeros_initializer()):
        with arg_scope([layers.conv2d], padding="SAME") as arg_sc:
            return arg_sc


def _vgg(kind, inputs, num_classes, is_training, dropout_keep_prob, spatial_squeeze, scope):
    with variable_scope(scope, kind, [inputs]) as sc:
        collection = sc.original_name_scope + "_end_points"
        with arg_scope([layers.conv2d, layers.fully_connected, layers.max_pool2d],
                       outputs_collections=collection):
            net = inputs
            for i, (count, depth) in enumerate(zip(_BLOCKS[kind], _DEPTHS)):
                net = layers.repeat(net, count, layers.conv2d, depth, [3, 3],
                                    scope="conv%d" % (i + 1))
                net = layers.max_pool2d(net, [2, 2], scope="pool%d" % (i + 1))
            net = conv_head(net, num_classes, ((4096, [7, 7]), 4096), is_training,
                            dropout_keep_prob)
            end_points = utils.convert_collection_to_dict(collection)
            return squeezed(net, end_points, sc, spatial_squeeze)


def vgg_a(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
          spatial_squeeze=True, scope="vgg_a"):
    """VGG 11-layer model A; returns (logits, end_points)."""
    return _vgg("vgg_a", inputs, num_classes, is_training, dropout_keep_prob, spatial_squeeze,
                scope)


def vgg_16(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
           spatial_squeeze=True, scope="vgg_16"):
    """VGG 16-layer model D; returns (logits, end_points)."""
    return _vgg("vgg_16", inputs, num_classes, is_training, dropout_keep_prob, spatial_squeeze,
                scope)


def vgg_19(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
           spatial_squeeze=True, scope="vgg_19"):
    """VGG 19-layer model E; returns (logits, end_points)."""
    return _vgg("vgg_19", inputs, num_classes, is_training, dropout_keep_prob, spatial_squeeze,
                scope)


vgg_a.default_image_size = vgg_16.default_image_size = vgg_19.default_image_size = 224
vgg_d = vgg_16
vgg_e = vgg_19
