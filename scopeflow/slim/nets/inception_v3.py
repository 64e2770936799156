"""tf_slim.nets.inception_v3: Inception V3 with its auxiliary head and TF-Slim's names.

>>> import scopeflow.compat.v1 as tf
>>> from scopeflow.slim.nets import inception_v3
>>> logits, ends = inception_v3.inception_v3(tf.placeholder(tf.float32, [1, 299, 299, 3]), 10)
>>> logits.name, ends["AuxLogits"].shape.as_list()
('InceptionV3/Logits/SpatialSqueeze:0', [1, 10])
"""

from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import variable_scope
from scopeflow.ops.array import squeeze
from scopeflow.slim import extra, layers
from scopeflow.slim.arg_scope import arg_scope
from scopeflow.slim.nets._common import trunc_normal
from scopeflow.slim.nets._inception import (
    Layer,
    depth_rule,
    inception_arg_scope,
    logits_head,
    reduced_kernel_size_for_small_input,
    run_stages,
)

__all__ = ["inception_v3", "inception_v3_arg_scope", "inception_v3_base"]

_ROOT = (  # VALID unless stated
    ("Conv2d_1a_3x3", Layer("Conv2d_1a_3x3", 32, stride=2)),
    ("Conv2d_2a_3x3", Layer("Conv2d_2a_3x3", 32)),
    ("Conv2d_2b_3x3", Layer("Conv2d_2b_3x3", 64, padding="SAME")),
    ("MaxPool_3a_3x3", Layer("MaxPool_3a_3x3", stride=2)),
    ("Conv2d_3b_1x1", Layer("Conv2d_3b_1x1", 80)),
    ("Conv2d_4a_3x3", Layer("Conv2d_4a_3x3", 192)),
    ("MaxPool_5a_3x3", Layer("MaxPool_5a_3x3", stride=2)),
)


def _block_35(pool_depth, names=("Conv2d_0a_1x1", "Conv2d_0b_5x5")):
    """35x35: 1x1 | 1x1 > 5x5 | 1x1 > 3x3 > 3x3 | 3x3 avg pool > 1x1."""
    return [[Layer("Conv2d_0a_1x1", 64)],
            [Layer(names[0], 48), Layer(names[1], 64)],
            [Layer("Conv2d_0a_1x1", 64), Layer("Conv2d_0b_3x3", 96),
             Layer("Conv2d_0c_3x3", 96)],
            [Layer("AvgPool_0a_3x3"), Layer("Conv2d_0b_1x1", pool_depth)]]


def _block_17(c7):
    """17x17 with factorized 7x7s: 1x1 | 1x1 > 1x7 > 7x1 | 1x1 > (7x1 > 1x7) x2 | pool > 1x1."""
    return [[Layer("Conv2d_0a_1x1", 192)],
            [Layer("Conv2d_0a_1x1", c7), Layer("Conv2d_0b_1x7", c7), Layer("Conv2d_0c_7x1", 192)],
            [Layer("Conv2d_0a_1x1", c7), Layer("Conv2d_0b_7x1", c7), Layer("Conv2d_0c_1x7", c7),
             Layer("Conv2d_0d_7x1", c7), Layer("Conv2d_0e_1x7", 192)],
            [Layer("AvgPool_0a_3x3"), Layer("Conv2d_0b_1x1", 192)]]


def _block_8(second_fork):
    """8x8 with forked 1x3 / 3x1 outputs."""
    return [[Layer("Conv2d_0a_1x1", 320)],
            [Layer("Conv2d_0a_1x1", 384),
             (Layer("Conv2d_0b_1x3", 384), Layer(second_fork, 384))],
            [Layer("Conv2d_0a_1x1", 448), Layer("Conv2d_0b_3x3", 384),
             (Layer("Conv2d_0c_1x3", 384), Layer("Conv2d_0d_3x1", 384))],
            [Layer("AvgPool_0a_3x3"), Layer("Conv2d_0b_1x1", 192)]]


_VALID_2 = {"stride": 2, "padding": "VALID"}
_MIXED = (  # SAME unless stated
    ("Mixed_5b", _block_35(32)),
    ("Mixed_5c", _block_35(64, ("Conv2d_0b_1x1", "Conv_1_0c_5x5"))),
    ("Mixed_5d", _block_35(64)),
    # TF-Slim names 6a's 3x3 convolutions "..._1x1"; checkpoints depend on it
    ("Mixed_6a", [[Layer("Conv2d_1a_1x1", 384, kernel=(3, 3), **_VALID_2)],
                  [Layer("Conv2d_0a_1x1", 64), Layer("Conv2d_0b_3x3", 96),
                   Layer("Conv2d_1a_1x1", 96, kernel=(3, 3), **_VALID_2)],
                  [Layer("MaxPool_1a_3x3", **_VALID_2)]]),
    ("Mixed_6b", _block_17(128)),
    ("Mixed_6c", _block_17(160)),
    ("Mixed_6d", _block_17(160)),
    ("Mixed_6e", _block_17(192)),
    ("Mixed_7a", [[Layer("Conv2d_0a_1x1", 192), Layer("Conv2d_1a_3x3", 320, **_VALID_2)],
                  [Layer("Conv2d_0a_1x1", 192), Layer("Conv2d_0b_1x7", 192),
                   Layer("Conv2d_0c_7x1", 192), Layer("Conv2d_1a_3x3", 192, **_VALID_2)],
                  [Layer("MaxPool_1a_3x3", **_VALID_2)]]),
    ("Mixed_7b", _block_8("Conv2d_0b_3x1")),
    ("Mixed_7c", _block_8("Conv2d_0c_3x1")),
)


def inception_v3_base(inputs, final_endpoint="Mixed_7c", min_depth=16, depth_multiplier=1.0,
                      scope=None):
    """The convolutional part up to `final_endpoint`; returns (net, end_points)."""
    end_points = {}
    depth = depth_rule(depth_multiplier, min_depth)
    pools = [layers.conv2d, layers.max_pool2d, layers.avg_pool2d]
    with variable_scope(scope, "InceptionV3", [inputs]):
        net = inputs
        for padding, stages in (("VALID", _ROOT), ("SAME", _MIXED)):
            with arg_scope(pools, stride=1, padding=padding):
                found = run_stages(net, stages, depth, final_endpoint, end_points)
            if found is not None:
                return found, end_points
            net = end_points[stages[-1][0]]
    raise ValueError("Unknown final endpoint %s" % final_endpoint)


def _aux_logits(net, num_classes, depth, spatial_squeeze):
    """The auxiliary classifier on Mixed_6e: 5x5/3 avg pool, 1x1, 5x5 (VALID), 1x1 logits."""
    with variable_scope("AuxLogits"):
        net = layers.avg_pool2d(net, [5, 5], stride=3, padding="VALID", scope="AvgPool_1a_5x5")
        net = layers.conv2d(net, depth(128), [1, 1], scope="Conv2d_1b_1x1")
        kernel = reduced_kernel_size_for_small_input(net, [5, 5])
        net = layers.conv2d(net, depth(768), kernel, weights_initializer=trunc_normal(0.01),
                            padding="VALID", scope="Conv2d_2a_{}x{}".format(*kernel))
        net = layers.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                            weights_initializer=trunc_normal(0.001), scope="Conv2d_2b_1x1")
        if spatial_squeeze:
            net = squeeze(net, [1, 2], name="SpatialSqueeze")
        return net


def inception_v3(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.8,
                 min_depth=16, depth_multiplier=1.0, prediction_fn=extra.softmax,
                 spatial_squeeze=True, reuse=None, create_aux_logits=True, scope="InceptionV3"):
    """Inception V3 for 299x299 inputs; returns (logits, end_points)."""
    depth = depth_rule(depth_multiplier, min_depth)
    with variable_scope(scope, "InceptionV3", [inputs, num_classes], reuse=reuse) as sc:
        with arg_scope([layers.batch_norm, layers.dropout], is_training=is_training):
            net, end_points = inception_v3_base(inputs, scope=sc, min_depth=min_depth,
                                                depth_multiplier=depth_multiplier)
            if create_aux_logits and num_classes:
                with arg_scope([layers.conv2d, layers.max_pool2d, layers.avg_pool2d],
                               stride=1, padding="SAME"):
                    end_points["AuxLogits"] = _aux_logits(end_points["Mixed_6e"], num_classes,
                                                          depth, spatial_squeeze)
            with variable_scope("Logits"):
                end_points["PreLogits"], logits = logits_head(
                    net, num_classes, dropout_keep_prob, spatial_squeeze,
                    ("AvgPool_1a_{}x{}", 8, "Dropout_1b", "Conv2d_1c_1x1"))
            end_points["Logits"] = logits
            end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


inception_v3.default_image_size = 299


def inception_v3_arg_scope(weight_decay=0.00004, batch_norm_var_collection="moving_vars",
                           batch_norm_decay=0.9997, batch_norm_epsilon=0.001,
                           updates_collections=GraphKeys.UPDATE_OPS, use_fused_batchnorm=True):
    """L2 decay, variance scaling init, ReLU and (fused) batch norm for convolutions."""
    return inception_arg_scope(weight_decay, True, batch_norm_var_collection,
                               {"decay": batch_norm_decay, "epsilon": batch_norm_epsilon,
                                "updates_collections": updates_collections,
                                "fused": use_fused_batchnorm})
