"""Inception V3 (Szegedy et al. 2015): a stem of 3x3 convolutions and pools, then eleven
Inception modules ("mixed0" .. "mixed10") of parallel 1x1, factorized 7x7 / 3x3 and pooled
branches concatenated; every convolution is unbiased, batch-normalized without scale, ReLU.

>>> import scopeflow as tf
>>> tf.keras.applications.InceptionV3(weights=None, include_top=False).output.shape.as_list()
[None, None, None, 2048]
"""

from scopeflow.keras.applications import _common, imagenet_utils

_FILES = _common.kernel_files("inception_v3/", "inception_v3",
                              ("9a0d58056eeedaa3f26cb7ebd46da564",
                               "bcbd6486424b2319ff4ef7d526e38f63"))


def _axis():
    from scopeflow.keras import backend
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """An unbiased convolution, batch norm without scale, and ReLU (named name_conv, name_bn,
    name where `name` is given)."""
    from scopeflow.keras import layers
    conv_name, bn_name = (None, None) if name is None else (name + "_conv", name + "_bn")
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=conv_name)(x)
    x = layers.BatchNormalization(axis=_axis(), scale=False, name=bn_name)(x)
    return layers.Activation("relu", name=name)(x)


def _avg_branch(x, filters):
    from scopeflow.keras import layers
    pool = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(pool, filters, 1, 1)


def _chain(x, steps):
    """conv2d_bn over `steps` of (filters, rows, cols) in turn."""
    for filters, rows, cols in steps:
        x = conv2d_bn(x, filters, rows, cols)
    return x


def _concat(branches, name=None):
    from scopeflow.keras import layers
    return layers.concatenate(branches, axis=_axis(), name=name)


def _module_a(x, pool_filters, name):
    """35x35: 1x1, 5x5, double 3x3 and pooled branches."""
    return _concat([conv2d_bn(x, 64, 1, 1), _chain(x, [(48, 1, 1), (64, 5, 5)]),
                    _chain(x, [(64, 1, 1), (96, 3, 3), (96, 3, 3)]),
                    _avg_branch(x, pool_filters)], name)


def _module_c(x, width, name):
    """17x17: 1x1, factorized 7x7 and double 7x7 (of `width` inner filters), pooled."""
    one = conv2d_bn(x, 192, 1, 1)  # branches made in this order: their layers' names
    seven = _chain(x, [(width, 1, 1), (width, 1, 7), (192, 7, 1)])
    double = _chain(x, [(width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1),
                        (192, 1, 7)])
    return _concat([one, seven, double, _avg_branch(x, 192)], name)


def _module_e(x, index):
    """8x8: 1x1, 3x3 split into 1x3 / 3x1, double 3x3 split likewise, pooled."""
    one = conv2d_bn(x, 320, 1, 1)
    three = conv2d_bn(x, 384, 1, 1)
    three = _concat([conv2d_bn(three, 384, 1, 3), conv2d_bn(three, 384, 3, 1)],
                    "mixed9_%d" % index)
    double = _chain(x, [(448, 1, 1), (384, 3, 3)])
    double = _concat([conv2d_bn(double, 384, 1, 3), conv2d_bn(double, 384, 3, 1)])
    return _concat([one, three, double, _avg_branch(x, 192)],
                   "mixed%d" % (9 + index))


def _features(x):
    """The stem and mixed0 .. mixed10 on the image input `x`."""
    from scopeflow.keras import layers
    x = conv2d_bn(x, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for i, pool_filters in enumerate((32, 64, 64)):
        x = _module_a(x, pool_filters, "mixed%d" % i)
    three = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    double = _chain(x, [(64, 1, 1), (96, 3, 3)])
    x = _concat([three, conv2d_bn(double, 96, 3, 3, strides=(2, 2), padding="valid"),
                 layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], "mixed3")
    for i, width in enumerate((128, 160, 160, 192)):
        x = _module_c(x, width, "mixed%d" % (4 + i))
    three = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    seven = _chain(x, [(192, 1, 1), (192, 1, 7), (192, 7, 1)])
    seven = conv2d_bn(seven, 192, 3, 3, strides=(2, 2), padding="valid")
    x = _concat([three, seven, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], "mixed8")
    for i in range(2):
        x = _module_e(x, i)
    return x


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """`tf.keras.applications.InceptionV3` (299x299 images by default, at least 75x75)."""
    top = _common.Top(include_top, pooling, classes, classifier_activation, weights)
    img_input = _common.checked_input(top, input_tensor, input_shape, 299, 75, "inception_v3")
    x = _features(img_input)
    x = _common.average_top(x, top)
    net = _common.model(input_tensor, img_input, x, "inception_v3")
    return _common.load_weights(net, weights, include_top, _FILES)


def preprocess_input(x, data_format=None):
    """Images as Inception V3 was trained on: scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
