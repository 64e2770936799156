"""More of `tf.keras.backend`'s tensor functions, as tf_keras builds them: running sums and
products, reversal, repetition, padding of sequences and images, top-k membership, truncated
normal draws, folds and maps over the first axis, and printing.

>>> import scopeflow as tf
>>> K = tf.keras.backend
>>> K.temporal_padding(tf.zeros([2, 3, 4])).shape.as_list()
[2, 5, 4]
"""

import sys

import numpy as np

from scopeflow.layers.core import tf_api

__all__ = ["cumprod", "cumsum", "foldl", "foldr", "in_top_k", "map_fn", "print_tensor",
           "repeat", "reverse", "spatial_2d_padding", "spatial_3d_padding", "temporal_padding",
           "truncated_normal"]


def cumsum(x, axis=0):
    return tf_api().cumsum(x, axis=axis)


def cumprod(x, axis=0):
    return tf_api().cumprod(x, axis=axis)


def reverse(x, axes):
    return tf_api().reverse(x, [axes] if isinstance(axes, int) else axes)


def repeat(x, n):
    """`(batch, dim)` → `(batch, n, dim)`."""
    tf = tf_api()
    if x.shape.ndims != 2:
        raise ValueError("Input must be 2-dimensional, got %s" % x.shape.ndims)  # Keras asserts
    return tf.tile(tf.expand_dims(x, 1), tf.stack([1, n, 1]))


def in_top_k(predictions, targets, k):
    return tf_api().nn.in_top_k(predictions, targets, k)


def temporal_padding(x, padding=(1, 1)):
    """Pads the time axis of `(batch, time, dim)`."""
    return tf_api().pad(x, [[0, 0], [padding[0], padding[1]], [0, 0]])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    pad = [list(p) for p in padding]
    return tf_api().pad(x, _with_batch_and_channels(pad, data_format))


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    pad = [[p[0], p[1]] for p in padding]
    return tf_api().pad(x, _with_batch_and_channels(pad, data_format))


def _with_batch_and_channels(pad, data_format):
    from scopeflow.keras.backend import image_data_format
    data_format = data_format or image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Unknown data_format: " + str(data_format))
    if data_format == "channels_first":
        return [[0, 0], [0, 0]] + pad
    return [[0, 0]] + pad + [[0, 0]]


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Unseeded, Keras draws an op seed from NumPy's global generator."""
    from scopeflow.keras.backend import floatx
    seed = np.random.randint(10e6) if seed is None else seed
    return tf_api().truncated_normal(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def map_fn(fn, elems, name=None, dtype=None):
    return tf_api().map_fn(fn, elems, name=name, dtype=dtype)


def foldl(fn, elems, initializer=None, name=None):
    return tf_api().foldl(fn, elems, initializer=initializer, name=name)


def foldr(fn, elems, initializer=None, name=None):
    return tf_api().foldr(fn, elems, initializer=initializer, name=name)


def print_tensor(x, message="", summarize=3):
    """`x`, printing `message` and its values to stdout when it is computed."""
    tf = tf_api()
    op = tf.print(message, x, output_stream=sys.stdout, summarize=summarize)
    with tf.control_dependencies([op]):
        return tf.identity(x)
