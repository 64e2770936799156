"""Stateful `tf.keras.metrics` classes of TF1 graph mode: `update_state` adds the ops that
accumulate into the metric's variables, `result()` reads them, `reset_states()` zeroes them in
the Keras session.

The variables (`total`, `count`, `true_positives`, ...) are resource variables named in the name
scope the metric is made in, in no collection (Keras initializes them with its own variables).

>>> import scopeflow as tf
>>> m = tf.keras.metrics.Mean()
>>> [v.name for v in m.variables]
['total:0', 'count:0']
"""

import numpy as np

from scopeflow.keras import backend as K
from scopeflow.keras import losses as _losses
from scopeflow.keras import metrics as _fns
from scopeflow.layers.base import to_snake_case
from scopeflow.layers.core import tf_api


class Metric:
    """Base: `update_state(...)` returns the update op, `result()` the value tensor."""

    def __init__(self, name=None, dtype=None, **kwargs):
        # an unnamed metric takes a per-graph unique name, as a Keras layer does
        self.name = name or K.unique_object_name(to_snake_case(type(self).__name__))
        self.dtype = dtype or K.floatx()
        self._variables, self._reset_op = [], None
        self.stateful, self.built = True, True

    def add_weight(self, name, shape=(), aggregation=None, initializer=None, dtype=None):
        from scopeflow.core.variables import VariableV1
        tf = tf_api()
        dtype = dtype or self.dtype
        with tf.init_scope():
            v = VariableV1(lambda: tf.zeros(shape, dtype), name=name, trainable=False,
                           dtype=dtype, collections=[], use_resource=True)
        K.track_variable(v)
        self._variables.append(v)
        return v

    @property
    def variables(self):
        return list(self._variables)

    weights = variables

    def __call__(self, *args, **kwargs):
        """Updates the state; the result tensor runs after the update. No name scope of its
        own, as in Keras (`compile` opens `metrics/<name>`)."""
        tf = tf_api()
        update = self.update_state(*args, **kwargs)
        with tf.control_dependencies([update] if update is not None else []):
            return tf.identity(self.result())

    def reset_states(self):
        """Zeroes the variables in the Keras session (one cached op, made again when a lazily
        built metric has added variables since)."""
        if self._reset_op is None or self._reset_op[0] != len(self._variables):
            tf = tf_api()
            with tf.name_scope(None):
                self._reset_op = (len(self._variables), tf.group(
                    *[tf.assign(v, tf.zeros_like(v)) for v in self._variables]))
        K.get_session().run(self._reset_op[1])

    reset_state = reset_states

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _weights_like(values, sample_weight):
    """Keras' weight alignment: squeeze or expand one trailing axis, then broadcast when the
    shapes allow it; else the values are averaged down to the weights' rank."""
    tf = tf_api()
    w = tf.cast(sample_weight, values.dtype)
    vr, wr = values.shape.ndims, w.shape.ndims
    if vr is not None and wr is not None:
        if wr == vr + 1 and w.shape[-1] == 1:
            w = tf.squeeze(w, [-1])
        elif wr == vr - 1:
            w = tf.expand_dims(w, -1)
        wr = w.shape.ndims
        if wr < vr and not _broadcastable(w.shape, values.shape):
            values = tf.reduce_mean(values, axis=list(range(wr, vr)))
    return values, w * tf.ones_like(values)


def _broadcastable(small, big):
    a, b = small.as_list(), big.as_list()
    a = [1] * (len(b) - len(a)) + a
    return all(x == 1 or x is None or y is None or x == y for x, y in zip(a, b))


class Reduce(Metric):
    """`total` (and `count` for a mean) over all values seen."""

    _mean = True

    def __init__(self, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight("total")
        self.count = self.add_weight("count") if self._mean else None

    def update_state(self, values, sample_weight=None):
        tf = tf_api()
        values = tf.cast(values, self.dtype)
        if sample_weight is not None:
            values, w = _weights_like(values, sample_weight)
            values = values * w
        total = tf.assign_add(self.total, tf.reduce_sum(values))
        if not self._mean:
            return total.op
        n = tf.cast(tf.size(values), self.dtype) if sample_weight is None else tf.reduce_sum(w)
        with tf.control_dependencies([total]):
            return tf.assign_add(self.count, n).op

    def result(self):
        tf = tf_api()
        if not self._mean:
            return tf.identity(self.total)
        return tf.div_no_nan(self.total, self.count)


class Sum(Reduce):
    """`tf.keras.metrics.Sum`: the weighted sum of the values."""

    _mean = False


class Mean(Reduce):
    """`tf.keras.metrics.Mean`: the weighted mean of the values."""


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred)` per sample."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn, self._fn_kwargs = fn, kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        tf = tf_api()
        y_pred = tf.cast(y_pred, self.dtype)
        y_true = tf.cast(y_true, self.dtype)
        return super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self):
        return dict(super().get_config(), **self._fn_kwargs)

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _wrapper(cls_name, fn, doc_name, **defaults):
    def __init__(self, name=doc_name, dtype=None, **kwargs):
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **dict(defaults, **kwargs))

    return type(cls_name, (MeanMetricWrapper,), {
        "__init__": __init__, "__doc__": "`tf.keras.metrics.%s`." % cls_name,
        "from_config": classmethod(lambda cls, config: cls(**config))})


Accuracy = _wrapper("Accuracy", _fns.accuracy, "accuracy")
BinaryAccuracy = _wrapper("BinaryAccuracy", _fns.binary_accuracy, "binary_accuracy",
                          threshold=0.5)
CategoricalAccuracy = _wrapper("CategoricalAccuracy", _fns.categorical_accuracy,
                               "categorical_accuracy")
SparseCategoricalAccuracy = _wrapper("SparseCategoricalAccuracy",
                                     _fns.sparse_categorical_accuracy,
                                     "sparse_categorical_accuracy")
TopKCategoricalAccuracy = _wrapper("TopKCategoricalAccuracy", _fns.top_k_categorical_accuracy,
                                   "top_k_categorical_accuracy", k=5)
SparseTopKCategoricalAccuracy = _wrapper(
    "SparseTopKCategoricalAccuracy", _fns.sparse_top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy", k=5)
MeanSquaredError = _wrapper("MeanSquaredError", _losses.mean_squared_error,
                            "mean_squared_error")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", _losses.mean_absolute_error,
                             "mean_absolute_error")
BinaryCrossentropy = _wrapper("BinaryCrossentropy", _losses.binary_crossentropy,
                              "binary_crossentropy", from_logits=False)
CategoricalCrossentropy = _wrapper("CategoricalCrossentropy", _losses.categorical_crossentropy,
                                   "categorical_crossentropy", from_logits=False)
SparseCategoricalCrossentropy = _wrapper(
    "SparseCategoricalCrossentropy", _losses.sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy", from_logits=False)
Hinge = _wrapper("Hinge", _losses.hinge, "hinge")


class RootMeanSquaredError(Mean):
    """`tf.keras.metrics.RootMeanSquaredError`: sqrt of the mean squared error."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        tf = tf_api()
        y_pred = tf.cast(y_pred, self.dtype)
        y_true = tf.cast(y_true, self.dtype)
        return super().update_state(tf.squared_difference(y_pred, y_true), sample_weight)

    def result(self):
        tf = tf_api()
        return tf.sqrt(tf.div_no_nan(self.total, self.count))


# ---- confusion-matrix metrics ----------------------------------------------------------------
_KINDS = ("true_positives", "true_negatives", "false_positives", "false_negatives")


_NEG_INF = -1e10  # the threshold of a top_k metric: every top-k prediction is positive


def _confusion_updates(metric, y_true, y_pred, sample_weight):
    """Adds to each confusion variable of `metric` the weighted count of its kind per
    threshold: a prediction is positive where it is strictly above the threshold. With
    `top_k` only the k largest predictions of a row can be positive; with `class_id` only that
    column counts."""
    tf = tf_api()
    y_pred = tf.cast(y_pred, "float32")
    y_true = tf.cast(y_true, "float32")
    top_k, class_id = getattr(metric, "top_k", None), getattr(metric, "class_id", None)
    if top_k is not None:  # (..., classes): the others to _NEG_INF
        _, idx = tf.nn.top_k(y_pred, top_k, sorted=False)
        keep = tf.reduce_sum(tf.one_hot(idx, tf.shape(y_pred)[-1], axis=-1), axis=-2)
        y_pred = y_pred * keep + _NEG_INF * (1 - keep)
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    w = None
    if sample_weight is not None:
        w = tf.reshape(_weights_like(y_pred, sample_weight)[1], [-1])
    pred, label = tf.reshape(y_pred, [-1]), tf.reshape(y_true, [-1])  # (n,)
    variables = {k: getattr(metric, k) for k in metric._kinds}
    counts = _bucket_counts if metric._evenly else _threshold_counts
    return tf.group(*[tf.assign_add(variables[k], tf.reshape(c, variables[k].shape))
                      for k, c in counts(metric.thresholds, pred, label, w, variables).items()])


def _threshold_counts(thresholds, pred, label, w, kinds):
    """Per threshold, the weighted count of each kind by comparing every prediction."""
    tf = tf_api()
    label = tf.reshape(tf.cast(label, "bool"), [1, -1])
    thr = tf.reshape(tf.constant(np.asarray(thresholds, "float32")), [-1, 1])  # (t, 1)
    above = tf.reshape(pred, [1, -1]) > thr  # (t, n)
    conds = {"true_positives": tf.logical_and(above, label),
             "false_positives": tf.logical_and(above, tf.logical_not(label)),
             "false_negatives": tf.logical_and(tf.logical_not(above), label),
             "true_negatives": tf.logical_and(tf.logical_not(above), tf.logical_not(label))}
    w = 1.0 if w is None else tf.reshape(w, [1, -1])
    return {k: tf.reduce_sum(tf.cast(conds[k], "float32") * w, axis=1) for k in kinds}


def _bucket_counts(thresholds, pred, label, w, kinds):
    """Keras' evenly spaced thresholds: each prediction (clipped to [0, 1]) falls in bucket
    ceil(p (t - 1)) - 1; the counts above each threshold are reverse cumulative sums."""
    tf = tf_api()
    n = len(thresholds)
    w = 1.0 if w is None else w
    label = tf.cast(tf.cast(label, "bool"), "float32")
    pos, neg = label * w, (1.0 - label) * w
    index = tf.ceil(tf.clip_by_value(pred, 0.0, 1.0) * (n - 1)) - 1
    if thresholds[0] < 0.0 or thresholds[-1] > 1.0:
        index = tf.nn.relu(index)
    index = tf.cast(index, "int32")
    tp = tf.cumsum(tf.unsorted_segment_sum(pos, index, n), reverse=True)
    fp = tf.cumsum(tf.unsorted_segment_sum(neg, index, n), reverse=True)
    out = {"true_positives": tp, "false_positives": fp,
           "true_negatives": tf.reduce_sum(neg) - fp, "false_negatives": tf.reduce_sum(pos) - tp}
    return {k: out[k] for k in kinds}


def _parse_thresholds(thresholds, default):
    """The thresholds as a list (one value or several), each checked to lie in [0, 1]."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) \
        else [thresholds]
    invalid = [t for t in values if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError("Threshold values must be in [0, 1]. Received: %s" % invalid)
    return values


def _evenly_spaced(thresholds):
    n = len(thresholds)
    return n >= 3 and bool(np.allclose(thresholds, np.arange(n, dtype="float32") / (n - 1),
                                       atol=K.epsilon()))


class _ConfusionMetric(Metric):
    _kinds = ()

    def __init__(self, thresholds=None, name=None, dtype=None, default=0.5):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = _parse_thresholds(thresholds, default)
        self._evenly = _evenly_spaced(self.thresholds)
        shape = (len(self.thresholds),)
        for kind in self._kinds:
            setattr(self, kind, self.add_weight(self._var_names.get(kind, kind), shape))

    _var_names: dict = {}  # noqa: RUF012 - read-only per class

    def update_state(self, y_true, y_pred, sample_weight=None):
        return _confusion_updates(self, y_true, y_pred, sample_weight)

    def _maybe_scalar(self, t):
        return t[0] if len(self.thresholds) == 1 and t.shape.ndims == 1 else t

    def get_config(self):
        return dict(super().get_config(), thresholds=self.init_thresholds)


class _PrecisionRecall(_ConfusionMetric):
    """tp / (tp + <the other kind>) at each threshold (0.5 by default; with `top_k`, every
    top-k prediction above -1e10), over all classes or column `class_id`."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        self.top_k, self.class_id = top_k, class_id
        super().__init__(thresholds, name=name, dtype=dtype,
                         default=0.5 if top_k is None else _NEG_INF)

    def result(self):
        tf = tf_api()
        tp, other = self.true_positives, getattr(self, self._kinds[1])
        return self._maybe_scalar(tf.div_no_nan(tp, tp + other))

    def get_config(self):
        return dict(super().get_config(), top_k=self.top_k, class_id=self.class_id)


class Precision(_PrecisionRecall):
    """`tf.keras.metrics.Precision`: tp / (tp + fp)."""

    _kinds = ("true_positives", "false_positives")


class Recall(_PrecisionRecall):
    """`tf.keras.metrics.Recall`: tp / (tp + fn)."""

    _kinds = ("true_positives", "false_negatives")


def _counter(cls_name, kind):
    def result(self):
        return self._maybe_scalar(tf_api().identity(getattr(self, kind)))

    return type(cls_name, (_ConfusionMetric,), {
        "_kinds": (kind,), "_var_names": {kind: "accumulator"}, "result": result,
        "__doc__": "`tf.keras.metrics.%s`: the weighted count per threshold." % cls_name})


TruePositives = _counter("TruePositives", "true_positives")
FalsePositives = _counter("FalsePositives", "false_positives")
TrueNegatives = _counter("TrueNegatives", "true_negatives")
FalseNegatives = _counter("FalseNegatives", "false_negatives")


class AUC(_ConfusionMetric):
    """`tf.keras.metrics.AUC`: area under the ROC or PR curve over `num_thresholds` evenly
    spaced thresholds (the ends just outside [0, 1])."""

    _kinds = _KINDS

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        self._init_from_thresholds, self.multi_label = thresholds is not None, multi_label
        self.num_labels, self.label_weights, self._from_logits = num_labels, label_weights, \
            from_logits
        if num_thresholds <= 1:
            raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                             "Received: num_thresholds=%s" % num_thresholds)
        evenly = thresholds is None or _evenly_spaced([0.0] + sorted(thresholds) + [1.0])
        if thresholds is None:
            eps = K.epsilon()
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            thresholds = [0.0 - eps] + inner + [1.0 + eps]
        else:
            thresholds = [0.0 - K.epsilon()] + sorted(thresholds) + [1.0 + K.epsilon()]
        self.num_thresholds = len(thresholds)
        self.curve, self.summation_method = curve.upper(), summation_method
        Metric.__init__(self, name=name, dtype=dtype)
        self.thresholds, self._evenly = list(thresholds), evenly
        for kind in self._kinds:
            setattr(self, kind, self.add_weight(kind, (self.num_thresholds,)))

    def _maybe_scalar(self, t):
        return t

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self._from_logits:
            y_pred = tf_api().sigmoid(y_pred)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        config = dict(Metric.get_config(self), num_thresholds=self.num_thresholds,
                      curve=self.curve, summation_method=self.summation_method,
                      multi_label=self.multi_label, num_labels=self.num_labels,
                      label_weights=self.label_weights, from_logits=self._from_logits)
        if self._init_from_thresholds:  # the given ones, without the ends Keras adds
            config["thresholds"] = self.thresholds[1:-1]
        return config

    def result(self):
        tf = tf_api()
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        n = self.num_thresholds
        if self.curve == "PR" and self.summation_method == "interpolation":
            return _pr_auc_interpolated(tp, fp, fn, n)
        if self.curve == "ROC":
            x, y = tf.div_no_nan(fp, fp + tn), tf.div_no_nan(tp, tp + fn)
        else:
            x, y = tf.div_no_nan(tp, tp + fn), tf.div_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = tf.minimum(y[:n - 1], y[1:])
        else:
            heights = tf.maximum(y[:n - 1], y[1:])
        return tf.reduce_sum((x[:n - 1] - x[1:]) * heights)


def _pr_auc_interpolated(tp, fp, fn, n):
    """Davis & Goadrich's interpolation of the precision-recall curve between thresholds:
    precision varies as a line in the number of positive predictions p."""
    tf = tf_api()
    p = tp + fp
    d_tp, d_p = tp[:n - 1] - tp[1:], p[:n - 1] - p[1:]
    slope = tf.div_no_nan(d_tp, tf.maximum(d_p, 0.0))
    intercept = tp[1:] - slope * p[1:]
    both = tf.logical_and(p[:n - 1] > 0, p[1:] > 0)
    ratio = tf.where(both, tf.div_no_nan(p[:n - 1], tf.maximum(p[1:], 0.0)), tf.ones_like(p[1:]))
    step = tf.div_no_nan(slope * (d_tp + intercept * tf.log(ratio)),
                         tf.maximum(tp[1:] + fn[1:], 0.0))
    return tf.reduce_sum(step)


CLASSES = {c.__name__: c for c in (
    Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy,
    SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    MeanSquaredError, MeanAbsoluteError, RootMeanSquaredError, BinaryCrossentropy,
    CategoricalCrossentropy, SparseCategoricalCrossentropy, Hinge, Precision, Recall, AUC,
    TruePositives, FalsePositives, TrueNegatives, FalseNegatives)}
