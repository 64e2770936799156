"""`tf.nn.safe_embedding_lookup_sparse`: embedding_lookup_sparse that drops invalid ids (< 0)
and non-positive weights, and gives an empty row the zero vector (or `default_id`'s row).

    >>> import scopeflow as tf
    >>> ids = tf.SparseTensor([[0, 0], [2, 0]], tf.constant([1, -1], tf.int64), [3, 2])
    >>> tf.nn.safe_embedding_lookup_sparse(tf.ones([4, 2]), ids).shape.as_list()
    [None, 2]

TF's graph: SparseReshape to 2-D, sparse_retain of the valid entries, SparseFillEmptyRows,
embedding_lookup_sparse, then a Select of zeros for the rows that were empty.
"""

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["safe_embedding_lookup_sparse"]


def _prune(sparse_ids, sparse_weights, combiner):
    from scopeflow.ops import math as m
    from scopeflow.ops.sparse_manip import sparse_retain
    valid = m.greater_equal(sparse_ids.values, 0)
    if sparse_weights is not None:
        valid = m.logical_and(valid, array.ones_like(sparse_weights.values, dtype=_dt.bool))
    sparse_ids = sparse_retain(sparse_ids, valid)
    if sparse_weights is not None:
        sparse_weights = sparse_retain(sparse_weights, valid)
        if combiner != "sum":
            positive = m.greater(sparse_weights.values, 0)
            sparse_ids = sparse_retain(sparse_ids, positive)
            sparse_weights = sparse_retain(sparse_weights, positive)
    return sparse_ids, sparse_weights


def _weights_list(embedding_weights):
    if embedding_weights is None:
        raise ValueError("Missing embedding_weights %s." % (embedding_weights,))
    if hasattr(embedding_weights, "_get_variable_list"):
        embedding_weights = list(embedding_weights)
    if not isinstance(embedding_weights, list):
        embedding_weights = [embedding_weights]
    if not embedding_weights:
        raise ValueError("Missing embedding_weights %s." % (embedding_weights,))
    return embedding_weights


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, name=None,
                                 partition_strategy="div", max_norm=None,
                                 allow_fast_lookup=False):
    """Combined embeddings per row of `sparse_ids`, invalid ids pruned, empty rows zero.

    >>> import scopeflow as tf
    >>> ids = tf.SparseTensor([[0, 0]], tf.constant([1], tf.int64), [2, 1])
    >>> tf.nn.safe_embedding_lookup_sparse(tf.ones([3, 4]), ids, combiner="sum").dtype.name
    'float32'
    """
    from scopeflow.ops.gather import where
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.nn_embedding_sparse import embedding_lookup_sparse
    from scopeflow.ops.reductions import reduce_prod
    from scopeflow.ops.sparse_reshape import sparse_fill_empty_rows, sparse_reshape
    embedding_weights = _weights_list(embedding_weights)
    dtype = sparse_weights.dtype if sparse_weights is not None else None
    embedding_weights = [w if dtype in (None, w.dtype.base_dtype) and hasattr(w, "sparse_read")
                         else tensor(w, dtype=dtype) for w in embedding_weights]
    with name_scope(name, "embedding_lookup",
                    embedding_weights + [sparse_ids, sparse_weights]) as scope:
        original_shape = sparse_ids.dense_shape
        rank_dim = original_shape.shape.dims[0].value if original_shape.shape.dims else None
        rank = array.size(original_shape) if rank_dim is None else rank_dim
        sparse_ids = sparse_reshape(sparse_ids, [
            reduce_prod(array.slice(original_shape, [0], [rank - 1])),
            array.gather(original_shape, rank - 1)])
        if sparse_weights is not None:
            sparse_weights = SparseTensor(sparse_ids.indices, sparse_weights.values,
                                          sparse_ids.dense_shape)
        sparse_ids, sparse_weights = _prune(sparse_ids, sparse_weights, combiner)
        sparse_ids, is_row_empty = sparse_fill_empty_rows(sparse_ids, default_id or 0)
        if sparse_weights is not None:
            sparse_weights, _ = sparse_fill_empty_rows(sparse_weights, 1.0)
        result = embedding_lookup_sparse(
            embedding_weights, sparse_ids, sparse_weights, combiner=combiner,
            partition_strategy=partition_strategy,
            name=None if default_id is None else scope, max_norm=max_norm,
            allow_fast_lookup=allow_fast_lookup)
        if default_id is None:
            is_row_empty = array.tile(array.reshape(is_row_empty, [-1, 1]),
                                      array.stack([1, array.shape(result)[1]]))
            result = where(is_row_empty, array.zeros_like(result), result, name=scope)
        final = array.reshape(result, array.concat([
            array.slice(cast(original_shape, _dt.int32), [0], [rank - 1]),
            array.slice(array.shape(result), [1], [-1])], 0))
        lead = None if rank_dim is None else rank_dim - 1
        final.set_shape(TensorShape(None if lead is None else [None] * lead)
                        .concatenate(result.shape[1:]))
        return final
