"""Slim initializers and regularizers (xavier, variance scaling, l1/l2), with slim's op names."""

import math
import numbers

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


def _check_scale(scale):
    if isinstance(scale, numbers.Integral):
        raise ValueError("scale cannot be an integer: %s" % (scale,))
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError("Setting a scale less than 0 on a regularizer: %g" % scale)
        return scale == 0.0
    return False


def _regularizer(scale, scope, default_name, penalty):
    if _check_scale(scale):
        return lambda _: None

    def regularize(weights):
        tf = tf_api()
        with tf.name_scope(scope, default_name, [weights]) as name:
            my_scale = tf.convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return tf.multiply(my_scale, penalty(weights), name=name)

    return regularize


def l2_regularizer(scale, scope=None):
    """`scale * l2_loss(w)`, named `l2_regularizer`.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.l2_regularizer(0.1)(tf.ones([2])).name
    'l2_regularizer:0'
    """
    return _regularizer(scale, scope, "l2_regularizer", lambda w: tf_api().nn.l2_loss(w))


def l1_regularizer(scale, scope=None):
    """`scale * sum(|w|)`, named `l1_regularizer`."""
    return _regularizer(scale, scope, "l1_regularizer",
                        lambda w: tf_api().reduce_sum(tf_api().abs(w)))


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """The sum of an l1 and an l2 regularizer, named `l1_l2_regularizer`."""
    l1, l2 = l1_regularizer(scale_l1), l2_regularizer(scale_l2)

    def regularize(weights):
        tf = tf_api()
        with tf.name_scope(scope, "l1_l2_regularizer", [weights]) as name:
            return tf.add_n([l1(weights), l2(weights)], name=name)

    return regularize


def apply_regularization(regularizer, weights_list=None):
    """The sum of `regularizer(w)` over `weights_list` (default: the WEIGHTS collection)."""
    tf = tf_api()
    if not weights_list:
        weights_list = tf.get_collection(tf.GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with tf.name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p for p in penalties if p is not None]
        summed = tf.add_n(penalties, name=scope) if penalties else tf.constant(0.0)
        tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, summed)
        return summed
