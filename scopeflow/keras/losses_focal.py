"""Focal cross-entropies (`tf.keras.losses.binary_focal_crossentropy`,
`categorical_focal_crossentropy` and their `tf.keras.backend` forms): the cross-entropy of
each entry scaled by `(1 - p_t) ** gamma`, so that well classified entries count less.

>>> import scopeflow as tf
>>> tf.keras.losses.binary_focal_crossentropy.__name__
'binary_focal_crossentropy'
"""

from scopeflow.keras import backend_ops as _K
from scopeflow.layers.core import tf_api


def backend_binary_focal_crossentropy(target, output, apply_class_balancing=False, alpha=0.25,
                                      gamma=2.0, from_logits=False):
    """`tf.keras.backend.binary_focal_crossentropy`: per entry, not averaged."""
    tf = tf_api()
    target, output = tf.convert_to_tensor(target), tf.convert_to_tensor(output)
    probs = tf.sigmoid(output) if from_logits else output
    p_t = target * probs + (1 - target) * (1 - probs)
    focal = tf.pow(1.0 - p_t, gamma) * _K.binary_crossentropy(target, output, from_logits)
    if apply_class_balancing:
        focal = (target * alpha + (1 - target) * (1 - alpha)) * focal
    return focal


def backend_categorical_focal_crossentropy(target, output, alpha=0.25, gamma=2.0,
                                           from_logits=False, axis=-1):
    """`tf.keras.backend.categorical_focal_crossentropy`: summed over `axis`."""
    tf = tf_api()
    target, output = tf.convert_to_tensor(target), tf.convert_to_tensor(output)
    output, from_logits = _K._get_logits(output, from_logits, "Softmax")
    if from_logits:
        output = tf.nn.softmax(output, axis=axis)
    output = output / tf.reduce_sum(output, axis=axis, keepdims=True)
    eps = _K._eps(output)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    cce = -target * tf.log(output)
    focal = tf.multiply(tf.pow(1.0 - output, gamma), alpha) * cce
    return tf.reduce_sum(focal, axis=axis)


def _check_axis(axis):
    if isinstance(axis, bool):
        raise ValueError("`axis` must be of type `int`. Received: axis=%s of type %s"
                         % (axis, type(axis)))


def _smoothed(y_true, label_smoothing, num_classes=None):
    """Labels pulled towards 1/2 (binary) or 1/num_classes; none where smoothing is 0."""
    if isinstance(label_smoothing, (int, float)) and not label_smoothing:
        return y_true
    if num_classes is None:
        return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """The focal binary cross-entropy averaged over `axis`."""
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = _smoothed(tf.cast(y_true, y_pred.dtype), label_smoothing)
    focal = backend_binary_focal_crossentropy(y_true, y_pred, apply_class_balancing, alpha,
                                              gamma, from_logits)
    return tf.reduce_mean(focal, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """The focal categorical cross-entropy over the classes on `axis`."""
    tf = tf_api()
    _check_axis(axis)
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    if not (isinstance(label_smoothing, (int, float)) and not label_smoothing):
        y_true = _smoothed(y_true, label_smoothing,
                           tf.cast(tf.shape(y_true)[-1], y_pred.dtype))
    return backend_categorical_focal_crossentropy(y_true, y_pred, alpha, gamma, from_logits,
                                                  axis)
