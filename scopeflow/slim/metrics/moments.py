"""tf_slim's streaming moments and agreement: covariance, Pearson correlation, mean cosine
distance, count, Cohen's kappa.

>>> import scopeflow as tf
>>> cov, up = streaming_covariance([1.0, 2.0], [2.0, 4.0]); cov.name, up.name
('covariance/covariance:0', 'covariance/update_op:0')
"""

from scopeflow import dtypes as _dt
from scopeflow.metrics import mean as _mean
from scopeflow.metrics.util import (
    broadcast_weights,
    metric_variable,
    report,
    safe_scalar_div,
    squeeze_all,
    tf,
)


def _running_mean(var, batch_sum, batch_count, update_count):
    """Moves the running mean `var` to include a batch: (its update, its value before)."""
    t = tf()
    batch_mean = t.div_no_nan(batch_sum, batch_count)
    delta = t.div_no_nan((batch_mean - var) * batch_count, update_count)
    update = t.assign_add(var, delta)
    return batch_mean, update, update - delta


def streaming_covariance(predictions, labels, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """The unbiased (weighted) sample covariance of predictions and labels, streamed with
    Welford-style co-moment updates: (covariance, update_op)."""
    t = tf()
    with t.variable_scope(name, "covariance", (predictions, labels, weights)):
        predictions, labels, weights = squeeze_all(predictions, labels, weights)
        predictions.get_shape().assert_is_compatible_with(labels.get_shape())
        count = metric_variable([], _dt.float32, name="count")
        mean_prediction = metric_variable([], _dt.float32, name="mean_prediction")
        mean_label = metric_variable([], _dt.float32, name="mean_label")
        comoment = metric_variable([], _dt.float32, name="comoment")
        if weights is None:
            batch_count = t.cast(t.size(labels), _dt.float32)
            weighted_predictions, weighted_labels = predictions, labels
        else:
            weights = broadcast_weights(weights, labels)
            batch_count = t.reduce_sum(weights)
            weighted_predictions = t.multiply(predictions, weights)
            weighted_labels = t.multiply(labels, weights)
        update_count = t.assign_add(count, batch_count)
        prev_count = update_count - batch_count
        batch_mean_p, _, prev_mean_p = _running_mean(
            mean_prediction, t.reduce_sum(weighted_predictions), batch_count, update_count)
        batch_mean_l, _, prev_mean_l = _running_mean(
            mean_label, t.reduce_sum(weighted_labels), batch_count, update_count)
        coresiduals = (predictions - batch_mean_p) * (labels - batch_mean_l)
        if weights is not None:
            coresiduals = coresiduals * weights
        delta_comoment = (t.reduce_sum(coresiduals) + (prev_mean_p - batch_mean_p)
                          * (prev_mean_l - batch_mean_l)
                          * (prev_count * batch_count / update_count))
        update_comoment = t.assign_add(comoment, delta_comoment)

        def covariance(name):  # reads the variables here: after the update for update_op
            n, c = count.read_value(), comoment.read_value()
            return t.where(t.less_equal(n, 1.0), float("nan"), t.truediv(c, n - 1), name=name)

        value = covariance("covariance")
        with t.control_dependencies([update_comoment]):
            update_op = covariance("update_op")
    return report(metrics_collections, value), report(updates_collections, update_op)


def streaming_pearson_correlation(predictions, labels, weights=None, metrics_collections=None,
                                  updates_collections=None, name=None):
    """Pearson's r: cov(p, l) / (sqrt(var(p)) sqrt(var(l))), streamed: (pearson_r, update_op)."""
    t = tf()
    with t.variable_scope(name, "pearson_r", (predictions, labels, weights)):
        predictions, labels, weights = squeeze_all(predictions, labels, weights)
        predictions.get_shape().assert_is_compatible_with(labels.get_shape())
        if weights is not None:
            weights = broadcast_weights(weights, labels)
        cov, update_cov = streaming_covariance(predictions, labels, weights=weights,
                                               name="covariance")
        var_p, update_var_p = streaming_covariance(predictions, predictions, weights=weights,
                                                   name="variance_predictions")
        var_l, update_var_l = streaming_covariance(labels, labels, weights=weights,
                                                   name="variance_labels")
        value = t.truediv(cov, t.multiply(t.sqrt(var_p), t.sqrt(var_l)), name="pearson_r")
        update_op = t.truediv(update_cov, t.multiply(t.sqrt(update_var_p), t.sqrt(update_var_l)),
                              name="update_op")
    return report(metrics_collections, value), report(updates_collections, update_op)


def streaming_mean_cosine_distance(predictions, labels, dim, weights=None,
                                   metrics_collections=None, updates_collections=None,
                                   name=None):
    """1 - the streaming mean of the dot products of unit vectors along `dim`."""
    t = tf()
    predictions, labels, weights = squeeze_all(predictions, labels, weights)
    predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    radial = t.reduce_sum(t.multiply(predictions, labels), axis=[dim], keepdims=True)
    mean, update = _mean(radial, weights, None, None, name or "mean_cosine_distance")
    return (report(metrics_collections, t.subtract(1.0, mean)),
            report(updates_collections, t.subtract(1.0, update)))


def count(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The number of values seen, or the sum of their weights: (count, update_op)."""
    t = tf()
    with t.variable_scope(name, "count", (values, weights)):
        total = metric_variable([], _dt.float32, name="count")
        if weights is None:
            num_values = t.cast(t.size(values), _dt.float32)
        else:
            values = t.cast(values, _dt.float32)
            values, _, weights = squeeze_all(values, None, weights)
            weights = broadcast_weights(t.cast(weights, _dt.float32), values)
            num_values = t.reduce_sum(weights)
        with t.control_dependencies([values]):
            update = t.assign_add(total, num_values)
        value = report(metrics_collections, t.identity(total))
        return value, report(updates_collections, update)


def cohen_kappa(labels, predictions_idx, num_classes, weights=None, metrics_collections=None,
                updates_collections=None, name=None):
    """Cohen's kappa of class ids, (po - pe) / (1 - pe) over the streamed confusion table:
    (kappa, update_op)."""
    if num_classes < 2:
        raise ValueError("`num_classes` must be >= 2.Found: {}".format(num_classes))
    t = tf()
    with t.variable_scope(name, "cohen_kappa", (labels, predictions_idx, weights)):
        labels.get_shape().with_rank_at_most(2)
        if labels.get_shape().ndims == 2:
            labels = t.squeeze(labels, axis=[-1])
        predictions_idx, labels, weights = squeeze_all(predictions_idx, labels, weights)
        predictions_idx.get_shape().assert_is_compatible_with(labels.get_shape())
        stat_dtype = (_dt.int64 if weights is None or weights.dtype.is_integer
                      else _dt.float32)
        po = metric_variable((num_classes,), stat_dtype, name="po")
        pe_row = metric_variable((num_classes,), stat_dtype, name="pe_row")
        pe_col = metric_variable((num_classes,), stat_dtype, name="pe_col")
        table = t.confusion_matrix(labels, predictions_idx, num_classes=num_classes,
                                   weights=weights, dtype=stat_dtype, name="counts_in_table")
        update_po = t.assign_add(po, t.diag_part(table))
        update_pe_row = t.assign_add(pe_row, t.reduce_sum(table, axis=0))
        update_pe_col = t.assign_add(pe_col, t.reduce_sum(table, axis=1))

        def kappa(po, pe_row, pe_col, name):
            f64 = _dt.float64
            total = t.reduce_sum(pe_row)
            pe_sum = t.reduce_sum(t.div_no_nan(t.cast(pe_row * pe_col, f64), t.cast(total, f64)))
            po_sum, pe_sum, total = (t.cast(t.reduce_sum(po), f64), t.cast(pe_sum, f64),
                                     t.cast(total, f64))
            return safe_scalar_div(po_sum - pe_sum, total - pe_sum, name=name)

        value = kappa(po, pe_row, pe_col, "value")
        update = kappa(update_po, update_pe_row, update_pe_col, "update_op")
        return report(metrics_collections, value), report(updates_collections, update)
