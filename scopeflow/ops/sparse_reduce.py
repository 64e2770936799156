"""tf.sparse reductions over present entries, elementwise maximum / minimum and split, as
TF's kernels: SparseReduceMax (dense), SparseReduceMaxSparse, SparseReduceSumSparse,
SparseSparseMaximum / SparseSparseMinimum, SparseSplit. Their outputs' sizes follow the
values, so they run on the host (ops/dynamic_shape.py).

TF's sparse max reduces the entries present only (an implicit zero takes no part; a group
with no entry is 0 in the dense output and absent from the sparse one); maximum / minimum
compare the union of both index sets, a missing side counting as 0.

>>> import scopeflow as tf
>>> sp = tf.SparseTensor([[0, 1]], [-2.0], [2, 3])
>>> tf.sparse.reduce_max(sp, 1).op.type
'SparseReduceMax'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.registry import ANY, spec
from scopeflow.ops.sparse_ops import _reduce_shape, _sparse, same_dense_shapes
from scopeflow.sparse_tensor import SparseTensor

_I64 = _dt.int64
_SP = ("input_indices", "input_values", "input_shape")


def _axes(axes, rank):
    out = []
    for a in np.ravel(axes).tolist():
        if not -rank <= a < rank:
            raise BadValue("Invalid reduction dimension %d, for input with %d dimensions."
                           % (a, rank))
        out.append(a % rank)
    return sorted(set(out))


def _groups(indices, values, shape, axes, keep_dims):
    """(output dims, {output index: [values in entry order]}) of a reduction over `axes`."""
    rank = len(shape)
    ax = _axes(axes, rank)
    dims = [1 if i in ax else int(d) for i, d in enumerate(shape) if keep_dims or i not in ax]
    groups = {}
    for row, v in zip(np.asarray(indices).reshape(-1, rank).tolist(), np.asarray(values)):
        key = tuple(0 if i in ax else x for i, x in enumerate(row) if keep_dims or i not in ax)
        groups.setdefault(key, []).append(v)
    return dims, groups


def _reduce_sparse_shape(input_indices, input_values, input_shape, reduction_axes, **attrs):
    # (TF registers no shape function for these: unknown shapes)
    return [spec(None, _I64), spec(None, input_values.dtype.base_dtype), spec(None, _I64)]


_TYPES = dict.fromkeys(_SP + ("reduction_axes",), ANY)


@host_op("SparseReduceMax", _reduce_shape, types=_TYPES)
def _sparse_reduce_max(input_indices, input_values, input_shape, reduction_axes, *,
                       keep_dims=False):
    dims, groups = _groups(input_indices, input_values, input_shape, reduction_axes, keep_dims)
    out = np.zeros(dims, dtype=np.asarray(input_values).dtype)
    for key, vals in groups.items():
        out[key] = np.max(np.asarray(vals))
    return out


def _sparse_out(dims, groups, fn, dtype):
    keys = sorted(groups)
    idx = np.asarray(keys, np.int64).reshape(len(keys), len(dims))
    vals = np.asarray([fn(np.asarray(groups[k])) for k in keys], dtype).reshape(-1)
    return idx, vals, np.asarray(dims, np.int64)


@host_op("SparseReduceMaxSparse", _reduce_sparse_shape, types=_TYPES, multi=True)
def _sparse_reduce_max_sparse(input_indices, input_values, input_shape, reduction_axes, *,
                              keep_dims=False):
    dims, groups = _groups(input_indices, input_values, input_shape, reduction_axes, keep_dims)
    return _sparse_out(dims, groups, np.max, np.asarray(input_values).dtype)


@host_op("SparseReduceSumSparse", _reduce_sparse_shape, types=_TYPES, multi=True)
def _sparse_reduce_sum_sparse(input_indices, input_values, input_shape, reduction_axes, *,
                              keep_dims=False):
    dims, groups = _groups(input_indices, input_values, input_shape, reduction_axes, keep_dims)
    dtype = np.asarray(input_values).dtype

    def total(v):  # (in entry order, in the values' own type)
        acc = dtype.type(0)
        for x in v:
            acc = dtype.type(acc + x)
        return acc
    return _sparse_out(dims, groups, total, dtype)


def _axis_input(sp_input, axis):
    from scopeflow.ops.constant import constant
    if axis is not None:
        return axis
    rank = sp_input.shape.ndims
    if rank is not None:
        return constant(np.arange(rank, dtype=np.int32))
    from scopeflow.ops.shape_ops import range as range_
    from scopeflow.ops.shape_ops import size
    return range_(0, size(sp_input.dense_shape))


def _keep(keepdims, keep_dims):
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    return bool(keepdims if keepdims is not None else keep_dims)


def sparse_reduce_max(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
    """`tf.sparse.reduce_max`: the maximum of the present entries over `axis`, dense."""
    sp_input = _sparse(sp_input)
    axis = _axis_input(sp_input, reduction_axes if axis is None else axis)
    return _sparse_reduce_max(sp_input.indices, sp_input.values, sp_input.dense_shape, axis,
                              name="SparseReduceMax", keep_dims=_keep(keepdims, keep_dims))


def _reduce_sparse(builder, op_type):
    def reduce(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
        sp_input = _sparse(sp_input)
        axis = _axis_input(sp_input, reduction_axes if axis is None else axis)
        idx, vals, shape = builder(sp_input.indices, sp_input.values, sp_input.dense_shape,
                                   axis, name=op_type, keep_dims=_keep(keepdims, keep_dims))
        return SparseTensor(idx, vals, shape)
    reduce.__doc__ = "`tf.sparse.%s`: the reduction of the present entries, sparse." % (
        "reduce_max_sparse" if "Max" in op_type else "reduce_sum_sparse")
    return reduce


sparse_reduce_max_sparse = _reduce_sparse(_sparse_reduce_max_sparse, "SparseReduceMaxSparse")
sparse_reduce_sum_sparse = _reduce_sparse(_sparse_reduce_sum_sparse, "SparseReduceSumSparse")


# ---- SparseSparseMaximum / SparseSparseMinimum ----------------------------------------------
def _pair_shape(a_indices, a_values, a_shape, b_indices, b_values, b_shape):
    return [spec((None, None), _I64), spec((None,), a_values.dtype.base_dtype)]


def _union(fn):
    def kernel(a_indices, a_values, a_shape, b_indices, b_values, b_shape):
        same_dense_shapes(a_shape, b_shape)
        sa = np.asarray(a_shape).tolist()
        rank = len(sa)
        a = dict(zip(map(tuple, np.asarray(a_indices).reshape(-1, rank).tolist()), a_values))
        b = dict(zip(map(tuple, np.asarray(b_indices).reshape(-1, rank).tolist()), b_values))
        dtype = np.asarray(a_values).dtype
        keys = sorted(set(a) | set(b))
        zero = dtype.type(0)
        vals = [fn(a.get(k, zero), b.get(k, zero)) for k in keys]
        return (np.asarray(keys, np.int64).reshape(len(keys), rank),
                np.asarray(vals, dtype).reshape(-1))
    return kernel


_PAIR = dict.fromkeys(("a_indices", "a_values", "a_shape", "b_indices", "b_values",
                       "b_shape"), ANY)
_maximum = host_op("SparseSparseMaximum", _pair_shape, types=_PAIR, multi=True)(
    _union(np.maximum))
_minimum = host_op("SparseSparseMinimum", _pair_shape, types=_PAIR, multi=True)(
    _union(np.minimum))


def _pairwise(builder, op_type):
    def fn(sp_a, sp_b, name=None):
        sp_a, sp_b = _sparse(sp_a), _sparse(sp_b)
        with name_scope(name, op_type, [sp_a.indices, sp_a.values, sp_b.indices,
                                        sp_b.values]) as scope:
            idx, vals = builder(sp_a.indices, sp_a.values, sp_a.dense_shape, sp_b.indices,
                                sp_b.values, sp_b.dense_shape, name=scope)
        return SparseTensor(idx, vals, sp_a.dense_shape)
    fn.__doc__ = "`tf.sparse.%s`: elementwise over both index sets (a missing side is 0)." % (
        op_type[12:].lower())
    return fn


sparse_maximum = _pairwise(_maximum, "SparseSparseMaximum")
sparse_minimum = _pairwise(_minimum, "SparseSparseMinimum")


# ---- SparseSplit ----------------------------------------------------------------------------
def _split_shape(split_dim, indices, values, shape, *, num_split):
    d = indices.shape._dims
    rank = None if d is None else d[1]
    return ([spec((None, rank), _I64)] * num_split
            + [spec((None,), values.dtype.base_dtype)] * num_split
            + [spec((rank,), _I64)] * num_split)


@host_op("SparseSplit", _split_shape, multi=True,
         types=dict(dict.fromkeys(("indices", "values", "shape"), ANY), split_dim=_I64))
def _sparse_split(split_dim, indices, values, shape, *, num_split):
    shape = np.asarray(shape, np.int64)
    rank = len(shape)
    axis = int(np.asarray(split_dim))
    if not -rank <= axis < rank:
        raise BadValue("Input axis should be in range [-%d, %d), got %d" % (rank, rank, axis))
    axis %= rank
    size = int(shape[axis])
    if not 1 <= num_split <= size:
        raise BadValue("Input num_split should be between 1 and the splitting dimension size "
                       "(%d), got %d" % (size, num_split))
    sizes = [size // num_split + (1 if k < size % num_split else 0) for k in range(num_split)]
    starts = np.cumsum([0] + sizes)
    idx = np.asarray(indices, np.int64).reshape(-1, rank)
    vals = np.asarray(values)
    out_i, out_v, out_s = [], [], []
    for k in range(num_split):
        rows = (idx[:, axis] >= starts[k]) & (idx[:, axis] < starts[k + 1])
        part = idx[rows].copy()
        part[:, axis] -= starts[k]
        out_i.append(part)
        out_v.append(vals[rows])
        s = shape.copy()
        s[axis] = sizes[k]
        out_s.append(s)
    return tuple(out_i + out_v + out_s)


def sparse_split(keyword_required=None, sp_input=None, num_split=None, axis=None, name=None,
                 split_dim=None):
    """`tf.sparse.split` (TF1's): `num_split` SparseTensors along `axis`, the first
    size % num_split of them one larger."""
    if keyword_required is not None:
        raise ValueError("Keyword arguments are required for this function.")
    if sp_input is None:
        raise ValueError("sp_input is required")
    if num_split is None:
        raise ValueError("num_split is required")
    if axis is None:
        axis = split_dim
    if axis is None:
        raise ValueError("axis is required")
    if num_split < 1:
        raise ValueError("Attr 'num_split' of 'SparseSplit' Op passed %d less than minimum 1."
                         % num_split)
    sp_input = _sparse(sp_input)
    outs = _sparse_split(axis, sp_input.indices, sp_input.values, sp_input.dense_shape,
                         name=name or "SparseSplit", num_split=int(num_split))
    n = int(num_split)
    return [SparseTensor(outs[k], outs[n + k], outs[2 * n + k]) for k in range(n)]
