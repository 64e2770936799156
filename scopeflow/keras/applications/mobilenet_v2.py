"""MobileNetV2 (Sandler et al. 2018): a strided 3x3 convolution, 17 inverted residual blocks
(1x1 expansion, 3x3 depthwise, linear 1x1 projection; added to the input where shapes allow)
and a 1x1 convolution to 1280 channels, `alpha` scaling the widths.

>>> import scopeflow as tf
>>> tf.keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3)).name
'mobilenetv2_1.00_96'
"""

from scopeflow.keras.applications import _common, _inputs, imagenet_utils
from scopeflow.keras.applications.mobilenet import _rows_cols, default_size, imagenet_rows

BASE_WEIGHT_PATH = _common.BASE_URL + "mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of inverted residual blocks 0..16
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6),
           (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6),
           (160, 1, 6), (160, 1, 6), (320, 1, 6))


def _make_divisible(v, divisor, min_value=None):
    """`v` rounded to a multiple of `divisor` (at least `min_value`, and not below 90% of v)."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def _bn(x, name):
    from scopeflow.keras import backend, layers
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)(x)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    from scopeflow.keras import backend, layers
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    in_channels = backend.int_shape(inputs)[axis]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = "block_%d_" % block_id if block_id else "expanded_conv_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                          activation=None, name=prefix + "expand")(x)
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(_bn(x, prefix + "expand_BN"))
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_inputs.correct_pad(x, 3),
                                 name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(_bn(x, prefix + "depthwise_BN"))
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                      activation=None, name=prefix + "project")(x)
    x = _bn(x, prefix + "project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


def _check_input_tensor(input_tensor, input_shape):
    """MobileNetV2's own check that `input_tensor` agrees with `input_shape`."""
    from scopeflow.keras import backend
    if not backend._keras_made(input_tensor):
        raise ValueError("input_tensor is not a TF-Keras tensor; Received `input_tensor=%s`"
                         % (input_tensor,))
    if backend.image_data_format() == "channels_first":
        if backend.int_shape(input_tensor)[1] != input_shape[1]:
            raise ValueError("input_shape[1] must equal shape(input_tensor)[1] when "
                             "`image_data_format` is `channels_first`; Received "
                             "`input_tensor.shape=%s`, `input_shape=%s`"
                             % (input_tensor.shape, input_shape))
    elif backend.int_shape(input_tensor)[2] != input_shape[1]:
        raise ValueError("input_tensor.shape[2] must equal input_shape[1]; Received "
                         "`input_tensor.shape=%s`, `input_shape=%s`"
                         % (input_tensor.shape, input_shape))


def _default_size(input_shape, input_tensor):
    from scopeflow.keras import backend
    if input_shape is None and input_tensor is not None:
        if not backend._keras_made(input_tensor):
            return 224
        shape = backend.int_shape(input_tensor)
        first = backend.image_data_format() == "channels_first"
        rows, cols = (shape[2], shape[3]) if first else (shape[1], shape[2])
        return rows if rows == cols and rows in _SIZES else 224
    return default_size(input_shape, _SIZES)


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",  # noqa: N802
                input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax",
                **kwargs):
    """`tf.keras.applications.MobileNetV2` of width `alpha`."""
    from scopeflow.keras import backend, layers
    kwargs.pop("layers", None)
    if kwargs:
        raise ValueError("Unknown argument(s): %s" % (kwargs,))
    _common.check_weights(weights, include_top, classes, "mobilenet_v2")
    if input_shape is not None and input_tensor is not None:
        _check_input_tensor(input_tensor, input_shape)
    input_shape = _inputs.obtain_input_shape(
        input_shape, default_size=_default_size(input_shape, input_tensor), min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if alpha not in [0.35, 0.50, 0.75, 1.0, 1.3, 1.4]:
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, "
                             "`0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha=%s`"
                             % (alpha,))
        rows = imagenet_rows(rows, cols, _SIZES)
    img_input = _common.image_input(input_tensor, input_shape)
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                      padding="same", use_bias=False, name="Conv1")(img_input)
    x = layers.ReLU(6.0, name="Conv1_relu")(_bn(x, "bn_Conv1"))
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                expansion=expansion, block_id=block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.ReLU(6.0, name="out_relu")(_bn(x, "Conv_1_bn"))
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = _common.classifier(x, _common.Top(classes=classes, activation=classifier_activation,
                                              weights=weights))
    else:
        x = _common.pooled(x, pooling)
    net = _common.model(input_tensor, img_input, x, "mobilenetv2_%0.2f_%s" % (alpha, rows))
    names = ["mobilenet_v2_weights_tf_dim_ordering_tf_kernels_%s_%s%s.h5"
             % (float(alpha), rows, end) for end in ("", "_no_top")]
    files = [(n, BASE_WEIGHT_PATH + n, None) for n in names]
    return _common.load_weights(net, weights, include_top, files)


def preprocess_input(x, data_format=None):
    """Images as MobileNetV2 was trained on: scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
