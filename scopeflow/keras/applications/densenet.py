"""DenseNet121/169/201 (Huang et al. 2016): a 7x7 stride-2 stem, four dense blocks whose
units (batch norm, ReLU, 1x1 to 128 filters, batch norm, ReLU, 3x3 to 32) each concatenate
their output onto their input, and between them transitions halving the channels (1x1) and
the size (2x2 average pool).

>>> import scopeflow as tf
>>> net = tf.keras.applications.DenseNet121(weights=None, input_shape=(32, 32, 3), classes=10)
>>> net.name, net.output.shape.as_list()
('densenet121', [None, 10])
"""

from scopeflow.keras.applications import _common, imagenet_utils

# the model each list of blocks per dense block names, and its (with top, no top) file hashes
_MODELS = {
    (6, 12, 24, 16): ("densenet121", ("9d60b8095a5708f2dcce2bca79d332c7",
                                      "30ee3e1110167f948a6b9946edeeb738")),
    (6, 12, 32, 32): ("densenet169", ("d699b8f76981ab1b30698df4c175e90b",
                                      "b8c4d4c20dd625c148057b9ff1c1176b")),
    (6, 12, 48, 32): ("densenet201", ("1ceb130c1ea1b78c3bf6114dbdfd8807",
                                      "c13680b51ded0fb44dff2d8f86ac8bb1")),
}
_EPSILON = 1.001e-5


def _bn_axis():
    from scopeflow.keras import backend
    return 3 if backend.image_data_format() == "channels_last" else 1


def _bn_relu(x, bn_name, relu_name):
    from scopeflow.keras import layers
    x = layers.BatchNormalization(axis=_bn_axis(), epsilon=_EPSILON, name=bn_name)(x)
    return layers.Activation("relu", name=relu_name)(x)


def conv_block(x, growth_rate, name):
    """One dense unit: `growth_rate` new channels (through a 4 * growth_rate bottleneck)
    concatenated onto `x`."""
    from scopeflow.keras import layers
    x1 = _bn_relu(x, name + "_0_bn", name + "_0_relu")
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(x1)
    x1 = _bn_relu(x1, name + "_1_bn", name + "_1_relu")
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False,
                       name=name + "_2_conv")(x1)
    return layers.Concatenate(axis=_bn_axis(), name=name + "_concat")([x, x1])


def dense_block(x, blocks, name):
    """`blocks` dense units of growth 32, named name_block1 ..."""
    for i in range(blocks):
        x = conv_block(x, 32, name=name + "_block" + str(i + 1))
    return x


def transition_block(x, reduction, name):
    """Batch norm, ReLU, 1x1 to `reduction` of the channels, 2x2 stride-2 average pool."""
    from scopeflow.keras import backend, layers
    x = _bn_relu(x, name + "_bn", name + "_relu")
    channels = backend.int_shape(x)[_bn_axis()]
    x = layers.Conv2D(int(channels * reduction), 1, use_bias=False, name=name + "_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """A DenseNet of `blocks` units in its four dense blocks (224x224 images by default, at
    least 32x32)."""
    from scopeflow.keras import layers
    top = _common.Top(include_top, pooling, classes, classifier_activation, weights)
    img_input = _common.checked_input(top, input_tensor, input_shape, 224, 32)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1/conv")(x)
    x = _bn_relu(x, "conv1/bn", "conv1/relu")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, n in enumerate(blocks):
        x = dense_block(x, n, name="conv%d" % (i + 2))
        if i < 3:
            x = transition_block(x, 0.5, name="pool%d" % (i + 2))
    x = _bn_relu(x, "bn", "relu")
    x = _common.average_top(x, top, ("avg_pool", "max_pool"))
    model_name, hashes = _MODELS.get(tuple(blocks) if isinstance(blocks, list) else None,
                                     ("densenet", None))
    net = _common.model(input_tensor, img_input, x, model_name)
    if weights == "imagenet" and hashes is None:
        # tf_keras has no file for other blocks: its weights_path is never set
        raise UnboundLocalError(
            "cannot access local variable 'weights_path' where it is not associated with a "
            "value")
    files = _common.kernel_files("densenet/", model_name, hashes or (None, None))
    return _common.load_weights(net, weights, include_top, files)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax"):
    """`tf.keras.applications.DenseNet121`: 6, 12, 24, 16 dense units."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax"):
    """`tf.keras.applications.DenseNet169`: 6, 12, 32, 32 dense units."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax"):
    """`tf.keras.applications.DenseNet201`: 6, 12, 48, 32 dense units."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation)


def preprocess_input(x, data_format=None):
    """Images as DenseNet was trained on: scaled to [0, 1], each channel normalized by its
    ImageNet mean and standard deviation."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
