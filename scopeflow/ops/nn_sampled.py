"""Sampled losses: `tf.nn.nce_loss` and `tf.nn.sampled_softmax_loss` (log-uniform sampler).

Accidental hits (a sampled class that is also a true label) get -FLOAT_MAX added to their
logit, as TF's ComputeAccidentalHits + SparseToDense do; here as a dense [batch, num_sampled]
mask, since XLA needs static shapes.
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor

__all__ = ["nce_loss", "sampled_softmax_loss"]


def _sum_rows(x):
    """Row sums as x @ ones (TF's choice, for a cheaper gradient than reduce_sum)."""
    from scopeflow.ops.linalg import matmul
    cols = array.shape(x)[1]
    ones = array.ones(array.stack([cols, 1]), x.dtype)
    return array.reshape(matmul(x, ones), [-1])


def _accidental_hits(labels, sampled, dtype):
    """-FLOAT_MAX where a sampled class equals one of the row's true labels: [batch, S]."""
    from scopeflow.ops import math as m
    from scopeflow.ops.reductions import reduce_any
    hits = reduce_any(m.equal(array.expand_dims(labels, 2),
                              array.reshape(sampled, [1, 1, -1])), axis=1)
    return m.cast(hits, dtype) * np.asarray(-np.finfo(np.float32).max, dtype.as_numpy_dtype)


def _true_logits(inputs, true_w, true_b, num_true):
    """Row-wise dots of `inputs` [batch, dim] with their true classes' weights, plus biases:
    [batch, num_true]."""
    from scopeflow.ops import math as m
    dim = array.shape(true_w)[1:2]
    new_true_w_shape = array.concat([[-1, num_true], dim], 0)
    row_wise_dots = m.multiply(array.expand_dims(inputs, 1),
                               array.reshape(true_w, new_true_w_shape))
    dots_as_matrix = array.reshape(row_wise_dots, array.concat([[-1], dim], 0))
    true_logits = array.reshape(_sum_rows(dots_as_matrix), [-1, num_true])
    true_b = array.reshape(true_b, [-1, num_true])
    true_logits += true_b
    return true_logits


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                            sampled_values, remove_accidental_hits, partition_strategy, name,
                            seed=None):
    from scopeflow.ops import math as m
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.nn_embedding import embedding_lookup
    from scopeflow.ops.sampling import log_uniform_candidate_sampler
    if hasattr(weights, "_get_variable_list"):
        weights = list(weights)
    if not isinstance(weights, list):
        weights = [weights]
    with name_scope(name, "compute_sampled_logits", weights + [biases, inputs, labels]):
        labels = tensor(labels)
        if labels.dtype.base_dtype is not _dt.int64:
            labels = m.cast(labels, _dt.int64)
        labels_flat = array.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                true_classes=labels, num_true=num_true, num_sampled=num_sampled, unique=True,
                range_max=num_classes, seed=seed)
        sampled, true_expected, sampled_expected = (array.stop_gradient(s)
                                                    for s in sampled_values)
        sampled = m.cast(sampled, _dt.int64)
        all_ids = array.concat([labels_flat, sampled], 0)
        inputs = tensor(inputs)
        all_w = embedding_lookup(weights, all_ids, partition_strategy=partition_strategy)
        if all_w.dtype.base_dtype is not inputs.dtype.base_dtype:
            all_w = m.cast(all_w, inputs.dtype)
        n_true = array.shape(labels_flat)[0]
        true_w = array.slice(all_w, [0, 0], array.stack([n_true, -1]))
        sampled_w = array.slice(all_w, array.stack([n_true, 0]), [-1, -1])
        sampled_logits = matmul(inputs, sampled_w, transpose_b=True)
        all_b = embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
        if all_b.dtype.base_dtype is not inputs.dtype.base_dtype:
            all_b = m.cast(all_b, inputs.dtype)
        true_b = array.slice(all_b, [0], array.shape(labels_flat))
        sampled_b = array.slice(all_b, array.shape(labels_flat), [-1])
        true_logits = _true_logits(inputs, true_w, true_b, num_true)
        sampled_logits += sampled_b
        if remove_accidental_hits:
            sampled_logits += _accidental_hits(labels, sampled, sampled_logits.dtype)
        true_logits -= m.log(true_expected)
        sampled_logits -= m.log(sampled_expected)
        out_logits = array.concat([true_logits, sampled_logits], 1)
        out_labels = array.concat([array.ones_like(true_logits) / num_true,
                                   array.zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """`tf.nn.nce_loss`: per-example noise-contrastive loss over sampled classes."""
    from scopeflow.ops.nn_losses import sigmoid_cross_entropy_with_logits
    logits, labels = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
        remove_accidental_hits, partition_strategy, name)
    losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                               name="sampled_losses")
    return _sum_rows(losses)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """`tf.nn.sampled_softmax_loss`: softmax cross entropy over the true and sampled classes."""
    from scopeflow.ops.nn_losses import softmax_cross_entropy_with_logits_v2
    logits, labels = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
        remove_accidental_hits, partition_strategy, name, seed)
    labels = array.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
