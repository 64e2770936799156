"""VGG16 and VGG19 (Simonyan & Zisserman 2014): five blocks of 3x3 'same' ReLU convolutions
each closed by a 2x2 max pool, then two 4096-unit ReLU Dense layers and the classifier.

>>> import scopeflow as tf
>>> tf.keras.applications.VGG16(weights=None, include_top=False).output.shape.as_list()
[None, None, None, 512]
"""

from scopeflow.keras.applications import _common, _inputs, imagenet_utils

_FILTERS = (64, 128, 256, 512, 512)
_HASHES = {"vgg16": ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
           "vgg19": ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6")}


def _vgg(name, convs, args):
    """A VGG of `convs` convolutions per block; `args` are the application's arguments."""
    from scopeflow.keras import backend, layers
    (include_top, weights, input_tensor, input_shape, pooling, classes,
     classifier_activation) = args
    _common.check_weights(weights, include_top, classes, name)
    input_shape = _inputs.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, n) in enumerate(zip(_FILTERS, convs), 1):
        for i in range(1, n + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name="block%d_conv%d" % (block, i))(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name="block%d_pool" % block)(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = _common.classifier(x, _common.Top(classes=classes, activation=classifier_activation,
                                              weights=weights))
    else:
        x = _common.pooled(x, pooling)
    net = _common.model(input_tensor, img_input, x, name)
    files = _common.kernel_files(name + "/", name, _HASHES[name])
    return _common.load_weights(net, weights, include_top, files)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,  # noqa: N802
          pooling=None, classes=1000, classifier_activation="softmax"):
    """`tf.keras.applications.VGG16`: 13 convolutions in blocks of 2, 2, 3, 3, 3."""
    return _vgg("vgg16", (2, 2, 3, 3, 3), (include_top, weights, input_tensor, input_shape,
                                           pooling, classes, classifier_activation))


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,  # noqa: N802
          pooling=None, classes=1000, classifier_activation="softmax"):
    """`tf.keras.applications.VGG19`: 16 convolutions in blocks of 2, 2, 4, 4, 4."""
    return _vgg("vgg19", (2, 2, 4, 4, 4), (include_top, weights, input_tensor, input_shape,
                                           pooling, classes, classifier_activation))


def preprocess_input(x, data_format=None):
    """Images as VGG was trained on: BGR, each channel's ImageNet mean subtracted."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
