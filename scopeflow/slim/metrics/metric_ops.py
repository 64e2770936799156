"""tf_slim.metrics.metric_ops: the streaming_* metrics (most are tf.metrics with predictions
first), aggregate_metrics, aggregate_metric_map and the metrics tf.metrics lacks.

>>> import scopeflow as tf
>>> acc, up = streaming_accuracy([1, 2], [1, 3]); acc.name
'accuracy/value:0'
"""
# ruff: noqa: F401 - re-exports: tf_slim.metrics.metric_ops holds every name below

import inspect

from scopeflow import metrics as _metrics
from scopeflow.metrics.at_k import _at_k_name, average_precision_at_top_k
from scopeflow.metrics.at_k import precision_at_top_k as _precision_at_top_k
from scopeflow.metrics.at_k import recall_at_top_k as _recall_at_top_k
from scopeflow.metrics.util import tf
from scopeflow.slim.metrics.dynamic import (
    _compute_dynamic_auc,
    _next_array_size,
    auc_with_confidence_intervals,
    streaming_concat,
    streaming_dynamic_auc,
)
from scopeflow.slim.metrics.moments import (
    cohen_kappa,
    count,
    streaming_covariance,
    streaming_mean_cosine_distance,
    streaming_pearson_correlation,
)
from scopeflow.slim.metrics.rates import (
    precision_at_recall,
    precision_recall_at_equal_thresholds,
    recall_at_precision,
    streaming_curve_points,
    streaming_false_negative_rate,
    streaming_false_negative_rate_at_thresholds,
    streaming_false_negatives_at_thresholds,
    streaming_false_positive_rate,
    streaming_false_positive_rate_at_thresholds,
    streaming_false_positives_at_thresholds,
    streaming_true_negatives_at_thresholds,
    streaming_true_positives_at_thresholds,
)
from scopeflow.slim.metrics.rates import (
    streaming_confusion_matrix_at_thresholds as _streaming_confusion_matrix_at_thresholds,
)

_REQUIRED = inspect.Parameter.empty
_TAIL = (("metrics_collections", None), ("updates_collections", None), ("name", None))
_PAIR = (("predictions", _REQUIRED), ("labels", _REQUIRED))
_WEIGHTS = (("weights", None),)


def _delegate(name, target, params):
    """A function `name` with parameters `params` ((name, default) pairs, in order) that calls
    tf.metrics' `target` with the same keyword arguments."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    signature = inspect.Signature([inspect.Parameter(p, kind, default=d) for p, d in params])

    def metric(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return target(**bound.arguments)

    metric.__name__ = metric.__qualname__ = name
    metric.__signature__ = signature
    metric.__doc__ = "tf.metrics.%s with `predictions` before `labels`." % target.__name__
    return metric


_STD = _PAIR + _WEIGHTS + _TAIL  # (predictions, labels, weights=None, collections, name)
_AT_THRESHOLDS = _PAIR + (("thresholds", _REQUIRED),) + _WEIGHTS + _TAIL
_K = (("k", _REQUIRED), ("class_id", None))
_AT = (("num_thresholds", 200),)

streaming_true_positives = _delegate("streaming_true_positives", _metrics.true_positives, _STD)
streaming_true_negatives = _delegate("streaming_true_negatives", _metrics.true_negatives, _STD)
streaming_false_positives = _delegate("streaming_false_positives", _metrics.false_positives,
                                      _STD)
streaming_false_negatives = _delegate("streaming_false_negatives", _metrics.false_negatives,
                                      _STD)
streaming_mean = _delegate("streaming_mean", _metrics.mean,
                           (("values", _REQUIRED),) + _WEIGHTS + _TAIL)
streaming_mean_tensor = _delegate("streaming_mean_tensor", _metrics.mean_tensor,
                                  (("values", _REQUIRED),) + _WEIGHTS + _TAIL)
streaming_accuracy = _delegate("streaming_accuracy", _metrics.accuracy, _STD)
streaming_precision = _delegate("streaming_precision", _metrics.precision, _STD)
streaming_recall = _delegate("streaming_recall", _metrics.recall, _STD)
streaming_auc = _delegate("streaming_auc", _metrics.auc, _PAIR + _WEIGHTS + _AT + _TAIL[:2]
                          + (("curve", "ROC"), ("name", None)))
streaming_specificity_at_sensitivity = _delegate(
    "streaming_specificity_at_sensitivity", _metrics.specificity_at_sensitivity,
    _PAIR + (("sensitivity", _REQUIRED),) + _WEIGHTS + _AT + _TAIL)
streaming_sensitivity_at_specificity = _delegate(
    "streaming_sensitivity_at_specificity", _metrics.sensitivity_at_specificity,
    _PAIR + (("specificity", _REQUIRED),) + _WEIGHTS + _AT + _TAIL)
streaming_precision_at_thresholds = _delegate(
    "streaming_precision_at_thresholds", _metrics.precision_at_thresholds, _AT_THRESHOLDS)
streaming_recall_at_thresholds = _delegate(
    "streaming_recall_at_thresholds", _metrics.recall_at_thresholds, _AT_THRESHOLDS)
streaming_sparse_recall_at_k = _delegate("streaming_sparse_recall_at_k", _metrics.recall_at_k,
                                         _PAIR + _K + _WEIGHTS + _TAIL)
streaming_sparse_precision_at_k = _delegate(
    "streaming_sparse_precision_at_k", _metrics.precision_at_k, _PAIR + _K + _WEIGHTS + _TAIL)
streaming_sparse_average_precision_at_k = _delegate(
    "streaming_sparse_average_precision_at_k", _metrics.average_precision_at_k,
    _PAIR + _K[:1] + _WEIGHTS + _TAIL)
streaming_mean_absolute_error = _delegate("streaming_mean_absolute_error",
                                          _metrics.mean_absolute_error, _STD)
streaming_mean_relative_error = _delegate(
    "streaming_mean_relative_error", _metrics.mean_relative_error,
    _PAIR + (("normalizer", _REQUIRED),) + _WEIGHTS + _TAIL)
streaming_mean_squared_error = _delegate("streaming_mean_squared_error",
                                         _metrics.mean_squared_error, _STD)
streaming_root_mean_squared_error = _delegate("streaming_root_mean_squared_error",
                                              _metrics.root_mean_squared_error, _STD)
streaming_percentage_less = _delegate(
    "streaming_percentage_less", _metrics.percentage_below,
    (("values", _REQUIRED), ("threshold", _REQUIRED)) + _WEIGHTS + _TAIL)
streaming_mean_iou = _delegate("streaming_mean_iou", _metrics.mean_iou,
                               _PAIR + (("num_classes", _REQUIRED),) + _WEIGHTS + _TAIL)


def streaming_recall_at_k(predictions, labels, k, weights=None, metrics_collections=None,
                          updates_collections=None, name=None):
    """The streaming mean of in_top_k(predictions, labels, k) (dense labels, shape (batch,))."""
    t = tf()
    in_top_k = t.cast(t.nn.in_top_k(predictions, labels, k), t.float32)
    return streaming_mean(in_top_k, weights, metrics_collections, updates_collections,
                          name or _at_k_name("recall", k))


def streaming_sparse_precision_at_top_k(top_k_predictions, labels, class_id=None, weights=None,
                                        metrics_collections=None, updates_collections=None,
                                        name=None):
    """Precision of the top-k class ids `top_k_predictions` (batch, k): (value, update_op)."""
    t = tf()
    default = _at_k_name("precision", class_id=class_id)
    with t.name_scope(name, default, (top_k_predictions, labels, weights)) as scope:
        return _precision_at_top_k(labels=labels, predictions_idx=top_k_predictions,
                                   class_id=class_id, weights=weights,
                                   metrics_collections=metrics_collections,
                                   updates_collections=updates_collections, name=scope)


def sparse_recall_at_top_k(labels, top_k_predictions, class_id=None, weights=None,
                           metrics_collections=None, updates_collections=None, name=None):
    """Recall of the top-k class ids `top_k_predictions` (batch, k): (value, update_op)."""
    t = tf()
    default = _at_k_name("recall", class_id=class_id)
    with t.name_scope(name, default, (top_k_predictions, labels, weights)) as scope:
        return _recall_at_top_k(labels=labels, predictions_idx=top_k_predictions,
                                class_id=class_id, weights=weights,
                                metrics_collections=metrics_collections,
                                updates_collections=updates_collections, name=scope)


def streaming_sparse_average_precision_at_top_k(top_k_predictions, labels, weights=None,
                                                metrics_collections=None,
                                                updates_collections=None, name=None):
    """Mean average precision of the top-k class ids `top_k_predictions` (batch, k)."""
    return average_precision_at_top_k(labels, top_k_predictions, weights,
                                      (metrics_collections, updates_collections), name)


def aggregate_metrics(*value_update_tuples):
    """([values], [update ops]) of (value, update_op) pairs.

    >>> aggregate_metrics((1, 2), (3, 4))
    ([1, 3], [2, 4])
    """
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    values, updates = zip(*value_update_tuples)
    return list(values), list(updates)


def aggregate_metric_map(names_to_tuples):
    """({name: value}, {name: update_op}) of {name: (value, update_op)}.

    >>> aggregate_metric_map({"a": (1, 2)})
    ({'a': 1}, {'a': 2})
    """
    names = names_to_tuples.keys()
    values, updates = zip(*names_to_tuples.values())
    return dict(zip(names, values)), dict(zip(names, updates))


__all__ = [
           "aggregate_metric_map", "aggregate_metrics", "auc_with_confidence_intervals",
           "cohen_kappa", "count", "precision_at_recall",
           "precision_recall_at_equal_thresholds", "recall_at_precision",
           "sparse_recall_at_top_k", "streaming_accuracy", "streaming_auc",
           "streaming_concat", "streaming_covariance", "streaming_curve_points",
           "streaming_dynamic_auc", "streaming_false_negative_rate",
           "streaming_false_negative_rate_at_thresholds", "streaming_false_negatives",
           "streaming_false_negatives_at_thresholds", "streaming_false_positive_rate",
           "streaming_false_positive_rate_at_thresholds", "streaming_false_positives",
           "streaming_false_positives_at_thresholds", "streaming_mean",
           "streaming_mean_absolute_error", "streaming_mean_cosine_distance",
           "streaming_mean_iou", "streaming_mean_relative_error",
           "streaming_mean_squared_error", "streaming_mean_tensor",
           "streaming_pearson_correlation", "streaming_percentage_less",
           "streaming_precision", "streaming_precision_at_thresholds",
           "streaming_recall", "streaming_recall_at_k",
           "streaming_recall_at_thresholds", "streaming_root_mean_squared_error",
           "streaming_sensitivity_at_specificity",
           "streaming_sparse_average_precision_at_k",
           "streaming_sparse_average_precision_at_top_k",
           "streaming_sparse_precision_at_k", "streaming_sparse_precision_at_top_k",
           "streaming_sparse_recall_at_k", "streaming_specificity_at_sensitivity",
           "streaming_true_negatives", "streaming_true_negatives_at_thresholds",
           "streaming_true_positives", "streaming_true_positives_at_thresholds"]
