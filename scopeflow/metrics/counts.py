"""tf.metrics that count: true/false positives/negatives (+ at thresholds), precision, recall.

>>> import scopeflow as tf
>>> tp, up = true_positives([1, 0, 1], [1, 1, 1]); tp.name, up.name
('true_positives/Identity:0', 'true_positives/AssignAdd:0')
"""

from scopeflow import dtypes as _dt
from scopeflow.metrics.util import (
    as_float,
    assert_rank_in,
    broadcast_weights,
    metric_variable,
    report,
    squeeze_all,
    tf,
)

_KINDS = ("tp", "fn", "tn", "fp")
_VAR_NAMES = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
              "fp": "false_positives"}
# (label is positive, prediction is positive) for each count
_CELLS = {"tp": (True, True), "fn": (True, False), "tn": (False, False), "fp": (False, True)}


def _count_condition(values, weights, metrics_collections, updates_collections):
    t = tf()
    count = metric_variable([], _dt.float32, name="count")
    values = as_float(values)
    if weights is not None:
        with t.control_dependencies((assert_rank_in(weights, (0, t.rank(values))),)):
            values = t.multiply(values, as_float(weights))
    value = report(metrics_collections, t.identity(count))  # TF's read_var of the count
    update = t.assign_add(count, t.reduce_sum(values))
    return value, report(updates_collections, update)


def _count(kind, labels, predictions, weights, collections, name):
    t = tf()
    with t.variable_scope(name, _VAR_NAMES[kind], (predictions, labels, weights)):
        predictions, labels, weights = squeeze_all(t.cast(predictions, dtype=_dt.bool),
                                                   t.cast(labels, dtype=_dt.bool), weights)
        label_pos, pred_pos = _CELLS[kind]
        hit = t.logical_and(t.equal(labels, label_pos), t.equal(predictions, pred_pos))
        return _count_condition(hit, weights, *collections)


def true_positives(labels, predictions, weights=None, metrics_collections=None,
                   updates_collections=None, name=None):
    return _count("tp", labels, predictions, weights,
                  (metrics_collections, updates_collections), name)


def false_negatives(labels, predictions, weights=None, metrics_collections=None,
                    updates_collections=None, name=None):
    return _count("fn", labels, predictions, weights,
                  (metrics_collections, updates_collections), name)


def true_negatives(labels, predictions, weights=None, metrics_collections=None,
                   updates_collections=None, name=None):
    return _count("tn", labels, predictions, weights,
                  (metrics_collections, updates_collections), name)


def false_positives(labels, predictions, weights=None, metrics_collections=None,
                    updates_collections=None, name=None):
    return _count("fp", labels, predictions, weights,
                  (metrics_collections, updates_collections), name)


def confusion_at_thresholds(labels, predictions, thresholds, weights=None, includes=None):
    """TF's _confusion_matrix_at_thresholds: ({kind: variable}, {kind: update}) per threshold."""
    t = tf()
    includes = _KINDS if includes is None else includes
    for include in includes:
        if include not in _KINDS:
            raise ValueError("Invalid key: %s" % include)
    with t.control_dependencies([
            t.assert_greater_equal(predictions, t.cast(0.0, dtype=predictions.dtype),
                                   message="predictions must be in [0, 1]"),
            t.assert_less_equal(predictions, t.cast(1.0, dtype=predictions.dtype),
                                message="predictions must be in [0, 1]")]):
        predictions, labels, weights = squeeze_all(as_float(predictions),
                                                   t.cast(labels, dtype=_dt.bool), weights)
    return counts_at_thresholds(predictions, labels, thresholds, weights, includes)


def counts_at_thresholds(predictions, labels, thresholds, weights, includes):
    """The confusion counts of already aligned predictions and labels, one per threshold:
    ({kind: variable of shape (num_thresholds,)}, {kind: its assign_add})."""
    t = tf()
    num_thresholds = len(thresholds)
    predictions_2d = t.reshape(predictions, [-1, 1])
    labels_2d = t.reshape(t.cast(labels, dtype=_dt.bool), [1, -1])
    num_predictions = predictions_2d.get_shape().as_list()[0]
    if num_predictions is None:
        num_predictions = t.shape(predictions_2d)[0]
    thresh_tiled = t.tile(t.expand_dims(t.constant(thresholds), [1]),
                          t.stack([1, num_predictions]))
    pred_pos = t.greater(t.tile(t.transpose(predictions_2d), [num_thresholds, 1]), thresh_tiled)
    pred = {True: pred_pos}
    if "fn" in includes or "tn" in includes:
        pred[False] = t.logical_not(pred_pos)
    label = {True: t.tile(labels_2d, [num_thresholds, 1])}
    if "fp" in includes or "tn" in includes:
        label[False] = t.logical_not(label[True])
    weights_tiled = None
    if weights is not None:
        weights = broadcast_weights(as_float(weights), predictions)
        weights_tiled = t.tile(t.reshape(weights, [1, -1]), [num_thresholds, 1])
        thresh_tiled.get_shape().assert_is_compatible_with(weights_tiled.get_shape())
    values, updates = {}, {}
    for kind in ("tp", "fn", "tn", "fp"):  # TF's creation order
        if kind not in includes:
            continue
        var = metric_variable([num_thresholds], _dt.float32, name=_VAR_NAMES[kind])
        label_pos, pred_pos_ = _CELLS[kind]
        hit = as_float(t.logical_and(label[label_pos], pred[pred_pos_]))
        if weights_tiled is not None:
            hit *= weights_tiled
        updates[kind] = t.assign_add(var, t.reduce_sum(hit, 1))
        values[kind] = var
    return values, updates


def _count_at_thresholds(kind, args, collections, name):
    labels, predictions, thresholds, weights = args
    t = tf()
    with t.variable_scope(name, _VAR_NAMES[kind], (predictions, labels, weights)):
        values, updates = confusion_at_thresholds(labels, predictions, thresholds,
                                                  weights=weights, includes=(kind,))
        value = report(collections[0], t.identity(values[kind]))
        return value, report(collections[1], updates[kind])


def true_positives_at_thresholds(labels, predictions, thresholds, weights=None,
                                 metrics_collections=None, updates_collections=None, name=None):
    return _count_at_thresholds("tp", (labels, predictions, thresholds, weights),
                                (metrics_collections, updates_collections), name)


def false_negatives_at_thresholds(labels, predictions, thresholds, weights=None,
                                  metrics_collections=None, updates_collections=None, name=None):
    return _count_at_thresholds("fn", (labels, predictions, thresholds, weights),
                                (metrics_collections, updates_collections), name)


def true_negatives_at_thresholds(labels, predictions, thresholds, weights=None,
                                 metrics_collections=None, updates_collections=None, name=None):
    return _count_at_thresholds("tn", (labels, predictions, thresholds, weights),
                                (metrics_collections, updates_collections), name)


def false_positives_at_thresholds(labels, predictions, thresholds, weights=None,
                                  metrics_collections=None, updates_collections=None, name=None):
    return _count_at_thresholds("fp", (labels, predictions, thresholds, weights),
                                (metrics_collections, updates_collections), name)


def _ratio(other, labels, predictions, weights, collections, name):
    """precision (other = false_positives) or recall (false_negatives): tp / (tp + other)."""
    t = tf()
    default = "precision" if other is false_positives else "recall"
    with t.variable_scope(name, default, (predictions, labels, weights)):
        predictions, labels, weights = squeeze_all(t.cast(predictions, dtype=_dt.bool),
                                                   t.cast(labels, dtype=_dt.bool), weights)
        tp, tp_update = true_positives(labels, predictions, weights)
        o, o_update = other(labels, predictions, weights)

        def compute(a, b, name):
            return t.where(t.greater(a + b, 0), t.divide(a, a + b), 0, name)

        value = report(collections[0], compute(tp, o, "value"))
        return value, report(collections[1], compute(tp_update, o_update, "update_op"))


def precision(labels, predictions, weights=None, metrics_collections=None,
              updates_collections=None, name=None):
    """tp / (tp + fp) over all updates: (value, update_op)."""
    return _ratio(false_positives, labels, predictions, weights,
                  (metrics_collections, updates_collections), name)


def recall(labels, predictions, weights=None, metrics_collections=None,
           updates_collections=None, name=None):
    """tp / (tp + fn) over all updates: (value, update_op)."""
    return _ratio(false_negatives, labels, predictions, weights,
                  (metrics_collections, updates_collections), name)


def _ratio_at_thresholds(which, args, collections, name):
    labels, predictions, thresholds, weights = args
    t = tf()
    other = "fp" if which == "precision" else "fn"
    with t.variable_scope(name, which + "_at_thresholds", (predictions, labels, weights)):
        values, updates = confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                  includes=("tp", other))

        def compute(tp, o, suffix):
            return t.divide(tp, 1e-07 + tp + o, name=which + "_" + suffix)

        value = report(collections[0], compute(values["tp"], values[other], "value"))
        update = compute(updates["tp"], updates[other], "update_op")
        return value, report(collections[1], update)


def precision_at_thresholds(labels, predictions, thresholds, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    return _ratio_at_thresholds("precision", (labels, predictions, thresholds, weights),
                                (metrics_collections, updates_collections), name)


def recall_at_thresholds(labels, predictions, thresholds, weights=None,
                         metrics_collections=None, updates_collections=None, name=None):
    return _ratio_at_thresholds("recall", (labels, predictions, thresholds, weights),
                                (metrics_collections, updates_collections), name)
