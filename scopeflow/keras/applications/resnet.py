"""ResNet50/101/152 (He et al. 2015) and their V2 (pre-activation, 2016) forms: a 7x7 stride-2
stem, four stages of bottleneck blocks (1x1, 3x3, 1x1 convolutions beside a shortcut) and a
global-average-pooled classifier.

>>> import scopeflow as tf
>>> net = tf.keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)
>>> net.output.shape.as_list(), net.count_params()
([None, 10], 23608202)
"""

from scopeflow.keras.applications import _common, imagenet_utils

_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
# blocks per stage (conv2 .. conv5) of each depth
_BLOCKS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}
_EPSILON = 1.001e-5


def _bn_axis():
    from scopeflow.keras import backend
    return 3 if backend.image_data_format() == "channels_last" else 1


def _bn(x, name):
    from scopeflow.keras import layers
    return layers.BatchNormalization(axis=_bn_axis(), epsilon=_EPSILON, name=name)(x)


def _relu(x, name):
    from scopeflow.keras import layers
    return layers.Activation("relu", name=name)(x)


def block1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A V1 bottleneck: strided 1x1, 3x3, 1x1 to 4 * filters, each batch-normalized, added to
    the (projected where `conv_shortcut`) input, then ReLU."""
    from scopeflow.keras import layers
    shortcut = x
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = _bn(shortcut, name + "_0_bn")
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = _relu(_bn(x, name + "_1_bn"), name + "_1_relu")
    x = layers.Conv2D(filters, kernel_size, padding="SAME", name=name + "_2_conv")(x)
    x = _relu(_bn(x, name + "_2_bn"), name + "_2_relu")
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = _bn(x, name + "_3_bn")
    x = layers.Add(name=name + "_add")([shortcut, x])
    return _relu(x, name + "_out")


def stack1(x, filters, blocks, stride1=2, name=None):
    """`blocks` V1 bottlenecks, the first projecting its shortcut with stride `stride1`."""
    x = block1(x, filters, stride=stride1, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = block1(x, filters, conv_shortcut=False, name=name + "_block%d" % i)
    return x


def block2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """A V2 bottleneck: batch norm and ReLU first, then 1x1, padded strided 3x3, 1x1, added to
    the shortcut (projected, subsampled by a 1x1 max pool, or the input)."""
    from scopeflow.keras import layers
    preact = _relu(_bn(x, name + "_preact_bn"), name + "_preact_relu")
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = _relu(_bn(x, name + "_1_bn"), name + "_1_relu")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False,
                      name=name + "_2_conv")(x)
    x = _relu(_bn(x, name + "_2_bn"), name + "_2_relu")
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return layers.Add(name=name + "_out")([shortcut, x])


def stack2(x, filters, blocks, stride1=2, name=None):
    """`blocks` V2 bottlenecks; the first projects its shortcut, the last strides `stride1`."""
    x = block2(x, filters, conv_shortcut=True, name=name + "_block1")
    for i in range(2, blocks):
        x = block2(x, filters, name=name + "_block%d" % i)
    return block2(x, filters, stride=stride1, name=name + "_block%d" % blocks)


def _stages(depth, preact):
    """The four stages of a ResNet of `depth` as a function of the stem's output."""
    blocks = _BLOCKS[depth]

    def stack_fn(x):
        for i, (filters, n) in enumerate(zip((64, 128, 256, 512), blocks)):
            name = "conv%d" % (i + 2)
            if preact:
                x = stack2(x, filters, n, stride1=1 if i == 3 else 2, name=name)
            else:
                x = stack1(x, filters, n, stride1=1 if i == 0 else 2, name=name)
        return x
    return stack_fn


def ResNet(stack_fn, preact, use_bias, model_name="resnet", include_top=True,  # noqa: N802
           weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
           classifier_activation="softmax", **kwargs):
    """A ResNet whose stages `stack_fn` builds on the stem; `preact` for the V2 form."""
    from scopeflow.keras import layers
    kwargs.pop("layers", None)
    if kwargs:
        raise ValueError("Unknown argument(s): %s" % (kwargs,))
    top = _common.Top(include_top, pooling, classes, classifier_activation, weights)
    img_input = _common.checked_input(top, input_tensor, input_shape, 224, 32)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = _relu(_bn(x, "conv1_bn"), "conv1_relu")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = _relu(_bn(x, "post_bn"), "post_relu")
    x = _common.average_top(x, top, ("avg_pool", "max_pool"))
    net = _common.model(input_tensor, img_input, x, model_name)
    if weights == "imagenet" and model_name not in _HASHES:
        weights = "imagenet"  # no such file: load_weights says so, as TF's does
        net.load_weights(weights)
        return net
    files = _common.kernel_files("resnet/", model_name, _HASHES.get(model_name, (None, None)))
    return _common.load_weights(net, weights, include_top, files)


def _resnet(depth, preact, args, kwargs):
    name = "resnet%d%s" % (depth, "v2" if preact else "")
    return ResNet(_stages(depth, preact), preact, True, name, *args, **kwargs)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
             input_shape=None, pooling=None, classes=1000, **kwargs):
    """`tf.keras.applications.ResNet50`: 3, 4, 6, 3 bottlenecks."""
    return _resnet(50, False, (include_top, weights, input_tensor, input_shape, pooling,
                               classes), kwargs)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
              input_shape=None, pooling=None, classes=1000, **kwargs):
    """`tf.keras.applications.ResNet101`: 3, 4, 23, 3 bottlenecks."""
    return _resnet(101, False, (include_top, weights, input_tensor, input_shape, pooling,
                                classes), kwargs)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
              input_shape=None, pooling=None, classes=1000, **kwargs):
    """`tf.keras.applications.ResNet152`: 3, 8, 36, 3 bottlenecks."""
    return _resnet(152, False, (include_top, weights, input_tensor, input_shape, pooling,
                                classes), kwargs)


def preprocess_input(x, data_format=None):
    """Images as ResNet (V1) was trained on: BGR, each channel's ImageNet mean subtracted."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
