"""crossed_column: ids of feature combinations, hashed by SparseCross (sparse_cross.py).

    >>> import scopeflow as tf
    >>> tf.feature_column.crossed_column(["b", "a"], 10).name
    'a_X_b'
"""

import collections

from scopeflow.feature_column.base import CategoricalColumn, FeatureColumn
from scopeflow.feature_column.categorical import HashedCategoricalColumn

__all__ = ["CrossedColumn", "crossed_column"]


def _leaf_keys(cross):
    keys = []
    for k in cross.keys:
        keys.extend(_leaf_keys(k) if isinstance(k, CrossedColumn) else [k])
    return keys


class CrossedColumn(CategoricalColumn, collections.namedtuple(
        "CrossedColumn", ("keys", "hash_bucket_size", "hash_key"))):
    """Hashes of one value per key per row (string keys: raw features; columns: their ids)."""

    @property
    def name(self):
        names = [k.name if isinstance(k, FeatureColumn) else k for k in _leaf_keys(self)]
        return "_X_".join(sorted(names))

    @property
    def _parse_example_spec(self):
        from scopeflow import dtypes as _dt
        from scopeflow.io.parsing_config import VarLenFeature
        config = {}
        for key in self.keys:
            if isinstance(key, FeatureColumn):
                config.update(key._parse_example_spec)
            else:
                config[key] = VarLenFeature(_dt.string)
        return config

    parse_example_spec = _parse_example_spec
    num_buckets = _num_buckets = property(lambda self: self.hash_bucket_size)

    def _transform_feature(self, inputs):
        from scopeflow.ops.sparse_cross import sparse_cross_hashed
        tensors = []
        for key in _leaf_keys(self):
            if isinstance(key, str):
                tensors.append(inputs.get(key))
            elif isinstance(key, CategoricalColumn):
                pair = key._get_sparse_tensors(inputs)
                if pair.weight_tensor is not None:
                    raise ValueError("crossed_column does not support weight_tensor, but the "
                                     "given column populates weight_tensor. Given column: {}"
                                     .format(key.name))
                tensors.append(pair.id_tensor)
            else:
                raise ValueError("Unsupported column type. Given: {}".format(key))
        return sparse_cross_hashed(tensors, num_buckets=self.hash_bucket_size,
                                   hash_key=self.hash_key)


def crossed_column(keys, hash_bucket_size, hash_key=None):
    """`tf.feature_column.crossed_column`: a hashed cross of keys and categorical columns.

    >>> import scopeflow as tf
    >>> tf.feature_column.crossed_column(["a", "b"], 7).num_buckets
    7
    """
    if not hash_bucket_size or hash_bucket_size < 1:
        raise ValueError("hash_bucket_size must be > 1. hash_bucket_size: {}"
                         .format(hash_bucket_size))
    if not keys or len(keys) < 2:
        raise ValueError("keys must be a list with length > 1. Given: {}".format(keys))
    for key in keys:
        if not isinstance(key, (str, CategoricalColumn)):
            raise ValueError("Unsupported key type. All keys must be either string, or "
                             "categorical column except HashedCategoricalColumn. Given: {}"
                             .format(key))
        if isinstance(key, HashedCategoricalColumn):
            raise ValueError(
                "categorical_column_with_hash_bucket is not supported for crossing. Hashing "
                "before crossing will increase probability of collision. Instead, use the "
                "feature name as a string. Given: {}".format(key))
    return CrossedColumn(tuple(keys), hash_bucket_size, hash_key)
