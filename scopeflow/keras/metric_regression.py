"""`tf.keras.metrics` means of loss-like functions (`Poisson`, `LogCoshError`, ...),
`MeanRelativeError`, `MeanTensor` and `R2Score`, as TF1 graph mode makes them.

>>> import scopeflow as tf
>>> tf.keras.metrics.LogCoshError().name
'logcosh'
"""

from scopeflow.keras import backend as K
from scopeflow.keras import losses as _losses
from scopeflow.keras.metric_objects import Mean, Metric, _weights_like, _wrapper
from scopeflow.layers.core import tf_api


def _cosine_similarity(y_true, y_pred, axis=-1):
    """The metric's cosine similarity: positive (the loss is its negative)."""
    tf = tf_api()
    y_true = tf.nn.l2_normalize(y_true, axis=axis)
    y_pred = tf.nn.l2_normalize(y_pred, axis=axis)
    return tf.reduce_sum(y_true * y_pred, axis=axis)


CategoricalHinge = _wrapper("CategoricalHinge", _losses.categorical_hinge, "categorical_hinge")
SquaredHinge = _wrapper("SquaredHinge", _losses.squared_hinge, "squared_hinge")
CosineSimilarity = _wrapper("CosineSimilarity", _cosine_similarity, "cosine_similarity", axis=-1)
KLDivergence = _wrapper("KLDivergence", _losses.kl_divergence, "kullback_leibler_divergence")
LogCoshError = _wrapper("LogCoshError", _losses.log_cosh, "logcosh")
MeanAbsolutePercentageError = _wrapper("MeanAbsolutePercentageError",
                                       _losses.mean_absolute_percentage_error,
                                       "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _wrapper("MeanSquaredLogarithmicError",
                                       _losses.mean_squared_logarithmic_error,
                                       "mean_squared_logarithmic_error")
Poisson = _wrapper("Poisson", _losses.poisson, "poisson")


def _squeeze_last(a, b):
    """Keras' squeeze_or_expand_dimensions: `a` of one more trailing axis of size 1 than `b`
    loses it; `b` of one more loses its own."""
    tf = tf_api()
    ra, rb = a.shape.ndims, b.shape.ndims
    if ra is not None and rb is not None:
        if ra == rb + 1 and a.shape[-1] == 1:
            a = tf.squeeze(a, [-1])
        elif rb == ra + 1 and b.shape[-1] == 1:
            b = tf.squeeze(b, [-1])
    return a, b


class MeanRelativeError(Mean):
    """`tf.keras.metrics.MeanRelativeError`: the mean of |y_true - y_pred| / normalizer."""

    def __init__(self, normalizer, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.normalizer = tf_api().cast(normalizer, self.dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        tf = tf_api()
        y_true, y_pred = tf.cast(y_true, self.dtype), tf.cast(y_pred, self.dtype)
        y_pred, y_true = _squeeze_last(y_pred, y_true)
        y_pred, self.normalizer = _squeeze_last(y_pred, self.normalizer)
        errors = tf.div_no_nan(tf.abs(y_true - y_pred), self.normalizer)
        return super().update_state(errors, sample_weight=sample_weight)

    def get_config(self):
        return dict(super().get_config(), normalizer=K.eval(self.normalizer))


class MeanTensor(Metric):
    """`tf.keras.metrics.MeanTensor`: the element-wise mean of tensors of one shape; its
    `total` and `count` are made (and initialized in the Keras session) on the first update."""

    def __init__(self, name="mean_tensor", dtype=None, shape=None):
        super().__init__(name=name, dtype=dtype)
        self._shape = self._total = self._count = None
        if shape is not None:
            self._build(shape)

    def _build(self, shape):
        from scopeflow.core.shape import TensorShape
        self._shape = TensorShape(shape)
        self._total = self.add_weight("total", shape=self._shape.as_list())
        self._count = self.add_weight("count", shape=self._shape.as_list())
        K.get_session()

    @property
    def total(self):
        return self._total

    @property
    def count(self):
        return self._count

    def update_state(self, values, sample_weight=None):
        tf = tf_api()
        values = tf.cast(values, self.dtype)
        if self._shape is None:
            self._build(values.shape)
        elif values.shape != self._shape:
            raise ValueError("MeanTensor input values must always have the same shape. Expected "
                             "shape (set during the first call): %s. Got: %s."
                             % (self._shape, values.shape))
        counts = tf.ones_like(values)
        if sample_weight is not None:
            values, w = _weights_like(values, sample_weight)
            counts, values = counts * w, values * w
        total = tf.assign_add(self._total, values)
        with tf.control_dependencies([total]):
            return tf.assign_add(self._count, counts).op

    def result(self):
        if self._shape is None:
            raise ValueError("MeanTensor does not have any value yet. Please call the MeanTensor "
                             "instance or use `.update_state(value)` before retrieving the "
                             "result.")
        return tf_api().div_no_nan(self._total, self._count)

    def reset_states(self):
        if self._shape is not None:
            super().reset_states()

    reset_state = reset_states


_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """`tf.keras.metrics.R2Score`: the coefficient of determination per output column."""

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError("Invalid value for argument `class_aggregation`. Expected one of "
                             "%s. Received: class_aggregation=%s"
                             % (_AGGREGATIONS, class_aggregation))
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`. Expected a value "
                             ">= 0. Received: num_regressors=%s" % num_regressors)
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        self.num_samples = self.add_weight("num_samples", dtype="int32")
        self.built = False

    def _build(self, true_shape, pred_shape):
        _check_2d("R2Score", true_shape, pred_shape)
        n = [pred_shape[-1]]
        self.squared_sum = self.add_weight("squared_sum", n)
        self.sum = self.add_weight("sum", n)
        self.total_mse = self.add_weight("residual", n)
        self.count = self.add_weight("count", n)
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        tf = tf_api()
        y_true, y_pred = _built_on(self, y_true, y_pred)
        w = tf.convert_to_tensor(1 if sample_weight is None else sample_weight, dtype=self.dtype)
        if w.shape.ndims == 1:
            w = tf.expand_dims(w, axis=1)
        w = w * tf.ones_like(y_true)
        weighted = y_true * w
        tf.assign_add(self.sum, tf.reduce_sum(weighted, axis=0))
        tf.assign_add(self.squared_sum, tf.reduce_sum(y_true * weighted, axis=0))
        tf.assign_add(self.total_mse, tf.reduce_sum((y_true - y_pred) ** 2 * w, axis=0))
        tf.assign_add(self.count, tf.reduce_sum(w, axis=0))
        # Keras' graph-mode update is the last op made: only this assign runs with the result
        # (so TF1's R2Score stays nan), kept as TF has it
        return tf.assign_add(self.num_samples, tf.size(y_true)).op

    def result(self):
        tf = tf_api()
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        raw = 1 - self.total_mse / total
        raw = tf.where_v2(tf.is_inf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = tf.reduce_mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = tf.reduce_sum(total * raw) / tf.reduce_sum(total)
        else:
            score = raw
        if self.num_regressors != 0:
            score = self._adjusted(score)
        return score

    def _adjusted(self, score):
        tf = tf_api()
        if self.num_regressors > self.num_samples - 1:  # a tensor's truth: TF's TypeError
            return score
        n = tf.cast(self.num_samples, "float32")
        p = tf.cast(self.num_regressors, "float32")
        return 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)

    def get_config(self):
        return dict(super().get_config(), class_aggregation=self.class_aggregation,
                    num_regressors=self.num_regressors)


def _built_on(metric, y_true, y_pred):
    """The inputs as tensors of the metric's dtype; its variables made on the first ones."""
    tf = tf_api()
    y_true = tf.convert_to_tensor(y_true, dtype=metric.dtype)
    y_pred = tf.convert_to_tensor(y_pred, dtype=metric.dtype)
    if not metric.built:
        metric._build(y_true.shape, y_pred.shape)
    return y_true, y_pred


def _check_2d(cls_name, true_shape, pred_shape):
    """The 2-D (batch, outputs) inputs with a known output size R2Score and FBetaScore need."""
    if len(pred_shape) != 2 or len(true_shape) != 2:
        raise ValueError("%s expects 2D inputs with shape (batch_size, output_dim). Received "
                         "input shapes: y_pred.shape=%s and y_true.shape=%s."
                         % (cls_name, pred_shape, true_shape))
    if pred_shape[-1] is None or true_shape[-1] is None:
        raise ValueError("%s expects 2D inputs with shape (batch_size, output_dim), with "
                         "output_dim fully defined (not None). Received input shapes: "
                         "y_pred.shape=%s and y_true.shape=%s."
                         % (cls_name, pred_shape, true_shape))
