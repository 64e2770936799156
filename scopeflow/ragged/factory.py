"""`tf.ragged.constant` / `constant_value` / `placeholder`, as TF builds them.

    >>> import scopeflow as tf
    >>> tf.ragged.constant([[1, 2], [3]]).flat_values.name
    'RaggedConstant/values:0'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops.constant import constant as _constant
from scopeflow.ops.constant import placeholder as _placeholder
from scopeflow.ops.op_util import name_scope
from scopeflow.ragged.ragged_tensor import RaggedTensor, is_ragged
from scopeflow.ragged.value import RaggedTensorValue


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None,
             row_splits_dtype=_dt.int64):
    """`tf.ragged.constant`: a RaggedTensor of the nested lists `pylist`."""
    def ragged_factory(values, row_splits):
        row_splits = _constant(row_splits, dtype=row_splits_dtype)
        return RaggedTensor.from_row_splits(values, row_splits, validate=False)

    with name_scope(name, "RaggedConstant"):
        return _constant_value(ragged_factory, _constant, pylist, dtype, ragged_rank,
                               inner_shape)


def constant_value(pylist, dtype=None, ragged_rank=None, inner_shape=None,
                   row_splits_dtype="int64"):
    """`tf.ragged.constant_value`: a RaggedTensorValue (NumPy) of `pylist`."""
    if isinstance(dtype, _dt.DType):
        dtype = dtype.as_numpy_dtype
    splits_type = _dt.as_dtype(row_splits_dtype).as_numpy_dtype

    def ragged_factory(values, row_splits):
        return RaggedTensorValue(values, np.array(row_splits, dtype=splits_type))

    def inner_factory(pylist, dtype, shape, name=None):
        if dtype is object or dtype is None:
            return np.reshape(np.array(pylist, dtype=dtype), shape)
        return np.reshape(np.array(pylist).astype(dtype), shape)
    return _constant_value(ragged_factory, inner_factory, pylist, dtype, ragged_rank,
                           inner_shape)


def _constant_value(ragged_factory, inner_factory, pylist, dtype, ragged_rank, inner_shape):
    if is_ragged(pylist):
        raise TypeError("pylist may not be a RaggedTensor or RaggedTensorValue.")
    if not isinstance(pylist, (list, tuple)) and np.ndim(pylist) == 0:
        if ragged_rank is not None and ragged_rank != 0:
            raise ValueError("Invalid pylist=%r: incompatible with ragged_rank=%d"
                             % (pylist, ragged_rank))
        if inner_shape is not None and inner_shape:
            raise ValueError("Invalid pylist=%r: incompatible with dim(inner_shape)=%d"
                             % (pylist, len(inner_shape)))
        return inner_factory(pylist, dtype, ())
    if ragged_rank is not None and ragged_rank < 0:
        raise ValueError("Invalid ragged_rank=%r: must be nonnegative" % ragged_rank)
    scalar_depth, max_depth = _find_scalar_and_max_depth(pylist)
    if scalar_depth is not None:
        if max_depth > scalar_depth:
            raise ValueError("Invalid pylist=%r: empty list nesting is greater than scalar "
                             "value nesting" % pylist)
        if ragged_rank is not None and max_depth < ragged_rank:
            raise ValueError("Invalid pylist=%s, max depth smaller than ragged_rank=%s"
                             % (pylist, ragged_rank))
    if inner_shape is not None and ragged_rank is not None:
        expected = ragged_rank + len(inner_shape) + 1
        if (scalar_depth is not None and expected != scalar_depth) or (
                scalar_depth is None and expected < max_depth):
            raise ValueError("Invalid pylist=%r: incompatible with ragged_rank=%d and "
                             "dim(inner_shape)=%d" % (pylist, ragged_rank, len(inner_shape)))
    if ragged_rank == 0 or (ragged_rank is None and (max_depth < 2 or (
            inner_shape is not None and max_depth - len(inner_shape) < 2))):
        return inner_factory(pylist, dtype, inner_shape)
    if inner_shape is None:
        inner_shape = () if ragged_rank is None else \
            _default_inner_shape(pylist, ragged_rank)
    if ragged_rank is None:
        ragged_rank = max(1, max_depth - 1) if scalar_depth is None else \
            max(1, scalar_depth - 1 - len(inner_shape))
    nested_splits, values = [], pylist
    for dim in range(ragged_rank):
        splits, flat = [0], []
        for row in values:
            splits.append(splits[-1] + len(row))
            flat.extend(row)
        nested_splits.append(splits)
        values = flat
    values = inner_factory(values, dtype=dtype, shape=(len(values),) + tuple(inner_shape),
                           name="values")
    for row_splits in reversed(nested_splits):
        values = ragged_factory(values, row_splits)
    return values


def _find_scalar_and_max_depth(pylist):
    if isinstance(pylist, (list, tuple)) or np.ndim(pylist) != 0:
        scalar_depth, max_depth = None, 1
        for child in pylist:
            child_scalar, child_max = _find_scalar_and_max_depth(child)
            if child_scalar is not None:
                if scalar_depth is not None and scalar_depth != child_scalar + 1:
                    raise ValueError("all scalar values must have the same nesting depth")
                scalar_depth = child_scalar + 1
            max_depth = max(max_depth, child_max + 1)
        return scalar_depth, max_depth
    return 0, 0


def _default_inner_shape(pylist, ragged_rank):
    def get_inner_shape(item):
        if not isinstance(item, (list, tuple)) and np.ndim(item) == 0:
            return ()
        if len(item) > 0:
            return (len(item),) + get_inner_shape(item[0])
        return (0,)

    def check_inner_shape(item, shape):
        nested = isinstance(item, (list, tuple)) or np.ndim(item) != 0
        if nested != bool(shape):
            raise ValueError("inner values have inconsistent shape")
        if nested:
            if shape[0] != len(item):
                raise ValueError("inner values have inconsistent shape")
            for child in item:
                check_inner_shape(child, shape[1:])

    flat = pylist
    for dim in range(ragged_rank):
        if not all(isinstance(v, (list, tuple)) or np.ndim(v) != 0 for v in flat):
            raise ValueError("pylist has scalar values depth %d, but ragged_rank=%d requires "
                             "scalar value depth greater than %d"
                             % (dim + 1, ragged_rank, ragged_rank))
        flat = sum((list(v) for v in flat), [])
    inner = get_inner_shape(flat)
    check_inner_shape(flat, inner)
    return inner[1:]


def placeholder(dtype, ragged_rank, value_shape=None, name=None):
    """`tf.ragged.placeholder`: a RaggedTensor whose flat values and splits are fed."""
    if ragged_rank == 0:
        return _placeholder(dtype, value_shape, name)
    with name_scope(name, "RaggedPlaceholder", []):
        flat_shape = TensorShape([None]).concatenate(TensorShape(value_shape))
        result = _placeholder(dtype, flat_shape, "flat_values")
        for i in reversed(range(ragged_rank)):
            splits = _placeholder(_dt.int64, [None], "row_splits_%d" % i)
            result = RaggedTensor.from_row_splits(result, splits, validate=False)
        return result
