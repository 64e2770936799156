"""Categorical columns: ids by identity, vocabulary (list or file) or hash, and weighted ids.

    >>> import scopeflow as tf
    >>> tf.feature_column.categorical_column_with_identity("id", 10).num_buckets
    10

Each turns its raw feature (a SparseTensor, or a dense tensor without its '' / -1 entries)
into a SparseTensor of int64 ids in `[0, num_buckets)`.
"""

import collections

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.feature_column.base import (CategoricalColumn, IdWeightPair, assert_key_is_string,
                                           assert_string_or_int, convert_feature,
                                           to_sparse_input)
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["categorical_column_with_hash_bucket", "categorical_column_with_identity",
           "categorical_column_with_vocabulary_file", "categorical_column_with_vocabulary_list",
           "weighted_categorical_column"]


def _var_len(dtype):
    from scopeflow.io.parsing_config import VarLenFeature
    return VarLenFeature(dtype)


def _check_compatible(column, t):
    if column.dtype.is_integer != t.dtype.is_integer:
        raise ValueError("Column dtype and SparseTensors dtype must be compatible. key: {}, "
                         "column dtype: {}, tensor dtype: {}".format(column.key, column.dtype,
                                                                      t.dtype))


class _KeyedColumn(CategoricalColumn):
    __slots__ = ()
    name = property(lambda self: self.key)
    _num_buckets = property(lambda self: self.num_buckets)


class HashedCategoricalColumn(_KeyedColumn, collections.namedtuple(
        "HashedCategoricalColumn", ("key", "hash_bucket_size", "dtype"))):
    """Ids: Fingerprint64 of the string (or of the int as a string) mod `hash_bucket_size`."""

    _parse_example_spec = parse_example_spec = property(lambda self: {self.key: _var_len(
        self.dtype)})
    num_buckets = property(lambda self: self.hash_bucket_size)

    def _transform_feature(self, inputs):
        from scopeflow.ops.strings import as_string, to_hash_bucket_fast
        t = to_sparse_input(inputs.get(self.key))
        if not isinstance(t, SparseTensor):
            raise ValueError("SparseColumn input must be a SparseTensor.")
        assert_string_or_int(t.dtype, prefix="column_name: {} input_tensor".format(self.key))
        _check_compatible(self, t)
        values = t.values if self.dtype == _dt.string else as_string(t.values)
        ids = to_hash_bucket_fast(values, self.hash_bucket_size, name="lookup")
        return SparseTensor(t.indices, ids, t.dense_shape)


class _VocabularyColumn(_KeyedColumn):
    __slots__ = ()
    _parse_example_spec = parse_example_spec = property(lambda self: {self.key: _var_len(
        self.dtype)})

    def _transform_feature(self, inputs):
        from scopeflow.ops.math_cast import cast
        t = to_sparse_input(inputs.get(self.key))
        _check_compatible(self, t)
        assert_string_or_int(t.dtype, prefix="column_name: {} input_tensor".format(self.key))
        key_dtype = self.dtype
        if t.dtype.is_integer:
            key_dtype = _dt.int64
            t = SparseTensor(t.indices, cast(t.values, _dt.int64), t.dense_shape)
        from scopeflow.core.variables import init_scope
        with init_scope():
            table = self._make_table(key_dtype, "{}_lookup".format(self.key))
        return table.lookup(t)


class VocabularyListCategoricalColumn(_VocabularyColumn, collections.namedtuple(
        "VocabularyListCategoricalColumn",
        ("key", "vocabulary_list", "dtype", "default_value", "num_oov_buckets"))):
    """Ids: the index in `vocabulary_list`; OOV hashed into extra buckets or `default_value`."""

    num_buckets = property(lambda self: len(self.vocabulary_list) + self.num_oov_buckets)

    def _make_table(self, key_dtype, name):
        from scopeflow.ops.lookup_ops import index_table_from_tensor
        return index_table_from_tensor(tuple(self.vocabulary_list), self.num_oov_buckets,
                                       self.default_value, dtype=key_dtype, name=name)


class VocabularyFileCategoricalColumn(_VocabularyColumn, collections.namedtuple(
        "VocabularyFileCategoricalColumn", ("key", "vocabulary_file", "vocabulary_size",
                                            "num_oov_buckets", "dtype", "default_value",
                                            "file_format"))):
    """Ids: the line of the value in `vocabulary_file`; OOV as the list column."""

    num_buckets = property(lambda self: self.vocabulary_size + self.num_oov_buckets)

    def _make_table(self, key_dtype, name):
        from scopeflow.ops.lookup_ops import index_table_from_file
        return index_table_from_file(self.vocabulary_file, self.num_oov_buckets,
                                     self.vocabulary_size, self.default_value,
                                     key_dtype=key_dtype, name=name)


class IdentityCategoricalColumn(_KeyedColumn, collections.namedtuple(
        "IdentityCategoricalColumn", ("key", "number_buckets", "default_value"))):
    """Ids: the integer values themselves (out of range: `default_value`, else unchecked)."""

    _parse_example_spec = parse_example_spec = property(lambda self: {self.key: _var_len(
        _dt.int64)})
    num_buckets = property(lambda self: self.number_buckets)

    def _transform_feature(self, inputs):
        from scopeflow.ops import math as m
        from scopeflow.ops.gather import where_v2
        from scopeflow.ops.math_cast import cast
        from scopeflow.ops.op_util import array_ops as array
        t = to_sparse_input(inputs.get(self.key))
        if not t.dtype.is_integer:
            raise ValueError("Invalid input, not integer. key: {} dtype: {}".format(self.key,
                                                                                t.dtype))
        values = t.values
        if values.dtype.base_dtype != _dt.int64:
            values = cast(values, _dt.int64, name="values")
        if self.default_value is not None:
            values = cast(t.values, _dt.int64, name="values")
            n = cast(self.num_buckets, _dt.int64, name="num_buckets")
            zero = cast(0, _dt.int64, name="zero")
            bad = m.logical_or(values < zero, values >= n, name="out_of_range")
            fill = array.fill(array.shape(values), cast(self.default_value, _dt.int64),
                              name="default_values")
            values = where_v2(bad, fill, values)
        return SparseTensor(t.indices, values, t.dense_shape)


class WeightedCategoricalColumn(CategoricalColumn, collections.namedtuple(
        "WeightedCategoricalColumn", ("categorical_column", "weight_feature_key", "dtype"))):
    """A categorical column whose ids carry the weights of feature `weight_feature_key`."""

    name = property(lambda self: "{}_weighted_by_{}".format(self.categorical_column.name,
                                                            self.weight_feature_key))
    num_buckets = _num_buckets = property(lambda self: self.categorical_column._num_buckets)

    @property
    def _parse_example_spec(self):
        config = dict(self.categorical_column._parse_example_spec)
        if self.weight_feature_key in config:
            raise ValueError("Parse config {} already exists for {}.".format(
                config[self.weight_feature_key], self.weight_feature_key))
        config[self.weight_feature_key] = _var_len(self.dtype)
        return config

    parse_example_spec = _parse_example_spec

    def _transform_feature(self, inputs):
        from scopeflow.ops.math_cast import cast
        weights = inputs.get(self.weight_feature_key)
        if weights is None:
            raise ValueError("Missing weights {}.".format(self.weight_feature_key))
        weights = convert_feature(weights)
        if self.dtype != weights.dtype.base_dtype:
            raise ValueError("Bad dtype, expected {}, but got {}.".format(self.dtype,
                                                                         weights.dtype))
        if not isinstance(weights, SparseTensor):
            weights = to_sparse_input(weights, ignore_value=0.0)
        if not weights.dtype.is_floating:
            weights = SparseTensor(weights.indices, cast(weights.values, _dt.float32),
                                   weights.dense_shape)
        return inputs.get(self.categorical_column), weights

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        ids, weights = inputs.get(self)
        return IdWeightPair(ids, weights)


def categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=_dt.string):
    """`tf.feature_column.categorical_column_with_hash_bucket`: ids by string hash.

    >>> import scopeflow as tf
    >>> tf.feature_column.categorical_column_with_hash_bucket("w", 100).name
    'w'
    """
    if hash_bucket_size is None:
        raise ValueError("hash_bucket_size must be set. key: {}".format(key))
    if hash_bucket_size < 1:
        raise ValueError("hash_bucket_size must be at least 1. hash_bucket_size: {}, key: {}"
                         .format(hash_bucket_size, key))
    assert_key_is_string(key)
    dtype = _dt.as_dtype(dtype)
    assert_string_or_int(dtype, prefix="column_name: {}".format(key))
    return HashedCategoricalColumn(key, hash_bucket_size, dtype)


def _check_oov(key, num_oov_buckets, default_value, unset):
    if num_oov_buckets:
        if default_value != unset:
            raise ValueError("Can't specify both num_oov_buckets and default_value in {}."
                             .format(key))
        if num_oov_buckets < 0:
            raise ValueError("Invalid num_oov_buckets {} in {}.".format(num_oov_buckets, key))


def categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None,
                                            num_oov_buckets=0, default_value=None,
                                            dtype=_dt.string):
    """`tf.feature_column.categorical_column_with_vocabulary_file`: ids by line of a file.

    >>> import scopeflow as tf, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "v.txt"); _ = open(path, "w").write("a\\nb\\n")
    >>> tf.feature_column.categorical_column_with_vocabulary_file("k", path).num_buckets
    2
    """
    from scopeflow.io import gfile
    if not vocabulary_file:
        raise ValueError("Missing vocabulary_file in {}.".format(key))
    if vocabulary_size is None:
        if not gfile.exists(vocabulary_file):
            raise ValueError("vocabulary_file in {} does not exist.".format(key))
        with open(vocabulary_file, "rb") as f:
            vocabulary_size = sum(1 for _ in f)
    if vocabulary_size < 1:
        raise ValueError("Invalid vocabulary_size in {}.".format(key))
    _check_oov(key, num_oov_buckets, default_value, None)
    dtype = _dt.as_dtype(dtype)
    assert_string_or_int(dtype, prefix="column_name: {}".format(key))
    assert_key_is_string(key)
    return VocabularyFileCategoricalColumn(
        key, vocabulary_file, vocabulary_size, 0 if num_oov_buckets is None else num_oov_buckets,
        dtype, -1 if default_value is None else default_value, None)


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1,
                                            num_oov_buckets=0):
    """`tf.feature_column.categorical_column_with_vocabulary_list`: ids by list position.

    >>> import scopeflow as tf
    >>> tf.feature_column.categorical_column_with_vocabulary_list("k", ["a", "b"]).dtype.name
    'string'
    """
    if vocabulary_list is None or len(vocabulary_list) < 1:
        raise ValueError("vocabulary_list {} must be non-empty, column_name: {}"
                         .format(vocabulary_list, key))
    if len(set(vocabulary_list)) != len(vocabulary_list):
        raise ValueError("Duplicate keys in vocabulary_list {}, column_name: {}"
                         .format(vocabulary_list, key))
    vocab_dtype = _dt.as_dtype(np.array(vocabulary_list).dtype)
    _check_oov(key, num_oov_buckets, default_value, -1)
    assert_string_or_int(vocab_dtype, prefix="column_name: {} vocabulary".format(key))
    if dtype is None:
        dtype = vocab_dtype
    else:
        dtype = _dt.as_dtype(dtype)
        if dtype.is_integer != vocab_dtype.is_integer:
            raise ValueError("dtype {} and vocabulary dtype {} do not match, column_name: {}"
                             .format(dtype, vocab_dtype, key))
    assert_string_or_int(dtype, prefix="column_name: {}".format(key))
    assert_key_is_string(key)
    return VocabularyListCategoricalColumn(key, tuple(vocabulary_list), dtype, default_value,
                                           num_oov_buckets)


def categorical_column_with_identity(key, num_buckets, default_value=None):
    """`tf.feature_column.categorical_column_with_identity`: integer values as ids.

    >>> import scopeflow as tf
    >>> tf.feature_column.categorical_column_with_identity("k", 3, 0).default_value
    0
    """
    if num_buckets < 1:
        raise ValueError("num_buckets {} < 1, column_name {}".format(num_buckets, key))
    if default_value is not None and (default_value < 0 or default_value >= num_buckets):
        raise ValueError("default_value {} not in range [0, {}), column_name {}"
                         .format(default_value, num_buckets, key))
    assert_key_is_string(key)
    return IdentityCategoricalColumn(key, num_buckets, default_value)


def weighted_categorical_column(categorical_column, weight_feature_key, dtype=_dt.float32):
    """`tf.feature_column.weighted_categorical_column`: ids weighted by another feature.

    >>> import scopeflow as tf
    >>> ids = tf.feature_column.categorical_column_with_identity("k", 3)
    >>> tf.feature_column.weighted_categorical_column(ids, "w").name
    'k_weighted_by_w'
    """
    dtype = None if dtype is None else _dt.as_dtype(dtype)
    if dtype is None or not (dtype.is_integer or dtype.is_floating):
        raise ValueError("dtype {} is not convertible to float.".format(dtype))
    return WeightedCategoricalColumn(categorical_column, weight_feature_key, dtype)
