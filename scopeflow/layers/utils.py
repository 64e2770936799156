"""The helpers of TF's `tensorflow.python.layers.utils`, which TF1 layer code imports directly.

Shape arithmetic of convolutions, argument normalization and the static-or-graph `smart_cond`,
with TF's results and error wording.

>>> conv_output_length(10, 3, "valid", 2), deconv_output_length(5, 3, "same", 2)
(4, 10)
>>> convert_data_format("channels_first", 4)
'NCHW'
"""

from scopeflow.core.graph import Tensor
from scopeflow.layers.core import tf_api

_FORMATS = {"channels_last": {3: "NWC", 4: "NHWC", 5: "NDHWC"},
            "channels_first": {3: "NCW", 4: "NCHW", 5: "NCDHW"}}


def convert_data_format(data_format, ndim):
    """Keras' `channels_last` / `channels_first` as the op format string for rank `ndim`."""
    if data_format not in _FORMATS:
        raise ValueError('Invalid data_format: %s. We only support "channels_first" or '
                         '"channels_last"' % (data_format,))
    if ndim not in _FORMATS[data_format]:
        raise ValueError("Input rank: %s not supported. We only support input rank 3, 4 or 5."
                         % (ndim,))
    return _FORMATS[data_format][ndim]


def normalize_tuple(value, n, name):
    """An int becomes an n-tuple; a sequence must hold n values that convert to int."""
    if isinstance(value, int):
        return (value,) * n
    message = "Argument `%s` must be a tuple of %d integers. Received: %s" % (name, n, value)
    try:
        values = tuple(value)
    except TypeError:
        raise ValueError(message) from None
    if len(values) != n:
        raise ValueError(message)
    for v in values:
        try:
            int(v)
        except (ValueError, TypeError):
            raise ValueError("%s including element %s of type %s" % (message, v, type(v))) \
                from None
    return values


def normalize_data_format(value):
    """`value` lower-cased; only channels_first / channels_last are accepted."""
    data_format = value.lower()
    if data_format not in _FORMATS:
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         '"channels_last". Received: %s' % (value,))  # (tf_keras' words)
    return data_format


def normalize_padding(value):
    """`value` lower-cased; valid, same and causal (Conv1D's) are accepted, as tf_keras'
    normalize_padding does (it also takes lists, which these layers do not)."""
    padding = value.lower()
    if padding not in ("valid", "same", "causal"):
        raise ValueError('The `padding` argument must be a list/tuple or one of "valid", "same" '
                         '(or "causal", only for `Conv1D). Received: %s' % (padding,))
    return padding


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """Output length of a convolution over `input_length` (None stays None)."""
    if input_length is None:
        return None
    assert padding in ("same", "valid", "full")
    span = (filter_size - 1) * dilation + 1
    length = {"same": input_length, "valid": input_length - span + 1,
              "full": input_length + span - 1}[padding]
    return (length + stride - 1) // stride


def conv_input_length(output_length, filter_size, padding, stride):
    """Input length a convolution needs to give `output_length` (None stays None)."""
    if output_length is None:
        return None
    assert padding in ("same", "valid", "full")
    pad = {"same": filter_size // 2, "valid": 0, "full": filter_size - 1}[padding]
    return (output_length - 1) * stride - 2 * pad + filter_size


def deconv_output_length(input_length, filter_size, padding, stride):
    """Output length of a transposed convolution over `input_length` (None stays None)."""
    if input_length is None:
        return None
    length = input_length * stride
    if padding == "valid":
        length += max(filter_size - stride, 0)
    elif padding == "full":
        length -= stride + filter_size - 2
    return length


def _variable_types():
    from scopeflow.core.variables import VariableV1
    return (VariableV1,)


def constant_value(pred):
    """A Python bool, 1 or 0 as a bool; a tensor's constant value or None; None for a variable."""
    if isinstance(pred, _variable_types()):
        return None
    if isinstance(pred, Tensor):
        from scopeflow.ops.constant import constant_value as tensor_value
        return tensor_value(pred)
    if pred in (0, 1) and isinstance(pred, (bool, int)):
        return bool(pred)
    raise TypeError("Argument `pred` must be a Tensor, or a Python bool, or 1 or 0. "
                    "Received: pred=%s of type %s" % (pred, type(pred).__name__))


def smart_cond(pred, true_fn=None, false_fn=None, name=None):
    """`true_fn()` or `false_fn()` when `pred` is known at graph time, else `tf.cond`."""
    if not callable(true_fn):
        raise TypeError("Argument `true_fn` must be callable. Received %s" % (true_fn,))
    if not callable(false_fn):
        raise TypeError("Argument `false_fn` must be callable. Received %s" % (false_fn,))
    value = constant_value(pred)
    if value is None:
        return tf_api().cond(pred, true_fn, false_fn, name=name)
    return true_fn() if bool(value) else false_fn()
