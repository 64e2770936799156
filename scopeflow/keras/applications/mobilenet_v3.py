"""MobileNetV3 Small and Large (Howard et al. 2019): a [-1, 1] Rescaling of the image, a 3x3
stride-2 stem, inverted residual blocks ("expanded_conv_N": 1x1 expansion, depthwise, an
optional squeeze-and-excite, 1x1 projection, added to the input where shapes allow) with ReLU
or hard-swish activations, a 1x1 convolution to six times the channels and a convolutional
classifier. Hard sigmoid is ReLU6(x + 3) / 6 built from raw ops, so the models hold TF1's
automatically wrapped op layers ("tf_op_layer_add", "tf_op_layer_mul").

>>> import scopeflow as tf
>>> net = tf.keras.applications.MobileNetV3Small(weights=None, input_shape=(32, 32, 3))
>>> net.name, net.output.shape.as_list()
('MobilenetV3small', [None, 1000])
"""

import logging

from scopeflow.keras.applications import _common, _inputs, imagenet_utils

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"

WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb",
                             "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7",
                            "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                         "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7",
                             "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862",
                            "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                         "cde8136e733e811080d9fcd8a252f7e4"),
}


def _channel_axis():
    from scopeflow.keras import backend
    return 1 if backend.image_data_format() == "channels_first" else -1


def _bn(x, name):
    from scopeflow.keras import layers
    return layers.BatchNormalization(axis=_channel_axis(), epsilon=1e-3, momentum=0.999,
                                     name=name)(x)


def relu(x):
    from scopeflow.keras import layers
    return layers.ReLU()(x)


def hard_sigmoid(x):
    from scopeflow.keras import layers
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    from scopeflow.keras import layers
    return layers.Multiply()([x, hard_sigmoid(x)])


def _depth(v, divisor=8, min_value=None):
    """`v` rounded to a multiple of `divisor` (at least `min_value`), losing under 10%."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _se_block(inputs, filters, se_ratio, prefix):
    """Squeeze and excite: the pooled channels through two 1x1 convolutions, a hard sigmoid
    gating `inputs`."""
    from scopeflow.keras import layers
    x = layers.GlobalAveragePooling2D(keepdims=True, name=prefix + "squeeze_excite/AvgPool")(
        inputs)
    x = layers.Conv2D(_depth(filters * se_ratio), kernel_size=1, padding="same",
                      name=prefix + "squeeze_excite/Conv")(x)
    x = layers.ReLU(name=prefix + "squeeze_excite/Relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same",
                      name=prefix + "squeeze_excite/Conv_1")(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=prefix + "squeeze_excite/Mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation,
                        block_id):
    from scopeflow.keras import backend, layers
    shortcut = x
    prefix = "expanded_conv/"
    infilters = backend.int_shape(x)[_channel_axis()]
    if block_id:
        prefix = "expanded_conv_%d/" % block_id
        x = layers.Conv2D(_depth(infilters * expansion), kernel_size=1, padding="same",
                          use_bias=False, name=prefix + "expand")(x)
        x = activation(_bn(x, prefix + "expand/BatchNorm"))
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_inputs.correct_pad(x, kernel_size),
                                 name=prefix + "depthwise/pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride,
                               padding="same" if stride == 1 else "valid", use_bias=False,
                               name=prefix + "depthwise")(x)
    x = activation(_bn(x, prefix + "depthwise/BatchNorm"))
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False,
                      name=prefix + "project")(x)
    x = _bn(x, prefix + "project/BatchNorm")
    if stride == 1 and infilters == filters:
        x = layers.Add(name=prefix + "Add")([shortcut, x])
    return x


def _input_shape(input_shape, input_tensor):
    """tf_keras' own checks of `input_shape` against a Keras `input_tensor` (and its shape
    when none is given)."""
    from scopeflow.keras import backend
    from scopeflow.keras.utils import get_source_inputs
    channels_first = backend.image_data_format() == "channels_first"
    if input_shape is not None and input_tensor is not None:
        try:
            is_input_t_tensor = backend.is_keras_tensor(input_tensor)
        except ValueError:
            try:
                is_input_t_tensor = backend.is_keras_tensor(get_source_inputs(input_tensor))
            except ValueError:
                raise ValueError("input_tensor: ", input_tensor,
                                 "is not type input_tensor.  Received type(input_tensor)=%s"
                                 % type(input_tensor)) from None
        if not is_input_t_tensor:
            raise ValueError("input_tensor specified: ", input_tensor, "is not a keras tensor")
        shape = backend.int_shape(input_tensor)
        if channels_first and shape[1] != input_shape[1]:
            raise ValueError("When backend.image_data_format()=channels_first, input_shape[1] "
                             "must equal backend.int_shape(input_tensor)[1].  Received "
                             "input_shape=%s, backend.int_shape(input_tensor)=%s"
                             % (input_shape, shape))
        if not channels_first and shape[2] != input_shape[1]:
            raise ValueError("input_shape[1] must equal backend.int_shape(input_tensor)[2].  "
                             "Received input_shape=%s, backend.int_shape(input_tensor)=%s"
                             % (input_shape, shape))
    if input_shape is None and input_tensor is not None:
        try:
            backend.is_keras_tensor(input_tensor)
        except ValueError:
            raise ValueError("input_tensor: ", input_tensor, "is type: ", type(input_tensor),
                             "which is not a valid type") from None
        if backend.is_keras_tensor(input_tensor):
            shape = backend.int_shape(input_tensor)
            input_shape = (3, shape[3], shape[2]) if channels_first else (shape[2], shape[1], 3)
    if input_shape is None and input_tensor is None:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    return input_shape


def MobileNetV3(stack_fn, last_point_ch, input_shape=None, alpha=1.0,  # noqa: N802
                model_type="large", minimalistic=False, include_top=True, weights="imagenet",
                input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                classifier_activation="softmax", include_preprocessing=True):
    from scopeflow.keras import backend, layers
    _common.check_weights(weights, include_top, classes, "mobilenet")
    input_shape = _input_shape(input_shape, input_tensor)
    row_axis, col_axis = (0, 1) if backend.image_data_format() == "channels_last" else (1, 2)
    rows = input_shape[row_axis]
    cols = input_shape[col_axis]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError("Input size must be at least 32x32; Received `input_shape=%s`"
                         % (input_shape,))
    if weights == "imagenet":
        if not minimalistic and alpha not in [0.75, 1.0] or minimalistic and alpha != 1.0:
            raise ValueError("If imagenet weights are being loaded, alpha can be one of "
                             "`0.75`, `1.0` for non minimalistic or `1.0` for minimalistic "
                             "only.")
        if rows != cols or rows != 224:
            logging.getLogger("tensorflow").warning(
                "`input_shape` is undefined or non-square, or `rows` is not 224. Weights for "
                "input shape (224, 224) will be loaded as the default.")
    img_input = _common.image_input(input_tensor, input_shape)
    channel_axis = _channel_axis()
    if minimalistic:
        kernel, activation, se_ratio = 3, relu, None
    else:
        kernel, activation, se_ratio = 5, hard_swish, 0.25
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv")(x)
    x = activation(_bn(x, "Conv/BatchNorm"))
    x = stack_fn(x, kernel, activation, se_ratio)
    last_conv_ch = _depth(backend.int_shape(x)[channel_axis] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False,
                      name="Conv_1")(x)
    x = activation(_bn(x, "Conv_1/BatchNorm"))
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True,
                          name="Conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="Logits")(x)
        x = layers.Flatten()(x)
        _inputs.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="Predictions")(x)
    else:
        x = _common.pooled(x, pooling, "avg_pool", "max_pool")
    net = _common.model(input_tensor, img_input, x, "MobilenetV3" + model_type)
    if weights == "imagenet":
        model_name = "{}{}_224_{}_float".format(
            model_type, "_minimalistic" if minimalistic else "", str(alpha))
        if include_top:
            file_name = "weights_mobilenet_v3_" + model_name + ".h5"
            file_hash = WEIGHTS_HASHES[model_name][0]
        else:
            file_name = "weights_mobilenet_v3_" + model_name + "_no_top_v2.h5"
            file_hash = WEIGHTS_HASHES[model_name][1]
        files = ((file_name, BASE_WEIGHT_PATH + file_name, file_hash),) * 2
        return _common.load_weights(net, weights, include_top, files)
    return _common.load_weights(net, weights, include_top, ())


# the blocks of each model: (expansion, filters, kernel ("k": the model's), stride,
# squeeze-excite ("se": the model's), activation ("act": the model's))
_SMALL = [(1, 16, 3, 2, "se", relu), (72.0 / 16, 24, 3, 2, None, relu),
          (88.0 / 24, 24, 3, 1, None, relu), (4, 40, "k", 2, "se", "act"),
          (6, 40, "k", 1, "se", "act"), (6, 40, "k", 1, "se", "act"),
          (3, 48, "k", 1, "se", "act"), (3, 48, "k", 1, "se", "act"),
          (6, 96, "k", 2, "se", "act"), (6, 96, "k", 1, "se", "act"),
          (6, 96, "k", 1, "se", "act")]
_LARGE = [(1, 16, 3, 1, None, relu), (4, 24, 3, 2, None, relu), (3, 24, 3, 1, None, relu),
          (3, 40, "k", 2, "se", relu), (3, 40, "k", 1, "se", relu),
          (3, 40, "k", 1, "se", relu), (6, 80, 3, 2, None, "act"),
          (2.5, 80, 3, 1, None, "act"), (2.3, 80, 3, 1, None, "act"),
          (2.3, 80, 3, 1, None, "act"), (6, 112, 3, 1, "se", "act"),
          (6, 112, 3, 1, "se", "act"), (6, 160, "k", 2, "se", "act"),
          (6, 160, "k", 1, "se", "act"), (6, 160, "k", 1, "se", "act")]


def _stack(blocks, alpha):
    def stack_fn(x, kernel, activation, se_ratio):
        for i, (expansion, filters, k, stride, se, act) in enumerate(blocks):
            x = _inverted_res_block(x, expansion, _depth(filters * alpha),
                                    kernel if k == "k" else k, stride,
                                    se_ratio if se else None,
                                    activation if act == "act" else act, i)
        return x
    return stack_fn


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False,  # noqa: N802
                     include_top=True, weights="imagenet", input_tensor=None, classes=1000,
                     pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True):
    """`tf.keras.applications.MobileNetV3Small` (any size from 32x32; 1024 features before
    the classifier)."""
    return MobileNetV3(_stack(_SMALL, alpha), 1024, input_shape, alpha, "small",
                       minimalistic, include_top, weights, input_tensor, classes, pooling,
                       dropout_rate, classifier_activation, include_preprocessing)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False,  # noqa: N802
                     include_top=True, weights="imagenet", input_tensor=None, classes=1000,
                     pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True):
    """`tf.keras.applications.MobileNetV3Large` (any size from 32x32; 1280 features before
    the classifier)."""
    return MobileNetV3(_stack(_LARGE, alpha), 1280, input_shape, alpha, "large",
                       minimalistic, include_top, weights, input_tensor, classes, pooling,
                       dropout_rate, classifier_activation, include_preprocessing)


def preprocess_input(x, data_format=None):
    """`x` unchanged: the models rescale their input themselves."""
    return x


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
