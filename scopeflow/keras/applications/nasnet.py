"""NASNet-A (Zoph et al. 2018): a searched architecture of normal cells (which keep the
image size) and reduction cells (which halve it), each combining the cell's input `ip` and
the previous cell's input `p` through pairs of separable convolutions and pools. Two stem
reductions, then three stacks of `num_blocks` normal cells split by two reductions.
NASNetMobile is 4 @ 1056 on 224x224 images, NASNetLarge 6 @ 4032 on 331x331.

>>> import scopeflow as tf
>>> tf.keras.applications.NASNetMobile(weights=None, include_top=False,
...                                    input_shape=(32, 32, 3)).output.shape.as_list()
[None, 1, 1, 1056]
"""

from scopeflow.keras.applications import _common, _inputs, imagenet_utils

_BASE = _common.BASE_URL + "nasnet/"
# (with top, without top) (file name, url, hash) of the mobile and the large weights
_MOBILE_FILES = (("nasnet_mobile.h5", _BASE + "NASNet-mobile.h5",
                  "020fb642bf7360b370c678b08e0adf61"),
                 ("nasnet_mobile_no_top.h5", _BASE + "NASNet-mobile-no-top.h5",
                  "1ed92395b5b598bdda52abe5c0dbfd63"))
_LARGE_FILES = (("nasnet_large.h5", _BASE + "NASNet-large.h5",
                 "11577c9a518f0070763c2b964a382f17"),
                ("nasnet_large_no_top.h5", _BASE + "NASNet-large-no-top.h5",
                 "d81d89dc07e6e56530c4e77faddd61b5"))

_CHANNELS_LAST_WARNING = (
    'The NASNet family of models is only available for the input data format "channels_last" '
    '(width, height, channels). However your settings specify the default data format '
    '"channels_first" (channels, width, height). You should set '
    '`image_data_format="channels_last"` in your TF-Keras config located at '
    '~/.keras/keras.json. The model being returned right now will expect inputs to follow '
    'the "channels_last" data format.')


def _bn(x, name):
    from scopeflow.keras import layers
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)(x)


def _conv1x1(x, filters, name):
    from scopeflow.keras import layers
    return layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False,
                         name=name, kernel_initializer="he_normal")(x)


def _relu(x, name=None):
    from scopeflow.keras import layers
    return layers.Activation("relu", name=name)(x)


def _separable_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Twice ReLU, separable convolution, batch norm; the first strided (after a pad) when
    `strides` is 2."""
    from scopeflow.keras import backend, layers
    with backend.name_scope("separable_conv_block_%s" % block_id):
        x = _relu(ip)
        pad = "same"
        if strides == (2, 2):
            x = layers.ZeroPadding2D(padding=_inputs.correct_pad(x, kernel_size),
                                     name="separable_conv_1_pad_%s" % block_id)(x)
            pad = "valid"
        for j, step in ((1, strides), (2, (1, 1))):
            if j == 2:
                x = _relu(x)
            x = layers.SeparableConv2D(filters, kernel_size, strides=step,
                                       name="separable_conv_%d_%s" % (j, block_id),
                                       padding=pad if j == 1 else "same", use_bias=False,
                                       kernel_initializer="he_normal")(x)
            x = _bn(x, "separable_conv_%d_bn_%s" % (j, block_id))
    return x


def _adjust(p, ip, filters, block_id):
    """The previous path `p` made to match `ip`: halved in size (two offset 1x1 stride-2
    pools and convolutions, concatenated) or projected to `filters` channels."""
    from scopeflow.keras import backend, layers
    ip_shape = backend.int_shape(ip)
    p_shape = None if p is None else backend.int_shape(p)
    with backend.name_scope("adjust_block"):
        if p is None:
            return ip
        if p_shape[-2] != ip_shape[-2]:
            with backend.name_scope("adjust_reduction_block_%s" % block_id):
                p = _relu(p, "adjust_relu_1_%s" % block_id)
                p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name="adjust_avg_pool_1_%s" % block_id)(p)
                p1 = _conv1x1(p1, filters // 2, "adjust_conv_1_%s" % block_id)
                p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
                p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
                p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name="adjust_avg_pool_2_%s" % block_id)(p2)
                p2 = _conv1x1(p2, filters // 2, "adjust_conv_2_%s" % block_id)
                p = layers.concatenate([p1, p2], axis=-1)
                p = _bn(p, "adjust_bn_%s" % block_id)
        elif p_shape[-1] != filters:
            with backend.name_scope("adjust_projection_block_%s" % block_id):
                p = _conv1x1(_relu(p), filters, "adjust_conv_projection_%s" % block_id)
                p = _bn(p, "adjust_bn_%s" % block_id)
    return p


def _pool(kind, strides, padding, name):
    from scopeflow.keras import layers
    cls = layers.AveragePooling2D if kind == "avg" else layers.MaxPooling2D
    return cls((3, 3), strides=strides, padding=padding, name=name)


def _normal_cell(ip, p, filters, block_id):
    """A normal cell: returns (its output, `ip` as the next cell's previous path)."""
    from scopeflow.keras import backend, layers
    with backend.name_scope("normal_A_block_%s" % block_id):
        p = _adjust(p, ip, filters, block_id)
        h = _conv1x1(_relu(ip), filters, "normal_conv_1_%s" % block_id)
        h = _bn(h, "normal_bn_1_%s" % block_id)

        def sep(x, kernel, side):
            return _separable_block(x, filters, kernel, block_id="normal_%s_%s" % (side, block_id))

        def add(xs, i):
            return layers.add(xs, name="normal_add_%d_%s" % (i, block_id))

        with backend.name_scope("block_1"):
            x1 = add([sep(h, (5, 5), "left1"), sep(p, (3, 3), "right1")], 1)
        with backend.name_scope("block_2"):
            x2 = add([sep(p, (5, 5), "left2"), sep(p, (3, 3), "right2")], 2)
        with backend.name_scope("block_3"):
            x3 = add([_pool("avg", (1, 1), "same", "normal_left3_%s" % block_id)(h), p], 3)
        with backend.name_scope("block_4"):
            x4 = add([_pool("avg", (1, 1), "same", "normal_left4_%s" % block_id)(p),
                      _pool("avg", (1, 1), "same", "normal_right4_%s" % block_id)(p)], 4)
        with backend.name_scope("block_5"):
            x5 = add([sep(h, (3, 3), "left5"), h], 5)
        x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1,
                               name="normal_concat_%s" % block_id)
    return x, ip


def _reduction_cell(ip, p, filters, block_id):
    """A reduction cell: returns (its output at half the size, `ip`)."""
    from scopeflow.keras import backend, layers
    with backend.name_scope("reduction_A_block_%s" % block_id):
        p = _adjust(p, ip, filters, block_id)
        h = _conv1x1(_relu(ip), filters, "reduction_conv_1_%s" % block_id)
        h = _bn(h, "reduction_bn_1_%s" % block_id)
        h3 = layers.ZeroPadding2D(padding=_inputs.correct_pad(h, 3),
                                  name="reduction_pad_1_%s" % block_id)(h)

        def sep(x, kernel, side, strides=(2, 2)):
            return _separable_block(x, filters, kernel, strides=strides,
                                    block_id="reduction_%s_%s" % (side, block_id))

        def named(suffix):
            return "reduction_%s_%s" % (suffix, block_id)

        with backend.name_scope("block_1"):
            x1 = layers.add([sep(h, (5, 5), "left1"), sep(p, (7, 7), "right1")],
                            name=named("add_1"))
        with backend.name_scope("block_2"):
            x2 = layers.add([_pool("max", (2, 2), "valid", named("left2"))(h3),
                             sep(p, (7, 7), "right2")], name=named("add_2"))
        with backend.name_scope("block_3"):
            x3 = layers.add([_pool("avg", (2, 2), "valid", named("left3"))(h3),
                             sep(p, (5, 5), "right3")], name=named("add3"))
        with backend.name_scope("block_4"):
            x4 = layers.add([x2, _pool("avg", (1, 1), "same", named("left4"))(x1)])
        with backend.name_scope("block_5"):
            x5 = layers.add([sep(x1, (3, 3), "left4", strides=(1, 1)),
                             _pool("max", (2, 2), "valid", named("right5"))(h3)],
                            name=named("add4"))
        x = layers.concatenate([x2, x3, x4, x5], axis=-1, name=named("concat"))
        return x, ip


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6,  # noqa: N802
           stem_block_filters=96, skip_reduction=True, filter_multiplier=2, include_top=True,
           weights="imagenet", input_tensor=None, pooling=None, classes=1000,
           default_size=None, classifier_activation="softmax"):
    """A NASNet-A model of `num_blocks` normal cells a stack ending in `penultimate_filters`
    channels (channels_last whatever the data format, as tf_keras builds it)."""
    from scopeflow.keras import backend, layers
    _common.check_weights(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError("When specifying the input shape of a NASNet and loading `ImageNet` "
                         "weights, the input_shape argument must be static (no None entries)."
                         " Got: `input_shape=" + str(input_shape) + "`.")
    default_size = 331 if default_size is None else default_size
    input_shape = _inputs.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    old_format = None
    if backend.image_data_format() != "channels_last":
        import logging
        logging.getLogger("tensorflow").warning(_CHANNELS_LAST_WARNING)
        backend.set_image_data_format("channels_last")
        old_format = "channels_first"
    try:
        img_input = _common.image_input(input_tensor, input_shape)
        if penultimate_filters % (24 * (filter_multiplier ** 2)) != 0:
            raise ValueError("For NASNet-A models, the `penultimate_filters` must be a multiple"
                             " of 24 * (`filter_multiplier` ** 2). Current value: %d"
                             % penultimate_filters)
        filters = penultimate_filters // 24
        x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid",
                          use_bias=False, name="stem_conv1",
                          kernel_initializer="he_normal")(img_input)
        x = _bn(x, "stem_bn1")
        x, p = _reduction_cell(x, None, filters // filter_multiplier ** 2, "stem_1")
        x, p = _reduction_cell(x, p, filters // filter_multiplier, "stem_2")
        for i in range(num_blocks):
            x, p = _normal_cell(x, p, filters, "%d" % i)
        for stack in (1, 2):
            width = filters * filter_multiplier ** stack
            x, p0 = _reduction_cell(x, p, width, "reduce_%d" % (stack * num_blocks))
            p = p if skip_reduction else p0
            for i in range(num_blocks):
                x, p = _normal_cell(x, p, width, "%d" % (stack * num_blocks + i + 1))
        x = _relu(x)
        top = _common.Top(include_top, pooling, classes, classifier_activation, weights)
        if include_top:
            x = _common.classifier(layers.GlobalAveragePooling2D()(x), top)
        else:
            x = _common.pooled(x, pooling)
        net = _common.model(input_tensor, img_input, x, "NASNet")
        if weights == "imagenet":
            files = {224: _MOBILE_FILES, 331: _LARGE_FILES}.get(default_size)
            if files is None:
                raise ValueError("ImageNet weights can only be loaded with NASNetLarge or "
                                 "NASNetMobile")
            return _common.load_weights(net, weights, include_top, files)
        return _common.load_weights(net, weights, include_top, None)
    finally:
        if old_format:
            backend.set_image_data_format(old_format)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet",  # noqa: N802
                 input_tensor=None, pooling=None, classes=1000,
                 classifier_activation="softmax"):
    """`tf.keras.applications.NASNetMobile`: NASNet-A 4 @ 1056 (224x224 images by default)."""
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling,
                  classes=classes, default_size=224,
                  classifier_activation=classifier_activation)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet",  # noqa: N802
                input_tensor=None, pooling=None, classes=1000,
                classifier_activation="softmax"):
    """`tf.keras.applications.NASNetLarge`: NASNet-A 6 @ 4032 (331x331 images by default)."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling,
                  classes=classes, default_size=331,
                  classifier_activation=classifier_activation)


def preprocess_input(x, data_format=None):
    """Images as NASNet was trained on: scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
