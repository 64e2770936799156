"""tf_slim.metrics.classification: accuracy of one batch, the best F1 score over thresholds.

>>> import scopeflow as tf
>>> accuracy(tf.constant([1, 2]), tf.constant([1, 3])).name
'accuracy/Mean:0'
"""

from scopeflow import dtypes as _dt
from scopeflow.metrics.counts import confusion_at_thresholds
from scopeflow.metrics.util import report, squeeze_all, tf


def accuracy(predictions, labels, weights=None, name=None):
    """The (weighted) fraction of predictions equal to labels in this batch (not streamed)."""
    if not (labels.dtype.is_integer or labels.dtype in (_dt.bool, _dt.string)):
        raise ValueError("Labels should have bool, integer, or string dtype, not %r"
                         % labels.dtype)
    if not labels.dtype.is_compatible_with(predictions.dtype):
        raise ValueError("Dtypes of predictions and labels should match. Given: predictions "
                         "(%r) and labels (%r)" % (predictions.dtype, labels.dtype))
    t = tf()
    with t.name_scope(name, "accuracy", values=[predictions, labels]):
        is_correct = t.cast(t.equal(predictions, labels), _dt.float32)
        if weights is None:
            return t.reduce_mean(is_correct)
        is_correct = t.multiply(is_correct, weights)
        num_values = t.multiply(weights, t.ones_like(is_correct))
        return t.div(t.reduce_sum(is_correct), t.reduce_sum(num_values))


def f1_score(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
             updates_collections=None, name=None):
    """The best 2PR / (P + R) over `num_thresholds` thresholds of [0, 1]: (f1, update_op)."""
    t = tf()
    with t.variable_scope(name, "f1", (labels, predictions, weights)):
        predictions, labels, weights = squeeze_all(predictions, labels, weights)
        epsilon = 1e-7
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        thresholds = [0.0 - epsilon] + inner + [1.0 + epsilon]
        values, updates = confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                  includes=("tp", "fp", "fn"))

        def best_f1(counts, name):
            tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
            precision = t.div(tp, epsilon + tp + fp, name="precision_" + name)
            recall = t.div(tp, epsilon + tp + fn, name="recall_" + name)
            return t.reduce_max(2.0 * precision * recall / (precision + recall + epsilon))

        value = report(metrics_collections, best_f1(values, "value"))
        return value, report(updates_collections, best_f1(updates, "update"))
