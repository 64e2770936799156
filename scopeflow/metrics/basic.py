"""tf.metrics over running sums: mean, mean_tensor, accuracy, the error means, mean_iou.

Each returns TF's (value, update_op): `value` reads the variables (`mean/value:0`), `update_op`
adds the batch and returns the new value (`mean/update_op:0`).
"""

from scopeflow import dtypes as _dt
from scopeflow.metrics.util import (
    as_float,
    broadcast_weights,
    metric_variable,
    report,
    squeeze_all,
    tf,
)


def _running_mean(total, count, batch, collections):
    """(value, update_op) of total / count; `batch` = (added to total, values, added to count)."""
    t = tf()
    metrics_collections, updates_collections = collections
    batch_total, values, num_values = batch
    update_total = t.assign_add(total, batch_total)
    with t.control_dependencies([values]):
        update_count = t.assign_add(count, num_values)
    value = report(metrics_collections, t.div_no_nan(total, t.maximum(count, 0), name="value"))
    update = t.div_no_nan(update_total, t.maximum(update_count, 0), name="update_op")
    return value, report(updates_collections, update)


def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of `values` over all updates: (value, update_op).

    >>> import scopeflow as tf
    >>> m, up = mean([1.0, 2.0]); m.name, up.name
    ('mean/value:0', 'mean/update_op:0')
    """
    t = tf()
    with t.variable_scope(name, "mean", (values, weights)):
        values = as_float(values)
        total = metric_variable([], _dt.float32, name="total")
        count = metric_variable([], _dt.float32, name="count")
        if weights is None:
            num_values = as_float(t.size(values))
        else:
            values, _, weights = squeeze_all(values, None, weights)
            weights = broadcast_weights(as_float(weights), values)
            values = t.multiply(values, weights)
            num_values = t.reduce_sum(weights)
        return _running_mean(total, count, (t.reduce_sum(values), values, num_values),
                             (metrics_collections, updates_collections))


def mean_tensor(values, weights=None, metrics_collections=None, updates_collections=None,
                name=None):
    """The element-wise (weighted) mean of `values` over all updates."""
    t = tf()
    with t.variable_scope(name, "mean", (values, weights)):
        values = as_float(values)
        total = metric_variable(values.get_shape(), _dt.float32, name="total_tensor")
        count = metric_variable(values.get_shape(), _dt.float32, name="count_tensor")
        num_values = t.ones_like(values)
        if weights is not None:
            values, _, weights = squeeze_all(values, None, weights)
            weights = broadcast_weights(as_float(weights), values)
            values = t.multiply(values, weights)
            num_values = t.multiply(num_values, weights)
        return _running_mean(total, count, (values, values, num_values),
                             (metrics_collections, updates_collections))


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """How often `predictions` equals `labels` (a `mean` named 'accuracy')."""
    t = tf()
    predictions, labels, weights = squeeze_all(predictions, labels, weights)
    predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    if labels.dtype != predictions.dtype:
        predictions = t.cast(predictions, labels.dtype)
    is_correct = as_float(t.equal(predictions, labels))
    return mean(is_correct, weights, metrics_collections, updates_collections,
                name or "accuracy")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    predictions, labels, weights = squeeze_all(predictions, labels, weights)
    errors = tf().abs(predictions - labels)
    return mean(errors, weights, metrics_collections, updates_collections,
                name or "mean_absolute_error")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    predictions, labels, weights = squeeze_all(predictions, labels, weights)
    errors = tf().squared_difference(labels, predictions)
    return mean(errors, weights, metrics_collections, updates_collections,
                name or "mean_squared_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """sqrt of a `mean_squared_error` kept under 'root_mean_squared_error' (value `Sqrt:0`)."""
    t = tf()
    predictions, labels, weights = squeeze_all(predictions, labels, weights)
    mse, update_mse = mean_squared_error(labels, predictions, weights, None, None,
                                         name or "root_mean_squared_error")
    rmse = report(metrics_collections, t.sqrt(mse))
    return rmse, report(updates_collections, t.sqrt(update_mse))


def mean_relative_error(labels, predictions, normalizer, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    from scopeflow.metrics.util import remove_squeezable_dimensions
    t = tf()
    predictions, labels, weights = squeeze_all(predictions, labels, weights)
    predictions, normalizer = remove_squeezable_dimensions(predictions, normalizer)
    predictions.get_shape().assert_is_compatible_with(normalizer.get_shape())
    errors = t.where(t.equal(normalizer, 0.0), t.zeros_like(labels),
                     t.divide(t.abs(labels - predictions), normalizer))
    return mean(errors, weights, metrics_collections, updates_collections,
                name or "mean_relative_error")


def mean_cosine_distance(labels, predictions, dim, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """1 - the mean dot product of (unit-normalized) `labels` and `predictions` along `dim`."""
    t = tf()
    predictions, labels, weights = squeeze_all(predictions, labels, weights)
    radial = t.reduce_sum(t.multiply(predictions, labels), axis=[dim], keepdims=True)
    distance, update = mean(radial, weights, None, None, name or "mean_cosine_distance")
    distance = report(metrics_collections, t.subtract(1.0, distance))
    return distance, report(updates_collections, t.subtract(1.0, update))


def percentage_below(values, threshold, weights=None, metrics_collections=None,
                     updates_collections=None, name=None):
    below = as_float(tf().less(values, threshold))
    return mean(below, weights, metrics_collections, updates_collections,
                name or "percentage_below_threshold")


def mean_per_class_accuracy(labels, predictions, num_classes, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """The mean over classes of each class's accuracy (scatter-added per label)."""
    t = tf()
    with t.variable_scope(name, "mean_accuracy", (predictions, labels, weights)):
        labels = t.cast(labels, _dt.int64)
        if labels.get_shape().ndims > 1:
            labels = t.reshape(labels, [-1])
        if predictions.get_shape().ndims > 1:
            predictions = t.reshape(predictions, [-1])
        predictions.get_shape().assert_is_compatible_with(labels.get_shape())
        total = metric_variable([num_classes], _dt.float32, name="total")
        count = metric_variable([num_classes], _dt.float32, name="count")
        ones = t.ones([t.size(labels)], _dt.float32)
        if labels.dtype != predictions.dtype:
            predictions = t.cast(predictions, labels.dtype)
        is_correct = as_float(t.equal(predictions, labels))
        if weights is not None:
            if weights.get_shape().ndims > 1:
                weights = t.reshape(weights, [-1])
            weights = as_float(weights)
            is_correct *= weights
            ones *= weights
        update_total = t.scatter_add(total, labels, ones)
        update_count = t.scatter_add(count, labels, is_correct)
        per_class = t.div_no_nan(count, t.maximum(total, 0))
        value = report(metrics_collections, t.reduce_mean(per_class, name="mean_accuracy"))
        update = t.div_no_nan(update_count, t.maximum(update_total, 0), name="update_op")
        return value, report(updates_collections, update)


def _streaming_confusion_matrix(labels, predictions, num_classes, weights=None):
    t = tf()
    total_cm = metric_variable([num_classes, num_classes], _dt.float64,
                               name="total_confusion_matrix")
    predictions = t.cast(predictions, _dt.int64)
    labels = t.cast(labels, _dt.int64)
    num_classes = t.cast(num_classes, _dt.int64)
    if predictions.get_shape().ndims > 1:
        predictions = t.reshape(predictions, [-1])
    if labels.get_shape().ndims > 1:
        labels = t.reshape(labels, [-1])
    if weights is not None and weights.get_shape().ndims > 1:
        weights = t.reshape(weights, [-1])
    current = t.confusion_matrix(labels, predictions, num_classes, weights=weights,
                                 dtype=_dt.float64)
    return total_cm, t.assign_add(total_cm, current)


def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """Mean intersection-over-union over the classes seen, from a streaming confusion matrix."""
    t = tf()
    with t.variable_scope(name, "mean_iou", (predictions, labels, weights)):
        predictions.get_shape().assert_is_compatible_with(labels.get_shape())
        total_cm, update_op = _streaming_confusion_matrix(labels, predictions, num_classes,
                                                          weights)
        over_row = as_float(t.reduce_sum(total_cm, 0))
        over_col = as_float(t.reduce_sum(total_cm, 1))
        diag = as_float(t.diag_part(total_cm))
        denominator = over_row + over_col - diag
        num_valid = t.reduce_sum(as_float(t.not_equal(denominator, 0)))
        denominator = t.where(t.greater(denominator, 0), denominator, t.ones_like(denominator))
        iou = t.divide(diag, denominator)
        value = t.where(t.greater(num_valid, 0),
                        t.reduce_sum(iou, name="mean_iou") / num_valid, 0)
        return report(metrics_collections, value), report(updates_collections, update_op)
