"""shared_embedding_columns: several categorical columns over one embedding table.

    >>> import scopeflow as tf
    >>> fc = tf.feature_column
    >>> a, b = (fc.categorical_column_with_identity(k, 5) for k in "ab")
    >>> [c.name for c in fc.shared_embedding_columns([b, a], 2)]
    ['b_shared_embedding', 'a_shared_embedding']

The table is `<scope>/<collection name>/embedding_weights`, made by the first column that
input_layer visits and found by the others in the graph collection of that name (TF1's
`_SharedEmbeddingColumn`).
"""

import collections

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.feature_column.base import CategoricalColumn, DenseColumn
from scopeflow.feature_column.categorical import WeightedCategoricalColumn
from scopeflow.feature_column.dense import embedding_initializer, lookup

__all__ = ["shared_embedding_columns"]

_COLLECTION_TEXT = ("Suggested fix A: Choose a unique name for this collection. Suggested fix B: "
                    "Do not add any variables to this collection. The feature_column library "
                    "already adds a variable under the hood.")


class SharedEmbeddingColumn(DenseColumn, collections.namedtuple("_SharedEmbeddingColumn", (
        "categorical_column", "dimension", "combiner", "initializer",
        "shared_embedding_collection_name", "ckpt_to_load_from", "tensor_name_in_ckpt",
        "max_norm", "trainable", "use_safe_embedding_lookup"))):
    """An embedding column whose table is shared through a graph collection."""

    name = property(lambda self: "{}_shared_embedding".format(self.categorical_column.name))
    _var_scope_name = property(lambda self: self.shared_embedding_collection_name)
    _parse_example_spec = property(lambda self: self.categorical_column._parse_example_spec)
    _variable_shape = property(lambda self: TensorShape([self.dimension]))

    def _transform_feature(self, inputs):
        return inputs.get(self.categorical_column)

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        from scopeflow.ops.op_util import name_scope
        with name_scope(None, default_name=self.name):
            pair = self.categorical_column._get_sparse_tensors(inputs, weight_collections,
                                                               trainable)
            weights = self._table(weight_collections, trainable)
            if self.ckpt_to_load_from is not None:
                from scopeflow.checkpoint.init_from import init_from_checkpoint
                init_from_checkpoint(self.ckpt_to_load_from,
                                     {self.tensor_name_in_ckpt: weights})
            return lookup(self, weights, pair)

    def _table(self, weight_collections, trainable):
        from scopeflow.core.frame import default_graph
        from scopeflow.core.getters import get_variable
        shape = (self.categorical_column._num_buckets, self.dimension)
        found = default_graph().get_collection(self.shared_embedding_collection_name)
        if found:
            if len(found) > 1:
                raise ValueError("Collection {} can only contain one variable. {}".format(
                    found, _COLLECTION_TEXT))
            table = found[0]
            if table.get_shape() != shape:
                raise ValueError(
                    "Shared embedding collection {} contains variable {} of unexpected shape "
                    "{}. Expected shape is {}. {}".format(
                        self.shared_embedding_collection_name, table.name, table.get_shape(),
                        shape, _COLLECTION_TEXT))
            return table
        table = get_variable("embedding_weights", shape=shape, dtype=_dt.float32,
                             initializer=self.initializer,
                             trainable=self.trainable and (True if trainable is None
                                                           else trainable),
                             collections=weight_collections)
        default_graph().add_to_collection(self.shared_embedding_collection_name, table)
        return table


def _tf_type(column):
    """The type as TF's messages print it (its classes live in feature_column_v2)."""
    return "<class 'tensorflow.python.feature_column.feature_column_v2.%s'>" % (
        type(column).__name__)


def _unweighted(column):
    while isinstance(column, WeightedCategoricalColumn):
        column = column.categorical_column
    return column


def _check_columns(categorical_columns):
    columns = sorted(categorical_columns, key=lambda x: x.name)
    c0 = columns[0]
    num_buckets = c0._num_buckets
    if not isinstance(c0, CategoricalColumn):
        raise ValueError("All categorical_columns must be subclasses of _CategoricalColumn. "
                         "Given: {}, of type: {}".format(c0, _tf_type(c0)))
    c0 = _unweighted(c0)
    for c in columns[1:]:
        c = _unweighted(c)
        if not isinstance(c, type(c0)):
            raise ValueError(
                "To use shared_embedding_column, all categorical_columns must have the same "
                "type, or be weighted_categorical_column or sequence column of the same type. "
                "Given column: {} of type: {} does not match given column: {} of type: {}"
                .format(c0, _tf_type(c0), c, _tf_type(c)))
        if num_buckets != c._num_buckets:
            raise ValueError(
                "To use shared_embedding_column, all categorical_columns must have the same "
                "number of buckets. ven column: {} with buckets: {} does  not match column: {} "
                "with buckets: {}".format(c0, num_buckets, c, c._num_buckets))
    return columns


def shared_embedding_columns(categorical_columns, dimension, combiner="mean", initializer=None,
                             shared_embedding_collection_name=None, ckpt_to_load_from=None,
                             tensor_name_in_ckpt=None, max_norm=None, trainable=True,
                             use_safe_embedding_lookup=True):
    """`tf.feature_column.shared_embedding_columns`: one table for several id columns.

    >>> import scopeflow as tf
    >>> fc = tf.feature_column
    >>> a, b = (fc.categorical_column_with_identity(k, 5) for k in "ab")
    >>> fc.shared_embedding_columns([a, b], 2)[0].shared_embedding_collection_name
    'a_b_shared_embedding'
    """
    initializer = embedding_initializer(dimension, ckpt_to_load_from, tensor_name_in_ckpt,
                                        initializer)
    columns = _check_columns(categorical_columns)
    if not shared_embedding_collection_name:
        shared_embedding_collection_name = "_".join(c.name for c in columns)
        shared_embedding_collection_name += "_shared_embedding"
    return [SharedEmbeddingColumn(column, dimension, combiner, initializer,
                                  shared_embedding_collection_name, ckpt_to_load_from,
                                  tensor_name_in_ckpt, max_norm, trainable,
                                  use_safe_embedding_lookup)
            for column in categorical_columns]
