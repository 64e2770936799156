"""tf.compat.v1.estimator.DNNClassifier / DNNRegressor / DNNEstimator: feed-forward networks
over feature columns, with the v1 heads (SUM loss reduction) and TF's variable names
(`dnn/hiddenlayer_0/kernel`, `dnn/logits/bias`,
`dnn/input_from_feature_columns/input_layer/<col>_embedding/embedding_weights`).

>>> import scopeflow.compat.v1 as tf
>>> est = tf.estimator.DNNRegressor([4], [tf.feature_column.numeric_column("x")])
>>> type(est).__name__
'DNNRegressor'
"""

from scopeflow.estimator._tf import tf
from scopeflow.estimator.canned import head as head_lib
from scopeflow.estimator.canned import optimizers
from scopeflow.estimator.estimator import Estimator
from scopeflow.estimator.mode_keys import ModeKeys
from scopeflow.ops.nn import relu

_LEARNING_RATE = 0.05


def add_layer_summary(value, tag):
    t = tf()
    t.summary.scalar("%s/fraction_of_zero_values" % tag, t.math.zero_fraction(value))
    t.summary.histogram("%s/activation" % tag, value)


def validate_features(features):
    if not isinstance(features, dict):
        raise ValueError("features should be a dictionary of `Tensor`s. Given type: {}"
                         .format(type(features)))


def _make_layers(units, hidden_units, activation_fn, batch_norm):
    """TF's layer objects, made (their variable scopes captured) before any is called."""
    t = tf()
    hidden = []
    for layer_id, num_units in enumerate(hidden_units):
        with t.variable_scope("hiddenlayer_%d" % layer_id) as scope:
            dense = t.layers.Dense(units=num_units, activation=activation_fn,
                                   kernel_initializer=t.glorot_uniform_initializer(),
                                   name=scope, _scope=scope)
            norm = None
            if batch_norm:
                norm = t.layers.BatchNormalization(
                    momentum=0.999, trainable=True, name="batchnorm_%d" % layer_id,
                    _scope="batchnorm_%d" % layer_id)
            hidden.append((scope.name, dense, norm))
    with t.variable_scope("logits") as scope:
        logits = t.layers.Dense(units=units, activation=None,
                                kernel_initializer=t.glorot_uniform_initializer(),
                                name=scope, _scope=scope)
    return hidden, (scope.name, logits)


def dnn_logits(features, mode, config):
    """The logits of TF's `_DNNModel` (called inside the `dnn` variable scope); `config`
    is a DNNConfig."""
    t = tf()
    from scopeflow.feature_column.layers import input_layer
    hidden, (logits_name, logits_layer) = _make_layers(
        config.units, config.hidden_units, config.activation_fn, config.batch_norm)
    is_training = mode == ModeKeys.TRAIN
    with t.variable_scope("input_from_feature_columns",
                          partitioner=config.input_layer_partitioner):
        net = input_layer(features, config.feature_columns)
    for name, dense, norm in hidden:
        net = dense(net)
        if config.dropout is not None and is_training:
            net = t.layers.Dropout(rate=config.dropout)(net, training=True)
        if norm is not None:
            net = norm(net, training=is_training)
        add_layer_summary(net, name)
    logits = logits_layer(net)
    add_layer_summary(logits, logits_name)
    return logits


class DNNConfig:
    """What builds a DNN's logits: columns, layer sizes, activation, dropout, batch norm."""

    def __init__(self, units, hidden_units, feature_columns, activation_fn, dropout,
                 input_layer_partitioner=None, batch_norm=False):
        if not isinstance(units, int):
            raise ValueError("units must be an int.  Given type: {}".format(type(units)))
        self.units, self.hidden_units = units, tuple(hidden_units)
        self.feature_columns = tuple(feature_columns or [])
        self.activation_fn, self.dropout = activation_fn, dropout
        self.input_layer_partitioner, self.batch_norm = input_layer_partitioner, batch_norm

    def with_partitioner(self, partitioner):
        return DNNConfig(self.units, self.hidden_units, self.feature_columns,
                         self.activation_fn, self.dropout, partitioner, self.batch_norm)


def dnn_model_fn(features, labels, mode, head, dnn_config, optimizer, run_config):
    """TF's `_dnn_model_fn`: the network in variable scope `dnn` (resource variables), the
    head's spec built inside it."""
    t = tf()
    optimizer = optimizers.get_optimizer_instance(optimizer, learning_rate=_LEARNING_RATE)
    validate_features(features)
    num_ps = run_config.num_ps_replicas if run_config else 0
    partitioner = t.min_max_variable_partitioner(max_partitions=num_ps)
    with t.variable_scope("dnn", values=tuple(features.values()), partitioner=partitioner,
                          use_resource=True):
        layer_partitioner = dnn_config.input_layer_partitioner or (
            t.min_max_variable_partitioner(max_partitions=num_ps, min_slice_size=64 << 20))
        logits = dnn_logits(features, mode, dnn_config.with_partitioner(layer_partitioner))
        return head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                          optimizer=optimizer, logits=logits)


def _estimator_init(est, head, kwargs):
    """Estimator.__init__ with a model_fn running `dnn_model_fn` for `head`."""
    dnn_config = DNNConfig(head.logits_dimension, kwargs["hidden_units"],
                           kwargs["feature_columns"], kwargs["activation_fn"],
                           kwargs["dropout"], kwargs["input_layer_partitioner"],
                           kwargs["batch_norm"])
    optimizer = kwargs["optimizer"]

    def _model_fn(features, labels, mode, config):
        return dnn_model_fn(features, labels, mode, head, dnn_config, optimizer, config)

    Estimator.__init__(est, model_fn=_model_fn, model_dir=kwargs["model_dir"],
                       config=kwargs["config"], warm_start_from=kwargs["warm_start_from"])


class DNNClassifier(Estimator):
    """A feed-forward classifier (binary logistic or softmax head, SUM loss reduction)."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                 activation_fn=relu, dropout=None, input_layer_partitioner=None,
                 config=None, warm_start_from=None, loss_reduction="weighted_sum",
                 batch_norm=False):
        head = head_lib.binary_or_multi_class_head(n_classes, weight_column,
                                                   label_vocabulary, loss_reduction)
        _estimator_init(self, head, locals())


class DNNRegressor(Estimator):
    """A feed-forward regressor (mean squared error, SUM loss reduction)."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, label_dimension=1,
                 weight_column=None, optimizer="Adagrad", activation_fn=relu, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None,
                 loss_reduction="weighted_sum", batch_norm=False):
        head = head_lib.regression_head(label_dimension=label_dimension,
                                        weight_column=weight_column,
                                        loss_reduction=loss_reduction)
        _estimator_init(self, head, locals())


class DNNEstimator(Estimator):
    """A feed-forward network under a given head."""

    def __init__(self, head, hidden_units, feature_columns, model_dir=None,
                 optimizer="Adagrad", activation_fn=relu, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None,
                 batch_norm=False):
        _estimator_init(self, head, locals())
