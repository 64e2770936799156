"""The ResNet body shared by resnet_v1 and resnet_v2 (root block, blocks, pooling, logits).

>>> from scopeflow.slim.nets._resnet import UNITS
>>> UNITS[50]
(3, 4, 6, 3)
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.ops.nn import relu
from scopeflow.ops.reductions import reduce_mean
from scopeflow.slim import extra, layers, utils
from scopeflow.slim.arg_scope import arg_scope
from scopeflow.slim.nets import resnet_utils

# Units per block for each depth; the blocks' base depths are 64, 128, 256 and 512.
UNITS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3), 200: (3, 24, 36, 3)}


def block(unit_fn, scope, base_depth, num_units, stride):
    """A block of `num_units` bottlenecks of depth 4*base_depth; only the last is strided."""
    unit = {"depth": base_depth * 4, "depth_bottleneck": base_depth, "stride": 1}
    return resnet_utils.Block(scope, unit_fn,
                              [unit] * (num_units - 1) + [dict(unit, stride=stride)])


def blocks_for(unit_fn, depth):
    return [block(unit_fn, "block%d" % (i + 1), base, n, 1 if i == 3 else 2)
            for i, (base, n) in enumerate(zip((64, 128, 256, 512), UNITS[depth]))]


def resnet(version, unit_fn, inputs, blocks, num_classes, is_training, global_pool,
           output_stride, include_root_block, reuse, scope):
    """Builds the network; `version` 1 (post-activation) or 2 (pre-activation, postnorm)."""
    with variable_scope(scope, "resnet_v%d" % version, [inputs], reuse=reuse) as sc:
        collection = sc.original_name_scope + "_end_points"
        with arg_scope([layers.conv2d, unit_fn, resnet_utils.stack_blocks_dense],
                       outputs_collections=collection):
            with arg_scope([layers.batch_norm], is_training=is_training):
                net = inputs
                if include_root_block:
                    if output_stride is not None:
                        if output_stride % 4 != 0:
                            raise ValueError("The output_stride needs to be a multiple of 4.")
                        output_stride /= 4
                    root = {} if version == 1 else {"activation_fn": None,
                                                    "normalizer_fn": None}
                    with arg_scope([layers.conv2d], **root):
                        net = resnet_utils.conv2d_same(net, 64, 7, stride=2, scope="conv1")
                    net = layers.max_pool2d(net, [3, 3], stride=2, scope="pool1")
                net = resnet_utils.stack_blocks_dense(net, blocks, output_stride)
                if version == 2:
                    net = layers.batch_norm(net, activation_fn=relu,
                                            scope="postnorm")
                if global_pool:
                    net = reduce_mean(net, [1, 2], name="pool5", keepdims=True)
                if num_classes is not None:
                    net = layers.conv2d(net, num_classes, [1, 1], activation_fn=None,
                                        normalizer_fn=None, scope="logits")
                end_points = utils.convert_collection_to_dict(collection)
                if num_classes is not None:
                    end_points["predictions"] = extra.softmax(net, scope="predictions")
                return net, end_points


def sized(network, unit_fn, version, depth):
    """`resnet_v<version>_<depth>(inputs, num_classes=None, is_training=True, global_pool=True,
    output_stride=None, reuse=None, scope=...)`: `network` over the standard blocks."""
    name = "resnet_v%d_%d" % (version, depth)

    def net(inputs, num_classes=None, is_training=True, global_pool=True, output_stride=None,
            reuse=None, scope=name):
        return network(inputs, blocks_for(unit_fn, depth), num_classes, is_training,
                       global_pool, output_stride, True, reuse, scope)

    net.__name__ = net.__qualname__ = name
    net.__doc__ = "ResNet-%d v%d; returns (net, end_points)." % (depth, version)
    net.default_image_size = 224
    return net
