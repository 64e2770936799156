"""`tf.sets`: set operations along the last dimension (TF's DenseToDenseSetOperation,
DenseToSparseSetOperation, SparseToSparseSetOperation, SetSize).

Each group (an index over all but the last dimension) holds a set: the values of a dense row,
or the values of a SparseTensor's entries with that index prefix. A set operation returns a
SparseTensor: per group, the sorted elements of the result, groups in row-major order, dense
shape = the group shape + [the largest result]. Result sizes depend on the values, so the ops
run on the host (dynamic_shape.py).

    >>> import scopeflow as tf
    >>> tf.sets.union([[1, 2]], [[2, 3]]).values.name
    'DenseToDenseSetOperation:1'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import check_rank, dims_of, merge_dims
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.registry import ANY, ShapeError, T, spec
from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue

_I64 = _dt.int64
_VALID = ("int8", "int16", "int32", "int64", "uint8", "uint16", "string")
# (TF's message shows its frozenset of dtypes; this is the order TF 2.21 prints)
_VALID_TEXT = "frozenset({tf.int32, tf.uint8, tf.int16, tf.int8, tf.string, tf.int64, " \
              "tf.uint16})"
_SPARSE_TYPES = {"set1_indices": _I64, "set1_shape": _I64, "set2_indices": _I64,
                 "set2_shape": _I64, "set_indices": _I64, "set_shape": _I64}


# ---- shape rules ----------------------------------------------------------------------------
def _at_least_2(t):
    d = dims_of(t)
    if d is not None and len(d) < 2:
        raise ShapeError("Shape must be at least rank 2 but is rank %d" % len(d))
    return d


def _outputs(rank, dtype):
    return [spec((None, rank), _I64), spec((None,), dtype), spec((rank,), _I64)]


def _dense_dense_shape(set1, set2, *, set_operation, validate_indices=True):
    a = _at_least_2(set1)
    if a is None:
        b = _at_least_2(set2)
        return _outputs(None if b is None else len(b), set1.dtype.base_dtype)
    check_rank(set2, len(a))
    b = dims_of(set2)
    if b is not None:
        merge_dims(a[:-1], b[:-1], "")
    return _outputs(len(a), set1.dtype.base_dtype)


def _sparse_rank(indices, values, shape):
    check_rank(indices, 2)
    check_rank(values, 1)
    check_rank(shape, 1)
    d = dims_of(shape)
    return None if d is None else d[0]


def _dense_sparse_shape(set1, set2_indices, set2_values, set2_shape, *, set_operation,
                        validate_indices=True):
    a = _at_least_2(set1)
    rank = _sparse_rank(set2_indices, set2_values, set2_shape)
    return _outputs(len(a) if a is not None else rank, set1.dtype.base_dtype)


def _sparse_sparse_shape(set1_indices, set1_values, set1_shape, set2_indices, set2_values,
                         set2_shape, *, set_operation, validate_indices=True):
    rank = _sparse_rank(set1_indices, set1_values, set1_shape)
    rank2 = _sparse_rank(set2_indices, set2_values, set2_shape)
    return _outputs(rank if rank is not None else rank2, set1_values.dtype.base_dtype)


def _size_shape(set_indices, set_values, set_shape, *, validate_indices=True):
    _sparse_rank(set_indices, set_values, set_shape)
    return spec(None, _dt.int32)


# ---- host kernels ---------------------------------------------------------------------------
def _dense_groups(x):
    """{group index tuple: values} of a dense input (rank >= 2)."""
    if x.ndim < 2:
        raise BadValue("Invalid input rank %d." % x.ndim)
    rows = x.reshape(int(np.prod(x.shape[:-1])), x.shape[-1])
    return x.shape[:-1], {idx: rows[i] for i, idx in enumerate(np.ndindex(*x.shape[:-1]))}


def _sparse_groups(indices, values, shape, validate):
    shape = tuple(int(d) for d in shape)
    if len(shape) < 2:
        raise BadValue("Invalid input rank %d." % len(shape))
    rows = [tuple(int(i) for i in r) for r in indices]
    if validate:
        for n, r in enumerate(rows):
            if any(not 0 <= i < d for i, d in zip(r, shape)):
                raise BadValue("indices[%d] = [%s] is out of bounds: need 0 <= index < [%s]" % (
                    n, ",".join(map(str, r)), ",".join(map(str, shape))))
            if n and r <= rows[n - 1]:
                raise BadValue("indices[%d] = [%s] is out of order. Many sparse ops require "
                               "sorted indices.\n    Use `tf.sparse.reorder` to create a "
                               "correctly ordered copy.\n\n" % (n, ",".join(map(str, r))))
    groups = {}
    for r, v in zip(rows, values):
        groups.setdefault(r[:-1], []).append(v)
    return shape[:-1], groups


def _same_groups(a, b):
    if a != b:
        raise BadValue("Mismatched shapes [%s] vs [%s]" % (",".join(map(str, a)),
                                                          ",".join(map(str, b))))


_OPS = {"a-b": lambda a, b: a - b, "b-a": lambda a, b: b - a,
        "intersection": lambda a, b: a & b, "union": lambda a, b: a | b}


def _apply(group_shape, ga, gb, set_operation, dtype):
    """The result SparseTensor's (indices, values, dense_shape) over the union of groups."""
    fn = _OPS.get(set_operation)
    if fn is None:
        raise BadValue("Invalid set_operation %s." % set_operation)
    rows, vals, width = [], [], 0
    for g in sorted(set(ga) | set(gb)):
        out = sorted(fn(set(_items(ga.get(g, ()))), set(_items(gb.get(g, ())))))
        width = max(width, len(out))
        rows.extend(g + (j,) for j in range(len(out)))
        vals.extend(out)
    rank = len(group_shape) + 1
    return (np.asarray(rows, np.int64).reshape(-1, rank),
            np.asarray(vals, dtype=dtype).reshape(-1),
            np.asarray(tuple(group_shape) + (width,), np.int64))


def _items(values):
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


@host_op("DenseToDenseSetOperation", _dense_dense_shape, multi=True)
def dense_to_dense_set_operation(set1, set2, *, set_operation, validate_indices=True):
    """TF's set operation between the rows of two dense inputs."""
    sa, ga = _dense_groups(set1)
    sb, gb = _dense_groups(set2)
    _same_groups(sa, sb)
    return _apply(sa, ga, gb, set_operation, set1.dtype)


@host_op("DenseToSparseSetOperation", _dense_sparse_shape, multi=True,
         types={"set1": T, "set2_indices": _I64, "set2_values": T, "set2_shape": _I64})
def dense_to_sparse_set_operation(set1, set2_indices, set2_values, set2_shape, *,
                                  set_operation, validate_indices=True):
    """TF's set operation between a dense input's rows and a SparseTensor's groups."""
    sa, ga = _dense_groups(set1)
    sb, gb = _sparse_groups(set2_indices, set2_values, set2_shape, validate_indices)
    _same_groups(sa, sb)
    return _apply(sa, ga, gb, set_operation, set1.dtype)


@host_op("SparseToSparseSetOperation", _sparse_sparse_shape, multi=True,
         types={"set1_indices": _I64, "set1_values": T, "set1_shape": _I64,
                "set2_indices": _I64, "set2_values": T, "set2_shape": _I64})
def sparse_to_sparse_set_operation(set1_indices, set1_values, set1_shape, set2_indices,
                                   set2_values, set2_shape, *, set_operation,
                                   validate_indices=True):
    """TF's set operation between the groups of two SparseTensors."""
    sa, ga = _sparse_groups(set1_indices, set1_values, set1_shape, validate_indices)
    sb, gb = _sparse_groups(set2_indices, set2_values, set2_shape, validate_indices)
    _same_groups(sa, sb)
    return _apply(sa, ga, gb, set_operation, set1_values.dtype)


@host_op("SetSize", _size_shape, types={"set_indices": _I64, "set_values": ANY,
                                        "set_shape": _I64})
def set_size_op(set_indices, set_values, set_shape, *, validate_indices=True):
    """The number of distinct values in each group of a SparseTensor."""
    shape, groups = _sparse_groups(set_indices, set_values, set_shape, validate_indices)
    out = np.zeros(shape, np.int32)
    for g, v in groups.items():
        out[g] = len(set(_items(v)))
    return out


# ---- tf.sets --------------------------------------------------------------------------------
def _dense_or_sparse(x, name):
    from scopeflow.ops.op_util import tensor
    if isinstance(x, SparseTensorValue):
        return SparseTensor.from_value(x)
    return x if isinstance(x, SparseTensor) else tensor(x, name=name)


def _text(dtype):
    return "<dtype: '%s'>" % dtype.name  # (TF formats a DType with str())


def _check_valid(x, what):
    if x.dtype.base_dtype.name not in _VALID:
        raise TypeError("%sinvalid dtype `%s` not in supported dtypes: `%s`." % (
            what, _text(x.dtype), _VALID_TEXT))


def set_size(a, validate_indices=True):
    """`tf.sets.size`: the number of distinct values per group of SparseTensor `a` (int32)."""
    a = _dense_or_sparse(a, "a")
    if not isinstance(a, SparseTensor):
        raise TypeError("Expected `SparseTensor`, got %s." % a)
    if a.values.dtype.base_dtype.name not in _VALID:
        raise TypeError("Invalid dtype `%s` not in supported dtypes: `%s`." % (
            _text(a.values.dtype), _VALID_TEXT))
    return set_size_op(a.indices, a.values, a.dense_shape, validate_indices=validate_indices)


def _pair(a, b):
    """(a, b, flipped): converted, a SparseTensor first swapped behind a dense `b`."""
    a = _dense_or_sparse(a, "a")
    _check_valid(a, "'a' has ")
    b = _dense_or_sparse(b, "b")
    if b.dtype.base_dtype is not a.dtype.base_dtype:
        raise TypeError("Types don't match, %s vs %s." % (_text(a.dtype), _text(b.dtype)))
    if isinstance(a, SparseTensor) and not isinstance(b, SparseTensor):
        return b, a, True
    return a, b, False


def _set_operation(a, b, set_operation, validate_indices):
    kw = {"set_operation": set_operation, "validate_indices": validate_indices}
    if isinstance(a, SparseTensor):
        if not isinstance(b, SparseTensor):
            raise ValueError("Sparse,Dense is not supported, but Dense,Sparse is. Please flip "
                             "the order of your inputs.")
        out = sparse_to_sparse_set_operation(a.indices, a.values, a.dense_shape, b.indices,
                                             b.values, b.dense_shape, **kw)
    elif isinstance(b, SparseTensor):
        out = dense_to_sparse_set_operation(a, b.indices, b.values, b.dense_shape, **kw)
    else:
        out = dense_to_dense_set_operation(a, b, **kw)
    return SparseTensor._of(*out)


def set_intersection(a, b, validate_indices=True):
    """`tf.sets.intersection` along the last dimension, as a SparseTensor."""
    a, b, _ = _pair(a, b)
    return _set_operation(a, b, "intersection", validate_indices)


def set_union(a, b, validate_indices=True):
    """`tf.sets.union` along the last dimension, as a SparseTensor."""
    a, b, _ = _pair(a, b)
    return _set_operation(a, b, "union", validate_indices)


def set_difference(a, b, aminusb=True, validate_indices=True):
    """`tf.sets.difference`: a - b (b - a when `aminusb` is False) along the last dimension."""
    a, b, flipped = _pair(a, b)
    if flipped:
        aminusb = not aminusb
    return _set_operation(a, b, "a-b" if aminusb else "b-a", validate_indices)


size, intersection, union, difference = set_size, set_intersection, set_union, set_difference
