"""`metric_learning.cluster_loss`: the structured facility-location loss (arXiv 1612.01213).

The centroid search is discrete: greedy loss-augmented facility location, then optional PAM
refinement, each step scoring candidate clusterings with scikit-learn's clustering metrics
(NMI, AMI, ARI, V-measure) as TF's does through py_func. Here the whole search is one host op
over the float32 distances (TF's while loops of py_funcs take the same steps with the same
arithmetic); the energies of the chosen and of the true clusterings are graph ops over the
distances, so the gradient reaches the embeddings as in TF.
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.layers.core import tf_api

__all__ = ["cluster_loss"]

_PAM_ITERATIONS = 5  # TF's pam_max_iter


def _scores(margin_type):
    """Host function (labels, predictions) -> float32 agreement in [0, 1] for `margin_type`."""
    try:
        from sklearn import metrics
    except ImportError:
        raise ImportError("Cluster loss depends on sklearn.") from None
    clipped = {"nmi": (metrics.normalized_mutual_info_score, False),
               "ami": (metrics.adjusted_mutual_info_score, True),
               "ari": (metrics.adjusted_rand_score, True),
               "vmeasure": (metrics.v_measure_score, True)}
    if margin_type == "const":
        return lambda y, p: np.float32(np.array_equal(y, p))
    if margin_type not in clipped:
        raise ValueError("Unrecognized margin_type: %s" % margin_type)
    fn, clip = clipped[margin_type]

    def score(y, p):
        s = np.float32(fn(y, p))
        return max(np.float32(0.0), s) if clip else s

    return score


def _assign(d, centroids):
    """Index of each point's nearest centroid; a centroid is its own (TF's fix of ties)."""
    out = np.argmin(d[centroids], axis=0)
    out[centroids] = np.arange(len(centroids))
    return out


def _greedy(d, labels, margin, score, num_classes):
    """Loss-augmented greedy facility location: one centroid per class, each maximizing
    facility energy + margin * (1 - agreement) over the points not chosen yet."""
    chosen = []
    nearest = None  # (n,) distance of each point to its nearest chosen centroid
    for _ in range(num_classes):
        candidates = np.setdiff1d(np.arange(len(d)), chosen)
        rows = d[candidates] if nearest is None else np.minimum(d[candidates], nearest)
        energy = -rows.sum(axis=1, dtype=np.float32)
        penalty = np.array([np.float32(1.0) - score(labels, _assign(d, chosen + [int(c)]))
                            for c in candidates], np.float32)
        best = int(candidates[np.argmax(energy + np.float32(margin) * penalty)])
        chosen.append(best)
        nearest = d[best] if nearest is None else np.minimum(nearest, d[best])
    return chosen


def _pam(d, labels, margin, score, chosen):
    """PAM refinement: per cluster of the current assignment, the member that maximizes its
    cluster's energy + margin * (1 - agreement) becomes the centroid."""
    for _ in range(_PAM_ITERATIONS):
        predictions = _assign(d, chosen)
        for k in range(len(chosen)):
            members = np.flatnonzero(predictions == k)
            energy = -d[np.ix_(members, members)].sum(axis=0, dtype=np.float32)
            penalty = []
            for m in members:
                trial = chosen[:k] + [int(m)] + chosen[k + 1:]
                penalty.append(np.float32(1.0) - score(labels, _assign(d, trial)))
            scores = energy + np.float32(margin) * np.array(penalty, np.float32)
            chosen[k] = int(members[np.argmax(scores)])
    return chosen


def _centroids(margin, pam, score):
    def search(d, labels):
        chosen = _greedy(d, labels, margin, score, np.unique(labels).size)
        if pam:
            chosen = _pam(d, labels, margin, score, chosen)
        return np.array(chosen, np.int32)

    return search


def _ground_truth_energy(tf, distances, labels):
    """-sum over classes of the least total distance from one member to its class."""
    _, index = tf.unique(labels)
    same = tf.equal(index[:, None], index[None, :])  # (n, n)
    totals = tf.reduce_sum(distances * tf.cast(same, _dt.float32), axis=0)  # (n,) as medoid
    # per point, its class' least total; each class counted once: 1 / (its size) per member
    least = tf.reduce_min(tf.where(same, tf.tile(totals[None, :], [tf.size(labels), 1]),
                                   tf.fill(tf.shape(distances), np.float32(np.inf))), axis=1)
    sizes = tf.reduce_sum(tf.cast(same, _dt.float32), axis=1)
    return -tf.reduce_sum(least / sizes)


def cluster_loss(labels, embeddings, margin_multiplier, enable_pam_finetuning=True,
                 margin_type="nmi", print_losses=False):
    """max(energy(predicted centroids) + margin * (1 - agreement) - energy(true clusters), 0).

    >>> import scopeflow as tf
    >>> loss = cluster_loss(tf.constant([0, 0, 1]), tf.constant([[0.], [.1], [2.]]), 1.0)
    >>> loss.shape.as_list()
    []
    """
    from scopeflow.slim.metric_learning import pairwise_distance
    tf = tf_api()
    score = _scores(margin_type)
    distances = pairwise_distance(embeddings)
    labels = tf.squeeze(labels)
    chosen = tf.py_func(_centroids(margin_multiplier, enable_pam_finetuning, score),
                        [distances, labels], _dt.int32, stateful=False)
    chosen.set_shape([None])
    score_pred = -tf.reduce_sum(tf.reduce_min(tf.gather(distances, chosen), axis=0))
    predictions = tf.py_func(_assign, [distances, chosen], _dt.int64, stateful=False)
    agreement = tf.py_func(score, [labels, predictions], _dt.float32, stateful=False)
    agreement = tf.reshape(agreement, [])
    score_gt = _ground_truth_energy(tf, distances, labels)
    loss = tf.maximum(score_pred + margin_multiplier * (1.0 - agreement) - score_gt, 0.0,
                      name="clustering_loss")
    loss.set_shape([])
    if print_losses:
        loss = tf.Print(loss, ["clustering_loss: ", loss, tf.shape(loss)])
    tf.summary.scalar("losses/score_pred", score_pred)
    tf.summary.scalar("losses/" + margin_type, agreement)
    tf.summary.scalar("losses/score_gt", score_gt)
    return loss
