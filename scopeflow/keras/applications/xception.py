"""Xception (Chollet 2016): two 3x3 convolutions, then 14 blocks of depthwise-separable
3x3 convolutions with residual connections: three entry blocks and one exit block that
downsample (a 3x3 stride-2 max pool beside a strided 1x1 projection), eight middle blocks of
three separable convolutions at 728 channels, and two final separable convolutions.

>>> import scopeflow as tf
>>> tf.keras.applications.Xception(weights=None, include_top=False).output.shape.as_list()
[None, None, None, 2048]
"""

from scopeflow.keras.applications import _common, imagenet_utils

_FILES = _common.kernel_files("xception/", "xception", ("0a58e3b7378bc2990ea3b43d5981f1f6",
                                                        "b0042744bf5b25fce3cb969f33bebb97"))


def _axis():
    from scopeflow.keras import backend
    return 1 if backend.image_data_format() == "channels_first" else -1


def _bn(x, name=None):
    from scopeflow.keras import layers
    return layers.BatchNormalization(axis=_axis(), name=name)(x)


def _relu(x, name):
    from scopeflow.keras import layers
    return layers.Activation("relu", name=name)(x)


def _sepconv_bn(x, filters, name):
    """An unbiased 'same' 3x3 separable convolution `name` and its batch norm name_bn."""
    from scopeflow.keras import layers
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return _bn(x, name + "_bn")


def _projection(x, filters):
    """The strided 1x1 (unnamed) projection of a downsampling block's shortcut."""
    from scopeflow.keras import layers
    x = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return _bn(x)


def _down_block(x, index, filters, first_relu=True):
    """Entry or exit block `index`: (ReLU,) separable to filters[0], ReLU, separable to
    filters[1], 3x3 stride-2 max pool, added to the projected input."""
    from scopeflow.keras import layers
    prefix = "block%d" % index
    residual = _projection(x, filters[1])
    if first_relu:
        x = _relu(x, prefix + "_sepconv1_act")
    x = _sepconv_bn(x, filters[0], prefix + "_sepconv1")
    x = _relu(x, prefix + "_sepconv2_act")
    x = _sepconv_bn(x, filters[1], prefix + "_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=prefix + "_pool")(x)
    return layers.add([x, residual])


def _middle_block(x, index):
    """Three ReLU, 728-channel separable convolutions added to the input."""
    from scopeflow.keras import layers
    residual = x
    prefix = "block%d" % index
    for j in range(1, 4):
        x = _relu(x, prefix + "_sepconv%d_act" % j)
        x = _sepconv_bn(x, 728, prefix + "_sepconv%d" % j)
    return layers.add([x, residual])


def _features(x):
    """The two stem convolutions and blocks 2 .. 14 on the image input `x`."""
    from scopeflow.keras import layers
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(x)
    x = _relu(_bn(x, "block1_conv1_bn"), "block1_conv1_act")
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = _relu(_bn(x, "block1_conv2_bn"), "block1_conv2_act")
    x = _down_block(x, 2, (128, 128), first_relu=False)
    x = _down_block(x, 3, (256, 256))
    x = _down_block(x, 4, (728, 728))
    for i in range(5, 13):
        x = _middle_block(x, i)
    x = _down_block(x, 13, (728, 1024))
    x = _relu(_sepconv_bn(x, 1536, "block14_sepconv1"), "block14_sepconv1_act")
    return _relu(_sepconv_bn(x, 2048, "block14_sepconv2"), "block14_sepconv2_act")


def Xception(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """`tf.keras.applications.Xception` (299x299 images by default, at least 71x71)."""
    top = _common.Top(include_top, pooling, classes, classifier_activation, weights)
    img_input = _common.checked_input(top, input_tensor, input_shape, 299, 71)
    x = _features(img_input)
    x = _common.average_top(x, top)
    net = _common.model(input_tensor, img_input, x, "xception")
    return _common.load_weights(net, weights, include_top, _FILES)


def preprocess_input(x, data_format=None):
    """Images as Xception was trained on: scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
