"""tf.compat.v1.estimator.DNNLinearCombinedClassifier / Regressor / Estimator ("wide &
deep"): the logits of a linear model (`linear/...`, FTRL) and a DNN (`dnn/...`, Adagrad)
added, each part trained by its own optimizer, one global step.

>>> import scopeflow.compat.v1 as tf
>>> x = tf.feature_column.numeric_column("x")
>>> type(tf.estimator.DNNLinearCombinedRegressor(linear_feature_columns=[x])).__name__
'DNNLinearCombinedRegressor'
"""

import math

from scopeflow.estimator._tf import tf
from scopeflow.estimator.canned import dnn
from scopeflow.estimator.canned import head as head_lib
from scopeflow.estimator.canned import linear
from scopeflow.estimator.canned import optimizers
from scopeflow.estimator.estimator import Estimator
from scopeflow.ops.nn import relu

_DNN_LEARNING_RATE = 0.001
_LINEAR_LEARNING_RATE = 0.005


def _check_no_sync_replicas(optimizer):
    if type(optimizer).__name__ == "SyncReplicasOptimizer":
        raise ValueError(
            "SyncReplicasOptimizer does not support multi optimizers case. Therefore, it is "
            "not supported in DNNLinearCombined model. If you want to use this optimizer, "
            "please use either DNN or Linear model.")


def _validate_columns(linear_feature_columns, dnn_feature_columns):
    columns = list(linear_feature_columns or []) + list(dnn_feature_columns or [])
    if not columns:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")
    return columns


def _dnn_part(features, mode, head, kw, num_ps):
    """(logits, optimizer, variable scope name) of the DNN part, or Nones without it."""
    t = tf()
    if not kw["dnn_feature_columns"]:
        return None, None, None
    optimizer = optimizers.get_optimizer_instance(kw["dnn_optimizer"],
                                                  learning_rate=_DNN_LEARNING_RATE)
    _check_no_sync_replicas(optimizer)
    if not kw["dnn_hidden_units"]:
        raise ValueError("dnn_hidden_units must be defined when dnn_feature_columns is "
                         "specified.")
    config = dnn.DNNConfig(head.logits_dimension, kw["dnn_hidden_units"],
                           kw["dnn_feature_columns"], kw["dnn_activation_fn"],
                           kw["dnn_dropout"], kw["input_layer_partitioner"], kw["batch_norm"])
    with t.variable_scope("dnn", values=tuple(features.values()),
                          partitioner=t.min_max_variable_partitioner(max_partitions=num_ps),
                          use_resource=True) as scope:
        return dnn.dnn_logits(features, mode, config), optimizer, scope.name


def _linear_part(features, head, kw):
    t = tf()
    columns = kw["linear_feature_columns"]
    if not columns:
        return None, None, None
    rate = min(_LINEAR_LEARNING_RATE, 1. / math.sqrt(len(columns)))
    optimizer = optimizers.get_optimizer_instance(kw["linear_optimizer"], learning_rate=rate)
    _check_no_sync_replicas(optimizer)
    with t.variable_scope("linear", values=tuple(features.values()),
                          partitioner=kw["input_layer_partitioner"],
                          use_resource=True) as scope:
        logits = linear.linear_logits(features, head.logits_dimension, columns,
                                      kw["linear_sparse_combiner"])
        dnn.add_layer_summary(logits, scope.name)
    return logits, optimizer, scope.name


def combined_model_fn(features, labels, mode, head, kw, run_config):
    """TF's `_dnn_linear_combined_model_fn` (`kw`: the estimator's arguments)."""
    t = tf()
    dnn.validate_features(features)
    if not kw["linear_feature_columns"] and not kw["dnn_feature_columns"]:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")
    num_ps = run_config.num_ps_replicas if run_config else 0
    kw = dict(kw, input_layer_partitioner=kw["input_layer_partitioner"] or (
        t.min_max_variable_partitioner(max_partitions=num_ps, min_slice_size=64 << 20)))
    dnn_logits, dnn_optimizer, dnn_scope = _dnn_part(features, mode, head, kw, num_ps)
    linear_logits, linear_optimizer, linear_scope = _linear_part(features, head, kw)
    if dnn_logits is not None and linear_logits is not None:
        logits = dnn_logits + linear_logits
    else:
        logits = dnn_logits if dnn_logits is not None else linear_logits

    def _train_op_fn(loss):
        train_ops = []
        for logits_part, optimizer, scope in ((dnn_logits, dnn_optimizer, dnn_scope),
                                              (linear_logits, linear_optimizer, linear_scope)):
            if logits_part is not None:
                train_ops.append(optimizer.minimize(loss, var_list=t.get_collection(
                    t.GraphKeys.TRAINABLE_VARIABLES, scope=scope)))
        train_op = t.group(*train_ops)
        with t.control_dependencies([train_op]):
            return t.assign_add(t.train.get_global_step(), 1).op

    return head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                      train_op_fn=_train_op_fn, logits=logits)


_ARGS = ("linear_feature_columns", "linear_optimizer", "dnn_feature_columns", "dnn_optimizer",
         "dnn_hidden_units", "dnn_activation_fn", "dnn_dropout", "input_layer_partitioner",
         "batch_norm", "linear_sparse_combiner")


def _estimator_init(est, head, kwargs):
    _validate_columns(kwargs["linear_feature_columns"], kwargs["dnn_feature_columns"])
    kw = {k: kwargs.get(k) for k in _ARGS}
    kw["batch_norm"] = bool(kw["batch_norm"])

    def _model_fn(features, labels, mode, config):
        return combined_model_fn(features, labels, mode, head, kw, config)

    Estimator.__init__(est, model_fn=_model_fn, model_dir=kwargs["model_dir"],
                       config=kwargs["config"], warm_start_from=kwargs.get("warm_start_from"))


class DNNLinearCombinedClassifier(Estimator):
    """Wide & deep classifier (binary logistic or softmax head, SUM loss reduction)."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=relu, dnn_dropout=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction="weighted_sum", batch_norm=False,
                 linear_sparse_combiner="sum"):
        _validate_columns(linear_feature_columns, dnn_feature_columns)
        head = head_lib.binary_or_multi_class_head(n_classes, weight_column,
                                                   label_vocabulary, loss_reduction)
        _estimator_init(self, head, locals())


class DNNLinearCombinedRegressor(Estimator):
    """Wide & deep regressor (mean squared error, SUM loss reduction)."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=relu, dnn_dropout=None, label_dimension=1,
                 weight_column=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction="weighted_sum", batch_norm=False,
                 linear_sparse_combiner="sum"):
        _validate_columns(linear_feature_columns, dnn_feature_columns)
        head = head_lib.regression_head(label_dimension=label_dimension,
                                        weight_column=weight_column,
                                        loss_reduction=loss_reduction)
        _estimator_init(self, head, locals())


class DNNLinearCombinedEstimator(Estimator):
    """Wide & deep model under a given head."""

    def __init__(self, head, model_dir=None, linear_feature_columns=None,
                 linear_optimizer="Ftrl", dnn_feature_columns=None, dnn_optimizer="Adagrad",
                 dnn_hidden_units=None, dnn_activation_fn=relu, dnn_dropout=None,
                 input_layer_partitioner=None, config=None, batch_norm=False,
                 linear_sparse_combiner="sum"):
        _estimator_init(self, head, locals())
