"""tf_slim.nets.resnet_utils: ResNet blocks, strided "same" convolutions and the dense stack.

>>> from scopeflow.slim.nets.resnet_utils import Block
>>> Block("block1", None, [{"depth": 256}]).scope
'block1'
"""

import collections

from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import variable_scope
from scopeflow.ops.joining import pad
from scopeflow.ops.nn import relu
from scopeflow.slim import initializers, layers, regularizers, utils
from scopeflow.slim.arg_scope import add_arg_scope, arg_scope

__all__ = ["Block", "conv2d_same", "resnet_arg_scope", "stack_blocks_dense", "subsample"]


class Block(collections.namedtuple("Block", ["scope", "unit_fn", "args"])):
    """A named ResNet block: `unit_fn` applied once per entry of `args` (dicts of arguments)."""


def subsample(inputs, factor, scope=None):
    """`inputs` unchanged for factor 1, else a 1x1 max pool of stride `factor`."""
    if factor == 1:
        return inputs
    return layers.max_pool2d(inputs, [1, 1], stride=factor, scope=scope)


def conv2d_same(inputs, num_outputs, kernel_size, stride, rate=1, scope=None):
    """A strided convolution that pads explicitly (then VALID) so even sizes align as SAME."""
    if stride == 1:
        return layers.conv2d(inputs, num_outputs, kernel_size, stride=1, rate=rate,
                             padding="SAME", scope=scope)
    effective = kernel_size + (kernel_size - 1) * (rate - 1)
    before = (effective - 1) // 2
    after = effective - 1 - before
    inputs = pad(inputs, [[0, 0], [before, after], [before, after], [0, 0]])
    return layers.conv2d(inputs, num_outputs, kernel_size, stride=stride, rate=rate,
                         padding="VALID", scope=scope)


@add_arg_scope
def stack_blocks_dense(net, blocks, output_stride=None, outputs_collections=None):
    """Applies `blocks` in `block/unit_N` scopes; past `output_stride`, atrous rates instead
    of strides keep the resolution."""
    current_stride, rate = 1, 1
    for block in blocks:
        with variable_scope(block.scope, "block", [net]) as sc:
            for i, unit in enumerate(block.args):
                if output_stride is not None and current_stride > output_stride:
                    raise ValueError("The target output_stride cannot be reached.")
                with variable_scope("unit_%d" % (i + 1), values=[net]):
                    stride = unit.get("stride", 1)
                    if output_stride is not None and current_stride == output_stride:
                        net = block.unit_fn(net, rate=rate, **dict(unit, stride=1))
                        rate *= stride
                    else:
                        net = block.unit_fn(net, rate=1, **unit)
                        current_stride *= stride
            net = utils.collect_named_outputs(outputs_collections, sc.name, net)
    if output_stride is not None and current_stride != output_stride:
        raise ValueError("The target output_stride cannot be reached.")
    return net


def resnet_arg_scope(weight_decay=0.0001, batch_norm_decay=0.997, batch_norm_epsilon=1e-5,
                     batch_norm_scale=True):
    """Convolutions with L2 decay, variance scaling init, batch norm and ReLU; SAME pool1."""
    bn = {"decay": batch_norm_decay, "epsilon": batch_norm_epsilon,
          "scale": batch_norm_scale, "updates_collections": GraphKeys.UPDATE_OPS}
    with arg_scope([layers.conv2d], weights_regularizer=regularizers.l2_regularizer(weight_decay),
                   weights_initializer=initializers.variance_scaling_initializer(),
                   activation_fn=relu, normalizer_fn=layers.batch_norm, normalizer_params=bn):
        with arg_scope([layers.batch_norm], **bn):
            with arg_scope([layers.max_pool2d], padding="SAME") as arg_sc:
                return arg_sc
