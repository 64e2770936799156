"""tf.sparse functions TF builds from other ops: expand_dims, eye, to_indicator, merge,
transpose, reset_shape and mask (IndexedSlices), op for op as TF's graph has them.

>>> import scopeflow as tf
>>> sp = tf.SparseTensor([[0, 1]], [1.0], [2, 3])
>>> tf.sparse.transpose(sp).indices.op.type
'SparseReorder'
"""

import numbers

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.sparse_ops import _sparse
from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue


def sparse_expand_dims(sp_input, axis=None, name=None):
    """`tf.sparse.expand_dims`: a size-1 dimension inserted at `axis` (default last)."""
    from scopeflow.ops.gather import where_v2
    from scopeflow.ops.joining import concat
    from scopeflow.ops.shape_ops import shape, zeros
    from scopeflow.ops.slicing import slice as slice_
    dims = sp_input.dense_shape.shape._dims
    rank = dims[0] if dims else None  # (TF reads the static size; unknown fails below)
    axis = -1 if axis is None else axis
    with name_scope(name, "expand_dims", [sp_input]):
        if isinstance(axis, numbers.Integral):
            axis = convert_to_tensor(axis, name="axis", dtype=_dt.int32)
        elif not isinstance(axis, Tensor):
            raise TypeError("axis must be an integer value in range [-rank(sp_input) - 1, "
                            "rank(sp_input)]")
        if rank is None:
            raise ValueError("Cannot convert unknown Dimension ? to a Tensor.")
        axis = where_v2(axis >= 0, axis, axis + rank + 1)
        rows = shape(sp_input.indices)[0]
        column = zeros([rows, 1], dtype=_dt.int64)
        before = slice_(sp_input.indices, [0, 0], [-1, axis])
        after = slice_(sp_input.indices, [0, axis], [-1, -1])
        indices = concat([before, column, after], axis=1)
        head = slice_(sp_input.dense_shape, [0], [axis])
        tail = slice_(sp_input.dense_shape, [axis], [-1])
        one = convert_to_tensor([1], name="new_shape", dtype=_dt.int64)
        dense = concat([head, one, tail], axis=0)
        return SparseTensor(indices=indices, values=sp_input.values, dense_shape=dense)


def _int64(x, name):
    """An int64 tensor of `x` (a Python int made int64; an int32 tensor cast)."""
    from scopeflow.ops.math_cast import cast
    if not isinstance(x, Tensor):
        return convert_to_tensor(x, name=name, dtype=_dt.int64)
    if x.dtype.base_dtype not in (_dt.int32, _dt.int64):
        raise TypeError("%s must be an integer Tensor." % name)
    return cast(x, _dt.int64) if x.dtype.base_dtype != _dt.int64 else x


def sparse_eye(num_rows, num_columns=None, dtype=_dt.float32, name=None):
    """`tf.sparse.eye`: ones on the diagonal of a num_rows x num_columns SparseTensor."""
    from scopeflow.ops.joining import stack
    from scopeflow.ops.math import minimum
    from scopeflow.ops.shape_ops import ones
    from scopeflow.ops.shape_ops import range as range_
    with name_scope(name, "eye", [num_rows, num_columns]):
        num_rows = _int64(num_rows, "num_rows")
        num_columns = num_rows if num_columns is None else _int64(num_columns, "num_columns")
        size = minimum(num_rows, num_columns)
        diag = range_(size, dtype=_dt.int64)
        return SparseTensor(indices=stack([diag, diag], axis=1),
                            values=ones(size, dtype=dtype),
                            dense_shape=[num_rows, num_columns])


def _merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    """TF's sparse_merge: each id list becomes the last index column of `sp_values`."""
    from scopeflow.io.sparse_feature import sparse_reorder
    from scopeflow.ops.array import expand_dims
    from scopeflow.ops.joining import concat
    from scopeflow.ops.math_cast import cast
    if isinstance(sp_ids, (SparseTensor, SparseTensorValue)):
        sp_ids = [sp_ids]
        if not isinstance(vocab_size, (Tensor, numbers.Integral)):
            raise TypeError("vocab_size has to be a Tensor or Python int. Found %s"
                            % type(vocab_size))
        vocab_size = [vocab_size]
    else:
        if not hasattr(sp_ids, "__iter__"):
            raise TypeError("sp_ids has to be a SparseTensor or list thereof. Found %s"
                            % type(sp_ids))
        if not hasattr(vocab_size, "__iter__"):
            raise TypeError("vocab_size has to be a list of Tensors or Python ints. Found %s"
                            % type(vocab_size))
        for d in vocab_size:
            if not isinstance(d, (Tensor, numbers.Integral)):
                raise TypeError("vocab_size has to be a list of Tensors or Python ints. "
                                "Found %s" % type(d))
    if len(sp_ids) != len(vocab_size):
        raise ValueError("sp_ids and vocab_size have to have equal lengths.")
    with name_scope(name, "SparseMerge", [sp_ids, sp_values]):
        sp_ids = [_sparse(s) for s in sp_ids]
        sp_values = _sparse(sp_values)
        ids = []
        for s in sp_ids:
            v = s.values if s.dtype == _dt.int64 else cast(s.values, _dt.int64)
            ids.append(expand_dims(v, axis=1))
        vocab_size = [cast(x, _dt.int64) for x in vocab_size]
        indices = concat([sp_ids[0].indices[:, :-1]] + ids, 1)
        dense = concat([sp_ids[0].dense_shape[:-1], vocab_size], 0)
        merged = SparseTensor(indices, sp_values.values, dense)
        if already_sorted:
            return merged
        ordered = sparse_reorder(merged)
        return SparseTensor(ordered.indices, ordered.values, dense)


def sparse_merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    """`tf.sparse.merge` / `tf.sparse_merge` (deprecated in TF): ids and values as one
    SparseTensor whose last dimension is the id."""
    return _merge(sp_ids, sp_values, vocab_size, name, already_sorted)


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """`tf.sparse.to_indicator`: a dense bool tensor, True at each row's ids."""
    from scopeflow.ops.array import expand_dims
    from scopeflow.ops.shape_ops import fill, shape
    from scopeflow.ops.sparse_to_dense import sparse_tensor_to_dense
    sp_input = _sparse(sp_input)
    with name_scope(name, "SparseToIndicator", [sp_input]) as scope:
        n = shape(sp_input.indices)[0]
        trues = fill(expand_dims(n, 0), True)
        sp_values = SparseTensor(sp_input.indices, trues, sp_input.dense_shape)
        merged = _merge(sp_input, sp_values, vocab_size, scope)
        return sparse_tensor_to_dense(merged, default_value=False, validate_indices=False,
                                      name=scope)


def sparse_transpose(sp_input, perm=None, name=None):
    """`tf.sparse.transpose`: dimensions permuted (reversed by default), entries reordered."""
    from scopeflow.io.sparse_feature import sparse_reorder
    from scopeflow.ops.array import transpose
    from scopeflow.ops.gather import gather
    from scopeflow.ops.shape_ops import range as range_
    from scopeflow.ops.shape_ops import rank as rank_
    with name_scope(name, "SparseTranspose", [sp_input]):
        if perm is None:
            if sp_input.shape.ndims is not None:
                r = sp_input.shape.ndims
                perm = (r - 1) - np.arange(0, r, 1)
            else:
                r = rank_(sp_input)
                perm = (r - 1) - range_(0, r, 1)
        moved = transpose(gather(transpose(sp_input.indices), perm))
        known = constant_value(convert_to_tensor(perm))
        if known is not None and sp_input.shape.is_fully_defined():
            old = sp_input.shape.as_list()
            dense = [old[p] for p in known]
        else:
            dense = gather(sp_input.dense_shape, perm)
        return sparse_reorder(SparseTensor(moved, sp_input.values, dense))


def sparse_reset_shape(sp_input, new_shape=None):
    """`tf.sparse.reset_shape`: the same entries under `new_shape` (each size at least the
    old one), or under the tightest shape that holds them."""
    from scopeflow.ops.array import identity
    from scopeflow.ops.checks import assert_equal, assert_less_equal
    from scopeflow.ops.constant import constant
    from scopeflow.ops.math import add, maximum
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.reductions import reduce_max
    from scopeflow.ops.shape_ops import ones_like, shape
    from scopeflow.ops.state import with_dependencies
    sp_input = _sparse(sp_input)
    indices, values = identity(sp_input.indices), identity(sp_input.values)
    in_shape = identity(sp_input.dense_shape)
    if new_shape is None:
        low = reduce_max(indices, axis=0)
        out = maximum(constant(0, dtype=_dt.int64), add(low, ones_like(in_shape)))
        return SparseTensor(indices, values, out)
    out = convert_to_tensor(new_shape)
    out.shape.assert_has_rank(1)
    out = cast(out, _dt.int64)
    if out.shape.ndims is not None:
        out.shape.dims[0].assert_is_compatible_with(in_shape.shape.dims[0])
    known = constant_value(out)
    if known is not None and sp_input.shape.is_fully_defined():
        old = np.array(sp_input.shape.as_list())
        if not np.all(old <= known):
            raise ValueError("Requested new_shape should have dimension sizes >= "
                             "sp_input.shape.  Found new_shape (%s), sp_input.shape (%s)."
                             % (old, known))
        out = known
    else:
        out = with_dependencies([assert_equal(shape(in_shape), shape(out))], out)
        out = with_dependencies([assert_less_equal(in_shape, out)], out)
    return SparseTensor(indices, values, out)


def sparse_mask(a, mask_indices, name=None):
    """`tf.sparse.mask` / `tf.sparse_mask`: the slices of IndexedSlices `a` whose index is
    not in `mask_indices`."""
    from scopeflow.ops.gather import gather, setdiff1d
    with name_scope(name, "sparse_mask", [a, mask_indices]) as scope:
        kept, positions = setdiff1d(a.indices, mask_indices)
        out = gather(a.values, positions, name=scope)
        return IndexedSlices(out, kept, a.dense_shape)
