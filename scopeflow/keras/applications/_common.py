"""What every application does around its layers: the argument checks, the image input, the
classifier or pooling top, the Model over the input's sources and the weights it loads."""

import os
from dataclasses import dataclass

from scopeflow.keras.applications import _inputs

BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"

# how each family words its argument errors ({} is the argument's value)
_WEIGHTS = ("The `weights` argument should be either `None` (random initialization), "
            "`imagenet` (pre-training on ImageNet), or the path to the weights file to be "
            "loaded")
_CLASSES = 'If using `weights` as `"imagenet"` with `include_top` as true, `classes` should be '
WORDING = {
    "plain": (_WEIGHTS + ".", _CLASSES + "1000"),
    "vgg16": (_WEIGHTS + ".  Received: weights={}", _CLASSES + "1000.  Received `classes={}`"),
    "vgg19": (_WEIGHTS + ".  Received: `weights={}.`",
              _CLASSES + "1000.  Received: `classes={}.`"),
    "mobilenet": (_WEIGHTS + ".  Received weights={}", _CLASSES + "1000.  Received classes={}"),
    "mobilenet_v2": (_WEIGHTS + ".  Received `weights={}`",
                     _CLASSES + "1000. Received `classes={}`"),
    "inception_v3": (_WEIGHTS + "; Received: weights={}", _CLASSES + "1000; Received classes={}"),
}


@dataclass(frozen=True)
class Top:
    """The head of an application: the model's choice of top and how its layers are named."""
    include_top: bool = True
    pooling: str = None
    classes: int = 1000
    activation: object = "softmax"
    weights: object = "imagenet"


def check_weights(weights, include_top, classes, wording="plain"):
    """The errors of a `weights` that is no file, or of imagenet weights with other classes."""
    bad_weights, bad_classes = WORDING[wording]
    if not (weights in {"imagenet", None} or os.path.exists(weights)):
        raise ValueError(bad_weights.format(weights))
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(bad_classes.format(classes))


def checked_input(top, input_tensor, input_shape, default_size, min_size, wording="plain"):
    """The image input of a model of `top` after the checks of its arguments (see
    check_weights and _inputs.obtain_input_shape)."""
    from scopeflow.keras import backend
    check_weights(top.weights, top.include_top, top.classes, wording)
    input_shape = _inputs.obtain_input_shape(
        input_shape, default_size=default_size, min_size=min_size,
        data_format=backend.image_data_format(), require_flatten=top.include_top,
        weights=top.weights)
    return image_input(input_tensor, input_shape)


def image_input(input_tensor, input_shape):
    """The model's image input: a new Input, or `input_tensor` (wrapped unless Keras made it)."""
    from scopeflow.keras import backend
    from scopeflow.keras.engine.input_layer import Input
    if input_tensor is None:
        return Input(shape=input_shape)
    if not backend._keras_made(input_tensor):
        return Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def pooled(x, pooling, avg_name=None, max_name=None):
    """`x` globally pooled as `pooling` asks ("avg", "max"), or as it is."""
    from scopeflow.keras import layers
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def classifier(x, top):
    """The `predictions` Dense layer of `top.classes` with its checked activation."""
    from scopeflow.keras import layers
    _inputs.validate_activation(top.activation, top.weights)
    return layers.Dense(top.classes, activation=top.activation, name="predictions")(x)


def average_top(x, top, pool_names=(None, None)):
    """The classifier of `top` on `x` global-average-pooled (as "avg_pool"), or without a top
    `x` pooled as `top.pooling` asks (by pools named `pool_names`: average, max)."""
    from scopeflow.keras import layers
    if top.include_top:
        return classifier(layers.GlobalAveragePooling2D(name="avg_pool")(x), top)
    return pooled(x, top.pooling, *pool_names)


def model(input_tensor, img_input, x, name):
    """The Model from the image input (or all that `input_tensor` came from) to `x`."""
    from scopeflow.keras.engine.functional import Model
    from scopeflow.keras.utils import get_source_inputs
    inputs = img_input if input_tensor is None else get_source_inputs(input_tensor)
    return Model(inputs, x, name=name)


def load_weights(net, weights, include_top, files):
    """`weights` loaded into `net`: a file's, or imagenet's fetched into ~/.keras/models.
    `files` holds (file name, url, hash) with the top and without it (hash may be None)."""
    if weights == "imagenet":
        from scopeflow.keras.get_file import get_file
        fname, origin, file_hash = files[0] if include_top else files[1]
        net.load_weights(get_file(fname, origin, cache_subdir="models", file_hash=file_hash))
    elif weights is not None:
        net.load_weights(weights)
    return net


def kernel_files(folder, stem, hashes, base=BASE_URL):
    """(with top, without top) (name, url, hash) of `stem`_weights_tf_dim_ordering_tf_kernels
    files in `folder` of the Keras applications storage."""
    names = (stem + "_weights_tf_dim_ordering_tf_kernels.h5",
             stem + "_weights_tf_dim_ordering_tf_kernels_notop.h5")
    return tuple((n, base + folder + n, h) for n, h in zip(names, hashes))
