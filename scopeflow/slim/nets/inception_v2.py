"""tf_slim.nets.inception_v2: Inception V2 (batch-normalized Inception) with TF-Slim's names.

>>> import scopeflow.compat.v1 as tf
>>> from scopeflow.slim.nets import inception_v2
>>> logits, ends = inception_v2.inception_v2(tf.placeholder(tf.float32, [1, 224, 224, 3]), 10)
>>> logits.name, ends["Mixed_5c"].shape.as_list()
('InceptionV2/Logits/SpatialSqueeze:0', [1, 7, 7, 1024])
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.slim import extra, layers
from scopeflow.slim.arg_scope import arg_scope
from scopeflow.slim.more_layers import separable_conv2d
from scopeflow.slim.nets._common import trunc_normal
from scopeflow.slim.nets._inception import (
    Layer,
    depth_rule,
    inception_arg_scope,
    logits_head,
    run_stages,
)

__all__ = ["inception_v2", "inception_v2_arg_scope", "inception_v2_base"]


def _block(b0, b1, b2, b3, pool="AvgPool_0a_3x3"):
    """1x1 | 1x1 > 3x3 | 1x1 > 3x3 > 3x3 | 3x3 pool > 1x1; the 1x1s ahead of 3x3s start
    from truncated normal 0.09, the pool's 1x1 from 0.1."""
    return [[Layer("Conv2d_0a_1x1", b0)],
            [Layer("Conv2d_0a_1x1", b1[0], stddev=0.09), Layer("Conv2d_0b_3x3", b1[1])],
            [Layer("Conv2d_0a_1x1", b2[0], stddev=0.09), Layer("Conv2d_0b_3x3", b2[1]),
             Layer("Conv2d_0c_3x3", b2[1])],
            [Layer(pool), Layer("Conv2d_0b_1x1", b3, stddev=0.1)]]


def _reduction(b0, b1):
    """Grid reduction: 1x1 > 3x3/2 | 1x1 > 3x3 > 3x3/2 | 3x3/2 max pool."""
    return [[Layer("Conv2d_0a_1x1", b0[0], stddev=0.09),
             Layer("Conv2d_1a_3x3", b0[1], stride=2)],
            [Layer("Conv2d_0a_1x1", b1[0], stddev=0.09), Layer("Conv2d_0b_3x3", b1[1]),
             Layer("Conv2d_1a_3x3", b1[1], stride=2)],
            [Layer("MaxPool_1a_3x3", stride=2)]]


_MIXED = (
    ("Mixed_3b", _block(64, (64, 64), (64, 96), 32)),
    ("Mixed_3c", _block(64, (64, 96), (64, 96), 64)),
    ("Mixed_4a", _reduction((128, 160), (64, 96))),
    ("Mixed_4b", _block(224, (64, 96), (96, 128), 128)),
    ("Mixed_4c", _block(192, (96, 128), (96, 128), 128)),
    ("Mixed_4d", _block(160, (128, 160), (128, 160), 96)),
    ("Mixed_4e", _block(96, (128, 192), (160, 192), 96)),
    ("Mixed_5a", _reduction((128, 192), (192, 256))),
    ("Mixed_5b", _block(352, (192, 320), (160, 224), 128)),
    ("Mixed_5c", _block(352, (192, 320), (192, 224), 128, pool="MaxPool_0a_3x3")),
)


def _stem(depth):
    """A 7x7 separable convolution (depthwise multiplier up to 8), then 3x3/2 pools and
    1x1, 3x3 convolutions."""
    def conv1(net):
        return separable_conv2d(net, depth(64), [7, 7],
                                depth_multiplier=min(int(depth(64) / 3), 8), stride=2,
                                weights_initializer=trunc_normal(1.0), scope="Conv2d_1a_7x7")

    return (("Conv2d_1a_7x7", conv1),
            ("MaxPool_2a_3x3", Layer("MaxPool_2a_3x3", stride=2)),
            ("Conv2d_2b_1x1", Layer("Conv2d_2b_1x1", 64, stddev=0.1)),
            ("Conv2d_2c_3x3", Layer("Conv2d_2c_3x3", 192)),
            ("MaxPool_3a_3x3", Layer("MaxPool_3a_3x3", stride=2)))


def inception_v2_base(inputs, final_endpoint="Mixed_5c", min_depth=16, depth_multiplier=1.0,
                      scope=None):
    """The convolutional part up to `final_endpoint`; returns (net, end_points)."""
    end_points = {}
    depth = depth_rule(depth_multiplier, min_depth)
    with variable_scope(scope, "InceptionV2", [inputs]):
        with arg_scope([layers.conv2d, layers.max_pool2d, layers.avg_pool2d, separable_conv2d],
                       stride=1, padding="SAME"):
            net = run_stages(inputs, _stem(depth) + _MIXED, depth, final_endpoint, end_points)
            if net is not None:
                return net, end_points
    raise ValueError("Unknown final endpoint %s" % final_endpoint)


def inception_v2(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.8,
                 min_depth=16, depth_multiplier=1.0, prediction_fn=extra.softmax,
                 spatial_squeeze=True, reuse=None, scope="InceptionV2"):
    """Inception V2 for 224x224 inputs; returns (logits, end_points)."""
    if depth_multiplier <= 0:
        raise ValueError("depth_multiplier is not greater than zero.")
    with variable_scope(scope, "InceptionV2", [inputs, num_classes], reuse=reuse) as sc:
        with arg_scope([layers.batch_norm, layers.dropout], is_training=is_training):
            net, end_points = inception_v2_base(inputs, scope=sc, min_depth=min_depth,
                                                depth_multiplier=depth_multiplier)
            with variable_scope("Logits"):
                _, logits = logits_head(net, num_classes, dropout_keep_prob, spatial_squeeze,
                                        ("AvgPool_1a_{}x{}", 7, "Dropout_1b", "Conv2d_1c_1x1"))
            end_points["Logits"] = logits
            end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


inception_v2.default_image_size = 224


def inception_v2_arg_scope(weight_decay=0.00004, batch_norm_var_collection="moving_vars"):
    """L2 decay, variance scaling init, ReLU and batch norm for convolutions."""
    return inception_arg_scope(weight_decay, True, batch_norm_var_collection)
