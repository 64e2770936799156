"""`tf.keras.losses`: per-sample loss functions (mean over the last axis) and their classes.

>>> import scopeflow as tf
>>> tf.keras.losses.get("mse").__name__
'mean_squared_error'
"""

from scopeflow.keras import backend_ops as _K
from scopeflow.layers.core import tf_api


def mean_squared_error(y_true, y_pred):
    tf = tf_api()
    y_true = tf.cast(y_true, y_pred.dtype)
    return tf.reduce_mean(tf.squared_difference(y_pred, y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    tf = tf_api()
    y_true = tf.cast(y_true, y_pred.dtype)
    return tf.reduce_mean(tf.abs(y_pred - y_true), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False):
    tf = tf_api()
    y_true = tf.cast(y_true, y_pred.dtype)
    return tf.reduce_mean(_K.binary_crossentropy(y_true, y_pred, from_logits), axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False):
    tf = tf_api()
    y_true = tf.cast(y_true, y_pred.dtype)
    return _K.categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    return _K.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


def hinge(y_true, y_pred):
    tf = tf_api()
    y_true = tf.cast(y_true, y_pred.dtype)
    return tf.reduce_mean(tf.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


class Loss:
    """A loss object: `loss(y_true, y_pred)` is the mean of the per-sample losses."""

    fn = None

    def __init__(self, reduction="auto", name=None, **kwargs):
        self.reduction, self.name, self._kwargs = reduction, name, kwargs

    def call(self, y_true, y_pred):
        return type(self).fn(y_true, y_pred, **self._kwargs)

    def __call__(self, y_true, y_pred, sample_weight=None):
        tf = tf_api()
        y_pred = tf.convert_to_tensor(y_pred)
        losses = self.call(tf.cast(y_true, y_pred.dtype), y_pred)
        if sample_weight is None:
            return tf.reduce_mean(losses)
        # Keras' SUM_OVER_BATCH_SIZE: the weighted sum over the number of per-sample losses; a
        # weight of one more trailing dimension of size 1 than the losses is squeezed first
        w = tf.cast(tf.convert_to_tensor(sample_weight), losses.dtype)
        lr, wr = losses.shape.ndims, w.shape.ndims
        if lr is not None and wr is not None and wr == lr + 1 and w.shape[-1] == 1:
            w = tf.squeeze(w, [-1])
        weighted = losses * w
        return tf.div_no_nan(tf.reduce_sum(weighted),
                             tf.cast(tf.size(weighted), losses.dtype))


def _loss_class(name, fn):
    return type(name, (Loss,), {"fn": staticmethod(fn), "__doc__": "`tf.keras.losses.%s`." % name})


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error)
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error)
BinaryCrossentropy = _loss_class("BinaryCrossentropy", binary_crossentropy)
CategoricalCrossentropy = _loss_class("CategoricalCrossentropy", categorical_crossentropy)
SparseCategoricalCrossentropy = _loss_class("SparseCategoricalCrossentropy",
                                            sparse_categorical_crossentropy)
Hinge = _loss_class("Hinge", hinge)

_BY_NAME = {"mean_squared_error": mean_squared_error, "mse": mean_squared_error,
            "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
            "binary_crossentropy": binary_crossentropy,
            "categorical_crossentropy": categorical_crossentropy,
            "sparse_categorical_crossentropy": sparse_categorical_crossentropy, "hinge": hinge}


def get(identifier):
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError("Unknown loss function: %s. Please ensure this object is passed to "
                             "the `custom_objects` argument." % identifier)
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret loss function identifier: %s" % (identifier,))
