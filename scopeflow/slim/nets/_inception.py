"""The pieces the Inception nets share: layer tables, mixed blocks, the logits head, arg scopes.

A layer is a `Layer(scope, depth, ...)` row whose kernel comes from the scope's "AxB" suffix
(`Conv2d_0b_3x3` is a 3x3 convolution; `MaxPool_0a_3x3`, `AvgPool_0a_3x3` are pools); a tuple
of rows in a branch is a fork (each row on the same input, joined along channels).

>>> from scopeflow.slim.nets._inception import Layer, kernel_of
>>> kernel_of(Layer("Conv2d_0b_1x7", 128))
[1, 7]
"""

import re
from typing import NamedTuple

from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import variable_scope
from scopeflow.ops.array import squeeze
from scopeflow.ops.joining import concat
from scopeflow.ops.nn import relu
from scopeflow.slim import initializers, layers, regularizers
from scopeflow.slim.arg_scope import arg_scope
from scopeflow.slim.nets._common import trunc_normal


class Layer(NamedTuple):
    """One convolution (depth set) or pool (depth None) of an Inception table."""

    scope: str
    depth: int = None
    stride: int = None
    padding: str = None
    stddev: float = None  # truncated normal weights of this stddev instead of the arg scope's
    kernel: tuple = None  # only where the scope's suffix is not the kernel (InceptionV3 6a)


def kernel_of(layer):
    if layer.kernel is not None:
        return list(layer.kernel)
    rows, cols = re.search(r"(\d+)x(\d+)$", layer.scope).groups()
    return [int(rows), int(cols)]


def apply(net, layer, depth):
    """`net` through one table row; `depth` maps the table's depth to the built one."""
    if callable(layer):
        return layer(net)
    extra = {k: v for k, v in (("stride", layer.stride), ("padding", layer.padding))
             if v is not None}
    if layer.depth is None:
        pool = layers.max_pool2d if layer.scope.startswith("MaxPool") else layers.avg_pool2d
        return pool(net, kernel_of(layer), scope=layer.scope, **extra)
    if layer.stddev is not None:
        extra["weights_initializer"] = trunc_normal(layer.stddev)
    return layers.conv2d(net, depth(layer.depth), kernel_of(layer), scope=layer.scope, **extra)


def mixed(net, name, branches, depth):
    """An Inception block: `Branch_<i>` scopes over `net`, concatenated along channels."""
    with variable_scope(name):
        outputs = []
        for i, branch in enumerate(branches):
            with variable_scope("Branch_%d" % i):
                out = net
                for row in branch:
                    if isinstance(row, tuple) and not isinstance(row, Layer):
                        out = concat([apply(out, fork, depth) for fork in row], 3)
                    else:
                        out = apply(out, row, depth)
                outputs.append(out)
        return concat(outputs, 3)


def run_stages(net, stages, depth, final_endpoint, end_points):
    """Builds `stages` ((end point, row or branches), ...) in order, recording each end point;
    returns the net at `final_endpoint`, or None when it is not among them."""
    for name, stage in stages:
        if isinstance(stage, list):
            net = mixed(net, name, stage, depth)
        else:
            net = apply(net, stage, depth)
        end_points[name] = net
        if name == final_endpoint:
            return net
    return None


def depth_rule(depth_multiplier, min_depth):
    """The depth of each layer: `max(int(d * depth_multiplier), min_depth)`."""
    if depth_multiplier <= 0:
        raise ValueError("depth_multiplier is not greater than zero.")
    return lambda d: max(int(d * depth_multiplier), min_depth)


def reduced_kernel_size_for_small_input(input_tensor, kernel_size):
    """`kernel_size` cut down to the input's height and width where those are known."""
    shape = input_tensor.get_shape().as_list()
    if shape[1] is None or shape[2] is None:
        return kernel_size
    return [min(shape[1], kernel_size[0]), min(shape[2], kernel_size[1])]


def logits_head(net, num_classes, dropout_keep_prob, spatial_squeeze, names):
    """Average pool (VALID), dropout, the 1x1 logits convolution, the spatial squeeze.

    `names` are the (pool, dropout, logits) scopes; a pool scope with `{}x{}` is the reduced
    kernel of an [8, 8] pool (or [7, 7]; `names` give the size), else a 7x7 pool of stride 1.
    Returns (pre-logits, logits)."""
    pool, size, drop, conv = names
    if "{}" in pool:
        kernel = reduced_kernel_size_for_small_input(net, [size, size])
        net = layers.avg_pool2d(net, kernel, padding="VALID", scope=pool.format(*kernel))
    else:
        net = layers.avg_pool2d(net, [size, size], stride=1, scope=pool)
    net = layers.dropout(net, dropout_keep_prob, scope=drop)
    logits = layers.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                           scope=conv)
    if spatial_squeeze:
        logits = squeeze(logits, [1, 2], name="SpatialSqueeze")
    return net, logits


def inception_arg_scope(weight_decay=0.00004, use_batch_norm=True,
                        batch_norm_var_collection="moving_vars", batch_norm=None):
    """L2 weight decay; convolutions with variance scaling init, ReLU and (optionally) batch
    norm whose moving statistics also go to `batch_norm_var_collection`. `batch_norm` holds
    extra batch norm parameters (decay, epsilon, updates_collections, fused)."""
    params = {"decay": 0.9997, "epsilon": 0.001, "updates_collections": GraphKeys.UPDATE_OPS}
    params.update(batch_norm or {})
    params["variables_collections"] = {
        "beta": None, "gamma": None, "moving_mean": [batch_norm_var_collection],
        "moving_variance": [batch_norm_var_collection]}
    normalizer = {"normalizer_fn": layers.batch_norm, "normalizer_params": params} \
        if use_batch_norm else {"normalizer_fn": None, "normalizer_params": {}}
    with arg_scope([layers.conv2d, layers.fully_connected],
                   weights_regularizer=regularizers.l2_regularizer(weight_decay)):
        with arg_scope([layers.conv2d],
                       weights_initializer=initializers.variance_scaling_initializer(),
                       activation_fn=relu, **normalizer) as sc:
            return sc
