"""tf_slim.nets.alexnet: AlexNet version 2 ("One weird trick"), fully connected as convolutions.

>>> import scopeflow.compat.v1 as tf
>>> from scopeflow.slim.nets import alexnet
>>> logits, _ = alexnet.alexnet_v2(tf.placeholder(tf.float32, [1, 224, 224, 3]), 10)
>>> logits.name
'alexnet_v2/fc8/squeezed:0'
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.ops import init_ops
from scopeflow.ops.nn import relu
from scopeflow.slim import layers, regularizers, utils
from scopeflow.slim.arg_scope import arg_scope
from scopeflow.slim.nets._common import conv_head, squeezed, trunc_normal

__all__ = ["alexnet_v2", "alexnet_v2_arg_scope"]


def alexnet_v2_arg_scope(weight_decay=0.0005):
    """ReLU, biases of 0.1, L2 weight decay; SAME convolutions and VALID max pools."""
    with arg_scope([layers.conv2d, layers.fully_connected], activation_fn=relu,
                   biases_initializer=init_ops.constant_initializer(0.1),
                   weights_regularizer=regularizers.l2_regularizer(weight_decay)):
        with arg_scope([layers.conv2d], padding="SAME"):
            with arg_scope([layers.max_pool2d], padding="VALID") as arg_sc:
                return arg_sc


def alexnet_v2(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
               spatial_squeeze=True, scope="alexnet_v2"):
    """AlexNet v2 for 224x224 inputs; returns (logits, end_points)."""
    with variable_scope(scope, "alexnet_v2", [inputs]) as sc:
        collection = sc.original_name_scope + "_end_points"
        with arg_scope([layers.conv2d, layers.fully_connected, layers.max_pool2d],
                       outputs_collections=[collection]):
            net = layers.conv2d(inputs, 64, [11, 11], 4, padding="VALID", scope="conv1")
            net = layers.max_pool2d(net, [3, 3], 2, scope="pool1")
            net = layers.conv2d(net, 192, [5, 5], scope="conv2")
            net = layers.max_pool2d(net, [3, 3], 2, scope="pool2")
            for i, depth in ((3, 384), (4, 384), (5, 256)):
                net = layers.conv2d(net, depth, [3, 3], scope="conv%d" % i)
            net = layers.max_pool2d(net, [3, 3], 2, scope="pool5")
            net = conv_head(net, num_classes, ((4096, [5, 5]), 4096), is_training,
                            dropout_keep_prob,
                            (trunc_normal(0.005), init_ops.constant_initializer(0.1)))
            end_points = utils.convert_collection_to_dict(collection)
            return squeezed(net, end_points, sc, spatial_squeeze)


alexnet_v2.default_image_size = 224
