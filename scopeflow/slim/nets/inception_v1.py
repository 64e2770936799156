"""tf_slim.nets.inception_v1: GoogLeNet (Inception V1) with TF-Slim's scopes and end points.

>>> import scopeflow.compat.v1 as tf
>>> from scopeflow.slim.nets import inception_v1
>>> logits, ends = inception_v1.inception_v1(tf.placeholder(tf.float32, [1, 224, 224, 3]), 10)
>>> logits.name, ends["Mixed_5c"].shape.as_list()
('InceptionV1/Logits/SpatialSqueeze:0', [1, 7, 7, 1024])
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.slim import extra, layers
from scopeflow.slim.arg_scope import arg_scope
from scopeflow.slim.nets._common import trunc_normal
from scopeflow.slim.nets._inception import Layer, inception_arg_scope, logits_head, run_stages

__all__ = ["inception_v1", "inception_v1_arg_scope", "inception_v1_base"]


def _block(b0, b1, b2, b3, b2_second="Conv2d_0b_3x3"):
    """A GoogLeNet block: 1x1 | 1x1 > 3x3 | 1x1 > 3x3 | 3x3 max pool > 1x1."""
    return [[Layer("Conv2d_0a_1x1", b0)],
            [Layer("Conv2d_0a_1x1", b1[0]), Layer("Conv2d_0b_3x3", b1[1])],
            [Layer("Conv2d_0a_1x1", b2[0]), Layer(b2_second, b2[1])],
            [Layer("MaxPool_0a_3x3"), Layer("Conv2d_0b_1x1", b3)]]


_STAGES = (
    ("Conv2d_1a_7x7", Layer("Conv2d_1a_7x7", 64, stride=2)),
    ("MaxPool_2a_3x3", Layer("MaxPool_2a_3x3", stride=2)),
    ("Conv2d_2b_1x1", Layer("Conv2d_2b_1x1", 64)),
    ("Conv2d_2c_3x3", Layer("Conv2d_2c_3x3", 192)),
    ("MaxPool_3a_3x3", Layer("MaxPool_3a_3x3", stride=2)),
    ("Mixed_3b", _block(64, (96, 128), (16, 32), 32)),
    ("Mixed_3c", _block(128, (128, 192), (32, 96), 64)),
    ("MaxPool_4a_3x3", Layer("MaxPool_4a_3x3", stride=2)),
    ("Mixed_4b", _block(192, (96, 208), (16, 48), 64)),
    ("Mixed_4c", _block(160, (112, 224), (24, 64), 64)),
    ("Mixed_4d", _block(128, (128, 256), (24, 64), 64)),
    ("Mixed_4e", _block(112, (144, 288), (32, 64), 64)),
    ("Mixed_4f", _block(256, (160, 320), (32, 128), 128)),
    ("MaxPool_5a_2x2", Layer("MaxPool_5a_2x2", stride=2)),
    # TF-Slim names this block's second 3x3 "Conv2d_0a_3x3"; checkpoints depend on it
    ("Mixed_5b", _block(256, (160, 320), (32, 128), 128, b2_second="Conv2d_0a_3x3")),
    ("Mixed_5c", _block(384, (192, 384), (48, 128), 128)),
)


def inception_v1_base(inputs, final_endpoint="Mixed_5c", scope="InceptionV1"):
    """The convolutional part up to `final_endpoint`; returns (net, end_points)."""
    end_points = {}
    with variable_scope(scope, "InceptionV1", [inputs]):
        with arg_scope([layers.conv2d, layers.fully_connected],
                       weights_initializer=trunc_normal(0.01)):
            with arg_scope([layers.conv2d, layers.max_pool2d], stride=1, padding="SAME"):
                net = run_stages(inputs, _STAGES, lambda d: d, final_endpoint, end_points)
                if net is not None:
                    return net, end_points
    raise ValueError("Unknown final endpoint %s" % final_endpoint)


def inception_v1(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.8,
                 prediction_fn=extra.softmax, spatial_squeeze=True, reuse=None,
                 scope="InceptionV1"):
    """Inception V1 for 224x224 inputs; returns (logits, end_points)."""
    with variable_scope(scope, "InceptionV1", [inputs, num_classes], reuse=reuse) as sc:
        with arg_scope([layers.batch_norm, layers.dropout], is_training=is_training):
            net, end_points = inception_v1_base(inputs, scope=sc)
            with variable_scope("Logits"):
                _, logits = logits_head(net, num_classes, dropout_keep_prob, spatial_squeeze,
                                        ("MaxPool_0a_7x7", 7, "Dropout_0b", "Conv2d_0c_1x1"))
                end_points["Logits"] = logits
                end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


inception_v1.default_image_size = 224


def inception_v1_arg_scope(weight_decay=0.00004, use_batch_norm=True,
                           batch_norm_var_collection="moving_vars"):
    """L2 decay, variance scaling init, ReLU and (by default) batch norm for convolutions."""
    return inception_arg_scope(weight_decay, use_batch_norm, batch_norm_var_collection)
