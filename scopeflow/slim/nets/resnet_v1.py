"""tf_slim.nets.resnet_v1: ResNet v1 (50/101/152/200 layers) with its bottleneck units.

>>> import scopeflow.compat.v1 as tf
>>> from scopeflow.slim.nets import resnet_v1
>>> net, ends = resnet_v1.resnet_v1_50(tf.placeholder(tf.float32, [1, 224, 224, 3]), 10)
>>> net.shape.as_list()
[1, 1, 1, 10]
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.ops.nn import relu
from scopeflow.slim import layers, utils
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.nets import _resnet, resnet_utils

__all__ = ["bottleneck", "resnet_v1", "resnet_v1_50", "resnet_v1_101", "resnet_v1_152",
           "resnet_v1_200", "resnet_v1_block"]

resnet_arg_scope = resnet_utils.resnet_arg_scope


@add_arg_scope
def bottleneck(inputs, depth, depth_bottleneck, stride, rate=1, outputs_collections=None,
               scope=None):
    """Post-activation bottleneck: 1x1, 3x3 (strided), 1x1 convolutions plus shortcut, ReLU."""
    with variable_scope(scope, "bottleneck_v1", [inputs]) as sc:
        depth_in = utils.last_dimension(inputs.get_shape(), min_rank=4)
        if depth == depth_in:
            shortcut = resnet_utils.subsample(inputs, stride, "shortcut")
        else:
            shortcut = layers.conv2d(inputs, depth, [1, 1], stride=stride, activation_fn=None,
                                     scope="shortcut")
        residual = layers.conv2d(inputs, depth_bottleneck, [1, 1], stride=1, scope="conv1")
        residual = resnet_utils.conv2d_same(residual, depth_bottleneck, 3, stride, rate=rate,
                                            scope="conv2")
        residual = layers.conv2d(residual, depth, [1, 1], stride=1, activation_fn=None,
                                 scope="conv3")
        output = relu(shortcut + residual)
        return utils.collect_named_outputs(outputs_collections, sc.name, output)


def resnet_v1(inputs, blocks, num_classes=None, is_training=True, global_pool=True,
              output_stride=None, include_root_block=True, reuse=None, scope=None):
    """The ResNet v1 network over `blocks`; returns (net, end_points)."""
    return _resnet.resnet(1, bottleneck, inputs, blocks, num_classes, is_training,
                          global_pool, output_stride, include_root_block, reuse, scope)


resnet_v1.default_image_size = 224


def resnet_v1_block(scope, base_depth, num_units, stride):
    """A block of `num_units` v1 bottlenecks; only the last is strided."""
    return _resnet.block(bottleneck, scope, base_depth, num_units, stride)


resnet_v1_50 = _resnet.sized(resnet_v1, bottleneck, 1, 50)
resnet_v1_101 = _resnet.sized(resnet_v1, bottleneck, 1, 101)
resnet_v1_152 = _resnet.sized(resnet_v1, bottleneck, 1, 152)
resnet_v1_200 = _resnet.sized(resnet_v1, bottleneck, 1, 200)
