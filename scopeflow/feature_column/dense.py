"""embedding_column and indicator_column: dense views of a categorical column.

    >>> import scopeflow as tf
    >>> ids = tf.feature_column.categorical_column_with_identity("k", 5)
    >>> tf.feature_column.embedding_column(ids, 3).name
    'k_embedding'

An embedding column owns `<scope>/embedding_weights` (num_buckets, dimension) and combines
the rows of each example's ids with safe_embedding_lookup_sparse (nn_embedding_safe.py).
"""

import collections
import math

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.feature_column.base import CategoricalColumn, DenseColumn

__all__ = ["EmbeddingColumn", "IndicatorColumn", "embedding_column", "indicator_column"]


class EmbeddingColumn(DenseColumn, collections.namedtuple("EmbeddingColumn", (
        "categorical_column", "dimension", "combiner", "initializer", "ckpt_to_load_from",
        "tensor_name_in_ckpt", "max_norm", "trainable", "use_safe_embedding_lookup"))):
    """Each example's ids combined ('mean', 'sum', 'sqrtn') over a trained embedding table."""

    name = property(lambda self: "{}_embedding".format(self.categorical_column.name))
    _parse_example_spec = parse_example_spec = property(
        lambda self: self.categorical_column._parse_example_spec)
    _variable_shape = variable_shape = property(lambda self: TensorShape([self.dimension]))

    def _transform_feature(self, inputs):
        return inputs.get(self.categorical_column)

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        from scopeflow.core.getters import get_variable
        from scopeflow.core.graph import GraphKeys
        pair = self.categorical_column._get_sparse_tensors(inputs, weight_collections,
                                                           trainable)
        if weight_collections and GraphKeys.GLOBAL_VARIABLES not in weight_collections:
            weight_collections.append(GraphKeys.GLOBAL_VARIABLES)
        weights = get_variable(
            "embedding_weights", shape=(self.categorical_column._num_buckets, self.dimension),
            dtype=_dt.float32, initializer=self.initializer,
            trainable=self.trainable and (True if trainable is None else trainable),
            collections=weight_collections)
        return self._dense_with_weights(inputs, weights, pair)

    def _dense_with_weights(self, inputs, weights, pair=None):
        """The lookup over an embedding table made elsewhere (DenseFeatures' build)."""
        if pair is None:
            pair = self.categorical_column._get_sparse_tensors(inputs)
        if self.ckpt_to_load_from is not None:
            from scopeflow.checkpoint.init_from import init_from_checkpoint
            init_from_checkpoint(self.ckpt_to_load_from, {self.tensor_name_in_ckpt: weights})
        return lookup(self, weights, pair)


def lookup(column, weights, pair):
    """The combined embeddings of `pair`'s ids (TF's `_get_dense_tensor_internal_helper`)."""
    from scopeflow.ops.nn_embedding_safe import safe_embedding_lookup_sparse
    from scopeflow.ops.nn_embedding_sparse import embedding_lookup_sparse, padded_ids
    ids = pair.id_tensor
    rank = ids.dense_shape.shape.dims[0].value if ids.dense_shape.shape.dims else None
    fn = safe_embedding_lookup_sparse
    if not column.use_safe_embedding_lookup and rank is not None and rank <= 2:
        fn = embedding_lookup_sparse
    with padded_ids():
        return fn(weights, ids, pair.weight_tensor, combiner=column.combiner,
                  name="%s_weights" % column.name, max_norm=column.max_norm)


class IndicatorColumn(DenseColumn, collections.namedtuple("IndicatorColumn",
                                                          "categorical_column")):
    """A multi-hot (or weight-summed) vector of each example's ids."""

    name = property(lambda self: "{}_indicator".format(self.categorical_column.name))
    _parse_example_spec = parse_example_spec = property(
        lambda self: self.categorical_column._parse_example_spec)
    _variable_shape = variable_shape = property(
        lambda self: TensorShape([1, self.categorical_column._num_buckets]))

    def _transform_feature(self, inputs):
        from scopeflow.ops.reductions import reduce_sum
        from scopeflow.ops.shape_ops import one_hot
        from scopeflow.ops.sparse_to_dense import sparse_tensor_to_dense
        pair = self.categorical_column._get_sparse_tensors(inputs)
        size = int(self._variable_shape[-1])
        if pair.weight_tensor is not None:
            return _weighted_counts(pair, size)
        dense = sparse_tensor_to_dense(pair.id_tensor, default_value=-1)
        return reduce_sum(one_hot(dense, depth=size, on_value=1.0, off_value=0.0), axis=[-2])

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        return inputs.get(self)


def _sparse_merge(ids, weights, size):
    """TF's sparse_merge: entries [row..., id] = weight, reordered (name scope SparseMerge)."""
    from scopeflow.ops.sparse_compose import sparse_merge
    return sparse_merge(ids, weights, size)


def _weighted_counts(pair, size):
    """Per example, the sum of the weights of each id (TF: sparse_merge + scatter_nd)."""
    from scopeflow.ops.gather import scatter_nd
    from scopeflow.ops.sparse_slice import sparse_slice
    merged = _sparse_merge(pair.id_tensor, pair.weight_tensor, size)
    merged = sparse_slice(merged, [0, 0], merged.dense_shape)
    return scatter_nd(merged.indices, merged.values, merged.dense_shape)


def embedding_initializer(dimension, ckpt_to_load_from, tensor_name_in_ckpt, initializer,
                          which=""):
    """TF's checks of an embedding column's arguments; the initializer, by default a truncated
    normal of stddev 1 / sqrt(dimension). `which` ends the not-callable message."""
    if dimension is None or dimension < 1:
        raise ValueError("Invalid dimension {}.".format(dimension))
    if (ckpt_to_load_from is None) != (tensor_name_in_ckpt is None):
        raise ValueError("Must specify both `ckpt_to_load_from` and `tensor_name_in_ckpt` or "
                         "none of them.")
    if initializer is not None and not callable(initializer):
        raise ValueError("initializer must be callable if specified." + which)
    if initializer is None:
        from scopeflow.ops.init_ops import truncated_normal_initializer
        initializer = truncated_normal_initializer(mean=0.0, stddev=1 / math.sqrt(dimension))
    return initializer


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True, use_safe_embedding_lookup=True):
    """`tf.feature_column.embedding_column`: a categorical column through an embedding table.

    >>> import scopeflow as tf
    >>> ids = tf.feature_column.categorical_column_with_identity("k", 5)
    >>> tf.feature_column.embedding_column(ids, 4, combiner="sum").dimension
    4
    """
    initializer = embedding_initializer(
        dimension, ckpt_to_load_from, tensor_name_in_ckpt, initializer,
        " Embedding of column_name: {}".format(categorical_column.name))
    return EmbeddingColumn(categorical_column, dimension, combiner, initializer,
                           ckpt_to_load_from, tensor_name_in_ckpt, max_norm, trainable,
                           use_safe_embedding_lookup)


def indicator_column(categorical_column):
    """`tf.feature_column.indicator_column`: multi-hot vectors of a categorical column.

    >>> import scopeflow as tf
    >>> ids = tf.feature_column.categorical_column_with_identity("k", 5)
    >>> tf.feature_column.indicator_column(ids).name
    'k_indicator'
    """
    if not isinstance(categorical_column, CategoricalColumn):
        raise ValueError("Unsupported input type. Input must be a CategoricalColumn. Given: {}"
                         .format(categorical_column))
    return IndicatorColumn(categorical_column)
