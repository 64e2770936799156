"""The v1 classification heads: binary logistic (sigmoid cross-entropy, one logit) and
multi-class softmax (n_classes > 2 logits), with their predictions, export outputs and
evaluation metrics as TF's.

>>> binary_logistic_head().logits_dimension, multi_class_head(3).logits_dimension
(1, 3)
"""

from scopeflow.estimator._tf import tf
from scopeflow.estimator.canned import head as head_lib
from scopeflow.estimator.canned import head_util as hu
from scopeflow.estimator.canned.keys import MetricKeys, PredictionKeys
from scopeflow.estimator.mode_keys import ModeKeys

K = MetricKeys
P = PredictionKeys


def _classifier_outputs(predictions, scores, n_classes, vocabulary, extra=None):
    from scopeflow.estimator.export_output import PredictOutput
    output = hu.classification_output(scores, n_classes, vocabulary)
    outputs = {head_lib.DEFAULT_SERVING_KEY: output, head_lib.CLASSIFY_SERVING_KEY: output}
    outputs.update(extra or {})
    outputs[head_lib.PREDICT_SERVING_KEY] = PredictOutput(predictions)
    return outputs


class BinaryLogisticHead(head_lib.Head):
    """Sigmoid cross-entropy on labels in {0, 1} (or the two `label_vocabulary` strings)."""

    _logits_dimension = 1

    def __init__(self, weight_column=None, thresholds=None, label_vocabulary=None,
                 loss_reduction="weighted_sum", loss_fn=None, name=None):
        self._set_common(weight_column, loss_reduction, loss_fn, name)
        self._thresholds = tuple(thresholds) if thresholds else tuple()
        self._label_vocabulary = label_vocabulary

    def create_loss(self, features, mode, logits, labels):
        t = tf()
        logits = t.convert_to_tensor(logits)
        labels = hu.check_dense_labels(labels, logits, 1)
        if self._label_vocabulary is not None:
            labels = hu.label_ids_from_vocabulary(labels, self._label_vocabulary)
        labels = t.cast(labels, dtype=t.float32)
        labels = hu.assert_range(labels, n_classes=2)
        if self._loss_fn:
            unweighted = hu.call_loss_fn(self._loss_fn, labels, logits, features)
        else:
            unweighted = t.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
        return self._loss_spec(features, logits, unweighted, labels)

    def _predict(self, logits, mode):
        t = tf()
        from scopeflow.estimator.export_output import RegressionOutput
        with t.name_scope(None, "predictions", (logits,)):
            logits = hu.check_logits_final_dim(logits, 1)
            logistic = t.sigmoid(logits, name=P.LOGISTIC)
            two_class_logits = t.concat((t.zeros_like(logits), logits), axis=-1,
                                        name="two_class_logits")
            probabilities = t.nn.softmax(two_class_logits, name=P.PROBABILITIES)
            class_ids = t.argmax(two_class_logits, axis=-1, name=P.CLASS_IDS)
            class_ids = t.expand_dims(class_ids, axis=-1)
            ids = hu.all_class_ids(logits, n_classes=2)
            names = hu.all_classes(logits, 2, self._label_vocabulary)
            classes = hu.class_strings(class_ids, self._label_vocabulary)
            predictions = {P.LOGITS: logits, P.LOGISTIC: logistic,
                           P.PROBABILITIES: probabilities, P.CLASS_IDS: class_ids,
                           P.CLASSES: classes, P.ALL_CLASS_IDS: ids, P.ALL_CLASSES: names}
        outputs = None
        if mode == ModeKeys.PREDICT:
            outputs = _classifier_outputs(
                predictions, probabilities, 2, self._label_vocabulary,
                {head_lib.REGRESS_SERVING_KEY: RegressionOutput(value=logistic)})
        return logits, predictions, outputs, (logits, logistic, class_ids)

    def _metric_inputs(self, state, loss_spec, labels):
        logits, logistic, class_ids = state
        return {"labels": loss_spec.processed_labels, "logits": logits, "logistic": logistic,
                "class_ids": class_ids}

    def _eval_metric_ops(self, labels, logits, logistic, class_ids, weights, unreduced_loss,
                         regularization_loss):
        t = tf()
        key = self._key
        with t.name_scope(None, "metrics", (labels, logits, logistic, class_ids, weights,
                                            unreduced_loss, regularization_loss)):
            labels_mean = hu.indicator_labels_mean(labels, weights=weights, name=K.LABEL_MEAN)
            metrics = {
                key(K.LOSS_MEAN): t.metrics.mean(values=unreduced_loss, weights=weights,
                                                 name=K.LOSS_MEAN),
                key(K.ACCURACY): t.metrics.accuracy(labels=labels, predictions=class_ids,
                                                    weights=weights, name=K.ACCURACY),
                key(K.PRECISION): t.metrics.precision(labels=labels, predictions=class_ids,
                                                      weights=weights, name=K.PRECISION),
                key(K.RECALL): t.metrics.recall(labels=labels, predictions=class_ids,
                                                weights=weights, name=K.RECALL),
                key(K.PREDICTION_MEAN): hu.predictions_mean(logistic, weights=weights,
                                                            name=K.PREDICTION_MEAN),
                key(K.LABEL_MEAN): labels_mean,
                key(K.ACCURACY_BASELINE): hu.accuracy_baseline(labels_mean),
                key(K.AUC): hu.auc(labels, logistic, weights=weights, name=K.AUC),
                key(K.AUC_PR): hu.auc(labels, logistic, weights=weights, curve="PR",
                                      name=K.AUC_PR)}
            self._regularization_metric(metrics, regularization_loss)
            for threshold in self._thresholds:
                self._threshold_metrics(metrics, labels, logistic, weights, threshold)
            return metrics

    def _key(self, key):
        return hu.summary_key(self._name, key)

    def _threshold_metrics(self, metrics, labels, logistic, weights, threshold):
        t = tf()
        name = K.ACCURACY_AT_THRESHOLD % threshold
        with t.name_scope(name, "accuracy_at_%s" % threshold,
                          (logistic, labels, weights, threshold)) as scope:
            above = t.to_float(t.greater_equal(logistic, threshold))
            metrics[self._key(name)] = t.metrics.accuracy(labels=labels, predictions=above,
                                                          weights=weights, name=scope)
        for fmt, default, fn in ((K.PRECISION_AT_THRESHOLD, "precision_at_%s",
                                  t.metrics.precision_at_thresholds),
                                 (K.RECALL_AT_THRESHOLD, "recall_at_%s",
                                  t.metrics.recall_at_thresholds)):
            name = fmt % threshold
            with t.name_scope(name, default % threshold,
                              (logistic, labels, weights, threshold)) as scope:
                value, update = fn(labels=labels, predictions=logistic,
                                   thresholds=(threshold,), weights=weights, name=scope)
                metrics[self._key(name)] = (t.squeeze(value), t.squeeze(update))


class MultiClassHead(head_lib.Head):
    """Softmax cross-entropy on integer class ids in [0, n_classes) (or vocabulary
    strings)."""

    def __init__(self, n_classes, weight_column=None, label_vocabulary=None,
                 loss_reduction="weighted_sum", loss_fn=None, name=None):
        if n_classes is None:
            raise ValueError("n_classes cannot be None")
        if isinstance(n_classes, int) and n_classes <= 2:
            raise ValueError("n_classes must be > 2: %s." % n_classes)
        self._n_classes = self._logits_dimension = n_classes
        self._set_common(weight_column, loss_reduction, loss_fn, name)
        self._label_vocabulary = label_vocabulary

    def _label_ids(self, labels):
        t = tf()
        if self._label_vocabulary is None:
            if not labels.dtype.is_integer:
                raise ValueError("Labels dtype should be integer. Instead got {}."
                                 .format(labels.dtype))
            ids = labels
        else:
            if labels.dtype != t.string:
                raise ValueError("Labels dtype should be string if there is a vocabulary. "
                                 "Instead got {}".format(labels.dtype))
            ids = hu.label_ids_from_vocabulary(labels, self._label_vocabulary)
        return hu.assert_range(ids, self._n_classes)

    def create_loss(self, features, mode, logits, labels):
        t = tf()
        logits = t.convert_to_tensor(logits)
        labels = hu.check_dense_labels(labels, logits, 1)
        label_ids = self._label_ids(labels)
        if self._loss_fn:
            unweighted = hu.call_loss_fn(self._loss_fn, label_ids, logits, features)
        else:
            unweighted = t.losses.sparse_softmax_cross_entropy(
                labels=label_ids, logits=logits, reduction=t.losses.Reduction.NONE)
            unweighted = t.expand_dims(unweighted, axis=-1)
        return self._loss_spec(features, logits, unweighted, label_ids)

    def _predict(self, logits, mode):
        t = tf()
        logits = hu.check_logits_final_dim(logits, self._n_classes)
        with t.name_scope(None, "predictions", (logits,)):
            ids = hu.all_class_ids(logits, self._n_classes)
            names = hu.all_classes(logits, self._n_classes, self._label_vocabulary)
            class_ids = t.argmax(logits, axis=-1, name=P.CLASS_IDS)
            class_ids = t.expand_dims(class_ids, axis=-1)
            classes = hu.class_strings(class_ids, self._label_vocabulary)
            probabilities = t.nn.softmax(logits, name=P.PROBABILITIES)
            predictions = {P.LOGITS: logits, P.PROBABILITIES: probabilities,
                           P.CLASS_IDS: class_ids, P.CLASSES: classes,
                           P.ALL_CLASS_IDS: ids, P.ALL_CLASSES: names}
        outputs = None
        if mode == ModeKeys.PREDICT:
            outputs = _classifier_outputs(predictions, probabilities, self._n_classes,
                                          self._label_vocabulary)
        return logits, predictions, outputs, class_ids

    def _metric_inputs(self, state, loss_spec, labels):
        return {"labels": loss_spec.processed_labels, "class_ids": state}

    def _eval_metric_ops(self, labels, class_ids, weights, unreduced_loss,
                         regularization_loss):
        t = tf()
        with t.name_scope(None, "metrics",
                          (labels, class_ids, weights, unreduced_loss, regularization_loss)):
            metrics = {
                hu.summary_key(self._name, K.LOSS_MEAN): t.metrics.mean(
                    values=unreduced_loss, weights=weights, name=K.LOSS_MEAN),
                hu.summary_key(self._name, K.ACCURACY): t.metrics.accuracy(
                    labels=labels, predictions=class_ids, weights=weights, name=K.ACCURACY)}
            return self._regularization_metric(metrics, regularization_loss)


def binary_logistic_head(weight_column=None, thresholds=None, label_vocabulary=None,
                         loss_reduction="weighted_sum", loss_fn=None, name=None):
    """TF's `_binary_logistic_head_with_sigmoid_cross_entropy_loss`."""
    thresholds = tuple(thresholds) if thresholds else tuple()
    if label_vocabulary is not None and not isinstance(label_vocabulary, (list, tuple)):
        raise TypeError("label_vocabulary should be a list or tuple. Given type: {}"
                        .format(type(label_vocabulary)))
    for threshold in thresholds:
        if threshold <= 0.0 or threshold >= 1.0:
            raise ValueError("thresholds not in (0, 1): {}.".format((thresholds,)))
    hu.check_reduction(loss_reduction, loss_fn)
    return BinaryLogisticHead(weight_column=weight_column, thresholds=thresholds,
                              label_vocabulary=label_vocabulary,
                              loss_reduction=loss_reduction, loss_fn=loss_fn, name=name)


def multi_class_head(n_classes, weight_column=None, label_vocabulary=None,
                     loss_reduction="weighted_sum", loss_fn=None, name=None):
    """TF's `_multi_class_head_with_softmax_cross_entropy_loss`."""
    if label_vocabulary is not None and not isinstance(label_vocabulary, (list, tuple)):
        raise ValueError("label_vocabulary should be a list or a tuple. Given type: {}"
                         .format(type(label_vocabulary)))
    hu.check_reduction(loss_reduction, loss_fn)
    return MultiClassHead(n_classes, weight_column=weight_column,
                          label_vocabulary=label_vocabulary, loss_reduction=loss_reduction,
                          loss_fn=loss_fn, name=name)
