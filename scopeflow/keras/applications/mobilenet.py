"""MobileNet (Howard et al. 2017): a strided 3x3 convolution then 13 depthwise-separable
blocks (3x3 depthwise, 1x1 pointwise, each batch-normalized with ReLU6), `alpha` scaling the
widths; the classifier is a 1x1 convolution over the pooled features.

>>> import scopeflow as tf
>>> tf.keras.applications.MobileNet(weights=None, input_shape=(32, 32, 3)).name
'mobilenet_1.00_32'
"""

import logging

from scopeflow.keras.applications import _common, _inputs, imagenet_utils

BASE_WEIGHT_PATH = _common.BASE_URL + "mobilenet/"
_SIZES = (128, 160, 192, 224)
# (pointwise filters, stride) of depthwise-separable blocks 1..13
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def _channel_axis():
    from scopeflow.keras import backend
    return 1 if backend.image_data_format() == "channels_first" else -1


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    from scopeflow.keras import layers
    x = layers.Conv2D(int(filters * alpha), kernel, padding="same", use_bias=False,
                      strides=strides, name="conv1")(inputs)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(inputs, pointwise_conv_filters, alpha, depth_multiplier=1,
                          strides=(1, 1), block_id=1):
    """3x3 depthwise (padded at the bottom right first where strided), 1x1 pointwise."""
    from scopeflow.keras import layers
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="conv_pad_%d" % block_id)(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                               depth_multiplier=depth_multiplier, strides=strides,
                               use_bias=False, name="conv_dw_%d" % block_id)(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv_dw_%d_bn" % block_id)(x)
    x = layers.ReLU(6.0, name="conv_dw_%d_relu" % block_id)(x)
    x = layers.Conv2D(int(pointwise_conv_filters * alpha), (1, 1), padding="same",
                      use_bias=False, strides=(1, 1), name="conv_pw_%d" % block_id)(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv_pw_%d_bn" % block_id)(x)
    return layers.ReLU(6.0, name="conv_pw_%d_relu" % block_id)(x)


def _rows_cols(input_shape):
    from scopeflow.keras import backend
    if backend.image_data_format() == "channels_first":
        return input_shape[1], input_shape[2]
    return input_shape[0], input_shape[1]


def default_size(input_shape, sizes):
    """The weights' image size a square `input_shape` of one of `sizes` picks, else 224."""
    if input_shape is None:
        return 224
    rows, cols = _rows_cols(input_shape)
    return rows if rows == cols and rows in sizes else 224


def imagenet_rows(rows, cols, sizes):
    """The image size of the imagenet weights loaded for a `rows` x `cols` model."""
    if rows != cols or rows not in sizes:
        logging.getLogger("tensorflow").warning(
            "`input_shape` is undefined or non-square, or `rows` is not in %s. Weights for "
            "input shape (224, 224) will be loaded as the default." % (list(sizes),))
        return 224
    return rows


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3,  # noqa: N802
              include_top=True, weights="imagenet", input_tensor=None, pooling=None,
              classes=1000, classifier_activation="softmax", **kwargs):
    """`tf.keras.applications.MobileNet` of width `alpha` and depth multiplier."""
    from scopeflow.keras import backend, layers
    kwargs.pop("layers", None)
    if kwargs:
        raise ValueError("Unknown argument(s): %s" % (kwargs,))
    _common.check_weights(weights, include_top, classes, "mobilenet")
    input_shape = _inputs.obtain_input_shape(
        input_shape, default_size=default_size(input_shape, _SIZES), min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1.  "
                             "Received depth_multiplier=%s" % (depth_multiplier,))
        if alpha not in [0.25, 0.50, 0.75, 1.0]:
            raise ValueError("If imagenet weights are being loaded, alpha can be one of`0.25`, "
                             "`0.50`, `0.75` or `1.0` only.  Received alpha=%s" % (alpha,))
        rows = imagenet_rows(rows, cols, _SIZES)
    img_input = _common.image_input(input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, 1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier,
                                  strides=(stride, stride), block_id=block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        _inputs.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pooled(x, pooling)
    net = _common.model(input_tensor, img_input, x, "mobilenet_%0.2f_%s" % (alpha, rows))
    text = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0"}.get(alpha, "2_5")
    names = ["mobilenet_%s_%s_tf%s.h5" % (text, rows, end) for end in ("", "_no_top")]
    files = [(n, BASE_WEIGHT_PATH + n, None) for n in names]
    return _common.load_weights(net, weights, include_top, files)


def preprocess_input(x, data_format=None):
    """Images as MobileNet was trained on: scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
