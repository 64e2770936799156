"""`tf_slim.losses.metric_learning` (`tf.contrib.losses.metric_learning`): losses over
embeddings that pull same-label points together and push the others apart.

contrastive, triplet (semi-hard negatives), lifted structured and N-pairs losses, each a scalar
tensor. The clustering loss (clustering.py) needs scikit-learn, as TF's does.
"""

from scopeflow import dtypes as _dt
from scopeflow.layers.core import tf_api

__all__ = [
    "cluster_loss",
    "contrastive_loss",
    "lifted_struct_loss",
    "masked_maximum",
    "masked_minimum",
    "npairs_loss",
    "npairs_loss_multilabel",
    "pairwise_distance",
    "triplet_semihard_loss",
]


def pairwise_distance(feature, squared=False):
    """(n, n) Euclidean distances between the rows of `feature` (n, d); 0 on the diagonal.

    >>> import scopeflow as tf
    >>> pairwise_distance(tf.zeros([3, 2])).shape.as_list()
    [3, 3]
    """
    tf = tf_api()
    norms = tf.reduce_sum(tf.square(feature), axis=[1], keepdims=True)  # (n, 1)
    squares = tf.add(norms, tf.transpose(norms)) - 2.0 * tf.matmul(feature,
                                                                    tf.transpose(feature))
    squares = tf.maximum(squares, 0.0)  # rounding may go below 0
    zero = tf.less_equal(squares, 0.0)
    # a tiny offset keeps sqrt's gradient finite where the distance is 0
    out = squares if squared else tf.sqrt(squares + tf.cast(zero, _dt.float32) * 1e-16)
    out = out * tf.cast(tf.logical_not(zero), _dt.float32)
    off_diagonal = tf.ones_like(out) - tf.diag(tf.ones([tf.shape(feature)[0]]))
    return out * off_diagonal


def contrastive_loss(labels, embeddings_anchor, embeddings_positive, margin=1.0):
    """Mean over pairs of d² for a matching pair (label 1), max(margin - d, 0)² otherwise."""
    tf = tf_api()
    d = tf.sqrt(tf.reduce_sum(tf.squared_difference(embeddings_anchor, embeddings_positive), 1))
    same = tf.cast(labels, d.dtype)
    return tf.reduce_mean(same * tf.square(d) + (1.0 - same)
                          * tf.square(tf.maximum(margin - d, 0.0)), name="contrastive_loss")


def masked_maximum(data, mask, dim=1):
    """Maximum along `dim` of the entries where `mask` is 1 (keeps the axis)."""
    tf = tf_api()
    low = tf.reduce_min(data, dim, keepdims=True)
    return tf.reduce_max((data - low) * mask, dim, keepdims=True) + low


def masked_minimum(data, mask, dim=1):
    """Minimum along `dim` of the entries where `mask` is 1 (keeps the axis)."""
    tf = tf_api()
    high = tf.reduce_max(data, dim, keepdims=True)
    return tf.reduce_min((data - high) * mask, dim, keepdims=True) + high


def _column(labels):
    tf = tf_api()
    shape = tf.shape(labels)
    assert shape.shape == 1
    return tf.reshape(labels, [shape[0], 1])


def triplet_semihard_loss(labels, embeddings, margin=1.0):
    """Mean over (anchor, positive) pairs of max(margin + d²(a, p) - d²(a, n), 0), n the
    nearest negative farther than p (the farthest negative when none is).

    >>> import scopeflow as tf
    >>> triplet_semihard_loss(tf.constant([0, 0, 1]), tf.eye(3)).shape.as_list()
    []
    """
    tf = tf_api()
    labels = _column(labels)
    dist = pairwise_distance(embeddings, squared=True)  # (n, n)
    same = tf.equal(labels, tf.transpose(labels))
    other = tf.logical_not(same)
    # [a, p, k]: k is a negative of a farther from a than p is
    farther = tf.logical_and(other[:, None, :], dist[:, None, :] > dist[:, :, None])
    farther_f = tf.cast(farther, _dt.float32)
    has_farther = tf.reduce_sum(farther_f, 2) > 0.0
    tiled = tf.tile(dist[:, None, :], [1, tf.shape(dist)[0], 1])
    nearest_farther = tf.squeeze(masked_minimum(tiled, farther_f, dim=2), [2])
    farthest = masked_maximum(dist, tf.cast(other, _dt.float32))  # (n, 1)
    negative = tf.where(has_farther, nearest_farther, tf.tile(farthest, [1, tf.shape(dist)[0]]))
    positives = tf.cast(same, _dt.float32) - tf.diag(tf.ones([tf.size(labels)]))
    terms = tf.maximum((margin + dist - negative) * positives, 0.0)
    return tf.truediv(tf.reduce_sum(terms), tf.reduce_sum(positives),
                      name="triplet_semihard_loss")


def lifted_struct_loss(labels, embeddings, margin=1.0):
    """The lifted structured loss: over positive pairs (i, j), the squared hinge of
    log(sum over negatives k of i or j of exp(margin - d)) + d(i, j), halved and averaged."""
    tf = tf_api()
    labels = _column(labels)
    dist = pairwise_distance(embeddings)
    same = tf.equal(labels, tf.transpose(labels))
    negatives = tf.cast(tf.logical_not(same), _dt.float32)
    slack = margin - dist
    # per pair, the larger of the two rows' largest negative slack keeps exp() in range
    row_max = masked_maximum(slack, negatives)  # (n, 1)
    top = tf.maximum(row_max, tf.transpose(row_max))  # (n, n)
    # [i, j]: sum over negatives k of i of exp(slack[i, k] - top[i, j])
    sums = tf.reduce_sum(tf.exp(slack[:, None, :] - top[:, :, None]) * negatives[:, None, :], 2)
    pair = top + tf.log(sums + tf.transpose(sums)) + dist
    positives = tf.cast(same, _dt.float32) - tf.diag(tf.ones([tf.size(labels)]))
    return tf.truediv(
        0.25 * tf.reduce_sum(tf.square(tf.maximum(pair * positives, 0.0))),
        tf.reduce_sum(positives) / 2.0, name="liftedstruct_loss")


def _npairs(similarity, targets, embeddings_anchor, embeddings_positive, reg_lambda):
    """L2 term plus softmax cross-entropy of the similarities against `targets` rows
    normalized to sum to one."""
    tf = tf_api()
    reg = [tf.reduce_mean(tf.reduce_sum(tf.square(e), 1))
           for e in (embeddings_anchor, embeddings_positive)]
    l2loss = tf.multiply(0.25 * reg_lambda, reg[0] + reg[1], name="l2loss")
    targets = targets / tf.reduce_sum(targets, 1, keepdims=True)
    xent = tf.nn.softmax_cross_entropy_with_logits(logits=similarity, labels=targets)
    return l2loss + tf.reduce_mean(xent, name="xentropy")


def npairs_loss(labels, embeddings_anchor, embeddings_positive, reg_lambda=0.002,
                print_losses=False):
    """N-pairs loss: softmax over anchor-positive similarities, same-label positives as the
    (normalized) target; plus an L2 penalty on the embeddings."""
    tf = tf_api()
    similarity = tf.matmul(embeddings_anchor, embeddings_positive, transpose_b=True)
    labels = _column(labels)
    targets = tf.cast(tf.equal(labels, tf.transpose(labels)), _dt.float32)
    return _npairs(similarity, targets, embeddings_anchor, embeddings_positive, reg_lambda)


def npairs_loss_multilabel(sparse_labels, embeddings_anchor, embeddings_positive,
                           reg_lambda=0.002, print_losses=False):
    """N-pairs loss with multi-hot labels (a list of SparseTensors, one per pair): the target
    of (i, j) is the overlap of their labels."""
    tf = tf_api()
    if not all(isinstance(label, tf.SparseTensor) for label in sparse_labels):
        raise TypeError("sparse_labels must be a list of SparseTensors, but got %s"
                        % str(sparse_labels))
    with tf.name_scope("NpairsLossMultiLabel"):
        similarity = tf.matmul(embeddings_anchor, embeddings_positive, transpose_b=True)
        dense = tf.stack([tf.sparse.to_dense(label) for label in sparse_labels])  # (n, c)
        overlap = tf.reduce_sum(tf.minimum(dense[:, None, :], dense[None, :, :]), 2)
        return _npairs(similarity, tf.cast(overlap, _dt.float32), embeddings_anchor,
                       embeddings_positive, reg_lambda)


def cluster_loss(labels, embeddings, margin_multiplier, enable_pam_finetuning=True,
                 margin_type="nmi", print_losses=False):
    """The structured clustering loss (slim/clustering.py); needs scikit-learn, as TF's."""
    from scopeflow.slim import clustering
    return clustering.cluster_loss(labels, embeddings, margin_multiplier, enable_pam_finetuning,
                                   margin_type, print_losses)
