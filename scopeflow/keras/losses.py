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


def _labels_to_signs(tf, y_true):
    """Labels all 0 or 1 become -1 / 1 (a cond on the values, as tf_keras' hinge losses)."""
    binary = tf.reduce_all(tf.logical_or(tf.equal(y_true, 0), tf.equal(y_true, 1)))
    return tf.cond(binary, lambda: 2.0 * y_true - 1.0, lambda: y_true)


def hinge(y_true, y_pred):
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = _labels_to_signs(tf, tf.cast(y_true, y_pred.dtype))
    return tf.reduce_mean(tf.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = _labels_to_signs(tf, tf.cast(y_true, y_pred.dtype))
    return tf.reduce_mean(tf.square(tf.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    pos = tf.reduce_sum(y_true * y_pred, axis=-1)
    neg = tf.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    zero = tf.cast(0.0, y_pred.dtype)
    return tf.maximum(neg - pos + 1.0, zero)


def mean_absolute_percentage_error(y_true, y_pred):
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    diff = tf.abs((y_true - y_pred) / tf.maximum(tf.abs(y_true), _EPSILON))
    return 100.0 * tf.reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    first = tf.log(tf.maximum(y_pred, _EPSILON) + 1.0)
    second = tf.log(tf.maximum(y_true, _EPSILON) + 1.0)
    return tf.reduce_mean(tf.squared_difference(first, second), axis=-1)


def kl_divergence(y_true, y_pred):
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.clip_by_value(tf.cast(y_true, y_pred.dtype), _EPSILON, 1)
    y_pred = tf.clip_by_value(y_pred, _EPSILON, 1)
    return tf.reduce_sum(y_true * tf.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    return tf.reduce_mean(y_pred - y_true * tf.log(y_pred + _EPSILON), axis=-1)


def log_cosh(y_true, y_pred):
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    x = y_pred - tf.cast(y_true, y_pred.dtype)
    return tf.reduce_mean(x + tf.nn.softplus(-2.0 * x) - tf.cast(tf.log(2.0), x.dtype), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    tf = tf_api()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.nn.l2_normalize(tf.cast(y_true, y_pred.dtype), axis=axis)
    return -tf.reduce_sum(y_true * tf.nn.l2_normalize(y_pred, axis=axis), axis=axis)


def _huber(y_true, y_pred, delta=1.0):
    """`x^2 / 2` where `|x| <= delta`, else `delta |x| - delta^2 / 2`, for `x = y_pred - y_true`
    (in floatx, as Keras casts). TF1's `tf.keras.losses` has it by name only (`get('huber')`),
    not as an attribute."""
    tf = tf_api()
    from scopeflow.keras.backend import floatx
    y_pred = tf.cast(y_pred, dtype=floatx())
    y_true = tf.cast(y_true, dtype=floatx())
    delta = tf.cast(delta, dtype=floatx())
    error = tf.subtract(y_pred, y_true)
    abs_error = tf.abs(error)
    half = tf.convert_to_tensor(0.5, dtype=abs_error.dtype)
    return tf.reduce_mean(tf.where_v2(abs_error <= delta, half * tf.square(error),
                                      delta * abs_error - half * tf.square(delta)), axis=-1)


_huber.__name__ = _huber.__qualname__ = "huber"


_EPSILON = 1e-7  # Keras' backend.epsilon()
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
cosine_proximity = cosine_similarity


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
SquaredHinge = _loss_class("SquaredHinge", squared_hinge)
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge)
MeanAbsolutePercentageError = _loss_class("MeanAbsolutePercentageError",
                                          mean_absolute_percentage_error)
MeanSquaredLogarithmicError = _loss_class("MeanSquaredLogarithmicError",
                                          mean_squared_logarithmic_error)
KLDivergence = _loss_class("KLDivergence", kl_divergence)
Poisson = _loss_class("Poisson", poisson)
LogCosh = _loss_class("LogCosh", log_cosh)
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity)


class Huber(_loss_class("Huber", _huber)):
    """`tf.keras.losses.Huber`: `huber` with its `delta`, named `huber_loss`."""

    def __init__(self, delta=1.0, reduction="auto", name="huber_loss"):
        super().__init__(reduction, name, delta=delta)


_BY_NAME = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, binary_crossentropy, categorical_crossentropy,
    sparse_categorical_crossentropy, hinge, squared_hinge, categorical_hinge,
    mean_absolute_percentage_error, mean_squared_logarithmic_error, kl_divergence, poisson,
    log_cosh, cosine_similarity, _huber)}
_BY_NAME.update(mse=mse, MSE=mse, mae=mae, MAE=mae, mape=mape, MAPE=mape, msle=msle, MSLE=msle,
                kld=kld, KLD=kld, kullback_leibler_divergence=kld, logcosh=log_cosh,
                huber_loss=_huber)  # Keras' module alias


def get(identifier):
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError("Unknown loss function: %s. Please ensure this object is passed to "
                             "the `custom_objects` argument." % identifier)
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret loss function identifier: %s" % (identifier,))
