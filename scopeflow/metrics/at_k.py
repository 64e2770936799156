"""tf.metrics over the top k predictions: precision_at_k, recall_at_k (and _at_top_k),
average_precision_at_k.

TF counts with set ops over each row (DenseToDenseSetOperation, SparseTensors); here the same
set sizes come from dense comparisons: each row's distinct predicted ids against its distinct
labels (equal counts, float64 variables under TF's names: `precision_at_2/true_positive_at_2`).

>>> import scopeflow as tf
>>> p, up = precision_at_k(tf.constant([[1]], tf.int64), [[0.1, 0.9]], k=1); p.name, up.name
('precision_at_1:0', 'precision_at_1/update:0')
"""

from scopeflow import dtypes as _dt
from scopeflow.metrics.util import (
    assert_broadcastable,
    broadcast_weights,
    metric_variable,
    report,
    safe_scalar_div,
    tf,
)


def _at_k_name(name, k=None, class_id=None):
    name = "%s_at_%d" % (name, k) if k is not None else "%s_at_k" % name
    return name if class_id is None else "%s_class%d" % (name, class_id)


def _maybe_expand_labels(labels, predictions):
    """`labels` with the rank of `predictions` (a trailing 1 added where it is one short)."""
    t = tf()
    with t.name_scope(None, "expand_labels", (labels, predictions)) as scope:
        labels = t.convert_to_tensor(labels)
        labels_rank = labels.get_shape().ndims
        if labels_rank is not None:
            predictions_rank = predictions.get_shape().ndims
            if predictions_rank is not None:
                if predictions_rank == labels_rank:
                    return labels
                if predictions_rank == labels_rank + 1:
                    return t.expand_dims(labels, -1, name=scope)
                raise ValueError(
                    "Unexpected labels shape %s for predictions shape %s. Predictions rank "
                    "should be the same rank as labels rank or labels rank plus one ."
                    % (labels.get_shape(), predictions.get_shape()))
        return t.cond(t.equal(t.rank(predictions), t.rank(labels) + 1),
                      lambda: t.expand_dims(labels, -1, name=scope), lambda: labels)


def _distinct(ids, class_id):
    """(..., n) bool: the first occurrence of each value in its row (only `class_id`, if set)."""
    t = tf()
    n = ids.get_shape().as_list()[-1]
    same = t.equal(t.expand_dims(ids, -1), t.expand_dims(ids, -2))  # (..., n, n)
    earlier = t.constant([[j < i for j in range(n)] for i in range(n)]) if n else None
    first = t.logical_not(t.reduce_any(t.logical_and(same, earlier), -1))
    if class_id is not None:
        first = t.logical_and(first, t.equal(ids, t.cast(class_id, ids.dtype)))
    return first


def _set_sizes(labels, predictions_idx, class_id):
    """Per row: (|P ∩ L|, |P - L|, |L - P|) of the (class-selected) id sets, as float64."""
    t = tf()
    labels = t.cast(labels, _dt.int64)
    p_first = _distinct(predictions_idx, class_id)
    l_first = _distinct(labels, class_id)
    eq = t.equal(t.expand_dims(predictions_idx, -1), t.expand_dims(labels, -2))  # (..., k, m)
    matched = t.logical_and(p_first, t.reduce_any(
        t.logical_and(eq, t.expand_dims(l_first, -2)), -1))

    def count(b):
        return t.cast(t.reduce_sum(t.cast(b, _dt.int32), -1), _dt.float64)

    tp = count(matched)
    return tp, count(p_first) - tp, count(l_first) - tp


def _weighted(x, weights):
    t = tf()
    if weights is None:
        return x
    with t.control_dependencies((assert_broadcastable(weights, x),)):
        return t.multiply(x, t.cast(weights, _dt.float64))


def _streaming_count(kind, batch, k, class_id):
    """A float64 count variable named for `kind` ('true_positive') and its update."""
    t = tf()
    labels, predictions_idx, weights = batch
    index = {"true_positive": 0, "false_positive": 1, "false_negative": 2}[kind]
    scope_names = {0: "true_positives", 1: "false_positives", 2: "false_negatives"}
    with t.name_scope(None, _at_k_name(kind, k, class_id=class_id),
                      (predictions_idx, labels, weights)) as scope:
        with t.name_scope(None, scope_names[index], (predictions_idx, labels, weights)):
            count = _weighted(_set_sizes(labels, predictions_idx, class_id)[index], weights)
        batch_total = t.cast(t.reduce_sum(count), _dt.float64)
        var = metric_variable([], _dt.float64, name=scope)
        return var, t.assign_add(var, batch_total, name="update")


def _ratio_at_top_k(which, batch, k, class_id, collections, name):
    t = tf()
    labels, predictions_idx, weights = batch
    other = "false_positive" if which == "precision" else "false_negative"
    with t.name_scope(name, _at_k_name(which, k, class_id=class_id),
                      (predictions_idx, labels, weights)) as scope:
        labels = _maybe_expand_labels(labels, predictions_idx)
        top_k_idx = t.cast(predictions_idx, _dt.int64)
        batch = (labels, top_k_idx, weights)
        tp, tp_update = _streaming_count("true_positive", batch, k, class_id)
        o, o_update = _streaming_count(other, batch, k, class_id)
        metric = report(collections[0], t.divide(tp, t.add(tp, o), name=scope))
        update = t.divide(tp_update, t.add(tp_update, o_update), name="update")
        return metric, report(collections[1], update)


def precision_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    return _ratio_at_top_k("precision", (labels, predictions_idx, weights), k, class_id,
                           (metrics_collections, updates_collections), name)


def recall_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                    metrics_collections=None, updates_collections=None, name=None):
    return _ratio_at_top_k("recall", (labels, predictions_idx, weights), k, class_id,
                           (metrics_collections, updates_collections), name)


def precision_at_k(labels, predictions, k, class_id=None, weights=None,
                   metrics_collections=None, updates_collections=None, name=None):
    """Of the top-k predicted classes, the fraction in the labels, over all updates."""
    t = tf()
    with t.name_scope(name, _at_k_name("precision", k, class_id=class_id),
                      (predictions, labels, weights)) as scope:
        _, top_k_idx = t.nn.top_k(predictions, k)
        return precision_at_top_k(labels, top_k_idx, k, class_id, weights,
                                  metrics_collections, updates_collections, name=scope)


def recall_at_k(labels, predictions, k, class_id=None, weights=None,
                metrics_collections=None, updates_collections=None, name=None):
    """Of the labels, the fraction among the top-k predicted classes, over all updates."""
    t = tf()
    with t.name_scope(name, _at_k_name("recall", k, class_id=class_id),
                      (predictions, labels, weights)) as scope:
        _, top_k_idx = t.nn.top_k(predictions, k)
        return recall_at_top_k(labels, top_k_idx, k, class_id, weights,
                               metrics_collections, updates_collections, name=scope)


sparse_precision_at_k = precision_at_k


def _average_precision(labels, predictions_idx):
    """Per row: the sum of precision@j over relevant positions j, / min(#labels, k)."""
    t = tf()
    with t.name_scope(None, "average_precision", (predictions_idx, labels)) as scope:
        predictions_idx = t.cast(predictions_idx, _dt.int64, name="predictions_idx")
        if predictions_idx.get_shape().ndims == 0:
            raise ValueError("The rank of `predictions_idx` must be at least 1.")
        k = predictions_idx.get_shape().as_list()[-1]
        if k is None:
            raise ValueError("The last dimension of predictions_idx must be set. Currently, it "
                             "is None.")
        labels = _maybe_expand_labels(labels, predictions_idx)
        per_k = t.expand_dims(predictions_idx, -1, name="predictions_idx_per_k")
        labels_per_k = t.tile(t.expand_dims(labels, -2), [1] * (labels.shape.ndims - 1)
                              + [k, 1], name="labels_per_k")  # (..., k, m)
        with t.name_scope(None, "relevant_per_k"):
            relevant = _set_sizes(labels_per_k, per_k, None)[0]  # (..., k)
        tp_per_k = t.cumsum(relevant, axis=-1, name="tp_per_k")
        retrieved = t.cumsum(t.ones_like(relevant), axis=-1, name="retrieved_per_k")
        precision = t.divide(tp_per_k, retrieved, name="precision_per_k")
        relevant_precision = t.multiply(precision, relevant, name="relevant_precision_per_k")
        precision_sum = t.reduce_sum(relevant_precision, axis=(-1,), name="precision_sum")
        with t.name_scope(None, "num_relevant", (labels,)) as nscope:
            num = t.reduce_sum(t.where_v2(t.greater_equal(labels, 0), t.ones_like(labels),
                                          t.zeros_like(labels)), axis=-1)
            num = t.minimum(num, k, name=nscope)
        return t.divide(precision_sum, t.cast(num, _dt.float64), name=scope)


def average_precision_at_k(labels, predictions, k, weights=None, metrics_collections=None,
                           updates_collections=None, name=None):
    """The mean over rows of the average precision of the top k predictions."""
    t = tf()
    if k < 1:
        raise ValueError("Invalid k=%s. `k` should be >= 1." % k)
    with t.name_scope(name, _at_k_name("average_precision", k),
                      (predictions, labels, weights)) as scope:
        _, predictions_idx = t.nn.top_k(predictions, k)
        labels = t.convert_to_tensor(labels)
        num_classes = t.cast(t.shape(predictions)[-1], _dt.int64)
        labels = t.cond(t.greater_equal(t.reduce_max(labels), num_classes),
                        lambda: t.where_v2(t.greater_equal(labels, num_classes),
                                           -1 * t.ones_like(labels), labels),
                        lambda: labels)
        return average_precision_at_top_k(labels, predictions_idx, weights,
                                          (metrics_collections, updates_collections), scope)


def average_precision_at_top_k(labels, predictions_idx, weights, collections, name):
    """TF's _streaming_sparse_average_precision_at_top_k: the streaming mean of the rows'
    average precision of `predictions_idx` (batch, k), a (value, update_op) pair."""
    t = tf()
    metrics_collections, updates_collections = collections
    with t.name_scope(name, "average_precision_at_top_k",
                      (predictions_idx, labels, weights)) as scope2:
        ap = _average_precision(labels, predictions_idx)
        if weights is not None:
            weights = broadcast_weights(t.cast(weights, _dt.float64), ap)
            ap = t.multiply(ap, weights)
        with t.name_scope(None, "max", (ap,)) as max_scope:
            max_var = metric_variable([], _dt.float64, name=max_scope)
            batch_max = (t.cast(t.size(ap, name="batch_max"), _dt.float64)
                         if weights is None else t.reduce_sum(weights, name="batch_max"))
            max_update = t.assign_add(max_var, batch_max, name="update")
        with t.name_scope(None, "total", (ap,)) as total_scope:
            total_var = metric_variable([], _dt.float64, name=total_scope)
            batch_total = t.reduce_sum(ap, name="batch_total")
            total_update = t.assign_add(total_var, batch_total, name="update")
        value = report(metrics_collections, safe_scalar_div(total_var, max_var, "mean"))
        update = safe_scalar_div(total_update, max_update, name=scope2)
        return value, report(updates_collections, update)


sparse_average_precision_at_k = average_precision_at_k
