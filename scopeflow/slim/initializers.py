"""Slim initializers (xavier, variance scaling), with slim's op names."""

import math

from scopeflow import dtypes as _dt
from scopeflow.layers.core import tf_api


def xavier_initializer(uniform=True, seed=None, dtype=_dt.float32):
    """Glorot initialization: variance scaling by the average of fan in and fan out.

    >>> import scopeflow as tf
    >>> init = tf.contrib.slim.xavier_initializer()
    >>> tf.get_variable("w", [3, 4], initializer=init).shape.as_list()
    [3, 4]
    """
    return variance_scaling_initializer(1.0, "FAN_AVG", uniform, seed, dtype)


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=_dt.float32):
    """Values with variance `factor / n`, n the fan chosen by `mode` (slim's rule)."""
    if not _dt.as_dtype(dtype).is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ["FAN_IN", "FAN_OUT", "FAN_AVG"]:
        raise TypeError("Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]" % mode)

    def _initializer(shape, dtype=dtype, partition_info=None):
        tf = tf_api()
        dtype = _dt.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        shape = list(shape)
        fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1]) if shape else 1.0
        fan_out = float(shape[-1]) if shape else 1.0
        for dim in shape[:-2]:
            fan_in *= float(dim)
            fan_out *= float(dim)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return tf.random_uniform(shape, -limit, limit, dtype, seed=seed)
        stddev = math.sqrt(1.3 * factor / n)
        return tf.truncated_normal(shape, 0.0, stddev, dtype, seed=seed)

    return _initializer


xavier_initializer_conv2d = xavier_initializer
