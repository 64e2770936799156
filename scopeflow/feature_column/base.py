"""What every feature column shares: the column kinds, the lazy per-call feature cache, and
the checks TF runs on column lists and raw features.

    >>> from scopeflow.feature_column.base import to_sparse_input
    >>> import scopeflow as tf
    >>> to_sparse_input(tf.constant([["a", ""]])).values.name
    'to_sparse_input/values:0'

A column is an immutable namedtuple (TF's `repr` and equality) mixed with one of the kinds
below. `Builder` (TF's `_LazyBuilder`) transforms each column at most once per call of
`input_layer` / `linear_model`, and turns a rank-1 raw feature into a column of one.
"""

import collections

from scopeflow import dtypes as _dt
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope
from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue

IdWeightPair = collections.namedtuple("IdWeightPair", ("id_tensor", "weight_tensor"))


class FeatureColumn:
    """A column: `name`, `_parse_example_spec`, `_transform_feature(builder)`."""

    __slots__ = ()
    _is_v2_column = True

    @property
    def _var_scope_name(self):
        return self.name


class DenseColumn(FeatureColumn):
    """A column with a dense representation (`_get_dense_tensor`, `_variable_shape`)."""

    __slots__ = ()


class CategoricalColumn(FeatureColumn):
    """A column of ids in `[0, _num_buckets)` (`_get_sparse_tensors`)."""

    __slots__ = ()
    IdWeightPair = IdWeightPair

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        return IdWeightPair(inputs.get(self), None)


def convert_feature(value):
    """TF's convert_to_tensor_or_sparse_tensor."""
    from scopeflow.ops.constant import convert_to_tensor
    if isinstance(value, SparseTensorValue):
        return SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        return value
    return convert_to_tensor(value)


class Builder:
    """TF's `_LazyBuilder`: raw features by key, transformed columns cached by column."""

    def __init__(self, features):
        self._features = dict(features)
        self._tensors = {}

    def get(self, key):
        if key in self._tensors:
            return self._tensors[key]
        if isinstance(key, str):
            if key not in self._features:
                raise ValueError("Feature {} is not in features dictionary.".format(key))
            out = self._raw(key)
        elif not isinstance(key, FeatureColumn):
            raise TypeError('"key" must be either a "str" or "_FeatureColumn". Provided: {}'
                            .format(key))
        else:
            out = key._transform_feature(self)
            if out is None:
                raise ValueError("Column {} is not supported.".format(key.name))
        self._tensors[key] = out
        return out

    def _raw(self, key):
        t = convert_feature(self._features[key])
        rank = t.shape.ndims
        if rank == 0:
            raise ValueError("Feature (key: {}) cannot have rank 0. Given: {}".format(key, t))
        if rank == 1:
            return _expand(t)
        if rank is None and isinstance(t, SparseTensor):
            return _expand_unknown_sparse(t)
        if rank is None:
            raise ValueError("Feature (key: {}) has unknown rank; scopeflow needs its rank "
                             "(set the placeholder's shape)".format(key))
        return t


def _expand(t):
    if isinstance(t, SparseTensor):
        from scopeflow.ops.sparse_reshape import sparse_reshape
        return sparse_reshape(t, [sparse_shape(t)[0], 1])
    return array.expand_dims(t, -1)


def sparse_shape(sp):
    """TF's array_ops.shape of a SparseTensor: its dense_shape as int32."""
    from scopeflow.ops.math_cast import cast
    with name_scope(None, "Shape"):
        return cast(sp.dense_shape, _dt.int32, name="Cast")


def _expand_unknown_sparse(sp):
    """A SparseTensor of unknown rank: rank 1 becomes (n, 1), other ranks stay. TF chooses
    with a tf.cond (host ops cannot run in one here): the shape is [d0, 1] cut to max(rank,
    2) entries of dense_shape + [1], the same values without a branch."""
    from scopeflow.ops import math as m
    from scopeflow.ops.constant import constant
    from scopeflow.ops.sparse_reshape import sparse_reshape
    rank = array.size(sp.dense_shape)
    padded = array.concat([sp.dense_shape, constant([1], _dt.int64)], 0)
    return sparse_reshape(sp, array.slice(padded, [0], array.reshape(m.maximum(rank, 2), [1])))


def to_sparse_input(input_tensor, ignore_value=None):
    """A dense feature as a SparseTensor without its `ignore_value` entries ('' or -1)."""
    from scopeflow.ops import math as m
    from scopeflow.ops.gather import gather_nd, where
    from scopeflow.ops.math_cast import cast
    t = convert_feature(input_tensor)
    if isinstance(t, SparseTensor):
        return t
    with name_scope(None, "to_sparse_input", (t, ignore_value)):
        dtype = t.dtype.base_dtype
        if ignore_value is None:
            if dtype == _dt.string:
                ignore_value = ""
            elif dtype.is_integer:
                ignore_value = -1
            else:
                ignore_value = dtype.as_numpy_dtype()
        ignore = cast(ignore_value, dtype, name="ignore_value")
        indices = where(m.not_equal(t, ignore), name="indices")
        return SparseTensor(indices, gather_nd(t, indices, name="values"),
                            array.shape(t, out_type=_dt.int64, name="dense_shape"))


def normalize_columns(feature_columns):
    """A list of columns, checked as TF does (kind, duplicates, not empty)."""
    if isinstance(feature_columns, FeatureColumn):
        feature_columns = [feature_columns]
    if isinstance(feature_columns, collections.abc.Iterator):
        feature_columns = list(feature_columns)
    if isinstance(feature_columns, dict):
        raise ValueError("Expected feature_columns to be iterable, found dict.")
    for column in feature_columns:
        if not isinstance(column, FeatureColumn):
            raise ValueError("Items of feature_columns must be a _FeatureColumn. Given (type "
                             "{}): {}.".format(type(column), column))
    if not feature_columns:
        raise ValueError("feature_columns must not be empty.")
    by_name = {}
    for column in feature_columns:
        if column.name in by_name:
            raise ValueError(
                "Duplicate feature column name found for columns: {} and {}. This usually "
                "means that these columns refer to same base feature. Either one must be "
                "discarded or a duplicated but renamed item must be inserted in features dict."
                .format(column, by_name[column.name]))
        by_name[column.name] = column
    return list(feature_columns)


def verify_batch_sizes(tensors, columns):
    """TF's check that the static batch sizes (first dims) of all outputs agree."""
    expected, first = None, None
    for i, t in enumerate(tensors):
        d = t.shape.dims[0] if t.shape.dims else None
        if d is None or d.value is None:
            continue
        if expected is None:
            expected, first = d, i
        elif not expected.is_compatible_with(d):
            raise ValueError("Batch size (first dimension) of each feature must be same. Batch "
                             "size of columns ({}, {}): ({}, {})".format(
                                 columns[first].name, columns[i].name, expected, d))


def assert_string_or_int(dtype, prefix):
    if dtype != _dt.string and not dtype.is_integer:
        raise ValueError("{} dtype must be string or integer. dtype: {}.".format(prefix, dtype))


def assert_key_is_string(key):
    if not isinstance(key, str):
        raise ValueError("key must be a string. Got: type {}. Given key: {}.".format(type(key),
                                                                                  key))
