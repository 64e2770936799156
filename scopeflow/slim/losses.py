"""`slim.losses` (tf_slim.losses.loss_ops): the 2016 losses, predictions first, all to LOSSES.

Unlike `tf.losses`, every loss reduces by the number of present (non-zero weight) elements,
weights may have lower rank than the losses (reduced first, then multiplied), and the value is
named `<loss scope>/value:0`.
"""

import sys

from scopeflow import dtypes as _dt
from scopeflow.core.graph import GraphKeys
from scopeflow.losses.util import add_loss as _add_loss
from scopeflow.slim import metric_learning
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.metric_learning import (  # tf_slim.losses exports them too
    cluster_loss,
    contrastive_loss,
    lifted_struct_loss,
    npairs_loss,
    npairs_loss_multilabel,
    triplet_semihard_loss,
)

# tf_slim's module paths: tf_slim.losses is a package of loss_ops (this module) and
# metric_learning, so `import scopeflow.slim.losses.metric_learning as ml` works as there
loss_ops = sys.modules[__name__]
sys.modules.setdefault(__name__ + ".loss_ops", loss_ops)
sys.modules.setdefault(__name__ + ".metric_learning", metric_learning)

__all__ = [
    "absolute_difference",
    "add_loss",
    "cluster_loss",
    "compute_weighted_loss",
    "contrastive_loss",
    "cosine_distance",
    "get_losses",
    "get_regularization_losses",
    "get_total_loss",
    "hinge_loss",
    "lifted_struct_loss",
    "log_loss",
    "mean_pairwise_squared_error",
    "mean_squared_error",
    "metric_learning",
    "npairs_loss",
    "npairs_loss_multilabel",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
    "triplet_semihard_loss",
]


def _tf():
    import scopeflow.compat.v1 as tf
    return tf


def _scale_losses(losses, weights):
    """Sums `losses` down to the rank of `weights`, multiplies, sums to a scalar."""
    tf = _tf()
    start = max(0, weights.get_shape().ndims)
    axis = list(range(start, losses.get_shape().ndims))
    reduced = tf.reduce_sum(losses, axis=axis)
    return tf.reduce_sum(tf.multiply(reduced, weights))


def _safe_mean(losses, num_present):
    tf = _tf()
    return tf.div_no_nan(tf.reduce_sum(losses), num_present, name="value")


def _num_present(losses, weights, per_batch=False):
    """Losses with a non-zero weight once `weights` is tiled over `losses` (per batch row)."""
    tf = _tf()
    f32 = _dt.float32
    if weights.get_shape().ndims == 0:
        batch_size = tf.reshape(tf.slice(tf.shape(losses), [0], [1]), [])
        num_per_batch = tf.div(tf.cast(tf.size(losses), f32), tf.cast(batch_size, f32))
        num_per_batch = tf.where(tf.equal(weights, 0), 0.0, num_per_batch)
        num_per_batch = tf.multiply(tf.ones(tf.reshape(batch_size, [1])), num_per_batch)
        return num_per_batch if per_batch else tf.reduce_sum(num_per_batch)
    axis = list(range(1, weights.get_shape().ndims))
    num_nonzero_per_batch = tf.reduce_sum(tf.cast(tf.not_equal(weights, 0), f32), axis=axis)
    broadcast_dims = tf.slice(tf.shape(losses), [weights.get_shape().ndims], [-1])
    num_to_broadcast = tf.cast(tf.reduce_prod(broadcast_dims), f32)
    num_per_batch = tf.multiply(num_nonzero_per_batch, num_to_broadcast)
    return num_per_batch if per_batch else tf.reduce_sum(num_per_batch)


def compute_weighted_loss(losses, weights=1.0, scope=None):
    """The weighted mean of `losses` over the present elements, added to LOSSES.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.losses.compute_weighted_loss(tf.constant([1.0, 3.0])).name
    'weighted_loss/value:0'
    """
    tf = _tf()
    with tf.name_scope(scope, "weighted_loss", [losses, weights]):
        losses = tf.convert_to_tensor(losses)
        input_dtype = losses.dtype
        losses = tf.cast(losses, _dt.float32)
        weights = tf.cast(tf.convert_to_tensor(weights), _dt.float32)
        if losses.get_shape().ndims is None:
            raise ValueError("losses.get_shape().ndims cannot be None")
        weights_shape = weights.get_shape()
        if weights_shape.ndims is None:
            raise ValueError("weights.get_shape().ndims cannot be None")
        if weights_shape.ndims > 1 and weights_shape.dims[-1].is_compatible_with(1):
            weights = tf.squeeze(weights, [-1])
        total_loss = _scale_losses(losses, weights)
        num_present = _num_present(losses, weights)
        mean_loss = tf.cast(_safe_mean(total_loss, num_present), input_dtype)
        add_loss(mean_loss)
        return mean_loss


@add_arg_scope
def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Adds `loss` to `loss_collection` (nothing when it is None or empty)."""
    _add_loss(loss, loss_collection)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """The losses of `loss_collection` whose names match `scope`."""
    return _tf().get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """The REGULARIZATION_LOSSES whose names match `scope`."""
    return _tf().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_total_loss(add_regularization_losses=True, name="total_loss"):
    """`add_n` of the LOSSES and (by default) the regularization losses."""
    losses = get_losses()
    if add_regularization_losses:
        losses += get_regularization_losses()
    return _tf().add_n(losses, name=name)


def _float_pair(predictions, labels):
    tf = _tf()
    predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    return tf.cast(predictions, _dt.float32), tf.cast(labels, _dt.float32)


def absolute_difference(predictions, labels=None, weights=1.0, scope=None):
    """Weighted mean of |predictions - labels|.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.losses.absolute_difference(tf.ones([2]), tf.zeros([2])).name
    'absolute_difference/value:0'
    """
    tf = _tf()
    with tf.name_scope(scope, "absolute_difference", [predictions, labels, weights]) as sc:
        predictions, labels = _float_pair(predictions, labels)
        losses = tf.abs(tf.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope=sc)


def sigmoid_cross_entropy(logits, multi_class_labels, weights=1.0, label_smoothing=0,
                          scope=None):
    """Weighted sigmoid cross entropy; labels smoothed towards 1/2."""
    tf = _tf()
    with tf.name_scope(scope, "sigmoid_cross_entropy_loss",
                       [logits, multi_class_labels, weights]) as sc:
        logits.get_shape().assert_is_compatible_with(multi_class_labels.get_shape())
        labels = tf.cast(multi_class_labels, logits.dtype)
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                         name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def softmax_cross_entropy(logits, onehot_labels, weights=1.0, label_smoothing=0, scope=None):
    """Weighted softmax cross entropy; labels smoothed towards 1/num_classes."""
    tf = _tf()
    with tf.name_scope(scope, "softmax_cross_entropy_loss",
                       [logits, onehot_labels, weights]) as sc:
        logits.get_shape().assert_is_compatible_with(onehot_labels.get_shape())
        labels = tf.cast(onehot_labels, logits.dtype)
        if label_smoothing > 0:
            num_classes = tf.cast(tf.shape(labels)[1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
        losses = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                         name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def sparse_softmax_cross_entropy(logits, labels, weights=1.0, scope=None):
    """Weighted sparse softmax cross entropy; `labels` of shape [batch] or [batch, 1]."""
    tf = _tf()
    with tf.name_scope(scope, "sparse_softmax_cross_entropy_loss",
                       [logits, labels, weights]) as sc:
        labels = tf.reshape(labels, shape=[tf.shape(labels)[0]])
        losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def log_loss(predictions, labels=None, weights=1.0, epsilon=1e-7, scope=None):
    """Weighted -labels*log(p+eps) - (1-labels)*log(1-p+eps)."""
    tf = _tf()
    with tf.name_scope(scope, "log_loss", [predictions, labels, weights]) as sc:
        predictions, labels = _float_pair(predictions, labels)
        losses = -tf.multiply(labels, tf.log(predictions + epsilon)) - tf.multiply(
            (1 - labels), tf.log(1 - predictions + epsilon))
        return compute_weighted_loss(losses, weights, scope=sc)


def hinge_loss(logits, labels=None, scope=None):
    """The unreduced hinge loss relu(1 - (2*labels - 1) * logits); not added to LOSSES."""
    tf = _tf()
    with tf.name_scope(scope, "hinge_loss", [logits, labels]):
        logits.get_shape().assert_is_compatible_with(labels.get_shape())
        labels = tf.cast(labels, _dt.float32)
        all_ones = tf.ones_like(labels)
        labels = tf.subtract(2 * labels, all_ones)
        return tf.nn.relu(tf.subtract(all_ones, tf.multiply(labels, logits)))


def mean_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """Weighted mean of (predictions - labels)**2."""
    tf = _tf()
    with tf.name_scope(scope, "mean_squared_error", [predictions, labels, weights]) as sc:
        predictions, labels = _float_pair(predictions, labels)
        losses = tf.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope=sc)


def mean_pairwise_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """Weighted mean over each sample's pairs of the squared difference of differences."""
    tf = _tf()
    with tf.name_scope(scope, "mean_pairwise_squared_error",
                       [predictions, labels, weights]):
        predictions, labels = _float_pair(predictions, labels)
        weights = tf.cast(tf.convert_to_tensor(weights), _dt.float32)
        diffs = tf.subtract(predictions, labels)
        if diffs.get_shape().ndims is None:
            raise ValueError("diffs.get_shape().ndims cannot be None")
        if weights.get_shape().ndims is None:
            raise ValueError("weights.get_shape().ndims cannot be None")
        axis = list(range(1, diffs.get_shape().ndims))
        sum_squares_diff_per_batch = tf.reduce_sum(tf.square(diffs), axis=axis)
        num_present_per_batch = _num_present(diffs, weights, per_batch=True)
        term1 = 2.0 * tf.div_no_nan(sum_squares_diff_per_batch, num_present_per_batch,
                                    name="value")
        sum_diff = tf.reduce_sum(diffs, axis=axis)
        term2 = 2.0 * tf.div_no_nan(tf.square(sum_diff), tf.square(num_present_per_batch),
                                    name="value")
        loss = _scale_losses(term1 - term2, weights)
        mean_loss = tf.where(tf.reduce_sum(num_present_per_batch) > 0, loss,
                             tf.zeros_like(loss), name="value")
        add_loss(mean_loss)
        return mean_loss


def cosine_distance(predictions, labels=None, axis=None, weights=1.0, scope=None, dim=None):
    """Weighted mean of 1 - sum(predictions * labels, axis) (inputs unit-normalized)."""
    tf = _tf()
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'")
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with tf.name_scope(scope, "cosine_distance_loss", [predictions, labels, weights]) as sc:
        predictions, labels = _float_pair(predictions, labels)
        radial_diffs = tf.multiply(predictions, labels)
        losses = 1 - tf.reduce_sum(radial_diffs, axis=[axis])
        return compute_weighted_loss(losses, weights, scope=sc)
