"""`tf.keras.metrics` as functions of `(y_true, y_pred)` (per sample), usable in `compile`.

>>> import scopeflow as tf
>>> tf.keras.metrics.get("mse").__name__
'mean_squared_error'
"""

from scopeflow.keras.losses import (  # noqa: F401 - re-exports
    KLD, MAE, MAPE, MSE, MSLE, binary_crossentropy, binary_focal_crossentropy,
    categorical_crossentropy, categorical_focal_crossentropy,
    cosine_similarity, hinge, kl_divergence, kld,
    kullback_leibler_divergence, log_cosh, logcosh, mae, mape, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, mse,
    msle, poisson, sparse_categorical_crossentropy, squared_hinge,
)

cosine = cosine_proximity = cosine_similarity
from scopeflow.layers.core import tf_api


def _mean_eq(a, b):
    tf = tf_api()
    return tf.reduce_mean(tf.cast(tf.equal(a, b), "float32"), axis=-1)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    tf = tf_api()
    y_pred = tf.cast(y_pred > threshold, y_pred.dtype)
    return _mean_eq(tf.cast(y_true, y_pred.dtype), y_pred)


def categorical_accuracy(y_true, y_pred):
    tf = tf_api()
    return tf.cast(tf.equal(tf.argmax(y_true, -1), tf.argmax(y_pred, -1)), "float32")


def sparse_categorical_accuracy(y_true, y_pred):
    tf = tf_api()
    labels = tf.cast(tf.reshape(y_true, [-1]), "int64")
    return tf.cast(tf.equal(labels, tf.argmax(y_pred, -1)), "float32")


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    tf = tf_api()
    return tf.cast(tf.nn.in_top_k(y_pred, tf.argmax(y_true, -1), k), "float32")


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    tf = tf_api()
    labels = tf.cast(tf.reshape(y_true, [-1]), "int32")
    return tf.cast(tf.nn.in_top_k(y_pred, labels, k), "float32")


def get(identifier):
    """A metric by name as tf_keras' `metrics.get` resolves it: a function (`"acc"` and
    `"accuracy"` are `accuracy`, `"mse"` is `mean_squared_error`) or, by class name, a new
    metric object (`"AUC"`); a callable as it is."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        functions = {f.__name__: f for f in (
            accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
            top_k_categorical_accuracy, sparse_top_k_categorical_accuracy,
            mean_squared_error, mean_absolute_error, binary_crossentropy,
            categorical_crossentropy, sparse_categorical_crossentropy, hinge)}
        functions.update(acc=accuracy, mse=mean_squared_error, MSE=mean_squared_error,
                         mae=mean_absolute_error, MAE=mean_absolute_error)
        functions.update(_from_losses())
        if identifier in functions:
            return functions[identifier]
        cls = globals().get(identifier)
        if isinstance(cls, type) and issubclass(cls, Metric) and cls not in _ABSTRACT:
            return cls()
    from scopeflow.keras.object_registration import unknown
    raise unknown("metric function", identifier)


def _from_losses():
    """The loss functions tf_keras' `metrics.get` also gives by name (not "kld")."""
    from scopeflow.keras import losses as L
    return {"mape": L.mape, "MAPE": L.mape, "mean_absolute_percentage_error": L.mape,
            "msle": L.msle, "MSLE": L.msle, "mean_squared_logarithmic_error": L.msle,
            "kullback_leibler_divergence": L.kld, "poisson": L.poisson,
            "squared_hinge": L.squared_hinge, "categorical_hinge": L.categorical_hinge,
            "log_cosh": L.log_cosh, "logcosh": L.log_cosh,
            "cosine_similarity": L.cosine_similarity, "cosine_proximity": L.cosine_similarity}


def accuracy(y_true, y_pred):
    """1 where the values are equal (`tf.keras.metrics.accuracy`)."""
    tf = tf_api()
    return tf.cast(tf.equal(y_true, y_pred), "float32")


from scopeflow.keras.metric_objects import (  # noqa: F401 - the classes, re-exported
    AUC, Accuracy, BinaryAccuracy, BinaryCrossentropy, CategoricalAccuracy,
    CategoricalCrossentropy, FalseNegatives, FalsePositives, Hinge, Mean, MeanAbsoluteError,
    MeanMetricWrapper, MeanSquaredError, Metric, Precision, Recall, RootMeanSquaredError,
    SparseCategoricalAccuracy, SparseCategoricalCrossentropy, SparseTopKCategoricalAccuracy, Sum,
    TopKCategoricalAccuracy, TrueNegatives, TruePositives,
)
_ABSTRACT = (Metric, MeanMetricWrapper)
from scopeflow.keras.metric_iou import (  # noqa: F401 - the classes, re-exported
    BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU,
)
from scopeflow.keras.metric_regression import (  # noqa: F401 - the classes, re-exported
    CategoricalHinge, CosineSimilarity, KLDivergence, LogCoshError, MeanAbsolutePercentageError,
    MeanRelativeError, MeanSquaredLogarithmicError, MeanTensor, Poisson, R2Score, SquaredHinge,
)
from scopeflow.keras.metric_thresholds import (  # noqa: F401 - the classes, re-exported
    F1Score, FBetaScore, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)


def serialize(metric):
    from scopeflow.keras.object_registration import serialize_object
    return serialize_object(metric)


def deserialize(config, custom_objects=None):
    """A metric object from its `serialize`d config, or a metric by name (`get`)."""
    from scopeflow.keras.object_registration import deserialize_object
    classes = {k: v for k, v in globals().items() if isinstance(v, type) and issubclass(v, Metric)}
    return deserialize_object(config, classes, get, custom_objects, "metric function")
