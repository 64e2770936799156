"""tf.sparse.reshape and tf.sparse.fill_empty_rows: SparseReshape and SparseFillEmptyRows.

    >>> import scopeflow as tf
    >>> sp = tf.SparseTensor([[0, 1], [2, 0]], [5, 7], [3, 2])
    >>> tf.sparse.reshape(sp, [-1]).shape.as_list()
    [6]

Both run on the host (dynamic_shape.py): SparseReshape's output shape can depend on the
values of `new_shape`, SparseFillEmptyRows' number of entries on which rows are empty.
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops.array_base import dims_of, static_value
from scopeflow.ops.constant import constant_value
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor
from scopeflow.ops.registry import ANY, spec
from scopeflow.ops.sparse_ops import _sparse
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["sparse_fill_empty_rows", "sparse_reshape"]

_I64 = _dt.int64


# ---- SparseReshape --------------------------------------------------------------------------
def _reshape_shape(input_indices, input_shape, new_shape):
    d = dims_of(new_shape)
    rank = None if d is None else d[0]
    return [spec((None if dims_of(input_indices) is None else dims_of(input_indices)[0], rank),
                 _I64), spec((rank,), _I64)]


def _shapes_text(in_shape, out):
    return ". input_shape=[%s] output_shape=[%s]" % (",".join(map(str, in_shape)),
                                                    ",".join(map(str, out)))


def _target(dense_size, new_shape, in_shape):
    """`new_shape` with its -1 filled in, checked as TF's reshape_util does."""
    out, unknown, product = list(int(d) for d in new_shape), -1, 1
    for i, d in enumerate(out):
        if d == -1:
            if unknown != -1:
                raise BadValue("only one output dimension may be -1, not both %d and %d"
                               % (unknown, i))
            unknown = i
        elif d < 0:
            raise BadValue("size %d must be non-negative, not %d" % (i, d))
        else:
            product *= d
    if unknown != -1:
        if product == 0:
            raise BadValue("reshape cannot infer the missing input size for an empty tensor "
                           "unless all specified input sizes are non-zero")
        out[unknown] = dense_size // product  # TF's message shows the -1 filled in
        if dense_size % product:
            raise BadValue("Input to reshape is a SparseTensor with %d dense values, but the "
                           "requested shape requires a multiple of %d%s"
                           % (dense_size, product, _shapes_text(in_shape, out)))
    elif product != dense_size:
        raise BadValue("Input to reshape is a tensor with %d dense values, but the requested "
                       "shape has %d%s" % (dense_size, product, _shapes_text(in_shape, out)))
    return out


@host_op("SparseReshape", _reshape_shape, multi=True)
def sparse_reshape_op(input_indices, input_shape, new_shape):
    """Entries moved to their row-major place in `new_shape` (one -1 is inferred)."""
    shape = [int(d) for d in input_shape]
    dense_size = int(np.prod(shape, dtype=np.int64))
    out = _target(dense_size, new_shape, shape)
    idx = np.asarray(input_indices, np.int64).reshape(-1, len(shape))
    flat = np.zeros(len(idx), np.int64)
    for k, d in enumerate(shape):
        flat = flat * d + idx[:, k]
    rows = np.zeros((len(idx), len(out)), np.int64)
    for k in range(len(out) - 1, -1, -1):
        if out[k]:
            rows[:, k] = flat % out[k]
            flat = flat // out[k]
    return rows, np.asarray(out, np.int64)


def _tf_as_shape(t):
    """TF's constant_value_as_shape of the new shape: dims (None where unknown) or None."""
    from scopeflow.ops.shape_value import constant_value_as_shape
    dims = constant_value_as_shape(t)._dims
    return None if dims is None else list(dims)


def _static_target(sp_input, shape):
    """TF's graph-time rule: the new shape as a constant when the input's shape is static."""
    dims = _tf_as_shape(shape)
    if dims is None or not sp_input.shape.is_fully_defined():
        return None
    value = constant_value(shape)
    if value is not None and sum(int(d) == -1 for d in np.ravel(value)) > 1:
        raise ValueError("At most one dimension can be inferred (-1). Found: %s" % value)
    size = int(np.prod(sp_input.shape.as_list()))
    original = list(dims)
    implied = dims.count(None)
    if implied == 1 and 0 not in dims:
        rest = [d for d in dims if d is not None]
        dims[dims.index(None)] = int(size // np.prod(rest))
    if implied == 0 or (implied == 1 and 0 not in dims):
        if int(np.prod(dims)) != size:
            raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d "
                             "elements)." % (size, original, int(np.prod(dims))))
        return dims
    return None


def sparse_reshape(sp_input, shape, name=None):
    """`tf.sparse.reshape`: the same entries, in a dense shape of as many elements.

    >>> import scopeflow as tf
    >>> sp = tf.SparseTensor([[0, 1]], [5], [2, 2])
    >>> tf.sparse.reshape(sp, [4]).indices.shape.as_list()
    [None, 1]
    """
    from scopeflow.ops.math_cast import cast
    sp_input = _sparse(sp_input)
    shape = cast(shape, _I64)
    with name_scope(name, "SparseReshape", [sp_input]) as scope:
        indices, new_shape = sparse_reshape_op(sp_input.indices, sp_input.dense_shape, shape,
                                               name=scope)
        dims = _static_target(sp_input, shape)
        if dims is not None:
            from scopeflow.ops.constant import constant
            new_shape = constant(dims, dtype=_I64)
        return SparseTensor(indices, array.identity(sp_input.values), new_shape)


# ---- SparseFillEmptyRows --------------------------------------------------------------------
def _fill_shape(indices, values, dense_shape, default_value):
    d = dims_of(indices)
    rank = None if d is None else d[1]
    known = static_value(dense_shape)  # TF's shape function reads dense_shape[0]
    rows = None if known is None or not np.size(known) else int(np.ravel(known)[0])
    return [spec((None, rank), _I64), spec((None,), values.dtype.base_dtype),
            spec((rows,), _dt.bool), spec((None if d is None else d[0],), _I64)]


@host_op("SparseFillEmptyRows", _fill_shape, multi=True, types={"indices": _I64,
         "values": ANY, "dense_shape": _I64, "default_value": ANY})
def sparse_fill_empty_rows_op(indices, values, dense_shape, default_value):
    """Each empty row of the first dimension gets one entry `[row, 0, ...]` = default."""
    n_rows = int(dense_shape[0]) if len(dense_shape) else 0
    rank = len(dense_shape)
    idx = np.asarray(indices, np.int64).reshape(-1, rank)
    if n_rows == 0 and len(idx):
        raise BadValue("Received SparseTensor with dense_shape[0] = 0 but indices.shape[0] = %d"
                       % len(idx))
    rows = idx[:, 0] if len(idx) else np.zeros(0, np.int64)
    for i, r in enumerate(rows):
        if r < 0 or r >= n_rows:
            raise BadValue("indices(%d, 0) is invalid: %d >= %d" % (i, r, n_rows))
    counts = np.bincount(rows, minlength=n_rows) if n_rows else np.zeros(0, np.int64)
    empty = counts == 0
    per_row = np.maximum(counts, 1)
    starts = np.concatenate([[0], np.cumsum(per_row)[:-1]]).astype(np.int64)
    total = int(per_row.sum())
    out_idx = np.zeros((total, rank), np.int64)
    out_val = np.empty(total, dtype=np.asarray(values).dtype)
    reverse = np.zeros(len(idx), np.int64)
    filled = np.zeros(n_rows, np.int64)
    for i, r in enumerate(rows):
        pos = starts[r] + filled[r]
        filled[r] += 1
        out_idx[pos] = idx[i]
        out_val[pos] = values[i]
        reverse[i] = pos
    for r in np.nonzero(empty)[0]:
        out_idx[starts[r], 0] = r
        out_val[starts[r]] = default_value
    return out_idx, out_val, empty, reverse


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """`tf.sparse.fill_empty_rows`: (filled SparseTensor, bool per row: was it empty).

    >>> import scopeflow as tf
    >>> sp = tf.SparseTensor([[1, 0]], [5], [3, 2])
    >>> tf.sparse.fill_empty_rows(sp, 0)[1].dtype.name
    'bool'
    """
    sp_input = _sparse(sp_input)
    with name_scope(name, "SparseFillEmptyRows", [sp_input]):
        default_value = tensor(default_value, dtype=sp_input.values.dtype)
        out_idx, out_val, empty, _ = sparse_fill_empty_rows_op(
            sp_input.indices, sp_input.values, sp_input.dense_shape, default_value,
            name="SparseFillEmptyRows")
        out = SparseTensor(out_idx, out_val, sp_input.dense_shape)
        out._static_shape = TensorShape(sp_input.shape)
        return out, empty
