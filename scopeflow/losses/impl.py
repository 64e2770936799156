"""TF1's `tf.losses.*`: per-element losses reduced by `compute_weighted_loss`, added to LOSSES.

Every loss casts to float32, weights the per-element losses, reduces them as `reduction` says
(default SUM_BY_NONZERO_WEIGHTS: the weighted sum over the number of non-zero weights), casts
back, and adds the result to `loss_collection`, all under TF's scope names
(`softmax_cross_entropy_loss/value:0`).
"""

from scopeflow import dtypes as _dt
from scopeflow.core.graph import GraphKeys
from scopeflow.losses.util import add_loss, assert_broadcastable, broadcast_weights

LOSSES = GraphKeys.LOSSES


def _tf():
    import scopeflow.compat.v1 as tf
    return tf


class Reduction:
    """Ways `compute_weighted_loss` reduces the weighted per-element losses."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError("Invalid Reduction Key %s. Key should be one of %s."
                             % (key, cls.all()))


def _safe_mean(losses, num_present):
    tf = _tf()
    return tf.div_no_nan(tf.reduce_sum(losses), num_present, name="value")


def _num_elements(losses):
    tf = _tf()
    with tf.name_scope(None, "num_elements", values=[losses]) as scope:
        return tf.cast(tf.size(losses, name=scope), dtype=losses.dtype)


def _num_present(losses, weights, per_batch=False):
    """How many losses have a non-zero weight (per batch row with `per_batch`)."""
    tf = _tf()
    if isinstance(weights, float) and weights != 0.0:
        return _num_elements(losses)
    with tf.name_scope(None, "num_present", (losses, weights)) as scope:
        weights = tf.cast(weights, dtype=_dt.float32)
        present = tf.where(tf.equal(weights, 0.0), tf.zeros_like(weights), tf.ones_like(weights))
        present = broadcast_weights(present, losses)
        if per_batch:
            return tf.reduce_sum(present, axis=tf.range(1, tf.rank(present)), keepdims=True,
                                 name=scope)
        return tf.reduce_sum(present, name=scope)


_REDUCE = {
    Reduction.SUM: lambda loss, losses, weights: loss,
    Reduction.MEAN: lambda loss, losses, weights: _safe_mean(
        loss, _tf().reduce_sum(_tf().ones_like(losses) * weights)),
    Reduction.SUM_BY_NONZERO_WEIGHTS: lambda loss, losses, weights: _safe_mean(
        loss, _num_present(losses, weights)),
    Reduction.SUM_OVER_BATCH_SIZE: lambda loss, losses, weights: _safe_mean(
        loss, _num_elements(losses)),
}


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """`losses * weights`, reduced per `reduction`, added to `loss_collection`.

    >>> import scopeflow as tf
    >>> tf.losses.compute_weighted_loss(tf.constant([1.0, 3.0])).name
    'weighted_loss/value:0'
    """
    tf = _tf()
    Reduction.validate(reduction)
    with tf.name_scope(scope, "weighted_loss", (losses, weights)):
        with tf.control_dependencies((assert_broadcastable(weights, losses),)):
            losses = tf.convert_to_tensor(losses)
            input_dtype = losses.dtype
            losses = tf.cast(losses, dtype=_dt.float32)
            w = tf.cast(weights, dtype=_dt.float32)
            weighted = tf.multiply(losses, w)
            if reduction == Reduction.NONE:
                loss = weighted
            else:
                loss = _REDUCE[reduction](tf.reduce_sum(weighted), losses, w)
            loss = tf.cast(loss, input_dtype)
            add_loss(loss, loss_collection)
            return loss


def _check(**args):
    for key, value in args.items():
        if value is None:
            raise ValueError("Argument `%s` must not be None." % key)


def _pair(labels, predictions):
    """Both cast to float32, shapes checked compatible (TF's common preamble)."""
    tf = _tf()
    predictions = tf.cast(predictions, dtype=_dt.float32)
    labels = tf.cast(labels, dtype=_dt.float32)
    predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    return labels, predictions


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection=LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted |predictions - labels|."""
    tf = _tf()
    _check(labels=labels, predictions=predictions)
    with tf.name_scope(scope, "absolute_difference", (predictions, labels, weights)) as scope:
        labels, predictions = _pair(labels, predictions)
        losses = tf.abs(tf.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted (predictions - labels) ** 2.

    >>> import scopeflow as tf
    >>> tf.losses.mean_squared_error([1.0, 2.0], [1.5, 2.5]).name
    'mean_squared_error/value:0'
    """
    tf = _tf()
    _check(labels=labels, predictions=predictions)
    with tf.name_scope(scope, "mean_squared_error", (predictions, labels, weights)) as scope:
        labels, predictions = _pair(labels, predictions)
        losses = tf.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection=LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """0.5 * e**2 for |e| <= delta, else delta * (|e| - 0.5 * delta)."""
    tf = _tf()
    _check(labels=labels, predictions=predictions)
    with tf.name_scope(scope, "huber_loss", (predictions, labels, weights)) as scope:
        labels, predictions = _pair(labels, predictions)
        abs_error = tf.abs(tf.subtract(predictions, labels))
        quadratic = tf.minimum(abs_error, delta)
        linear = tf.subtract(abs_error, quadratic)
        half = tf.convert_to_tensor(0.5, dtype=quadratic.dtype)
        losses = tf.add(tf.multiply(half, tf.multiply(quadratic, quadratic)),
                        tf.multiply(delta, linear))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection=LOSSES,
             reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Binary cross-entropy of probabilities: -y log(p + eps) - (1 - y) log(1 - p + eps)."""
    tf = _tf()
    _check(labels=labels, predictions=predictions)
    with tf.name_scope(scope, "log_loss", (predictions, labels, weights)) as scope:
        labels, predictions = _pair(labels, predictions)
        losses = -tf.multiply(labels, tf.log(predictions + epsilon)) - tf.multiply(
            (1 - labels), tf.log(1 - predictions + epsilon))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """max(0, 1 - (2 * labels - 1) * logits), labels in {0, 1}."""
    tf = _tf()
    _check(labels=labels, logits=logits)
    with tf.name_scope(scope, "hinge_loss", (logits, labels, weights)) as scope:
        labels, logits = _pair(labels, logits)
        all_ones = tf.ones_like(labels)
        labels = tf.subtract(2 * labels, all_ones)
        losses = tf.nn.relu(tf.subtract(all_ones, tf.multiply(labels, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
                    dim=None):
    """1 - sum(labels * predictions, axis) for unit-normalized inputs."""
    tf = _tf()
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'")
        axis = dim
    if axis is None:
        raise ValueError("You must specify argument `axis`.")
    _check(labels=labels, predictions=predictions)
    with tf.name_scope(scope, "cosine_distance_loss", (predictions, labels, weights)) as scope:
        labels, predictions = _pair(labels, predictions)
        radial = tf.multiply(predictions, labels)
        losses = 1 - tf.reduce_sum(radial, axis=(axis,), keepdims=True)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Sigmoid cross-entropy; labels smoothed towards 1/2 by `label_smoothing`."""
    tf = _tf()
    _check(multi_class_labels=multi_class_labels, logits=logits)
    with tf.name_scope(scope, "sigmoid_cross_entropy_loss",
                       (logits, multi_class_labels, weights)) as scope:
        logits = tf.convert_to_tensor(logits)
        labels = tf.cast(multi_class_labels, logits.dtype)
        logits.get_shape().assert_is_compatible_with(labels.get_shape())
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                         name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy with one-hot labels (smoothed by `label_smoothing`).

    >>> import scopeflow as tf
    >>> tf.losses.softmax_cross_entropy([[0.0, 1.0]], [[0.5, 0.5]]).name
    'softmax_cross_entropy_loss/value:0'
    """
    tf = _tf()
    _check(onehot_labels=onehot_labels, logits=logits)
    with tf.name_scope(scope, "softmax_cross_entropy_loss",
                       (logits, onehot_labels, weights)) as scope:
        logits = tf.convert_to_tensor(logits)
        labels = tf.cast(onehot_labels, logits.dtype)
        logits.get_shape().assert_is_compatible_with(labels.get_shape())
        if label_smoothing > 0:
            num_classes = tf.cast(tf.shape(labels)[-1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
        labels = tf.stop_gradient(labels, name="labels_stop_gradient")
        losses = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                            name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy with integer class labels."""
    tf = _tf()
    _check(labels=labels, logits=logits)
    with tf.name_scope(scope, "sparse_softmax_cross_entropy_loss",
                       (logits, labels, weights)) as scope:
        labels, logits, weights = _remove_squeezable(labels, logits, weights)
        losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def _remove_squeezable(labels, predictions, weights):
    """TF's `_remove_squeezable_dimensions` with expected_rank_diff=1 (static shapes)."""
    tf = _tf()
    with tf.name_scope(None, "remove_squeezable_dimensions", [labels, predictions]):
        predictions = tf.convert_to_tensor(predictions)
        labels = tf.convert_to_tensor(labels)
        pr, lr = predictions.get_shape().ndims, labels.get_shape().ndims
        if pr is not None and lr is not None:
            if pr - lr == 2 and predictions.get_shape().dims[-1].is_compatible_with(1):
                predictions = tf.squeeze(predictions, [-1])
            elif pr - lr == 0 and labels.get_shape().dims[-1].is_compatible_with(1):
                labels = tf.squeeze(labels, [-1])
    weights = tf.convert_to_tensor(weights)
    wr, lr = weights.get_shape().ndims, labels.get_shape().ndims
    if wr is not None and lr is not None and wr - lr == 1:
        weights = tf.squeeze(weights, [-1])
    return labels, predictions, weights


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=LOSSES):
    """Mean of squared differences between all pairs of (prediction - label) per example."""
    tf = _tf()
    _check(labels=labels, predictions=predictions)
    with tf.name_scope(scope, "mean_pairwise_squared_error", (predictions, labels, weights)):
        weights = tf.cast(weights, dtype=_dt.float32)
        labels = tf.cast(labels, dtype=_dt.float32)
        with tf.control_dependencies((assert_broadcastable(weights, labels),)):
            return _pairwise(labels, predictions, weights, loss_collection)


def _pairwise(labels, predictions, weights, loss_collection):
    tf = _tf()
    predictions = tf.cast(predictions, dtype=_dt.float32)
    predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    diffs = tf.subtract(predictions, labels)
    axis = tf.range(1, tf.rank(diffs))
    sum_sq = tf.reduce_sum(tf.square(diffs), axis=axis, keepdims=True)
    n = _num_present(diffs, weights, per_batch=True)
    term1 = 2.0 * tf.div_no_nan(sum_sq, tf.maximum(n - 1, 0), name="value")
    sum_diff = tf.reduce_sum(diffs, axis=axis, keepdims=True)
    term2 = 2.0 * tf.div_no_nan(tf.square(sum_diff), tf.maximum(tf.multiply(n, n - 1), 0),
                                name="value")
    loss = tf.reduce_sum(tf.multiply(term1 - term2, weights))
    mean_loss = tf.where(tf.reduce_sum(n) > 0, loss, tf.zeros_like(loss), name="value")
    add_loss(mean_loss, loss_collection)
    return mean_loss
