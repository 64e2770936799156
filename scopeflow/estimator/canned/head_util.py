"""What the v1 canned heads share: label and weight checks (TF's assertions and wording), the
prediction tensors every classifier has, and the mean / AUC metrics with broadcast weights.

Each function builds the ops TF's head builds, under TF's name scopes (`labels`, `weights`,
`logits`, `assert_range`, `labels_mean`, `auc`, ...).
"""

import collections

from scopeflow.estimator._tf import fn_args, tf

LossSpec = collections.namedtuple(
    "LossSpec", ["training_loss", "unreduced_loss", "weights", "processed_labels"])


def summary_key(head_name, key):
    return "%s/%s" % (key, head_name) if head_name else key


def check_reduction(loss_reduction, loss_fn):
    t = tf()
    if (loss_reduction not in t.losses.Reduction.all()
            or loss_reduction == t.losses.Reduction.NONE):
        raise ValueError("Invalid loss_reduction: {}".format(loss_reduction))
    if loss_fn:
        args = fn_args(loss_fn)
        for required in ["labels", "logits"]:
            if required not in args:
                raise ValueError("loss_fn must contain argument: {}. Given arguments: {}"
                                 .format(required, args))
        invalid = list(set(args) - {"labels", "logits", "features"})
        if invalid:
            raise ValueError("loss_fn has unexpected args: {}".format(invalid))


def check_dense_labels(labels, logits, expected_dim):
    """`labels` as (batch, expected_dim), checked against the logits' batch shape."""
    t = tf()
    if labels is None:
        raise ValueError(
            "You must provide a labels Tensor. Given: None. Suggested troubleshooting steps: "
            "Check that your data contain your label feature. Check that your input_fn "
            "properly parses and returns labels.")
    with t.name_scope(None, "labels", (labels, logits)) as scope:
        if isinstance(labels, (t.SparseTensor, t.SparseTensorValue)):
            raise ValueError(
                "SparseTensor labels are not supported. labels must be a Tensor of shape "
                "[D0, D1, ..., DN, %s], e.g. [batch_size, %s]. Suggested Fix (1): Check the "
                "label feature in your data. Each example must contain %s value(s). If not, "
                "your choice of label was probably incorrect. Suggested Fix (2): In your "
                "input_fn, use tf.sparse_tensor_to_dense() to turn labels into a Tensor."
                % (expected_dim, expected_dim, expected_dim))
        labels = t.convert_to_tensor(labels)
        if (labels.shape.ndims is not None and logits.shape.ndims is not None
                and labels.shape.ndims == logits.shape.ndims - 1):
            labels = t.expand_dims(labels, -1)
        labels_shape = t.shape(labels)
        logits_shape = t.shape(logits)
        err_msg = ("labels shape must be [D0, D1, ... DN, {}]. Suggested Fix: check your "
                   "n_classes argument to the estimator and/or the shape of your label."
                   .format(expected_dim))
        assert_rank = t.debugging.assert_rank_at_least(labels, 2, message=err_msg)
        with t.control_dependencies([assert_rank]):
            static = labels.shape
            if static.ndims is not None:
                dim1 = static[-1]
                if dim1 is not None and dim1 != expected_dim:
                    raise ValueError(
                        "Mismatched label shape. Expected labels dimension=%s.  Received %s. "
                        "Suggested Fix:If your classifier expects one-hot encoding label,"
                        "check your n_classes argument to the estimator and/or the shape of "
                        "your label. Otherwise, check the shape of your label."
                        % (expected_dim, dim1))
            expected_shape = t.concat([logits_shape[:-1], [expected_dim]], axis=0)
            assert_dim = t.debugging.assert_equal(
                expected_shape, labels_shape, message=err_msg,
                data=["expected_labels_shape: ", expected_shape,
                      "labels_shape: ", labels_shape])
            with t.control_dependencies([assert_dim]):
                return t.identity(labels, name=scope)


def _weight_tensor(features, weight_column):
    t = tf()
    if isinstance(weight_column, str):
        weight_column = t.feature_column.numeric_column(key=weight_column, shape=(1,))
    from scopeflow.feature_column.base import Builder, DenseColumn
    if not isinstance(weight_column, DenseColumn):
        raise TypeError("Weight column must be either a string or _DenseColumn. "
                        "Given type: {}.".format(type(weight_column)))
    weights = weight_column._get_dense_tensor(Builder(features))
    if not (weights.dtype.is_floating or weights.dtype.is_integer):
        raise ValueError("Weight column should be castable to float. Given dtype: {}"
                         .format(weights.dtype))
    return t.cast(weights, name="weights", dtype=t.float32)


def weights_matching_logits(features, weight_column, logits, per_logit=False):
    """The example weights (1. without a weight column), shaped (batch, 1) or like `logits`
    when `per_logit`."""
    t = tf()
    if per_logit:
        err_msg = ("weights shape must be [D0, D1, ... DN], [D0, D1, ... DN, 1] or "
                   "[D0, D1, ... DN, logits_dimension]")
    else:
        err_msg = "weights shape must be [D0, D1, ... DN] or [D0, D1, ... DN, 1]"
    with t.name_scope(None, "weights", tuple(features.values()) + (logits,)) as scope:
        if weight_column is None:
            return 1.
        weights = _weight_tensor(features, weight_column)
        weights_shape = t.shape(weights, name="weights_shape")
        logits_shape = t.shape(logits, name="logits_shape")
        data = ["logits_shape: ", logits_shape, "weights_shape: ", weights_shape]
        if (weights.shape.ndims is not None and logits.shape.ndims is not None
                and weights.shape.ndims == logits.shape.ndims - 1):
            check = t.debugging.assert_equal(logits_shape[:-1], weights_shape,
                                             message=err_msg, data=data)
            with t.control_dependencies([check]):
                return t.expand_dims(weights, -1, name=scope)
        supported = t.concat([logits_shape[:-1], [1]], axis=0)
        if per_logit:
            condition = t.reduce_any([
                t.reduce_all(t.equal(logits_shape, weights_shape)),
                t.reduce_all(t.equal(supported, weights_shape))])
            check = t.debugging.Assert(condition=condition, data=[err_msg] + data)
        else:
            check = t.debugging.assert_equal(supported, weights_shape, message=err_msg,
                                             data=data)
        with t.control_dependencies([check]):
            return t.identity(weights, name=scope)


def check_logits_final_dim(logits, expected_dim):
    """`logits` as float32, its last dimension checked to be `expected_dim`."""
    t = tf()
    with t.name_scope(None, "logits", (logits,)) as scope:
        logits = t.cast(logits, dtype=t.float32)
        logits_shape = t.shape(logits)
        assert_rank = t.debugging.assert_rank_at_least(
            logits, 2, data=[logits_shape],
            message="logits shape must be [D0, D1, ... DN, logits_dimension]")
        with t.control_dependencies([assert_rank]):
            static = logits.shape
            if static.ndims is not None and static[-1] is not None:
                if isinstance(expected_dim, int) and static[-1] != expected_dim:
                    raise ValueError("logits shape must be [D0, D1, ... DN, "
                                     "logits_dimension=%s], got %s." % (expected_dim, static))
                return logits
            check = t.debugging.assert_equal(
                expected_dim, logits_shape[-1], data=[logits_shape],
                message="logits shape must be [D0, D1, ... DN, logits_dimension=%s]"
                % (expected_dim,))
            with t.control_dependencies([check]):
                return t.identity(logits, name=scope)


def call_loss_fn(loss_fn, labels, logits, features, expected_loss_dim=1):
    """A user loss_fn's (batch, expected_loss_dim) unweighted loss, its shape checked."""
    t = tf()
    kwargs = {"features": features} if "features" in fn_args(loss_fn) else {}
    with t.name_scope(None, "call_loss_fn", [labels, logits] + list(features.values())):
        loss = loss_fn(labels=labels, logits=logits, **kwargs)
        logits_shape = t.shape(logits, name="logits_shape")
        expected = t.concat([logits_shape[:-1], [expected_loss_dim]], axis=0,
                            name="expected_loss_shape")
        loss_shape = t.shape(loss, name="loss_shape")
        check = t.debugging.Assert(
            t.reduce_all(t.equal(loss_shape, expected)),
            data=["loss_fn must return Tensor of shape [D0, D1, ... DN, {}]. "
                  .format(expected_loss_dim),
                  "logits_shape: ", logits_shape, "loss_shape: ", loss_shape],
            name="check_loss_shape")
        with t.control_dependencies([check]):
            return t.identity(loss)


def assert_range(labels, n_classes, message=None):
    t = tf()
    with t.name_scope(None, "assert_range", (labels,)):
        less = t.debugging.assert_less_equal(
            labels, t.convert_to_tensor(n_classes - 1, dtype=labels.dtype),
            message=message or "Labels must <= n_classes - 1")
        greater = t.debugging.assert_non_negative(labels,
                                                  message=message or "Labels must >= 0")
        with t.control_dependencies((less, greater)):
            return t.identity(labels)


def label_ids_from_vocabulary(labels, vocabulary):
    from scopeflow.ops.lookup_ops import index_table_from_tensor
    return index_table_from_tensor(vocabulary_list=tuple(vocabulary),
                                   name="class_id_lookup").lookup(labels)


def class_strings(class_ids, vocabulary):
    """(batch, 1) class names: the vocabulary's, or the ids as strings."""
    t = tf()
    if vocabulary:
        from scopeflow.ops.lookup_ops import index_to_string_table_from_tensor
        return index_to_string_table_from_tensor(
            vocabulary_list=vocabulary, name="class_string_lookup").lookup(class_ids)
    return t.strings.as_string(class_ids, name="str_classes")


def all_class_ids(logits, n_classes):
    t = tf()
    batch_size = t.shape(logits)[0]
    return t.tile(input=t.expand_dims(input=t.range(n_classes), axis=0),
                  multiples=[batch_size, 1])


def all_classes(logits, n_classes, vocabulary=None):
    t = tf()
    batch_size = t.shape(logits)[0]
    names = vocabulary if vocabulary else t.strings.as_string(t.range(n_classes))
    return t.tile(input=t.expand_dims(input=names, axis=0), multiples=[batch_size, 1])


def classification_output(scores, n_classes, vocabulary=None):
    from scopeflow.estimator.export_output import ClassificationOutput
    return ClassificationOutput(scores=scores,
                                classes=all_classes(scores, n_classes, vocabulary))


def _weighted_mean(values, weights, name, default_name):
    t = tf()
    from scopeflow.metrics.util import broadcast_weights
    with t.name_scope(name, default_name, (values, weights)) as scope:
        values = t.cast(values, name=default_name.split("_")[0], dtype=t.float32)
        if weights is not None:
            weights = broadcast_weights(weights, values)
        return t.metrics.mean(values, weights=weights, name=scope)


def indicator_labels_mean(labels, weights=None, name=None):
    return _weighted_mean(labels, weights, name, "labels_mean")


def predictions_mean(predictions, weights=None, name=None):
    return _weighted_mean(predictions, weights, name, "predictions_mean")


def accuracy_baseline(labels_mean):
    t = tf()
    with t.name_scope(None, "accuracy_baseline", labels_mean):
        value, update_op = labels_mean
        return (t.maximum(value, 1. - value, name="value"),
                t.maximum(update_op, 1 - update_op, name="update_op"))


def auc(labels, predictions, weights=None, curve="ROC", name=None):
    t = tf()
    from scopeflow.metrics.util import broadcast_weights
    with t.name_scope(name, "auc", (predictions, labels, weights)) as scope:
        predictions = t.cast(predictions, name="predictions", dtype=t.float32)
        if weights is not None:
            weights = broadcast_weights(weights, predictions)
        return t.metrics.auc(labels=labels, predictions=predictions, weights=weights,
                             curve=curve, name=scope)


def append_update_ops(train_op):
    t = tf()
    update_ops = t.get_collection(t.GraphKeys.UPDATE_OPS)
    if update_ops:
        return t.group(train_op, *update_ops)
    return train_op
