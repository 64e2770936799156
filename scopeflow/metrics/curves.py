"""tf.metrics over threshold curves: auc (ROC / PR), sensitivity_at_specificity,
specificity_at_sensitivity.

>>> import scopeflow as tf
>>> a, up = auc([0, 1], [0.2, 0.9]); a.name, up.name
('auc/value:0', 'auc/update_op:0')
"""

from scopeflow import dtypes as _dt
from scopeflow.metrics.counts import confusion_at_thresholds
from scopeflow.metrics.util import report, tf

_KEPSILON = 1e-07
_SUMMATIONS = ("trapezoidal", "careful_interpolation", "minoring", "majoring")


def _even_thresholds(num_thresholds, top=1.0 + _KEPSILON):
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - _KEPSILON] + inner + [top]


def _interpolate_pr_auc(tp, fp, fn, n):
    t = tf()
    dtp = tp[:n - 1] - tp[1:]
    p = tp + fp
    prec_slope = t.div_no_nan(dtp, t.maximum(p[:n - 1] - p[1:], 0), name="prec_slope")
    intercept = tp[1:] - t.multiply(prec_slope, p[1:])
    safe_p_ratio = t.where(t.logical_and(p[:n - 1] > 0, p[1:] > 0),
                           t.div_no_nan(p[:n - 1], t.maximum(p[1:], 0),
                                        name="recall_relative_ratio"),
                           t.ones_like(p[1:]))
    return t.reduce_sum(t.div_no_nan(prec_slope * (dtp + intercept * t.log(safe_p_ratio)),
                                     t.maximum(tp[1:] + fn[1:], 0), name="pr_auc_increment"),
                        name="interpolate_pr_auc")


def _auc_of(counts, n, how, name):
    """The area under the curve `how` = (curve, summation_method) of the counts."""
    t = tf()
    curve, summation_method = how
    tp, fn, tn, fp = counts
    if curve == "PR":
        if summation_method == "trapezoidal":
            t.logging.warning("Trapezoidal rule is known to produce incorrect PR-AUCs; please "
                              "switch to \"careful_interpolation\" instead.")
        elif summation_method == "careful_interpolation":
            return _interpolate_pr_auc(tp, fp, fn, n)
    epsilon = 1e-06
    rec = t.divide(tp + epsilon, tp + fn + epsilon)
    if curve == "ROC":
        x, y = t.divide(fp, fp + tn + epsilon), rec
    else:
        x, y = rec, t.divide(tp + epsilon, tp + fp + epsilon)
    dx = x[:n - 1] - x[1:]
    if summation_method in ("trapezoidal", "careful_interpolation"):
        return t.reduce_sum(t.multiply(dx, (y[:n - 1] + y[1:]) / 2.0), name=name)
    if summation_method == "minoring":
        return t.reduce_sum(t.multiply(dx, t.minimum(y[:n - 1], y[1:])), name=name)
    if summation_method == "majoring":
        return t.reduce_sum(t.multiply(dx, t.maximum(y[:n - 1], y[1:])), name=name)
    raise ValueError("Invalid summation_method: %s summation_method should be 'trapezoidal', "
                     "'careful_interpolation', 'minoring', or 'majoring'." % summation_method)


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):
    """The approximate area under the ROC or PR curve, over `num_thresholds` thresholds."""
    t = tf()
    with t.variable_scope(name, "auc", (labels, predictions, weights)):
        if curve != "ROC" and curve != "PR":
            raise ValueError("Curve must be either ROC or PR. Curve %s is unknown." % curve)
        if thresholds is not None:
            thresholds = sorted(thresholds)
            num_thresholds = len(thresholds) + 2
            thresholds = [0.0 - _KEPSILON] + thresholds + [1.0 + _KEPSILON]
        else:
            thresholds = _even_thresholds(num_thresholds)
        values, updates = confusion_at_thresholds(labels, predictions, thresholds, weights)
        how = (curve, summation_method)
        kinds = ("tp", "fn", "tn", "fp")
        value = _auc_of([values[k] for k in kinds], num_thresholds, how, "value")
        report(metrics_collections, value)
        update = _auc_of([updates[k] for k in kinds], num_thresholds, how, "update_op")
        return value, report(updates_collections, update)


def _at(which, args, num_thresholds, collections, name):
    """sensitivity_at_specificity / specificity_at_sensitivity (which = the one returned)."""
    labels, predictions, target, weights = args
    t = tf()
    given = "specificity" if which == "sensitivity" else "sensitivity"
    if target < 0 or target > 1:
        raise ValueError("`%s` must be in the range [0, 1]. Currently, `%s` %s %s."
                         % (given, given, "got" if given == "specificity" else "is", target))
    with t.variable_scope(name, "%s_at_%s" % (which, given), (predictions, labels, weights)):
        top = 1.0 + _KEPSILON if which == "sensitivity" else 1.0 - _KEPSILON
        thresholds = _even_thresholds(num_thresholds, top)
        values, updates = confusion_at_thresholds(labels, predictions, thresholds, weights)

        def compute(c, name):
            if which == "sensitivity":
                specificities = t.divide(c["tn"], c["tn"] + c["fp"] + _KEPSILON)
                i = t.cast(t.argmin(t.abs(specificities - target), 0), _dt.int32)
                return t.divide(c["tp"][i], c["tp"][i] + c["fn"][i] + _KEPSILON, name)
            sensitivities = t.divide(c["tp"], c["tp"] + c["fn"] + _KEPSILON)
            min_val = t.reduce_min(t.abs(sensitivities - target))
            at_min = t.cast(t.equal(t.abs(sensitivities - target), min_val), _dt.int64)
            i = t.cast(t.argmax(t.cumsum(at_min), 0), _dt.int32)
            return t.divide(c["tn"][i], c["tn"][i] + c["fp"][i] + _KEPSILON, name)

        value = report(collections[0], compute(values, "value"))
        return value, report(collections[1], compute(updates, "update_op"))


def sensitivity_at_specificity(labels, predictions, specificity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    return _at("sensitivity", (labels, predictions, specificity, weights), num_thresholds,
               (metrics_collections, updates_collections), name)


def specificity_at_sensitivity(labels, predictions, sensitivity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    return _at("specificity", (labels, predictions, sensitivity, weights), num_thresholds,
               (metrics_collections, updates_collections), name)
