"""`tf.keras.metrics` read off a curve of evenly spaced thresholds (`PrecisionAtRecall`,
`SensitivityAtSpecificity`, ...) and the F-scores, as TF1 graph mode makes them.

>>> import scopeflow as tf
>>> [v.name for v in tf.keras.metrics.PrecisionAtRecall(0.5, num_thresholds=3).variables][:2]
['true_positives:0', 'true_negatives:0']
"""

from scopeflow.keras.metric_objects import _KINDS, Metric, _confusion_updates
from scopeflow.keras.metric_regression import _built_on, _check_2d
from scopeflow.layers.core import tf_api


class _AtValue(Metric):
    """The four confusion counts over `num_thresholds` thresholds 0, 1/(n-1), ..., 1 (0.5
    alone for one); `result` is the best `_dependent` rate among the thresholds where the
    `_constrained` rate reaches `value` (0 where none does)."""

    _kinds = _KINDS
    _arg = ""  # the value's argument name: "recall", "specificity", ...

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if value < 0 or value > 1:
            raise ValueError("Argument `%s` must be in the range [0, 1]. Received: %s=%s"
                             % (self._arg, self._arg, value))
        setattr(self, self._arg, value)
        self.value, self.num_thresholds, self.class_id = value, num_thresholds, class_id
        self.top_k = None
        super().__init__(name=name, dtype=dtype)
        if num_thresholds <= 0:
            raise ValueError("Argument `num_thresholds` must be an integer > 0. "
                             "Received: num_thresholds=%s" % num_thresholds)
        for kind in self._kinds:
            setattr(self, kind, self.add_weight(kind, (num_thresholds,)))
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds, self._evenly = [0.0] + inner + [1.0], True

    def update_state(self, y_true, y_pred, sample_weight=None):
        return _confusion_updates(self, y_true, y_pred, sample_weight)

    def _rates(self):
        tf = tf_api()
        tp, tn = self.true_positives, self.true_negatives
        fp, fn = self.false_positives, self.false_negatives
        return {"recall": tf.div_no_nan(tp, tp + fn), "precision": tf.div_no_nan(tp, tp + fp),
                "specificity": tf.div_no_nan(tn, tn + fp)}

    def result(self):
        # the max over a masked vector: the same number as Keras' gather of tf.where's
        # indices, without an output shape that depends on the values
        tf = tf_api()
        rates = self._rates()
        constrained, dependent = rates[self._constrained], rates[self._dependent]
        feasible = tf.greater_equal(constrained, self.value)
        best = tf.reduce_max(tf.where_v2(feasible, dependent, float("-inf")))
        return tf.where_v2(tf.reduce_any(feasible), best, 0.0)

    def get_config(self):
        return dict(super().get_config(), class_id=self.class_id,
                    num_thresholds=self.num_thresholds, **{self._arg: self.value})


def _at_value(cls_name, arg, constrained, dependent):
    return type(cls_name, (_AtValue,), {
        "_arg": arg, "_constrained": constrained, "_dependent": dependent,
        "__doc__": "`tf.keras.metrics.%s`: the best %s where %s >= `%s`."
                   % (cls_name, dependent, constrained, arg)})


# sensitivity is recall: tp / (tp + fn)
SensitivityAtSpecificity = _at_value("SensitivityAtSpecificity", "specificity", "specificity",
                                     "recall")
SpecificityAtSensitivity = _at_value("SpecificityAtSensitivity", "sensitivity", "recall",
                                     "specificity")
PrecisionAtRecall = _at_value("PrecisionAtRecall", "recall", "recall", "precision")
RecallAtPrecision = _at_value("RecallAtPrecision", "precision", "precision", "recall")


class FBetaScore(Metric):
    """`tf.keras.metrics.FBetaScore` on (batch, classes) inputs: per class (or `average`d)."""

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        _check_fbeta_args(average, beta, threshold)
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        self.built = False

    def _build(self, true_shape, pred_shape):
        _check_2d("FBetaScore", true_shape, pred_shape)
        shape = [] if self.average == "micro" else [pred_shape[-1]]
        for name in ("true_positives", "false_positives", "false_negatives",
                     "intermediate_weights"):
            setattr(self, name, self.add_weight(name, shape))
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        tf = tf_api()
        y_true, y_pred = _built_on(self, y_true, y_pred)
        if self.threshold is None:  # the row's max (when not ~0) is the positive
            top = tf.reduce_max(y_pred, axis=-1, keepdims=True)
            y_pred = tf.logical_and(y_pred >= top, tf.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = tf.cast(y_pred, self.dtype)

        def weighted_sum(x):
            if sample_weight is not None:
                x = x * tf.expand_dims(sample_weight, 1)
            return tf.reduce_sum(x, axis=self.axis)

        tf.assign_add(self.true_positives, weighted_sum(y_pred * y_true))
        tf.assign_add(self.false_positives, weighted_sum(y_pred * (1 - y_true)))
        tf.assign_add(self.false_negatives, weighted_sum((1 - y_pred) * y_true))
        # Keras' graph-mode update is the last op made: only this assign runs with the result
        # (so TF1's F-scores stay 0), kept as TF has it
        return tf.assign_add(self.intermediate_weights, weighted_sum(y_true)).op

    def result(self):
        tf = tf_api()
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        precision, recall = tf.div_no_nan(tp, tp + fp), tf.div_no_nan(tp, tp + fn)
        beta2 = tf.square(self.beta)
        score = tf.div_no_nan(precision * recall, beta2 * precision + recall) * (1 + beta2)
        if self.average == "weighted":
            w = self.intermediate_weights
            return tf.reduce_sum(score * tf.div_no_nan(w, tf.reduce_sum(w)))
        if self.average is not None:
            return tf.reduce_mean(score)
        return score

    def get_config(self):
        return dict(super().get_config(), average=self.average, beta=self.beta,
                    threshold=self.threshold)


class F1Score(FBetaScore):
    """`tf.keras.metrics.F1Score`: the F-beta score with beta 1."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config


def _check_fbeta_args(average, beta, threshold):
    if average not in (None, "micro", "macro", "weighted"):
        raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', "
                         "'macro', 'weighted'}. Received: average=%s" % (average,))
    if not isinstance(beta, float):  # Keras' ValueError, not a TypeError
        raise ValueError("Invalid `beta` argument value. It should be a Python float. "
                         "Received: beta=%s of type '%s'" % (beta, type(beta)))
    if beta <= 0.0:
        raise ValueError("Invalid `beta` argument value. It should be > 0. Received: beta=%s"
                         % beta)
    if threshold is None:
        return
    if not isinstance(threshold, float):
        raise ValueError("Invalid `threshold` argument value. It should be a Python float. "
                         "Received: threshold=%s of type '%s'" % (threshold, type(threshold)))
    if threshold > 1.0 or threshold <= 0.0:
        raise ValueError("Invalid `threshold` argument value. It should verify 0 < threshold "
                         "<= 1. Received: threshold=%s" % threshold)
