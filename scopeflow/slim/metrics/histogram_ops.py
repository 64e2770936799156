"""tf_slim.metrics.histogram_ops: the AUC from accumulated score histograms of each class.

>>> import scopeflow as tf
>>> auc, up = auc_using_histogram(tf.constant([True, False]), tf.constant([0.9, 0.1]),
...                               [0.0, 1.0]); auc.name
'auc_using_histogram/auc:0'
"""

from scopeflow import dtypes as _dt
from scopeflow.core.graph import GraphKeys
from scopeflow.metrics.util import remove_squeezable_dimensions, tf


def _histogram(values, selected, value_range, nbins, name):
    """TF's histogram_fixed_width of the `selected` values: counts (int64) in `nbins` equal
    bins over value_range, values outside it counted in the first or last bin. (Counting with
    0/1 weights instead of boolean_mask keeps the run one compiled step.)"""
    t = tf()
    with t.name_scope(name, "histogram_fixed_width", [values, value_range]):
        values = t.reshape(values, [-1])
        value_range = t.cast(value_range, values.dtype)
        lo, hi = value_range[0], value_range[1]
        step = (hi - lo) / nbins
        bins = t.minimum(t.cast(t.floor((t.maximum(values, lo) - lo) / step), _dt.int32),
                         nbins - 1)
        weights = t.cast(t.reshape(selected, [-1]), _dt.int64)
        return t.unsorted_segment_sum(weights, bins, nbins)


def _check_labels_and_scores(boolean_labels, scores, check_shape):
    t = tf()
    with t.name_scope("_check_labels_and_scores", values=[boolean_labels, scores]):
        boolean_labels = t.convert_to_tensor(boolean_labels, name="boolean_labels")
        scores = t.convert_to_tensor(scores, name="scores")
        if boolean_labels.dtype != _dt.bool:
            raise ValueError("Argument boolean_labels should have dtype bool.  Found: %s"
                             % boolean_labels.dtype)
        if not check_shape:
            return boolean_labels, scores
        checks = [t.Assert(t.equal(1, t.rank(x)), ["Argument %s should have rank 1.  Found: "
                                                   % what, x.name, t.shape(x)])
                  for what, x in (("boolean_labels", boolean_labels), ("scores", scores))]
        with t.control_dependencies(checks):  # as in tf_slim, nothing depends on the checks
            return boolean_labels, scores


def auc_using_histogram(boolean_labels, scores, score_range, nbins=100, collections=None,
                        check_shape=True, name=None):
    """The AUC of `nbins`-bin histograms of the scores of True and False labels, accumulated
    in local variables: (auc, update_op)."""
    t = tf()
    if collections is None:
        collections = [GraphKeys.LOCAL_VARIABLES]
    with t.variable_scope(name, "auc_using_histogram", [boolean_labels, scores, score_range]):
        scores, boolean_labels = remove_squeezable_dimensions(scores, boolean_labels)
        score_range = t.convert_to_tensor(score_range, name="score_range")
        boolean_labels, scores = _check_labels_and_scores(boolean_labels, scores, check_shape)
        with t.variable_scope(None, "make_auc_histograms", [boolean_labels, scores, nbins]):
            hist_true = _histogram(scores, boolean_labels, score_range, nbins, "hist_true")
            hist_false = _histogram(scores, t.logical_not(boolean_labels), score_range, nbins,
                                    "hist_false")
        with t.variable_scope(None, "hist_accumulate", [hist_true, hist_false]):
            accumulated = [t.get_variable(n, shape=[nbins], dtype=_dt.int64,
                                          initializer=t.zeros_initializer(),
                                          collections=collections, trainable=False)
                           for n in ("hist_true_acc", "hist_false_acc")]
            update_op = t.group(accumulated[0].assign_add(hist_true),
                                accumulated[1].assign_add(hist_false), name="update_op")
        return _hist_to_auc(*accumulated, nbins), update_op


def _hist_to_auc(hist_true_acc, hist_false_acc, nbins):
    """The trapezoidal area under (cumulative share of False, of True) from the top bin down."""
    t = tf()
    normed_true = t.truediv(hist_true_acc, t.reduce_sum(hist_true_acc))
    normed_false = t.truediv(hist_false_acc, t.reduce_sum(hist_false_acc))
    delta_y = t.cast(t.reverse_v2(normed_true, [0], name="delta_y_t"), _dt.float32)
    delta_x = t.cast(t.reverse_v2(normed_false, [0], name="delta_x_t"), _dt.float32)
    y = _strict_1d_cumsum(delta_y, nbins)
    first_trap = delta_x[0] * y[0] / 2.0
    other_traps = delta_x[1:] * (y[1:] + y[:nbins - 1]) / 2.0
    return t.add(first_trap, t.reduce_sum(other_traps), name="auc")


def _strict_1d_cumsum(tensor, len_tensor):
    """The cumulative sum of a 1-D tensor of known length `len_tensor`."""
    return tf().cumsum(tensor)[:len_tensor]
