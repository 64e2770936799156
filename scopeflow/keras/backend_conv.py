"""Keras backend convolutions (`K.conv1d`, `K.conv2d`, `K.conv3d`) and `K.bias_add`, as tf_keras builds
them on a CPU: channels_first inputs are transposed to channels_last around the op (TF's CPU
kernels take no NCHW), padding "causal" pads the time axis on the left.

>>> import scopeflow as tf
>>> K = tf.keras.backend
>>> x = tf.placeholder(tf.float32, [None, 5, 5, 2])
>>> K.conv2d(x, tf.zeros([3, 3, 2, 4])).shape.as_list()
[None, 3, 3, 4]
"""

from scopeflow.layers.core import tf_api


def _data_format(data_format):
    from scopeflow.keras.backend import image_data_format
    data_format = image_data_format() if data_format is None else data_format
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Unknown data_format: " + str(data_format))
    return data_format


def _padding(padding):
    if padding not in ("same", "valid"):
        raise ValueError("Invalid padding: " + str(padding))
    return padding.upper()


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """1-D convolution of `(batch, steps, channels)` (or channels first) by `kernel`."""
    tf = tf_api()
    data_format = _data_format(data_format)
    if padding == "causal":
        left = dilation_rate * (kernel.shape.as_list()[0] - 1)
        x = tf.pad(x, [[0, 0], [left, 0], [0, 0]])  # (K.temporal_padding)
        padding = "valid"
    padding = _padding(padding)
    if data_format == "channels_first":
        x = tf.transpose(x, (0, 2, 1))  # NCW -> NWC
    x = tf.nn.convolution(input=x, filter=kernel, dilation_rate=dilation_rate,
                          strides=strides, padding=padding, data_format="NWC")
    return tf.transpose(x, (0, 2, 1)) if data_format == "channels_first" else x


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1)):
    """2-D convolution of `(batch, rows, cols, channels)` (or channels first) by `kernel`."""
    tf = tf_api()
    data_format = _data_format(data_format)
    if data_format == "channels_first":
        x = tf.transpose(x, (0, 2, 3, 1))  # NCHW -> NHWC
    x = tf.nn.convolution(input=x, filter=kernel, dilation_rate=dilation_rate,
                          strides=strides, padding=_padding(padding), data_format="NHWC")
    return tf.transpose(x, (0, 3, 1, 2)) if data_format == "channels_first" else x


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1, 1)):
    """3-D convolution of `(batch, d1, d2, d3, channels)` (or channels first) by `kernel`."""
    tf = tf_api()
    data_format = _data_format(data_format)
    if data_format == "channels_first":
        x = tf.transpose(x, (0, 2, 3, 4, 1))  # NCDHW -> NDHWC
    x = tf.nn.convolution(input=x, filter=kernel, dilation_rate=dilation_rate,
                          strides=strides, padding=_padding(padding), data_format="NDHWC")
    return tf.transpose(x, (0, 4, 1, 2, 3)) if data_format == "channels_first" else x


def bias_add(x, bias, data_format=None):
    """`x + bias` on the channel axis (a bias of the full per-example shape broadcast)."""
    tf = tf_api()
    data_format = _data_format(data_format)
    bias_shape = tuple(bias.shape.as_list())
    ndim = x.shape.ndims
    if len(bias_shape) != 1 and len(bias_shape) != ndim - 1:
        raise ValueError("Unexpected bias dimensions %d, expect to be 1 or %d dimensions"
                         % (len(bias_shape), ndim - 1))
    if len(bias_shape) == 1:
        fmt = "NCHW" if data_format == "channels_first" else "NHWC"
        return tf.nn.bias_add(x, bias, data_format=fmt)
    if ndim in (3, 4, 5):
        if data_format == "channels_first":
            return x + tf.reshape(bias, (1, bias_shape[-1]) + bias_shape[:-1])
        return x + tf.reshape(bias, (1,) + bias_shape)
    return tf.nn.bias_add(x, bias)
