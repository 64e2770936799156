"""Inception-ResNet V2 (Szegedy et al. 2016): the Inception V3 stem, an Inception module
("mixed_5b"), then three stages of residual Inception blocks (10 "block35", 20 "block17",
10 "block8") whose branches, concatenated and projected by a biased 1x1 convolution, are
scaled and added to the block's input, with reduction modules ("mixed_6a", "mixed_7a")
between them and a final 1x1 convolution ("conv_7b") to 1536 channels.

>>> import scopeflow as tf
>>> net = tf.keras.applications.InceptionResNetV2(weights=None, include_top=False)
>>> net.output.shape.as_list()
[None, None, None, 1536]
"""

from scopeflow.keras.applications import _common, imagenet_utils
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.object_registration import register_keras_serializable

_FILES = _common.kernel_files("inception_resnet_v2/", "inception_resnet_v2",
                              ("e693bd0210a403b3192acc6073ad2e96",
                               "d19885ff4a710c122648d3b5c3b684e4"))


def _axis():
    from scopeflow.keras import backend
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu",
              use_bias=False, name=None):
    """A convolution `name`, unless biased its batch norm without scale (name_bn), and its
    activation (name_ac) unless `activation` is None."""
    from scopeflow.keras import layers
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                      use_bias=use_bias, name=name)(x)
    if not use_bias:
        bn_name = None if name is None else name + "_bn"
        x = layers.BatchNormalization(axis=_axis(), scale=False, name=bn_name)(x)
    if activation is not None:
        ac_name = None if name is None else name + "_ac"
        x = layers.Activation(activation, name=ac_name)(x)
    return x


@register_keras_serializable()
class CustomScaleLayer(Layer):
    """inputs[0] + inputs[1] * scale: a residual block's input plus its scaled branches."""

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale})
        return config

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale


def _chain(x, steps):
    """conv2d_bn over `steps` of (filters, kernel size) in turn."""
    for filters, size in steps:
        x = conv2d_bn(x, filters, size)
    return x


# the branches of each residual block type: a chain of (filters, kernel size) each
_BRANCHES = {
    "block35": ([(32, 1)], [(32, 1), (32, 3)], [(32, 1), (48, 3), (64, 3)]),
    "block17": ([(192, 1)], [(128, 1), (160, [1, 7]), (192, [7, 1])]),
    "block8": ([(192, 1)], [(192, 1), (224, [1, 3]), (256, [3, 1])]),
}


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """Residual block `block_type`_`block_idx`: its branches concatenated (_mixed), a
    biased 1x1 convolution back to x's channels (_conv), scaled and added to `x`, then
    `activation` (_ac) unless None."""
    from scopeflow.keras import backend, layers
    if block_type not in _BRANCHES:
        raise ValueError('Unknown Inception-ResNet block type. Expects "block35", "block17" '
                         'or "block8", but got: ' + str(block_type))
    branches = [_chain(x, steps) for steps in _BRANCHES[block_type]]
    block_name = block_type + "_" + str(block_idx)
    mixed = layers.Concatenate(axis=_axis(), name=block_name + "_mixed")(branches)
    up = conv2d_bn(mixed, backend.int_shape(x)[_axis()], 1, activation=None, use_bias=True,
                   name=block_name + "_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=block_name + "_ac")(x)
    return x


def _concat(branches, name):
    from scopeflow.keras import layers
    return layers.Concatenate(axis=_axis(), name=name)(branches)


def _max_pool(x):
    from scopeflow.keras import layers
    return layers.MaxPooling2D(3, strides=2, padding="valid")(x)


def _features(x):
    """The stem, mixed_5b, the residual stages with their reductions, and conv_7b on the
    image input `x`."""
    from scopeflow.keras import layers
    x = conv2d_bn(x, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    one = conv2d_bn(x, 96, 1)  # branches made in this order: their layers' names
    five = _chain(x, [(48, 1), (64, 5)])
    double = _chain(x, [(64, 1), (96, 3), (96, 3)])
    pool = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    x = _concat([one, five, double, conv2d_bn(pool, 64, 1)], "mixed_5b")
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, 0.17, "block35", block_idx)
    three = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    double = conv2d_bn(_chain(x, [(256, 1), (256, 3)]), 384, 3, strides=2, padding="valid")
    x = _concat([three, double, _max_pool(x)], "mixed_6a")
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, 0.1, "block17", block_idx)
    branches = [conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid"),
                conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid"),
                conv2d_bn(_chain(x, [(256, 1), (288, 3)]), 320, 3, strides=2,
                          padding="valid")]
    x = _concat(branches + [_max_pool(x)], "mixed_7a")
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, 0.2, "block8", block_idx)
    x = inception_resnet_block(x, 1.0, "block8", 10, activation=None)
    return conv2d_bn(x, 1536, 1, name="conv_7b")


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                      input_shape=None, pooling=None, classes=1000,
                      classifier_activation="softmax", **kwargs):
    """`tf.keras.applications.InceptionResNetV2` (299x299 images by default, at least
    75x75)."""
    kwargs.pop("layers", None)
    if kwargs:
        raise ValueError("Unknown argument(s): %s" % (kwargs,))
    top = _common.Top(include_top, pooling, classes, classifier_activation, weights)
    img_input = _common.checked_input(top, input_tensor, input_shape, 299, 75)
    x = _features(img_input)
    x = _common.average_top(x, top)
    net = _common.model(input_tensor, img_input, x, "inception_resnet_v2")
    return _common.load_weights(net, weights, include_top, _FILES)


def preprocess_input(x, data_format=None):
    """Images as Inception-ResNet V2 was trained on: scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
