"""tf.compat.v1.estimator.LinearClassifier / LinearRegressor / LinearEstimator: a weighted sum
of feature columns (FTRL by default), with the v1 heads (SUM loss reduction) and TF's
variable names (`linear/linear_model/<col>/weights`, `linear/linear_model/bias_weights`).

>>> import scopeflow.compat.v1 as tf
>>> type(tf.estimator.LinearRegressor([tf.feature_column.numeric_column("x")])).__name__
'LinearRegressor'
"""

import math

from scopeflow.estimator._tf import tf
from scopeflow.estimator.canned import head as head_lib
from scopeflow.estimator.canned import optimizers
from scopeflow.estimator.estimator import Estimator

_LEARNING_RATE = 0.2


def _fraction_of_zero(variables):
    """The fraction of zeros over all of `variables` (TF's `zero_fraction` scope)."""
    t = tf()
    with t.name_scope("zero_fraction"):
        with t.name_scope("total_size"):
            sizes = [t.size(x, out_type=t.int64) for x in variables]
            total_size = t.add_n(sizes)
        with t.name_scope("total_zero"):
            def _count(x, size):
                return t.cond(t.equal(size, t.constant(0, dtype=t.int64)),
                              true_fn=lambda: t.constant(0, dtype=t.float32),
                              false_fn=lambda: t.math.zero_fraction(x) * t.cast(
                                  size, dtype=t.float32),
                              name="zero_count")
            total_zero = t.add_n([_count(x, size) for x, size in zip(variables, sizes)])
        with t.name_scope("compute"):
            total_size = t.cast(total_size, dtype=t.float32, name="float32_size")
            fraction = total_zero / total_size
        return t.identity(fraction, name="zero_fraction_or_nan")


def _parts(variable):
    """A variable's partitions as a list (a plain variable: itself)."""
    from scopeflow.core.partitioners import PartitionedVariable
    return list(variable) if isinstance(variable, PartitionedVariable) else [variable]


def _linear_model(features, columns, units, sparse_combiner):
    """TF's estimator LinearModel (a Keras model): (logits, [weights], bias) with variables
    `linear_model/<col>/weights` and `linear_model/bias_weights` in the caller's variable
    scope, ops under the model's, its layer's and the call's name scopes
    (`linear_model/linear_model/linear_model/<col>/`)."""
    t = tf()
    from scopeflow.core.graph import GraphKeys
    from scopeflow.feature_column import base
    from scopeflow.feature_column.layers import _weighted_sum, _weights
    if not isinstance(features, dict):
        raise ValueError("We expected a dictionary here. Instead we got: {}".format(features))
    columns = sorted(base.normalize_columns(columns), key=lambda c: c.name)
    for column in columns:
        if not isinstance(column, (base.DenseColumn, base.CategoricalColumn)):
            raise ValueError("Items of feature_columns must be either a DenseColumn or "
                             "CategoricalColumn. Given: {}".format(column))
    with t.name_scope("linear_model"), t.name_scope("linear_model"):
        with t.variable_scope("linear_model", auxiliary_name_scope=False):
            weights = []
            for column in columns:
                with t.variable_scope(column._var_scope_name, auxiliary_name_scope=False):
                    weights.append(_weights(column, units, True, [GraphKeys.GLOBAL_VARIABLES]))
            bias = t.get_variable("bias_weights", shape=[units], dtype=t.float32,
                                  initializer=t.zeros_initializer())
        with t.name_scope("linear_model"):
            builder = base.Builder(features)
            sums = []
            for column, weight in zip(columns, weights):
                with t.name_scope(column._var_scope_name):
                    sums.append(_weighted_sum(column, builder, weight, sparse_combiner))
            base.verify_batch_sizes(sums, columns)
            no_bias = t.add_n(sums, name="weighted_sum_no_bias")
            return t.nn.bias_add(no_bias, bias, name="weighted_sum"), weights, bias


def linear_logits(features, units, feature_columns, sparse_combiner="sum"):
    """TF's linear logit_fn: the linear model plus its bias and zero-fraction summaries
    (called inside the `linear` variable scope)."""
    t = tf()
    logits, weights, bias = _linear_model(features, feature_columns, units, sparse_combiner)
    bias = _parts(bias)
    variables = [p for v in weights for p in _parts(v)]
    if units > 1:
        t.summary.histogram("bias", bias)
    else:
        t.summary.scalar("bias", bias[0][0])
    t.summary.scalar("fraction_of_zero_weights", _fraction_of_zero(variables))
    return logits


def _default_optimizer(feature_columns):
    rate = min(_LEARNING_RATE, 1.0 / math.sqrt(len(feature_columns)))
    return tf().train.FtrlOptimizer(learning_rate=rate)


def linear_model_fn(features, labels, mode, head, settings, run_config):
    """TF's `_linear_model_fn`; `settings` = (feature_columns, optimizer, partitioner,
    sparse_combiner)."""
    t = tf()
    feature_columns, optimizer, partitioner, sparse_combiner = settings
    if not isinstance(features, dict):
        raise ValueError("features should be a dictionary of `Tensor`s. Given type: {}"
                         .format(type(features)))
    num_ps = run_config.num_ps_replicas if run_config else 0
    partitioner = partitioner or t.min_max_variable_partitioner(
        max_partitions=num_ps, min_slice_size=64 << 20)
    with t.variable_scope("linear", values=tuple(features.values()), partitioner=partitioner,
                          use_resource=True):
        logits = linear_logits(features, head.logits_dimension, feature_columns,
                               sparse_combiner)
        optimizer = optimizers.get_optimizer_instance(
            optimizer or _default_optimizer(feature_columns), learning_rate=_LEARNING_RATE)
        return head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                          optimizer=optimizer, logits=logits)


def _estimator_init(est, head, kwargs):
    settings = (tuple(kwargs["feature_columns"] or []), kwargs["optimizer"],
                kwargs["partitioner"], kwargs["sparse_combiner"])

    def _model_fn(features, labels, mode, config):
        return linear_model_fn(features, labels, mode, head, settings, config)

    Estimator.__init__(est, model_fn=_model_fn, model_dir=kwargs["model_dir"],
                       config=kwargs["config"], warm_start_from=kwargs["warm_start_from"])


class LinearClassifier(Estimator):
    """A linear classifier (binary logistic or softmax head, SUM loss reduction)."""

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction="weighted_sum", sparse_combiner="sum"):
        head = head_lib.binary_or_multi_class_head(n_classes, weight_column,
                                                   label_vocabulary, loss_reduction)
        _estimator_init(self, head, locals())


class LinearRegressor(Estimator):
    """A linear regressor (mean squared error, SUM loss reduction)."""

    def __init__(self, feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, partitioner=None, warm_start_from=None,
                 loss_reduction="weighted_sum", sparse_combiner="sum"):
        head = head_lib.regression_head(label_dimension=label_dimension,
                                        weight_column=weight_column,
                                        loss_reduction=loss_reduction)
        _estimator_init(self, head, locals())


class LinearEstimator(Estimator):
    """A linear model under a given head."""

    def __init__(self, head, feature_columns, model_dir=None, optimizer="Ftrl", config=None,
                 partitioner=None, sparse_combiner="sum", warm_start_from=None):
        _estimator_init(self, head, locals())
