"""`tf.nn.embedding_lookup_sparse`: per row of a SparseTensor of ids, combined embedding rows.

TF's graph: without weights (one params tensor, no max_norm) a single SparseSegmentSum / Mean /
SqrtN over `params` with `sparse_gradient=True`; with weights, Unique ids gathered through
`embedding_lookup`, scaled by the weights and combined by SegmentSum (and DivNoNan).

    >>> import scopeflow as tf
    >>> ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, 3, 1], tf.int64), [3, 2])
    >>> tf.nn.embedding_lookup_sparse(tf.ones([5, 4]), ids, None).shape.as_list()
    [None, 4]
"""

import contextlib
import threading

from scopeflow import dtypes as _dt
from scopeflow.ops.nn_embedding import param_list
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["embedding_lookup_sparse"]

_COMBINERS = ("mean", "sqrtn", "sum")
_SEGMENT_OP = {"sum": "SparseSegmentSum", "mean": "SparseSegmentMean",
               "sqrtn": "SparseSegmentSqrtN"}


def _check_args(sp_ids, sp_weights, combiner):
    if combiner not in _COMBINERS:
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum', got %s" % combiner)
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError("sp_ids must be SparseTensor, got %s" % type(sp_ids))
    if sp_weights is None:
        return
    if not isinstance(sp_weights, SparseTensor):
        raise TypeError("sp_weights must be either None or SparseTensor,got %s"
                        % type(sp_weights))
    for part in ("values", "indices", "dense_shape"):
        getattr(sp_ids, part).shape.assert_is_compatible_with(getattr(sp_weights, part).shape)


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None,
                            combiner=None, max_norm=None, allow_fast_lookup=False):
    """`tf.nn.embedding_lookup_sparse`: rows of `params` for each row of `sp_ids`, combined.

    >>> import scopeflow as tf
    >>> ids = tf.SparseTensor([[0, 0]], tf.constant([2], tf.int64), [1, 1])
    >>> tf.nn.embedding_lookup_sparse(tf.ones([3, 2]), ids, None, combiner="sum").dtype.name
    'float32'
    """
    combiner = "mean" if combiner is None else combiner
    _check_args(sp_ids, sp_weights, combiner)
    params = param_list(params)
    with name_scope(name, "embedding_lookup_sparse", params + [sp_ids]) as scope:
        segment_ids = sp_ids.indices[:, 0]
        ids = sp_ids.values
        if len(params) == 1 and not _is_tensorlike(params[0]):
            params = [tensor(params[0], name="params")]
        return _lookup(params, segment_ids, ids, sp_weights, combiner,
                       (max_norm, allow_fast_lookup, partition_strategy, scope))


class _Pad(threading.local):
    on = False


_PAD = _Pad()


@contextlib.contextmanager
def padded_ids():
    """Within it, the lookups built run their `Unique` compiled, its distinct ids padded to
    the count of ids with repeats of the smallest (ops/dynamic_shape.py), as an optimizer's
    deduplication does: a feature column's rows then keep one shape per batch size, where
    the count of distinct ids set the training step's signature and compiled it anew for
    nearly every batch. The padded rows are gathered but no segment reads them, so their
    gradient is zero and an optimizer's deduplication adds it to the smallest id's row."""
    before, _PAD.on = _PAD.on, True
    try:
        yield
    finally:
        _PAD.on = before


def _is_tensorlike(p):
    return hasattr(p, "op") and hasattr(p, "dtype")


def _lookup(params, segment_ids, ids, sp_weights, combiner, how):
    from scopeflow.ops import math as m
    from scopeflow.lowering.entries import is_entries
    from scopeflow.ops.gather import unique
    from scopeflow.ops.nn_embedding import embedding_lookup
    max_norm, fast, strategy, scope = how
    ignore_weights = sp_weights is None
    # a resource variable (a CompositeTensor in TF) takes the Unique + gather path, as TF
    direct = len(params) == 1 and max_norm is None and (fast or ignore_weights) and not hasattr(
        params[0], "sparse_read")
    if direct:
        idx, embeddings = ids, params[0]
    else:
        entries = is_entries(ids)  # a fed SparseTensor's ids: padded (lowering/entries.py)
        ids, idx = unique(ids)
        if _PAD.on or entries:
            from scopeflow.lowering.stages import run_compiled
            run_compiled(ids.op)
        embeddings = embedding_lookup(params, ids, partition_strategy=strategy,
                                      max_norm=max_norm)
    if not ignore_weights:
        if segment_ids.dtype.base_dtype != _dt.int32:
            segment_ids = m.cast(segment_ids, _dt.int32)
        return _weighted(embeddings, idx, segment_ids, sp_weights.values, combiner, scope)
    if segment_ids.dtype.base_dtype not in (_dt.int32, _dt.int64):
        segment_ids = m.cast(segment_ids, _dt.int32)
    from scopeflow.ops.segments import SPARSE
    if not _is_tensorlike(embeddings) or hasattr(embeddings, "sparse_read"):
        embeddings = tensor(embeddings)
    return SPARSE[_SEGMENT_OP[combiner]](embeddings, idx, segment_ids, name=scope,
                                         sparse_gradient=direct and not fast)


def _weighted(embeddings, idx, segment_ids, weights, combiner, scope):
    """Gathered rows times their weights, summed per segment (divided by the weights' sum
    for 'mean', by the root of their squares' sum for 'sqrtn'), as TF's weighted path."""
    from scopeflow.ops import math as m
    from scopeflow.ops.segments import segment_sum
    from scopeflow.ops.shape_ops import rank
    embeddings = array.gather(embeddings, idx)
    original = embeddings.dtype.base_dtype
    if original in (_dt.float16, _dt.bfloat16):
        embeddings = m.cast(embeddings, _dt.float32)  # low precision sums in float32, as TF
    if weights.dtype.base_dtype != embeddings.dtype.base_dtype:
        weights = m.cast(weights, embeddings.dtype.base_dtype)
    ones_shape = array.expand_dims(rank(embeddings) - 1, 0)
    weights_shape = array.shape(weights)
    ones = array.ones(ones_shape, dtype=weights_shape.dtype)
    static = weights.shape
    weights = array.reshape(weights, array.concat([weights_shape, ones], 0))
    if embeddings.shape.ndims is not None:
        weights.set_shape(static.concatenate([1] * (embeddings.shape.ndims - 1)))
    embeddings = embeddings * weights
    if combiner == "sum":
        out = segment_sum(embeddings, segment_ids, name=scope)
    else:
        out = segment_sum(embeddings, segment_ids)
        if combiner == "sqrtn":
            weight_sum = m.sqrt(segment_sum(m.pow(weights, 2), segment_ids))
        else:
            weight_sum = segment_sum(weights, segment_ids)
        out = m.div_no_nan(out, weight_sum, name=scope)
    if out.dtype.base_dtype != original:
        out = m.cast(out, original)
    return out
