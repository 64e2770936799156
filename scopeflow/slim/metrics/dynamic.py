"""tf_slim's metrics over every value seen: streaming_concat (a growing local variable), the
AUC at data-derived thresholds, and the AUC with a confidence interval.

>>> import scopeflow as tf
>>> v, up = streaming_concat(tf.constant([1, 2])); v.name, up.name
('streaming_concat/concat:0', 'streaming_concat/Assign:0')
"""

import collections

from scopeflow import dtypes as _dt
from scopeflow.metrics.util import metric_variable, report, squeeze_all, tf

_EPSILON = 1e-7

AucData = collections.namedtuple("AucData", ["auc", "lower", "upper"])


def _next_array_size(required_size, growth_factor=1.5):
    """The smallest power of `growth_factor` at least `required_size`, rounded up (int32)."""
    t = tf()
    exponent = t.ceil(t.log(t.cast(required_size, _dt.float32))
                      / t.log(t.cast(growth_factor, _dt.float32)))
    return t.cast(t.ceil(growth_factor ** exponent), _dt.int32)


def _concat_layout(values, axis):
    """(axis in [0, ndim), the static sizes of the other dimensions) or TF's ValueError."""
    shape = values.get_shape()
    if shape.dims is None:
        raise ValueError("`values` must have known statically known rank")
    ndim = len(shape)
    if axis < 0:
        axis += ndim
    if not 0 <= axis < ndim:
        raise ValueError("axis = %r not in [0, %r)" % (axis, ndim))
    fixed = [tf().dimension_value(d) for n, d in enumerate(shape) if n != axis]
    if any(d is None for d in fixed):
        raise ValueError("all dimensions of `values` other than the dimension to concatenate "
                         "along must have statically known size")
    return axis, fixed


def streaming_concat(values, axis=0, max_size=None, metrics_collections=None,
                     updates_collections=None, name=None):
    """Every batch of `values` concatenated along `axis` (at most `max_size` along it), kept in
    a local variable that grows by 1.5x when full: (concatenated, update_op)."""
    t = tf()
    with t.variable_scope(name, "streaming_concat", (values,)):
        axis, fixed = _concat_layout(values, axis)
        ndim = len(fixed) + 1
        # the variable holds values with `axis` moved first: (capacity, *fixed)
        array = metric_variable([0 if max_size is None else max_size] + fixed, values.dtype,
                                validate_shape=False, name="array")
        size = metric_variable([], _dt.int32, name="size")
        back = [0 if n == axis else n + 1 if n < axis else n for n in range(ndim)]

        def first(x, n):  # x[:n] (a slice whose size scopeflow can compute before the step)
            return t.slice(x, [0] * ndim, t.stack([n] + [-1] * (ndim - 1)))

        valid = first(array, size)
        valid.set_shape([None] + fixed)
        value = t.transpose(valid, back, name="concat")
        values_size = t.shape(values)[axis]
        batch_size = (values_size if max_size is None
                      else t.minimum(values_size, max_size - size))
        batch = first(t.transpose(values, [axis] + [n for n in range(ndim) if n != axis]),
                      batch_size)
        new_size = size + batch_size
        # tf_slim grows the variable in a cond and writes the batch into a slice of it; here
        # the whole grown array is assigned at once (same values, no sliced assignment)
        capacity = t.shape(array)[0]
        grown = t.where(new_size > capacity, _next_array_size(new_size), capacity)
        padding = t.zeros(t.stack([grown - new_size] + fixed), dtype=values.dtype)
        appended = t.concat([valid, batch, padding], 0)
        append = t.assign(array, appended, validate_shape=False, name="append")
        with t.control_dependencies([append]):
            update_op = size.assign(new_size)
        return report(metrics_collections, value), report(updates_collections, update_op)


def _step_cumsum(x, splits):
    """The cumulative sums of x before each split point: pad([0] + cumsum(x))[splits]."""
    t = tf()
    return t.gather(t.pad(t.cumsum(x), paddings=[[1, 0]]), splits)


def _compute_dynamic_auc(labels, predictions, curve="ROC", weights=None):
    """The trapezoidal AUC with a threshold at every distinct prediction (float64)."""
    t = tf()
    f64 = _dt.float64
    size = t.size(predictions)
    if weights is None:
        weights = t.ones_like(labels, dtype=f64)
    labels, predictions, weights = squeeze_all(labels, predictions, weights)
    total_weight = t.reduce_sum(weights)
    zeros = t.zeros_like(labels, dtype=f64)
    total_positive = t.reduce_sum(t.where(t.greater(labels, 0), weights, zeros))

    def area():
        ordered_predictions, indices = t.nn.top_k(predictions, k=size)
        ordered_labels = t.gather(labels, indices)
        ordered_weights = t.gather(weights, indices)
        _, _, counts = t.unique_with_counts(ordered_predictions)
        splits = t.cast(t.pad(t.cumsum(counts), paddings=[[1, 0]]), _dt.int32)
        ordered_zeros = t.zeros_like(ordered_labels, dtype=f64)
        tps = _step_cumsum(t.where(t.greater(ordered_labels, 0), ordered_weights,
                                   ordered_zeros), splits)
        if curve == "ROC":
            fps = _step_cumsum(t.where(t.less(ordered_labels, 1), ordered_weights,
                                       ordered_zeros), splits)
            xs = t.truediv(fps, total_weight - total_positive)
            ys = t.truediv(tps, total_positive)
        else:
            xs = t.truediv(tps, total_positive)
            positives = _step_cumsum(ordered_weights, splits)
            ys = t.where(t.greater(splits, 0), t.truediv(tps, positives),
                         t.ones_like(tps, dtype=f64))
        heights = t.add(ys[1:], ys[:-1]) / 2.0
        widths = t.abs(t.subtract(xs[1:], xs[:-1]))
        return t.reduce_sum(t.multiply(heights, widths))

    one_class = t.logical_or(t.equal(total_positive, 0), t.equal(total_positive, total_weight))
    return t.cond(one_class, lambda: t.constant(0, f64), area)


def _binary_label_checks(labels):
    t = tf()
    return [t.assert_greater_equal(labels, t.zeros_like(labels, _dt.int64),
                                   message="labels must be 0 or 1, at least one is <0"),
            t.assert_less_equal(labels, t.ones_like(labels, _dt.int64),
                                message="labels must be 0 or 1, at least one is >1")]


def streaming_dynamic_auc(labels, predictions, curve="ROC", metrics_collections=(),
                          updates_collections=(), name=None, weights=None):
    """The AUC over all labels and predictions seen, thresholds at the predictions themselves:
    (auc, update_op)."""
    if curve not in ["PR", "ROC"]:
        raise ValueError("curve must be either ROC or PR, %s unknown" % curve)
    t = tf()
    with t.variable_scope(name, default_name="dynamic_auc"):
        labels.get_shape().assert_is_compatible_with(predictions.get_shape())
        predictions = t.reshape(t.cast(predictions, _dt.float64), [-1])
        labels = t.reshape(t.cast(labels, _dt.int64), [-1])
        with t.control_dependencies(_binary_label_checks(labels)):
            preds_accum, update_preds = streaming_concat(predictions, name="concat_preds")
            labels_accum, update_labels = streaming_concat(labels, name="concat_labels")
            weights_accum, updates = None, [update_labels, update_preds]
            if weights is not None:
                weights = t.reshape(t.cast(weights, _dt.float64), [-1])
                weights_accum, update_weights = streaming_concat(weights,
                                                                 name="concat_weights")
                updates.append(update_weights)
            update_op = t.group(*updates)
            auc = _compute_dynamic_auc(labels_accum, preds_accum, curve=curve,
                                       weights=weights_accum)
            report(updates_collections, update_op)
            return report(metrics_collections, auc), update_op


def _placements(ordered_labels, ordered_weights, segments):
    """Each example's placement value: the weighted share of the other class ranked below it
    (ties count half)."""
    t = tf()
    is_true = t.cast(ordered_labels, _dt.float32)
    is_false = 1.0 - is_true
    # per distinct prediction: the weight of the other class at it, and below it
    other_for_true = t.segment_sum(ordered_weights * is_false, segments)
    other_for_false = t.segment_sum(ordered_weights * is_true, segments)

    def placement(totals):
        below = t.cumsum(totals, exclusive=True)
        share = (below + totals / 2.0) / (t.reduce_sum(totals) + _EPSILON)
        return t.gather(share, segments)

    return placement(other_for_true) * is_true + placement(other_for_false) * is_false


def _interval(auc, std_err, alpha, logit_transformation):
    """(lower, upper) of the normal interval of level alpha, on the logit scale if asked."""
    t = tf()
    z = t.math.ndtri(t.constant((1.0 - alpha) / 2.0))  # negative
    if not logit_transformation:
        return auc + z * std_err, auc - z * std_err
    estimate = t.log(auc / (1.0 - auc + _EPSILON))
    logit_err = std_err / (auc * (1.0 - auc + _EPSILON))

    def inverse_logit(x):
        return 1.0 / (1.0 + t.exp(t.negative(x)) + _EPSILON)

    return inverse_logit(estimate + z * logit_err), inverse_logit(estimate - z * logit_err)


def _compute_placement_auc(labels, predictions, weights, alpha, logit_transformation,
                           is_valid):
    """The AUC from placement values and its asymptotic normal confidence interval."""
    t = tf()
    wdt = weights.dtype
    total_0 = t.reduce_sum(t.cast(1 - labels, wdt) * weights)
    total_1 = t.reduce_sum(t.cast(labels, wdt) * weights)
    size = t.size(predictions, out_type=_dt.int32)
    ordered_predictions, indices = t.nn.top_k(predictions, k=size, sorted=True)
    ordered_predictions = t.reverse(ordered_predictions, axis=t.zeros(1, _dt.int32))
    indices = t.reverse(indices, axis=t.zeros(1, _dt.int32))
    ordered_labels = t.gather(labels, indices)
    ordered_weights = t.gather(weights, indices)
    _, segments = t.unique(ordered_predictions)
    placement = _placements(ordered_labels, ordered_weights, segments)
    mask_0 = t.cast(1 - ordered_labels, wdt)
    mask_1 = t.cast(ordered_labels, wdt)
    placement_0, weights_0 = placement * mask_0, ordered_weights * mask_0
    placement_1, weights_1 = placement * mask_1, ordered_weights * mask_1
    auc_0 = t.reduce_sum(weights_0 * (1.0 - placement_0)) / (total_0 + _EPSILON)
    auc_1 = t.reduce_sum(weights_1 * placement_1) / (total_1 + _EPSILON)
    auc = t.where(t.less(total_0, total_1), auc_1, auc_0)
    var_0 = (t.reduce_sum(weights_0 * t.square(1.0 - placement_0 - auc_0))
             / (total_0 - 1.0 + _EPSILON))
    var_1 = (t.reduce_sum(weights_1 * t.squared_difference(placement_1, auc_1))
             / (total_1 - 1.0 + _EPSILON))
    std_err = t.sqrt(var_0 / (total_0 + _EPSILON) + var_1 / (total_1 + _EPSILON))
    auc_lower, auc_upper = _interval(auc, std_err, alpha, logit_transformation)
    degenerate = t.logical_or(t.equal(auc, t.ones_like(auc)), t.equal(auc, t.zeros_like(auc)))
    lower = t.where(degenerate, auc, auc_lower)
    upper = t.where(degenerate, auc, auc_upper)
    trivial = t.constant(0.0)
    return AucData(*t.cond(is_valid, lambda: [auc, lower, upper], lambda: [trivial] * 3))


def auc_with_confidence_intervals(labels, predictions, weights=None, alpha=0.95,
                                  logit_transformation=True, metrics_collections=(),
                                  updates_collections=(), name=None):
    """The AUC of all values seen with its `alpha` confidence interval:
    (AucData(auc, lower, upper), update_op)."""
    if not (alpha > 0 and alpha < 1):
        raise ValueError("alpha must be between 0 and 1; currently %.02f" % alpha)
    t = tf()
    if weights is None:
        weights = t.ones_like(predictions)
    with t.variable_scope(name, default_name="auc_with_confidence_intervals",
                          values=[labels, predictions, weights]):
        predictions, labels, weights = squeeze_all(predictions, labels, weights)
        total_weight = t.reduce_sum(weights)
        weights = t.reshape(weights, [-1])
        predictions = t.reshape(t.cast(predictions, _dt.float64), [-1])
        labels = t.reshape(t.cast(labels, _dt.int64), [-1])
        with t.control_dependencies(_binary_label_checks(labels)):
            preds_accum, update_preds = streaming_concat(predictions, name="concat_preds")
            labels_accum, update_labels = streaming_concat(labels, name="concat_labels")
            weights_accum, update_weights = streaming_concat(weights, name="concat_weights")
            update_valid = t.group(update_labels, update_preds, update_weights)
            both_classes = t.logical_and(t.equal(t.reduce_min(labels), 0),
                                         t.equal(t.reduce_max(labels), 1))
            enough_weight = t.greater_equal(total_weight, 1.0)
            is_valid = t.logical_and(both_classes, enough_weight)
            update_op = t.cond(enough_weight, lambda: update_valid, t.no_op)
            auc = _compute_placement_auc(labels_accum, preds_accum, weights_accum, alpha=alpha,
                                         logit_transformation=logit_transformation,
                                         is_valid=is_valid)
            report(updates_collections, update_op)
            return report(metrics_collections, auc), update_op
