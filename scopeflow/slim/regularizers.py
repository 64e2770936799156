"""Slim regularizers (tf_slim.layers.regularizers): l1, l2, l1_l2, sum, apply_regularization."""

import numbers

from scopeflow.core.graph import GraphKeys


def _tf():
    import scopeflow.compat.v1 as tf
    return tf


def _disabled(scale, name, negative_message):
    """Whether `scale` turns the regularizer off (0.0); TF's errors for ints and negatives."""
    if isinstance(scale, numbers.Integral):
        raise ValueError("%s cannot be an integer: %s" % (name, scale))
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(negative_message % scale)
        return scale == 0.0
    return False


def _scaled(scale, scope, default_name, penalty):
    def regularize(weights):
        tf = _tf()
        with tf.name_scope(scope, default_name, [weights]) as name:
            my_scale = tf.convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return tf.multiply(my_scale, penalty(tf, weights), name=name)

    return regularize


def l1_regularizer(scale, scope=None):
    """`scale * sum(|w|)`, named `l1_regularizer`.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.l1_regularizer(0.1)(tf.ones([2])).name
    'l1_regularizer:0'
    """
    if _disabled(scale, "scale", "Setting a scale less than 0 on a regularizer: %g"):
        return lambda _: None
    return _scaled(scale, scope, "l1_regularizer", lambda tf, w: tf.reduce_sum(tf.abs(w)))


def l2_regularizer(scale, scope=None):
    """`scale * l2_loss(w)`, named `l2_regularizer`.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.l2_regularizer(0.1)(tf.ones([2])).name
    'l2_regularizer:0'
    """
    if _disabled(scale, "scale", "Setting a scale less than 0 on a regularizer: %g."):
        return lambda _: None
    return _scaled(scale, scope, "l2_regularizer", lambda tf, w: tf.nn.l2_loss(w))


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """The sum of an l1 and an l2 regularizer, named `l1_l2_regularizer` (one if the other is 0).

    >>> import scopeflow as tf
    >>> tf.contrib.slim.l1_l2_regularizer(0.0, 1.0)(tf.ones([2])).name
    'l1_l2_regularizer:0'
    """
    if isinstance(scale_l1, numbers.Integral):
        raise ValueError("scale_l1 cannot be an integer: %s" % (scale_l1,))
    if isinstance(scale_l2, numbers.Integral):
        raise ValueError("scale_l2 cannot be an integer: %s" % (scale_l2,))
    scope = scope or "l1_l2_regularizer"
    if scale_l1 == 0.0:
        return l2_regularizer(scale_l2, scope)
    if scale_l2 == 0.0:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def sum_regularizer(regularizer_list, scope=None):
    """A regularizer adding the penalties of `regularizer_list` (None when it is empty).

    >>> import scopeflow as tf
    >>> reg = tf.contrib.slim.sum_regularizer([tf.contrib.slim.l1_regularizer(0.5)])
    >>> reg(tf.ones([2])).name
    'sum_regularizer:0'
    """
    regularizer_list = [reg for reg in regularizer_list if reg is not None]
    if not regularizer_list:
        return None

    def sum_reg(weights):
        tf = _tf()
        with tf.name_scope(scope, "sum_regularizer", [weights]) as name:
            tensors = [t for t in (reg(weights) for reg in regularizer_list) if t is not None]
            return tf.add_n(tensors, name=name) if tensors else None

    return sum_reg


def apply_regularization(regularizer, weights_list=None):
    """The sum of `regularizer(w)` over `weights_list` (default: WEIGHTS), in REG. LOSSES.

    >>> import scopeflow as tf
    >>> w = tf.ones([2])
    >>> tf.contrib.slim.apply_regularization(tf.contrib.slim.l2_regularizer(0.1), [w]).name
    'get_regularization_penalty:0'
    """
    tf = _tf()
    if not weights_list:
        weights_list = tf.get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with tf.name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p if p is not None else tf.constant(0.0) for p in penalties]
        for p in penalties:
            if p.get_shape().ndims != 0:
                raise ValueError("regularizer must return a scalar Tensor instead of a "
                                 "Tensor with rank %d." % p.get_shape().ndims)
        summed = tf.add_n(penalties, name=scope)
        tf.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, summed)
        return summed
