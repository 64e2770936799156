"""The v1 canned heads (what tf.compat.v1.estimator's DNN / Linear / DNNLinearCombined
estimators use): logits -> predictions, loss, eval metrics and train op, as TF's
`_Head.create_estimator_spec`. This module holds the shared flow and the regression head;
head_classifier.py the binary logistic and multi-class softmax heads.

The v1 default loss reduction is SUM (the weighted sum over the batch): `loss` in evaluate()
is the per-batch sum averaged over batches, `average_loss` the per-example mean.

>>> regression_head().logits_dimension
1
"""

from scopeflow.estimator._tf import tf
from scopeflow.estimator.canned import head_util as hu
from scopeflow.estimator.canned.keys import MetricKeys, PredictionKeys
from scopeflow.estimator.mode_keys import ModeKeys

DEFAULT_SERVING_KEY = "serving_default"
CLASSIFY_SERVING_KEY = "classification"
REGRESS_SERVING_KEY = "regression"
PREDICT_SERVING_KEY = "predict"


class Head:
    """One canned head: subclasses give `_predict` (logits -> predictions, export outputs),
    `create_loss` and `_eval_metric_ops`; `create_estimator_spec` is TF's common flow."""

    _name = None

    name = property(lambda self: self._name)
    logits_dimension = property(lambda self: self._logits_dimension)

    def _metric_inputs(self, state, loss_spec, labels):
        """The keyword arguments of `_eval_metric_ops` besides the losses."""
        raise NotImplementedError

    def create_estimator_spec(self, features, mode, logits, labels=None, optimizer=None,
                              train_op_fn=None, regularization_losses=None):
        """The EstimatorSpec of `mode` for `logits` (TF's flow: predictions, loss,
        evaluation metrics or train op, loss summaries)."""
        t = tf()
        from scopeflow.estimator.model_fn import EstimatorSpec
        with t.name_scope(self._name, "head"):
            logits, predictions, export_outputs, state = self._predict(logits, mode)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode=ModeKeys.PREDICT, predictions=predictions,
                                     export_outputs=export_outputs)
            spec = self.create_loss(features=features, mode=mode, logits=logits,
                                    labels=labels)
            if regularization_losses:
                reg_loss = t.add_n(regularization_losses)
                loss = t.add_n([spec.training_loss, reg_loss])
            else:
                reg_loss, loss = None, spec.training_loss
            if mode != ModeKeys.EVAL:
                train_op = self._train_op(loss, optimizer, train_op_fn)
                mean_loss = None
                if self._loss_reduction == t.losses.Reduction.SUM:
                    weight_sum = t.reduce_sum(spec.weights * t.ones_like(spec.unreduced_loss))
                    mean_loss = spec.training_loss / weight_sum
        if mode == ModeKeys.EVAL:  # TF builds the metrics outside the head's scope
            metrics = self._eval_metric_ops(
                weights=spec.weights, unreduced_loss=spec.unreduced_loss,
                regularization_loss=reg_loss, **self._metric_inputs(state, spec, labels))
            return EstimatorSpec(mode=ModeKeys.EVAL, predictions=predictions, loss=loss,
                                 eval_metric_ops=metrics)
        with t.name_scope(""):
            t.summary.scalar(hu.summary_key(self._name, MetricKeys.LOSS), loss)
            if mean_loss is not None:
                t.summary.scalar(hu.summary_key(self._name, MetricKeys.LOSS_MEAN), mean_loss)
            if reg_loss is not None:
                t.summary.scalar(hu.summary_key(self._name, MetricKeys.LOSS_REGULARIZATION),
                                 reg_loss)
        return EstimatorSpec(mode=ModeKeys.TRAIN, predictions=predictions, loss=loss,
                             train_op=train_op)

    def _train_op(self, loss, optimizer, train_op_fn):
        t = tf()
        if optimizer is not None:
            if train_op_fn is not None:
                raise ValueError("train_op_fn and optimizer cannot both be set.")
            train_op = optimizer.minimize(loss, global_step=t.train.get_global_step())
        elif train_op_fn is not None:
            train_op = train_op_fn(loss)
        else:
            raise ValueError("train_op_fn and optimizer cannot both be None.")
        return hu.append_update_ops(train_op)

    def _set_common(self, weight_column, loss_reduction, loss_fn, name):
        self._weight_column, self._loss_reduction = weight_column, loss_reduction
        self._loss_fn, self._name = loss_fn, name

    def _loss_spec(self, features, logits, unweighted, labels, per_logit=False):
        """The LossSpec of `unweighted` (batch, d) losses weighted by the weight column."""
        weights = hu.weights_matching_logits(features, self._weight_column, logits,
                                             per_logit=per_logit)
        training_loss = tf().losses.compute_weighted_loss(unweighted, weights=weights,
                                                          reduction=self._loss_reduction)
        return hu.LossSpec(training_loss, unweighted, weights, labels)

    def _regularization_metric(self, metrics, regularization_loss):
        if regularization_loss is not None:
            metrics[hu.summary_key(self._name, MetricKeys.LOSS_REGULARIZATION)] = (
                tf().metrics.mean(values=regularization_loss,
                                  name=MetricKeys.LOSS_REGULARIZATION))
        return metrics


class RegressionHead(Head):
    """Mean squared error on (batch, label_dimension) float labels."""

    def __init__(self, label_dimension, weight_column=None, loss_reduction="weighted_sum",
                 loss_fn=None, inverse_link_fn=None, name=None):
        if label_dimension < 1:
            raise ValueError("Invalid label_dimension %s." % label_dimension)
        self._logits_dimension = label_dimension
        self._set_common(weight_column, loss_reduction, loss_fn, name)
        self._inverse_link_fn = inverse_link_fn

    def create_loss(self, features, mode, logits, labels):
        t = tf()
        logits = t.convert_to_tensor(logits)
        labels = hu.check_dense_labels(labels, logits, self._logits_dimension)
        labels = t.cast(labels, dtype=t.float32)
        if self._loss_fn:
            unweighted = hu.call_loss_fn(self._loss_fn, labels, logits, features,
                                         expected_loss_dim=self._logits_dimension)
        else:
            unweighted = t.losses.mean_squared_error(labels=labels, predictions=logits,
                                                     reduction=t.losses.Reduction.NONE)
        return self._loss_spec(features, logits, unweighted, labels, per_logit=True)

    def _predict(self, logits, mode):
        from scopeflow.estimator.export_output import PredictOutput, RegressionOutput
        logits = hu.check_logits_final_dim(logits, self._logits_dimension)
        if self._inverse_link_fn:
            value = self._inverse_link_fn(logits)
            predictions = {PredictionKeys.PREDICTIONS: value, PredictionKeys.LOGITS: logits}
        else:
            value = logits
            predictions = {PredictionKeys.PREDICTIONS: value}
        output = RegressionOutput(value=value)
        export_outputs = {DEFAULT_SERVING_KEY: output, REGRESS_SERVING_KEY: output,
                          PREDICT_SERVING_KEY: PredictOutput(predictions)}
        return logits, predictions, export_outputs, value

    def _metric_inputs(self, state, loss_spec, labels):
        return {"predicted_value": state, "labels": labels}

    def _eval_metric_ops(self, predicted_value, labels, weights, unreduced_loss,
                         regularization_loss):
        t = tf()
        metrics = {
            hu.summary_key(self._name, MetricKeys.LOSS_MEAN):
                t.metrics.mean(values=unreduced_loss, weights=weights),
            hu.summary_key(self._name, MetricKeys.PREDICTION_MEAN):
                hu.predictions_mean(predicted_value, weights=weights,
                                    name=MetricKeys.PREDICTION_MEAN),
            hu.summary_key(self._name, MetricKeys.LABEL_MEAN):
                t.metrics.mean(values=labels, weights=weights)}
        return self._regularization_metric(metrics, regularization_loss)


def regression_head(weight_column=None, label_dimension=1, loss_reduction="weighted_sum",
                    loss_fn=None, inverse_link_fn=None, name=None):
    """TF's `_regression_head` (mean squared error, v1 SUM reduction by default)."""
    hu.check_reduction(loss_reduction, loss_fn)
    return RegressionHead(label_dimension=label_dimension, weight_column=weight_column,
                          loss_reduction=loss_reduction, loss_fn=loss_fn,
                          inverse_link_fn=inverse_link_fn, name=name)


def binary_or_multi_class_head(n_classes, weight_column, label_vocabulary, loss_reduction):
    """The binary logistic head for n_classes == 2, the softmax one otherwise."""
    from scopeflow.estimator.canned import head_classifier as hc
    if n_classes == 2:
        return hc.binary_logistic_head(weight_column=weight_column,
                                       label_vocabulary=label_vocabulary,
                                       loss_reduction=loss_reduction)
    return hc.multi_class_head(n_classes, weight_column=weight_column,
                               label_vocabulary=label_vocabulary,
                               loss_reduction=loss_reduction)
