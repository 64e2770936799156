"""`tf.keras.losses`: per-sample loss functions (mean over the last axis) and their classes.

>>> import scopeflow as tf
>>> tf.keras.losses.get("mse").__name__
'mean_squared_error'
"""

from scopeflow.keras import backend_ops as _K
from scopeflow.keras.losses_focal import binary_focal_crossentropy, categorical_focal_crossentropy
from scopeflow.layers.core import tf_api


def mean_squared_error(y_true, y_pred):
    tf = tf_api()
    y_true = tf.cast(y_true, y_pred.dtype)
    return tf.reduce_mean(tf.squared_difference(y_pred, y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    tf = tf_api()
    y_true = tf.cast(y_true, y_pred.dtype)
    return tf.reduce_mean(tf.abs(y_pred - y_true), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    from scopeflow.keras.losses_focal import _smoothed
    tf = tf_api()
    y_true = _smoothed(tf.cast(y_true, y_pred.dtype), label_smoothing)
    return tf.reduce_mean(_K.binary_crossentropy(y_true, y_pred, from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    from scopeflow.keras.losses_focal import _check_axis, _smoothed
    tf = tf_api()
    _check_axis(axis)
    y_true = tf.cast(y_true, y_pred.dtype)
    if not (isinstance(label_smoothing, (int, float)) and not label_smoothing):
        y_true = _smoothed(y_true, label_smoothing, tf.cast(tf.shape(y_true)[axis], y_pred.dtype))
    return _K.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1,
                                    ignore_class=None):
    """With `ignore_class`, entries of that label lose nothing (their loss is 0)."""
    if ignore_class is None:
        return _K.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                                  axis=axis)
    tf = tf_api()
    keep = tf.not_equal(y_true, tf.cast(ignore_class, y_true.dtype))
    labels = tf.where_v2(keep, y_true, tf.zeros_like(y_true))
    losses = _K.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits,
                                                axis=axis)
    return losses * tf.cast(tf.reshape(keep, tf.shape(losses)), losses.dtype)


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
cosine_proximity = cosine = cosine_similarity


_REDUCTIONS = ("auto", "none", "sum", "sum_over_batch_size")


class Loss:
    """A loss object: `loss(y_true, y_pred, sample_weight)` reduces the weighted per-sample
    losses of `call` (by default their sum over their number), in a name scope of its name."""

    def __init__(self, reduction="auto", name=None):
        if reduction not in _REDUCTIONS:
            raise ValueError('Invalid Reduction Key: %s. Expected keys are "%s"'
                             % (reduction, _REDUCTIONS))
        self.reduction, self.name = reduction, name
        self._name_scope = type(self).__name__.strip("_") if name is None else \
            "lambda" if name == "<lambda>" else name.strip("_")

    def call(self, y_true, y_pred):
        raise NotImplementedError("Must be implemented in subclasses.")

    def __call__(self, y_true, y_pred, sample_weight=None):
        tf = tf_api()
        with tf.name_scope(self._name_scope):
            y_pred = tf.convert_to_tensor(y_pred)
            losses = self.call(tf.cast(y_true, y_pred.dtype), y_pred)
            return _reduce_weighted(losses, sample_weight, self.reduction)

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _reduce_weighted(losses, sample_weight, reduction):
    """Keras' compute_weighted_loss under `weighted_loss`: the losses times the weights (a
    weight of one more trailing axis of size 1 squeezed first), then none, their sum, or
    their sum over their number (`value`)."""
    tf = tf_api()
    with tf.name_scope("weighted_loss"):
        w = tf.cast(tf.convert_to_tensor(1.0 if sample_weight is None else sample_weight),
                    losses.dtype)
        lr, wr = losses.shape.ndims, w.shape.ndims
        if lr is not None and wr is not None and wr == lr + 1 and w.shape[-1] == 1:
            w = tf.squeeze(w, [-1])
        weighted = tf.multiply(losses, w)
        if reduction == "none":
            return weighted
        total = tf.reduce_sum(weighted)
        if reduction == "sum":
            return total
        count = tf.cast(tf.size(weighted, name="num_elements"), losses.dtype,
                        name="num_elements/Cast")
        return tf.div_no_nan(tf.reduce_sum(total), count, name="value")


class LossFunctionWrapper(Loss):
    """A loss object over a per-sample function and its keyword arguments."""

    def __init__(self, fn, reduction="auto", name=None, **kwargs):
        super().__init__(reduction=reduction, name=name)
        self.fn, self._fn_kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        from scopeflow.keras.metric_regression import _squeeze_last
        y_pred, y_true = _squeeze_last(y_pred, y_true)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return dict(super().get_config(), **self._fn_kwargs, fn=self.fn.__name__)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        fn = config.pop("fn", None)
        if cls is LossFunctionWrapper and fn is not None:
            config["fn"] = get(fn)
        return cls(**config)


def _loss_class(cls_name, fn, name, **defaults):
    """A LossFunctionWrapper class over `fn`: its keyword arguments (with their defaults)
    first, then `reduction` and `name`, as tf_keras orders them."""
    def __init__(self, *args, **kwargs):
        keys = [*defaults, "reduction", "name"]
        bound = dict(defaults, reduction="auto", name=name)
        bound.update(zip(keys, args))
        bound.update(kwargs)
        reduction, loss_name = bound.pop("reduction"), bound.pop("name")
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=loss_name, **bound)
        for k, v in bound.items():
            setattr(self, k, v)

    return type(cls_name, (LossFunctionWrapper,), {
        "__init__": __init__, "__doc__": "`tf.keras.losses.%s`." % cls_name})


_CE = {"from_logits": False, "label_smoothing": 0.0, "axis": -1}
MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error")
BinaryCrossentropy = _loss_class("BinaryCrossentropy", binary_crossentropy,
                                 "binary_crossentropy", **_CE)
CategoricalCrossentropy = _loss_class("CategoricalCrossentropy", categorical_crossentropy,
                                      "categorical_crossentropy", **_CE)
SparseCategoricalCrossentropy = _loss_class(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy", from_logits=False, ignore_class=None)
BinaryFocalCrossentropy = _loss_class(
    "BinaryFocalCrossentropy", binary_focal_crossentropy, "binary_focal_crossentropy",
    apply_class_balancing=False, alpha=0.25, gamma=2.0, **_CE)
CategoricalFocalCrossentropy = _loss_class(
    "CategoricalFocalCrossentropy", categorical_focal_crossentropy,
    "categorical_focal_crossentropy", alpha=0.25, gamma=2.0, **_CE)
Hinge = _loss_class("Hinge", hinge, "hinge")
SquaredHinge = _loss_class("SquaredHinge", squared_hinge, "squared_hinge")
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge, "categorical_hinge")
MeanAbsolutePercentageError = _loss_class("MeanAbsolutePercentageError",
                                          mean_absolute_percentage_error,
                                          "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _loss_class("MeanSquaredLogarithmicError",
                                          mean_squared_logarithmic_error,
                                          "mean_squared_logarithmic_error")
KLDivergence = _loss_class("KLDivergence", kl_divergence, "kl_divergence")
Poisson = _loss_class("Poisson", poisson, "poisson")
LogCosh = _loss_class("LogCosh", log_cosh, "log_cosh")
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity, "cosine_similarity",
                               axis=-1)
Huber = _loss_class("Huber", _huber, "huber_loss", delta=1.0)


_BY_NAME = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, binary_crossentropy, categorical_crossentropy,
    sparse_categorical_crossentropy, hinge, squared_hinge, categorical_hinge,
    mean_absolute_percentage_error, mean_squared_logarithmic_error, kl_divergence, poisson,
    log_cosh, cosine_similarity, _huber, binary_focal_crossentropy,
    categorical_focal_crossentropy)}
_BY_NAME.update(mse=mse, MSE=mse, mae=mae, MAE=mae, mape=mape, MAPE=mape, msle=msle, MSLE=msle,
                kld=kld, KLD=kld, kullback_leibler_divergence=kld, logcosh=log_cosh,
                huber_loss=_huber)  # Keras' module alias


def get(identifier):
    """A loss function by name, a new loss object by class name, a config dict's object, or a
    callable as it is."""
    if isinstance(identifier, str) and isinstance(globals().get(identifier), type) and \
            issubclass(globals()[identifier], Loss) and identifier not in _ABSTRACT:
        return globals()[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            from scopeflow.keras.object_registration import unknown
            raise unknown("loss function", identifier)
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret loss function identifier: %s" % (identifier,))


_ABSTRACT = ("Loss", "LossFunctionWrapper")


def serialize(loss):
    from scopeflow.keras.object_registration import serialize_object
    return serialize_object(loss)


def deserialize(name, custom_objects=None):
    """A loss object from its `serialize`d config, or a loss function by name."""
    from scopeflow.keras.object_registration import deserialize_object
    classes = {k: v for k, v in globals().items() if isinstance(v, type) and issubclass(v, Loss)}
    return deserialize_object(name, classes, get, custom_objects, "loss function")
