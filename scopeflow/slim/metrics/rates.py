"""tf_slim's metrics over confusion counts: error rates, counts at thresholds, curve points,
recall at a precision, precision at a recall, precision/recall at equal-width thresholds.

>>> import scopeflow as tf
>>> fpr, up = streaming_false_positive_rate([1, 0], [1, 1]); fpr.name, up.name
('false_positive_rate/value:0', 'false_positive_rate/update_op:0')
"""

import collections

from scopeflow import dtypes as _dt
from scopeflow.metrics.counts import (
    counts_at_thresholds,
    false_negatives,
    false_positives,
    true_negatives,
    true_positives,
)
from scopeflow.metrics.util import metric_variable, report, squeeze_all, tf
from scopeflow.ops.shape_ops import gen_lin_space

_EPSILON = 1e-7
_KINDS = ("tp", "fn", "tn", "fp")

PrecisionRecallData = collections.namedtuple(
    "PrecisionRecallData", ["tp", "fp", "tn", "fn", "precision", "recall", "thresholds"])


def _even_thresholds(num_thresholds):
    """TF's thresholds: -eps, then (num_thresholds - 2) evenly inside (0, 1), then 1 + eps."""
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - _EPSILON] + inner + [1.0 + _EPSILON]


def streaming_confusion_matrix_at_thresholds(predictions, labels, thresholds, weights=None,
                                             includes=None):
    """tf_slim's _streaming_confusion_matrix_at_thresholds: ({kind: variable},
    {kind: update}) with one count per threshold; predictions are not range-checked."""
    if includes is None:
        includes = _KINDS
    for include in includes:
        if include not in _KINDS:
            raise ValueError("Invalid key: %s." % include)
    predictions, labels, weights = squeeze_all(predictions, labels, weights)
    return counts_at_thresholds(predictions, labels, thresholds, weights, includes)


def _at_thresholds(kind):
    def count_at_thresholds(predictions, labels, thresholds, weights=None):
        values, updates = streaming_confusion_matrix_at_thresholds(
            predictions, labels, thresholds, weights=weights, includes=(kind,))
        return values[kind], updates[kind]
    count_at_thresholds.__doc__ = "The streaming count of %r at each threshold." % kind
    return count_at_thresholds


streaming_true_positives_at_thresholds = _at_thresholds("tp")
streaming_false_negatives_at_thresholds = _at_thresholds("fn")
streaming_false_positives_at_thresholds = _at_thresholds("fp")
streaming_true_negatives_at_thresholds = _at_thresholds("tn")
for _kind, _f in (("true_positives", streaming_true_positives_at_thresholds),
                  ("false_negatives", streaming_false_negatives_at_thresholds),
                  ("false_positives", streaming_false_positives_at_thresholds),
                  ("true_negatives", streaming_true_negatives_at_thresholds)):
    _f.__name__ = _f.__qualname__ = "streaming_%s_at_thresholds" % _kind


def _rate(wrong, right, args, collections, name):
    """wrong / (wrong + right) of two tf.metrics counts, 0 while both are 0."""
    predictions, labels, weights = args
    t = tf()
    default = "false_positive_rate" if wrong is false_positives else "false_negative_rate"
    with t.variable_scope(name, default, (predictions, labels, weights)):
        predictions, labels, weights = squeeze_all(t.cast(predictions, dtype=_dt.bool),
                                                   t.cast(labels, dtype=_dt.bool), weights)
        w, w_update = wrong(labels=labels, predictions=predictions, weights=weights)
        r, r_update = right(labels=labels, predictions=predictions, weights=weights)

        def compute(a, b, name):
            return t.where(t.greater(a + b, 0), t.div(a, a + b), 0, name)

        value = report(collections[0], compute(w, r, "value"))
        return value, report(collections[1], compute(w_update, r_update, "update_op"))


def streaming_false_positive_rate(predictions, labels, weights=None, metrics_collections=None,
                                  updates_collections=None, name=None):
    """fp / (fp + tn) over all updates: (value, update_op)."""
    return _rate(false_positives, true_negatives, (predictions, labels, weights),
                 (metrics_collections, updates_collections), name)


def streaming_false_negative_rate(predictions, labels, weights=None, metrics_collections=None,
                                  updates_collections=None, name=None):
    """fn / (fn + tp) over all updates: (value, update_op)."""
    return _rate(false_negatives, true_positives, (predictions, labels, weights),
                 (metrics_collections, updates_collections), name)


def _rate_at_thresholds(which, args, collections, name):
    """fpr = fp / (eps + fp + tn) or fnr = fn / (eps + fn + tp), one per threshold."""
    predictions, labels, thresholds, weights = args
    wrong, right = ("fp", "tn") if which == "fpr" else ("fn", "tp")
    default = "false_positive_rate" if which == "fpr" else "false_negative_rate"
    t = tf()
    with t.variable_scope(name, default + "_at_thresholds", (predictions, labels, weights)):
        values, updates = streaming_confusion_matrix_at_thresholds(
            predictions, labels, thresholds, weights, includes=(wrong, right))

        def compute(counts, suffix):
            return t.div(counts[wrong], _EPSILON + counts[wrong] + counts[right],
                         name="%s_%s" % (which, suffix))

        value = report(collections[0], compute(values, "value"))
        return value, report(collections[1], compute(updates, "update_op"))


def streaming_false_positive_rate_at_thresholds(predictions, labels, thresholds, weights=None,
                                                metrics_collections=None,
                                                updates_collections=None, name=None):
    """The false positive rate at each of `thresholds`: (value, update_op)."""
    return _rate_at_thresholds("fpr", (predictions, labels, thresholds, weights),
                               (metrics_collections, updates_collections), name)


def streaming_false_negative_rate_at_thresholds(predictions, labels, thresholds, weights=None,
                                                metrics_collections=None,
                                                updates_collections=None, name=None):
    """The false negative rate at each of `thresholds`: (value, update_op)."""
    return _rate_at_thresholds("fnr", (predictions, labels, thresholds, weights),
                               (metrics_collections, updates_collections), name)


def streaming_curve_points(labels=None, predictions=None, weights=None, num_thresholds=200,
                           metrics_collections=None, updates_collections=None, curve="ROC",
                           name=None):
    """The (num_thresholds, 2) points of the ROC curve (fpr, recall) or the PR curve
    (recall, precision): (points, update_op)."""
    t = tf()
    with t.variable_scope(name, "curve_points", (labels, predictions, weights)):
        if curve not in ("ROC", "PR"):
            raise ValueError("curve must be either ROC or PR, %s unknown" % curve)
        values, updates = streaming_confusion_matrix_at_thresholds(
            predictions, labels, _even_thresholds(num_thresholds), weights)
        epsilon = 1e-6
        tp, fn, tn, fp = (values[k] for k in _KINDS)
        rec = t.div(tp + epsilon, tp + fn + epsilon)
        if curve == "ROC":
            xs, ys = t.div(fp, fp + tn + epsilon), rec
        else:
            xs, ys = rec, t.div(tp + epsilon, tp + fp + epsilon)
        points = report(metrics_collections, t.stack([xs, ys], axis=1))
        update_op = t.group(*updates.values())
        return points, report(updates_collections, update_op)


def _recall_at_precision(counts, precision, name, strict_mode):
    t = tf()
    tp, fp, fn = counts
    precisions = t.div(tp, tp + fp + _EPSILON)

    def recall_at(index):
        return t.div(tp[index], tp[index] + fn[index] + _EPSILON, name)

    if not strict_mode:
        return recall_at(t.argmin(t.abs(precisions - precision), 0, output_type=_dt.int32))
    index = t.argmax(t.div(1.0, precisions - precision + _EPSILON), 0, output_type=_dt.int32)
    return t.cond(precisions[index] >= precision, lambda: recall_at(index), lambda: 0.0)


def recall_at_precision(labels, predictions, precision, weights=None, num_thresholds=200,
                        metrics_collections=None, updates_collections=None, name=None,
                        strict_mode=False):
    """The recall at the threshold whose precision is nearest `precision` (at least it, with
    strict_mode): (value, update_op)."""
    if not 0 <= precision <= 1:
        raise ValueError("`precision` must be in the range [0, 1].")
    t = tf()
    with t.variable_scope(name, "recall_at_precision", (predictions, labels, weights)):
        values, updates = streaming_confusion_matrix_at_thresholds(
            predictions, labels, _even_thresholds(num_thresholds), weights)
        value = _recall_at_precision((values["tp"], values["fp"], values["fn"]), precision,
                                     "value", strict_mode)
        update = _recall_at_precision((updates["tp"], updates["fp"], updates["fn"]),
                                      precision, "update_op", strict_mode)
        return report(metrics_collections, value), report(updates_collections, update)


def precision_at_recall(labels, predictions, target_recall, weights=None, num_thresholds=200,
                        metrics_collections=None, updates_collections=None, name=None):
    """The precision at the highest threshold whose recall is at least `target_recall`:
    (value, update_op)."""
    if target_recall < 0 or target_recall > 1:
        raise ValueError("`target_recall` must be in the range [0, 1].")
    t = tf()
    with t.variable_scope(name, "precision_at_recall", (predictions, labels, weights)):
        values, updates = streaming_confusion_matrix_at_thresholds(
            predictions, labels, _even_thresholds(num_thresholds), weights)

        def compute(counts, name):
            tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
            recalls = t.div(tp, tp + fn + _EPSILON)
            admissible = t.cast(t.greater_equal(recalls, target_recall), _dt.int64)
            index = t.reduce_sum(admissible) - 1
            return t.div(tp[index] + _EPSILON, tp[index] + fp[index] + _EPSILON, name)

        value = report(metrics_collections, compute(values, "value"))
        return value, report(updates_collections, compute(updates, "update_op"))


def precision_recall_at_equal_thresholds(labels, predictions, weights=None,
                                         num_thresholds=None, use_locking=None, name=None):
    """Counts, precision and recall at `num_thresholds` (201) equal-width thresholds of [0, 1],
    accumulated in float64 buckets: (PrecisionRecallData, update_op)."""
    t = tf()
    num_thresholds = 201 if num_thresholds is None else num_thresholds
    weights = 1.0 if weights is None else weights
    use_locking = True if use_locking is None else use_locking
    t.debugging.assert_type(labels, _dt.bool)
    with t.variable_scope(name, "precision_recall_at_equal_thresholds",
                          (labels, predictions, weights)):
        in_range = [t.assert_greater_equal(predictions, t.cast(0.0, dtype=predictions.dtype),
                                           message="predictions must be in [0, 1]"),
                    t.assert_less_equal(predictions, t.cast(1.0, dtype=predictions.dtype),
                                        message="predictions must be in [0, 1]")]
        with t.control_dependencies(in_range):
            predictions, labels, weights = squeeze_all(predictions, labels, weights)
        predictions.get_shape().assert_is_compatible_with(labels.get_shape())
        f_labels = t.cast(labels, _dt.float64)
        weights = t.cast(weights, _dt.float64)
        true_labels = t.reshape(f_labels * weights, [-1])
        false_labels = t.reshape((1.0 - f_labels) * weights, [-1])
        predictions = t.reshape(predictions, [-1])
        buckets = t.cast(t.floor(predictions * (num_thresholds - 1)), _dt.int32)
        with t.name_scope("variables"):
            tp_buckets = metric_variable([num_thresholds], _dt.float64, name="tp_buckets")
            fp_buckets = metric_variable([num_thresholds], _dt.float64, name="fp_buckets")
        with t.name_scope("update_op"):
            update_tp = t.scatter_add(tp_buckets, buckets, true_labels, use_locking=use_locking)
            update_fp = t.scatter_add(fp_buckets, buckets, false_labels,
                                      use_locking=use_locking)
        tp = t.cumsum(tp_buckets, reverse=True, name="tp")
        fp = t.cumsum(fp_buckets, reverse=True, name="fp")
        tn, fn = fp[0] - fp, tp[0] - tp
        epsilon = t.convert_to_tensor(1e-7, dtype=_dt.float64)
        prec = tp / t.maximum(epsilon, tp + fp)
        rec = tp / t.maximum(epsilon, tp + fn)
        out = predictions.dtype
        result = PrecisionRecallData(
            *(t.cast(x, out) for x in (tp, fp, tn, fn, prec, rec)),
            thresholds=t.cast(gen_lin_space(0.0, 1.0, num_thresholds), out))
        return result, t.group(update_tp, update_fp)
