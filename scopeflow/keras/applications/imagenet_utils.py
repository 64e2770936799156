"""`tf.keras.applications.imagenet_utils`: the ImageNet preprocessing modes, the class-index
decoding of predictions, and the input-shape rules the applications share.

>>> import numpy as np
>>> preprocess_input(np.array([[0.0, 127.5, 255.0]]), mode="tf").tolist()
[[-1.0, 0.0, 1.0]]
"""

import json
import warnings

import numpy as np

CLASS_INDEX = None
CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
_CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

# per-channel (mean, std) of each mode, in the channel order the mode leaves
_CAFFE = ((103.939, 116.779, 123.68), None)
_TORCH = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))


def preprocess_input(x, data_format=None, mode="caffe"):
    """A batch of RGB images in [0, 255] (numpy, changed in place where its dtype allows, or a
    tensor) prepared as `mode` ("caffe", "tf" or "torch") trained networks expect."""
    from scopeflow.keras import backend
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError("Expected mode to be one of `caffe`, `tf` or `torch`. "
                         "Received: mode=%s" % (mode,))
    if data_format is None:
        data_format = backend.image_data_format()
    elif data_format not in {"channels_first", "channels_last"}:
        raise ValueError("Expected data_format to be one of `channels_first` or "
                         "`channels_last`. Received: data_format=%s" % (data_format,))
    if isinstance(x, np.ndarray):
        return _numpy_input(x, data_format, mode)
    return _symbolic_input(x, data_format, mode)


def _channel_axis(ndim, data_format):
    if data_format == "channels_first":
        return 0 if ndim == 3 else 1
    return ndim - 1


def _numpy_input(x, data_format, mode):
    from scopeflow.keras import backend
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format)
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH
    else:
        x = np.flip(x, axis)  # RGB -> BGR, a view: the caller's array changes too
        mean, std = _CAFFE
    for c in range(3):
        channel = (slice(None),) * axis + (c,)
        x[channel] -= mean[c]
        if std is not None:
            x[channel] /= std[c]
    return x


def _symbolic_input(x, data_format, mode):
    from scopeflow.keras import backend
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH
    else:
        if data_format == "channels_first":
            x = x[::-1, ...] if backend.ndim(x) == 3 else x[:, ::-1, ...]
        else:
            x = x[..., ::-1]
        mean, std = _CAFFE
    shift = backend.constant(-np.array(mean))
    if backend.dtype(x) != backend.dtype(shift):
        shift = backend.cast(shift, backend.dtype(x))
    x = backend.bias_add(x, shift, data_format=data_format)
    if std is not None:
        scale = backend.constant(np.array(std), dtype=backend.dtype(x))
        if data_format == "channels_first":
            scale = backend.reshape(scale, (-1, 1, 1))
        x /= scale
    return x


def decode_predictions(preds, top=5):
    """Per example of a (samples, 1000) batch of ImageNet scores, its `top` classes as
    (class id, description, score), best first; the class index is fetched once."""
    global CLASS_INDEX
    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array "
                         "of shape (samples, 1000)). Found array with shape: "
                         + str(preds.shape))
    if CLASS_INDEX is None:
        from scopeflow.keras.get_file import get_file
        path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash=_CLASS_INDEX_HASH)
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        row = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in best]
        row.sort(key=lambda entry: entry[2], reverse=True)
        results.append(row)
    return results


def _default_shape(input_shape, default_size, data_format, weights):
    """The image shape a model is made for: 3 channels, or those of a given 3-d shape."""
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if data_format == "channels_first" else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was "
                          "passed an input_shape with %s input channels." % (channels,),
                          stacklevel=3)
    else:
        channels = 3
    if data_format == "channels_first":
        return (channels, default_size, default_size)
    return (default_size, default_size, channels)


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """The model's image shape: `input_shape` checked, or the default (free height and width
    where no Flatten needs them)."""
    default_shape = _default_shape(input_shape, default_size, data_format, weights)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             "`input_shape` should be %s.  Received: input_shape=%s"
                             % (default_shape, input_shape))
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        first = data_format == "channels_first"
        channels, rows, cols = (input_shape if first else
                                (input_shape[-1], input_shape[0], input_shape[1]))
        if channels != 3 and weights == "imagenet":
            raise ValueError("The input must have 3 channels; Received `input_shape=%s`"
                             % (input_shape,))
        if (rows is not None and rows < min_size) or (cols is not None and cols < min_size):
            raise ValueError("Input size must be at least %sx%s; Received: input_shape=%s"
                             % (min_size, min_size, input_shape))
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if data_format == "channels_first" else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         "Received: input_shape=%s" % (input_shape,))
    return input_shape


def correct_pad(inputs, kernel_size):
    """((top, bottom), (left, right)) zero padding before a strided 'valid' convolution of
    `kernel_size`, so that it covers the image as 'same' would."""
    from scopeflow.keras import backend
    first = 2 if backend.image_data_format() == "channels_first" else 1
    size = backend.int_shape(inputs)[first:first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    """Pretrained weights allow only a softmax or linear (None) classifier."""
    from scopeflow.keras import activations
    if weights is None:
        return
    classifier_activation = activations.get(classifier_activation)
    if classifier_activation not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, with "
                         "`include_top=True`; Received: classifier_activation=%s"
                         % (classifier_activation,))
