"""numeric_column and bucketized_column: dense numbers, and their buckets (one-hot or ids).

    >>> import scopeflow as tf
    >>> tf.feature_column.numeric_column("price", shape=(2,)).shape
    (2,)
"""

import collections

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.feature_column.base import (CategoricalColumn, DenseColumn, IdWeightPair,
                                           assert_key_is_string)
from scopeflow.ops import nest
from scopeflow.ops.op_util import array_ops as array
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["BucketizedColumn", "NumericColumn", "bucketized_column", "numeric_column"]


def check_shape(shape, key):
    """A column's shape as a tuple of positive ints (TF's `_check_shape`)."""
    if not nest.is_nested(shape):
        shape = [shape]
    shape = tuple(shape)
    for dim in shape:
        if not isinstance(dim, int):
            raise TypeError("shape dimensions must be integer. shape: {}, key: {}"
                            .format(shape, key))
        if dim < 1:
            raise ValueError("shape dimensions must be greater than 0. shape: {}, key: {}"
                             .format(shape, key))
    return shape


def _fill(shape, value):
    return tuple(_fill(shape[1:], value) for _ in range(shape[0])) if shape else value


def _fits(value, shape):
    if nest.is_nested(value) != bool(shape):
        return False
    if not shape:
        return True
    return len(value) == shape[0] and all(_fits(v, shape[1:]) for v in value)


def _as_tuple(value):
    return tuple(_as_tuple(v) for v in value) if nest.is_nested(value) else value


def check_default_value(shape, default_value, dtype, key):
    """`default_value` as nested tuples of `shape` (TF's fc_utils.check_default_value)."""
    if default_value is None:
        return None
    if isinstance(default_value, int):
        return _fill(shape, default_value)
    if isinstance(default_value, float) and dtype.is_floating:
        return _fill(shape, default_value)
    if callable(getattr(default_value, "tolist", None)):
        default_value = default_value.tolist()
    if nest.is_nested(default_value):
        if not _fits(default_value, shape):
            raise ValueError("The shape of default_value must be equal to given shape. "
                             "default_value: {}, shape: {}, key: {}"
                             .format(default_value, shape, key))
        flat = nest.flatten(default_value)
        if all(isinstance(v, int) for v in flat):
            return _as_tuple(default_value)
        if any(isinstance(v, float) for v in flat) and dtype.is_floating:
            return _as_tuple(default_value)
    raise TypeError("default_value must be compatible with dtype. default_value: {}, dtype: {}, "
                    "key: {}".format(default_value, dtype, key))


class NumericColumn(DenseColumn, collections.namedtuple(
        "NumericColumn", ("key", "shape", "default_value", "dtype", "normalizer_fn"))):
    """Real values of a fixed shape, cast to float32 (after `normalizer_fn`)."""

    name = property(lambda self: self.key)

    @property
    def _parse_example_spec(self):
        from scopeflow.io.parsing_config import FixedLenFeature
        return {self.key: FixedLenFeature(self.shape, self.dtype, self.default_value)}

    parse_example_spec = _parse_example_spec

    def _transform_feature(self, inputs):
        from scopeflow.ops.math_cast import cast
        t = inputs.get(self.key)
        if isinstance(t, SparseTensor):
            raise ValueError("The corresponding Tensor of numerical column must be a Tensor. "
                             "SparseTensor is not supported. key: {}".format(self.key))
        if self.normalizer_fn is not None:
            t = self.normalizer_fn(t)
        return cast(t, _dt.float32)

    _variable_shape = variable_shape = property(lambda self: TensorShape(self.shape))

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        return inputs.get(self)


class BucketizedColumn(DenseColumn, CategoricalColumn, collections.namedtuple(
        "BucketizedColumn", ("source_column", "boundaries"))):
    """The bucket of each value of a numeric column: one-hot (dense) or ids (categorical)."""

    name = property(lambda self: "{}_bucketized".format(self.source_column.name))
    _parse_example_spec = parse_example_spec = property(
        lambda self: self.source_column._parse_example_spec)

    def _transform_feature(self, inputs):
        from scopeflow.ops.gather import bucketize
        return bucketize(inputs.get(self.source_column), boundaries=list(self.boundaries))

    _variable_shape = variable_shape = property(lambda self: TensorShape(
        tuple(self.source_column.shape) + (len(self.boundaries) + 1,)))

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        from scopeflow.ops.math_cast import cast
        from scopeflow.ops.shape_ops import one_hot
        return one_hot(cast(inputs.get(self), _dt.int64), depth=len(self.boundaries) + 1,
                       on_value=1.0, off_value=0.0)

    _num_buckets = num_buckets = property(
        lambda self: (len(self.boundaries) + 1) * self.source_column.shape[0])

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        from scopeflow.ops.math_cast import cast
        from scopeflow.ops.shape_ops import range as _range
        t = inputs.get(self)
        batch = array.shape(t)[0]
        dim = self.source_column.shape[0]
        i1 = array.reshape(array.tile(array.expand_dims(_range(0, batch), 1), [1, dim]), (-1,))
        i2 = array.tile(_range(0, dim), [batch])
        ids = array.reshape(t, (-1,)) + (len(self.boundaries) + 1) * i2
        indices = cast(array.transpose(array.stack((i1, i2))), _dt.int64)
        shape = cast(array.stack([batch, dim]), _dt.int64)
        return IdWeightPair(SparseTensor(indices, ids, shape), None)


def numeric_column(key, shape=(1,), default_value=None, dtype=_dt.float32, normalizer_fn=None):
    """`tf.feature_column.numeric_column`: a dense real-valued feature of `shape`.

    >>> import scopeflow as tf
    >>> tf.feature_column.numeric_column("x").name
    'x'
    """
    shape = check_shape(shape, key)
    dtype = _dt.as_dtype(dtype)
    if not (dtype.is_integer or dtype.is_floating):
        raise ValueError("dtype must be convertible to float. dtype: {}, key: {}"
                         .format(dtype, key))
    default_value = check_default_value(shape, default_value, dtype, key)
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError("normalizer_fn must be a callable. Given: {}".format(normalizer_fn))
    assert_key_is_string(key)
    return NumericColumn(key, shape, default_value, dtype, normalizer_fn)


def bucketized_column(source_column, boundaries):
    """`tf.feature_column.bucketized_column`: buckets of a numeric column by `boundaries`.

    >>> import scopeflow as tf
    >>> x = tf.feature_column.numeric_column("x")
    >>> tf.feature_column.bucketized_column(x, [0., 1.]).num_buckets
    3
    """
    if not isinstance(source_column, NumericColumn):
        raise ValueError("source_column must be a column generated with numeric_column(). "
                         "Given: {}".format(source_column))
    if len(source_column.shape) > 1:
        raise ValueError("source_column must be one-dimensional column. Given: {}"
                         .format(source_column))
    if not boundaries:
        raise ValueError("boundaries must not be empty.")
    if not isinstance(boundaries, (list, tuple)):
        raise ValueError("boundaries must be a sorted list.")
    for i in range(len(boundaries) - 1):
        if boundaries[i] >= boundaries[i + 1]:
            raise ValueError("boundaries must be a sorted list.")
    return BucketizedColumn(source_column, tuple(boundaries))
