"""`tf.keras.applications.imagenet_utils`: the ImageNet preprocessing modes and the
class-index decoding of predictions.

>>> import numpy as np
>>> preprocess_input(np.array([[0.0, 127.5, 255.0]]), mode="tf").tolist()
[[-1.0, 0.0, 1.0]]
"""

import json

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
