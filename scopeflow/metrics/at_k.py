"""tf.metrics over the top k predictions: precision_at_k, recall_at_k (and _at_top_k),
average_precision_at_k, with labels as a dense int64 tensor or a `tf.SparseTensor`.

TF counts with set ops over each row (DenseToSparseSetOperation, SetSize); here the same set
sizes come from dense ops: each row's ids sorted (TopKV2) to find the distinct ones, the
predicted ids compared with the labels. A SparseTensor's rows are first padded to its last dense dimension with an absent
marker (`_ABSENT`), so ragged rows count only the ids they hold; -1 in a row is an id like any
other, as in TF. Counts are float64 variables under TF's names
(`precision_at_2/true_positive_at_2`). TF's set sizes have no static shape, so weights that do
not broadcast fail the run (TF's InvalidArgumentError), not the build.

>>> import scopeflow as tf
>>> p, up = precision_at_k(tf.constant([[1]], tf.int64), [[0.1, 0.9]], k=1); p.name, up.name
('precision_at_1:0', 'precision_at_1/update:0')
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.metrics.util import metric_variable, report, safe_scalar_div, tf
from scopeflow.sparse_tensor import SparseTensor, is_sparse

# what a SparseTensor's empty slots hold once its rows are padded to its last dense dimension
_ABSENT = np.iinfo(np.int64).min


def _at_k_name(name, k=None, class_id=None):
    name = "%s_at_%d" % (name, k) if k is not None else "%s_at_k" % name
    return name if class_id is None else "%s_class%d" % (name, class_id)


def _check_dtype(labels):
    """TF's set ops take the int64 of predictions_idx and labels of the same type."""
    if labels.dtype.base_dtype != _dt.int64:
        raise TypeError("Types don't match, %s vs %s." % (_dt.int64, labels.dtype.base_dtype))


def _label_ids(labels, predictions):
    """TF's _maybe_expand_labels, a SparseTensor's rows padded: (ids (..., m) int64 of the rank
    of `predictions`, whether they came from a SparseTensor (its empty slots hold _ABSENT))."""
    t = tf()
    with t.name_scope(None, "expand_labels", (labels, predictions)) as scope:
        if is_sparse(labels):
            labels = SparseTensor.from_value(labels)
            _check_dtype(labels)
            ids = t.sparse_to_dense(labels.indices, labels.dense_shape, labels.values,
                                    default_value=t.constant(_ABSENT, _dt.int64))
            rank, p_rank = labels.dense_shape.shape.as_list()[0], predictions.shape.ndims
            if rank is None or p_rank is None:
                expand = t.equal(t.rank(predictions), t.size(labels.dense_shape) + 1)
                return t.cond(expand, lambda: t.expand_dims(ids, -1), lambda: ids), True
            return (t.expand_dims(ids, -1, name=scope) if p_rank == rank + 1 else ids), True
        labels = t.convert_to_tensor(labels)
        _check_dtype(labels)
        labels_rank = labels.get_shape().ndims
        if labels_rank is not None:
            predictions_rank = predictions.get_shape().ndims
            if predictions_rank is not None:
                if predictions_rank == labels_rank:
                    return labels, False
                if predictions_rank == labels_rank + 1:
                    return t.expand_dims(labels, -1, name=scope), False
                raise ValueError(
                    "Unexpected labels shape %s for predictions shape %s. Predictions rank "
                    "should be the same rank as labels rank or labels rank plus one ."
                    % (labels.get_shape(), predictions.get_shape()))
        return t.cond(t.equal(t.rank(predictions), t.rank(labels) + 1),
                      lambda: t.expand_dims(labels, -1, name=scope), lambda: labels), False


def _check_set_rank(x, name):
    """TF's set ops' shape rule: the id sets lie along the last of at least two dimensions."""
    rank = x.get_shape().ndims
    if rank is not None and rank < 2:
        raise ValueError("Shape must be at least rank 2 but is rank %d for '{{node %s}}'"
                         % (rank, name))


def _distinct(ids, sparse, class_id):
    """Each row of `ids` (..., n) sorted (descending: a SparseTensor's empty slots last) and
    (..., n) bool: the first of each id there (of present ids; of `class_id` only, if set).
    A sort, not an (n, n) comparison: a SparseTensor's last dimension may be num_classes."""
    t = tf()
    n = ids.get_shape().as_list()[-1] if ids.get_shape().ndims else None
    ids = t.nn.top_k(ids, t.shape(ids)[-1] if n is None else n).values
    first = t.concat([t.ones_like(ids[..., :1], dtype=_dt.bool),
                      t.not_equal(ids[..., 1:], ids[..., :-1])], -1)
    if sparse:
        first = t.logical_and(first, t.not_equal(ids, _ABSENT))
    if class_id is not None:
        first = t.logical_and(first, t.equal(ids, t.constant(class_id, ids.dtype)))
    return ids, first


def _count(b):
    """(...) int32: the True entries along the last axis of `b`."""
    t = tf()
    with t.name_scope(None, "set_size", (b,)):
        return t.reduce_sum(t.cast(b, _dt.int32), -1)


def _set_sizes(labels, predictions_idx, class_id):
    """Per row: (|P ∩ L|, |P - L|, |L - P|) of the (class-selected) id sets, int32."""
    t = tf()
    predictions_idx, p_first = _distinct(predictions_idx, False, class_id)
    ids, l_first = _distinct(*labels, class_id)
    eq = t.equal(t.expand_dims(predictions_idx, -1), t.expand_dims(ids, -2))  # (..., k, m)
    matched = t.logical_and(p_first, t.reduce_any(
        t.logical_and(eq, t.expand_dims(l_first, -2)), -1))
    tp = _count(matched)
    return tp, _count(p_first) - tp, _count(l_first) - tp


def _may_broadcast(ws, vs):
    """False where static shapes show `ws` cannot broadcast to `vs` (equal rank, each dim 1
    or equal)."""
    if ws.ndims is None or vs.ndims is None:
        return True
    return ws.ndims == vs.ndims and all(w in (1, v, None) or v is None
                                        for w, v in zip(ws.as_list(), vs.as_list()))


def _weights_for(weights, values):
    """float64 `weights` behind TF's run-time broadcast check against `values` (a scalar
    passes statically; weights that cannot broadcast fail the run with TF's message)."""
    from scopeflow.losses.util import assert_broadcastable_at_run
    t = tf()
    weights = t.convert_to_tensor(weights)
    if weights.get_shape().ndims == 0:
        return t.cast(weights, _dt.float64)
    check = assert_broadcastable_at_run(weights, values)
    with t.control_dependencies((check,)):
        if not _may_broadcast(weights.get_shape(), values.get_shape()):
            # the check fails every run; the stand-in keeps the graph's shapes consistent
            return t.ones([], _dt.float64)
        return t.cast(weights, _dt.float64)


def _weighted(x, weights):
    return x if weights is None else tf().multiply(x, _weights_for(weights, x))


def _streaming_count(kind, batch, k, class_id):
    """A float64 count variable named for `kind` ('true_positive') and its update."""
    t = tf()
    labels, predictions_idx, weights = batch
    index = {"true_positive": 0, "false_positive": 1, "false_negative": 2}[kind]
    scope_names = {0: "true_positives", 1: "false_positives", 2: "false_negatives"}
    with t.name_scope(None, _at_k_name(kind, k, class_id=class_id),
                      (predictions_idx, labels[0], weights)) as scope:
        with t.name_scope(None, scope_names[index], (predictions_idx, labels[0], weights)) as s:
            _check_set_rank(predictions_idx, s + "SetOperation")
            size = _set_sizes(labels, predictions_idx, class_id)[index]
            count = _weighted(t.cast(size, _dt.float64), weights)  # TF's `.../Cast` (SetSize)
        batch_total = t.cast(t.reduce_sum(count), _dt.float64)
        var = metric_variable([], _dt.float64, name=scope)
        return var, t.assign_add(var, batch_total, name="update")


def _ratio_at_top_k(which, batch, k, class_id, collections, name):
    t = tf()
    labels, predictions_idx, weights = batch
    other = "false_positive" if which == "precision" else "false_negative"
    with t.name_scope(name, _at_k_name(which, k, class_id=class_id),
                      (predictions_idx, labels, weights)) as scope:
        labels = _label_ids(labels, predictions_idx)
        top_k_idx = t.cast(predictions_idx, _dt.int64)
        batch = (labels, top_k_idx, weights)
        tp, tp_update = _streaming_count("true_positive", batch, k, class_id)
        o, o_update = _streaming_count(other, batch, k, class_id)
        metric = report(collections[0], t.divide(tp, t.add(tp, o), name=scope))
        update = t.divide(tp_update, t.add(tp_update, o_update), name="update")
        return metric, report(collections[1], update)


def precision_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    """precision_at_k of given top-k class ids `predictions_idx` (..., k)."""
    return _ratio_at_top_k("precision", (labels, predictions_idx, weights), k, class_id,
                           (metrics_collections, updates_collections), name)


def recall_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                    metrics_collections=None, updates_collections=None, name=None):
    """recall_at_k of given top-k class ids `predictions_idx` (..., k)."""
    return _ratio_at_top_k("recall", (labels, predictions_idx, weights), k, class_id,
                           (metrics_collections, updates_collections), name)


def precision_at_k(labels, predictions, k, class_id=None, weights=None,
                   metrics_collections=None, updates_collections=None, name=None):
    """Of the top-k predicted classes, the fraction in the labels, over all updates."""
    t = tf()
    with t.name_scope(name, _at_k_name("precision", k, class_id=class_id),
                      (predictions, labels, weights)) as scope:
        _, top_k_idx = t.nn.top_k(predictions, k)
        return precision_at_top_k(labels, top_k_idx, k, class_id, weights,
                                  metrics_collections, updates_collections, name=scope)


def recall_at_k(labels, predictions, k, class_id=None, weights=None,
                metrics_collections=None, updates_collections=None, name=None):
    """Of the labels, the fraction among the top-k predicted classes, over all updates."""
    t = tf()
    with t.name_scope(name, _at_k_name("recall", k, class_id=class_id),
                      (predictions, labels, weights)) as scope:
        _, top_k_idx = t.nn.top_k(predictions, k)
        return recall_at_top_k(labels, top_k_idx, k, class_id, weights,
                               metrics_collections, updates_collections, name=scope)


sparse_precision_at_k = precision_at_k


def _num_relevant(labels, k):
    """Per row: min(k, the labels that count): a SparseTensor's distinct ids, a dense row's
    non-negative entries (duplicates too), as TF's _num_relevant."""
    t = tf()
    ids, sparse = labels
    with t.name_scope(None, "num_relevant", (ids,)) as scope:
        if sparse:
            num = t.cast(_count(_distinct(ids, True, None)[1]), ids.dtype)
        else:
            num = t.reduce_sum(t.where_v2(t.greater_equal(ids, 0), t.ones_like(ids),
                                          t.zeros_like(ids)), axis=-1)
        return t.minimum(num, k, name=scope)


def _average_precision(labels, predictions_idx):
    """Per row: the sum of precision@j over relevant positions j, / min(#labels, k)."""
    t = tf()
    with t.name_scope(None, "average_precision", (predictions_idx, labels)) as scope:
        predictions_idx = t.cast(predictions_idx, _dt.int64, name="predictions_idx")
        if predictions_idx.get_shape().ndims == 0:
            raise ValueError("The rank of `predictions_idx` must be at least 1.")
        k = predictions_idx.get_shape().as_list()[-1]
        if k is None:
            raise ValueError("The last dimension of predictions_idx must be set. Currently, it "
                             "is None.")
        labels = _label_ids(labels, predictions_idx)
        per_k = t.expand_dims(predictions_idx, -1, name="predictions_idx_per_k")  # (..., k, 1)
        with t.name_scope(None, "relevant_per_k"):  # (a padded slot's _ABSENT matches no id)
            hit = t.equal(per_k, t.expand_dims(labels[0], -2))  # (..., k, m)
            relevant = t.cast(t.reduce_any(hit, -1), _dt.float64)  # (..., k)
        tp_per_k = t.cumsum(relevant, axis=-1, name="tp_per_k")
        retrieved = t.cumsum(t.ones_like(relevant), axis=-1, name="retrieved_per_k")
        precision = t.divide(tp_per_k, retrieved, name="precision_per_k")
        relevant_precision = t.multiply(precision, relevant, name="relevant_precision_per_k")
        precision_sum = t.reduce_sum(relevant_precision, axis=(-1,), name="precision_sum")
        num = t.cast(_num_relevant(labels, k), _dt.float64)
        return t.divide(precision_sum, num, name=scope)


def _clean_out_of_range(labels, num_classes):
    """TF's _clean_out_of_range_indices: labels >= num_classes become -1 (ignored)."""
    t = tf()
    sparse = is_sparse(labels)
    labels = SparseTensor.from_value(labels) if sparse else t.convert_to_tensor(labels)
    values = labels.values if sparse else labels

    def clean():
        cleaned = t.where_v2(t.greater_equal(values, num_classes), -1 * t.ones_like(values),
                             values)
        return SparseTensor(labels.indices, cleaned, labels.dense_shape) if sparse else cleaned

    if not sparse:
        return t.cond(t.greater_equal(t.reduce_max(values), num_classes), clean, lambda: labels)
    # a SparseTensor through tf.cond: its values only (indices and shape stay)
    values = t.cond(t.greater_equal(t.reduce_max(values), num_classes),
                    lambda: clean().values, lambda: values)
    return SparseTensor(labels.indices, values, labels.dense_shape)


def average_precision_at_k(labels, predictions, k, weights=None, metrics_collections=None,
                           updates_collections=None, name=None):
    """The mean over rows of the average precision of the top k predictions."""
    t = tf()
    if k < 1:
        raise ValueError("Invalid k=%s. `k` should be >= 1." % k)
    with t.name_scope(name, _at_k_name("average_precision", k),
                      (predictions, labels, weights)) as scope:
        _, predictions_idx = t.nn.top_k(predictions, k)
        labels = _clean_out_of_range(labels, t.cast(t.shape(predictions)[-1], _dt.int64))
        return average_precision_at_top_k(labels, predictions_idx, weights,
                                          (metrics_collections, updates_collections), scope)


def average_precision_at_top_k(labels, predictions_idx, weights, collections, name):
    """TF's _streaming_sparse_average_precision_at_top_k: the streaming mean of the rows'
    average precision of `predictions_idx` (batch, k), a (value, update_op) pair."""
    t = tf()
    metrics_collections, updates_collections = collections
    with t.name_scope(name, "average_precision_at_top_k",
                      (predictions_idx, labels, weights)) as scope2:
        ap = _average_precision(labels, predictions_idx)
        if weights is not None:
            with t.name_scope(None, "broadcast_weights", (weights, ap)) as bscope:
                weights = t.multiply(_weights_for(weights, ap), t.ones_like(ap), name=bscope)
            ap = t.multiply(ap, weights)
        with t.name_scope(None, "max", (ap,)) as max_scope:
            max_var = metric_variable([], _dt.float64, name=max_scope)
            batch_max = (t.cast(t.size(ap, name="batch_max"), _dt.float64)
                         if weights is None else t.reduce_sum(weights, name="batch_max"))
            max_update = t.assign_add(max_var, batch_max, name="update")
        with t.name_scope(None, "total", (ap,)) as total_scope:
            total_var = metric_variable([], _dt.float64, name=total_scope)
            batch_total = t.reduce_sum(ap, name="batch_total")
            total_update = t.assign_add(total_var, batch_total, name="update")
        value = report(metrics_collections, safe_scalar_div(total_var, max_var, "mean"))
        update = safe_scalar_div(total_update, max_update, name=scope2)
        return value, report(updates_collections, update)


sparse_average_precision_at_k = average_precision_at_k
