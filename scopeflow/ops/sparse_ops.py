"""tf.sparse basics: reduce_sum, add, sparse_dense_matmul, placeholder.

    >>> import scopeflow as tf
    >>> sp = tf.SparseTensor([[0, 1], [2, 0]], [5, 7], [3, 2])
    >>> tf.sparse.to_dense(sp).shape.as_list()
    [3, 2]

A SparseTensor is three dense tensors (scopeflow/sparse_tensor.py). Ops whose output size is
the dense shape read it when compiled (a fed or computed shape is compiled into the run's
signature: lowering/lower.py); SparseAdd, whose number of entries depends on the values, runs
on the host (dynamic_shape.py). SparseToDense and SparseReorder: sparse_to_dense.py and
io/sparse_feature.py.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.gradients.registry import gradient
from scopeflow.lowering import entries
from scopeflow.lowering.entries import count_of
from scopeflow.ops.array_base import dims_of, static_value
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.op_util import name_scope, tensor
from scopeflow.ops.registry import ANY, op, spec
from scopeflow.ops.value_checks import check, first_bad
from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue

_I64 = _dt.int64


def _static_dims(shape_tensor):
    """Dims of a dense shape given as a 1-D tensor: its value, or Nones of its length."""
    v = static_value(shape_tensor)
    if v is not None:
        return tuple(int(d) for d in np.ravel(v))
    d = dims_of(shape_tensor)
    return None if d is None or d[0] is None else (None,) * d[0]


def _ints(v):
    return tuple(int(d) for d in np.ravel(np.asarray(v)))  # traced: compiled in (lower.py)


def _sparse(x):
    if isinstance(x, SparseTensorValue):
        return SparseTensor.from_value(x)
    if not isinstance(x, SparseTensor):
        raise TypeError("Input must be a SparseTensor.")
    return x


# ---- SparseReduceSum ------------------------------------------------------------------------
def _reduce_shape(input_indices, input_values, input_shape, reduction_axes, *, keep_dims=False):
    dims = _static_dims(input_shape)
    axes = static_value(reduction_axes)
    dt = input_values.dtype.base_dtype
    if dims is None or axes is None or None in dims:
        return spec(None, dt)
    axes = {int(a) % len(dims) for a in np.ravel(axes)} if dims else set()
    out = [1 if i in axes else d for i, d in enumerate(dims) if keep_dims or i not in axes]
    return spec(out, dt)


@op("SparseReduceSum", infer=_reduce_shape, context=True,
    types={"input_indices": ANY, "input_values": ANY, "input_shape": ANY,
           "reduction_axes": ANY})
def _sparse_reduce_sum(ctx, input_indices, input_values, input_shape, reduction_axes, *,
                       keep_dims=False):
    shape = _ints(input_shape)
    for a in _ints(reduction_axes):
        if not -len(shape) <= a < len(shape):
            check(ctx, False, "Invalid reduction dimension %d, for input with %d dimensions."
                  % (a, len(shape)))
            return jnp.zeros((), input_values.dtype)
    axes = tuple(sorted({a % len(shape) for a in _ints(reduction_axes)})) if shape else ()
    key = jnp.ravel_multi_index(tuple(jnp.asarray(input_indices).T), shape, mode="clip")
    size = int(np.prod(shape))
    n = None if ctx is None else count_of(ctx, ctx.op._inputs[0])
    if n is not None:  # entries padded to a bucket (lowering/entries.py): dropped
        key = jnp.where(jnp.arange(key.shape[0]) < n, key, size)
    dense = jnp.zeros((size,), input_values.dtype).at[key].add(input_values, mode="drop")
    return jnp.sum(jnp.reshape(dense, shape), axis=axes, keepdims=keep_dims).astype(
        input_values.dtype)


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None,
                      name=None):
    """`tf.sparse.reduce_sum`: the sum of the entries over `axis` (all axes: a scalar)."""
    from scopeflow.ops.constant import constant
    sp_input = _sparse(sp_input)
    axis = reduction_axes if axis is None else axis
    keep = bool(keepdims if keepdims is not None else keep_dims)
    if axis is None:
        rank = sp_input.shape.ndims
        if rank is not None:
            axis = constant(np.arange(rank, dtype=np.int32))
        else:
            from scopeflow.ops.shape_ops import range as range_
            from scopeflow.ops.shape_ops import size
            axis = range_(0, size(sp_input.dense_shape))
    return _sparse_reduce_sum(sp_input.indices, sp_input.values, sp_input.dense_shape, axis,
                              name=name or "SparseReduceSum", keep_dims=keep)


# ---- SparseAdd (host: the number of entries depends on the values) ---------------------------
def _add_shape(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
    r = dims_of(a_indices)
    rank = None if r is None else r[1]
    return [spec((None, rank), _I64), spec((None,), a_values.dtype.base_dtype),
            (a_shape.shape, _I64)]


def same_dense_shapes(a_shape, b_shape, text="[%s]", sep=","):
    """TF's check that two SparseTensors' dense shapes are equal (BadValue otherwise); the
    ranks' message shows each shape as `text` % its dims joined by `sep`."""
    sa, sb = np.asarray(a_shape).tolist(), np.asarray(b_shape).tolist()
    if len(sa) != len(sb):
        raise BadValue("Operands do not have the same ranks; got shapes: %s and %s"
                       % (text % sep.join(map(str, sa)), text % sep.join(map(str, sb))))
    for i, (x, y) in enumerate(zip(sa, sb)):
        if x != y:
            raise BadValue("Operands' shapes do not match: got %d and %d for dimension %d"
                           % (x, y, i))


def _cmp(a, b):
    return (a > b) - (a < b)


@host_op("SparseAdd", _add_shape, multi=True, types=dict.fromkeys(
    ("a_indices", "a_values", "a_shape", "b_indices", "b_values", "b_shape", "thresh"), ANY))
def sparse_add_op(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
    """TF's merge of two sorted entry lists; a sum below `thresh` in magnitude is dropped."""
    same_dense_shapes(a_shape, b_shape, "%s", " ")
    a, b = a_indices.tolist(), b_indices.tolist()
    rows, vals = [], []
    i = j = 0
    while i < len(a) and j < len(b):
        c = _cmp(a[i], b[j])
        if c < 0:
            rows.append(a[i]), vals.append(a_values[i])
            i += 1
        elif c > 0:
            rows.append(b[j]), vals.append(b_values[j])
            j += 1
        else:
            s = a_values[i] + b_values[j]
            if thresh <= abs(s):
                rows.append(a[i]), vals.append(s)
            i += 1
            j += 1
    rows += a[i:] + b[j:]
    vals += list(a_values[i:]) + list(b_values[j:])
    rank = a_indices.shape[1] if a_indices.ndim == 2 else 0
    return (np.asarray(rows, np.int64).reshape(-1, rank), np.asarray(vals, a_values.dtype),
            a_shape)


def _dense_add_shape(a_indices, a_values, a_shape, b):
    return b.shape, b.dtype.base_dtype


@op("SparseTensorDenseAdd", infer=_dense_add_shape, context=True,
    types={"a_indices": ANY, "a_values": ANY, "a_shape": ANY})
def _sparse_dense_add(ctx, a_indices, a_values, a_shape, b):
    shape, dense = _ints(a_shape), tuple(np.shape(b))
    if len(shape) != len(dense):
        check(ctx, False, "Two operands have different ranks; received: %d and %d"
              % (len(shape), len(dense)))
        return jnp.asarray(b)
    for i, (x, y) in enumerate(zip(shape, dense)):
        if x != y:
            check(ctx, False, "Dimension %d does not equal (no broadcasting is supported): "
                  "sparse side %d vs dense side %d" % (i, x, y))
            return jnp.asarray(b)
    return jnp.asarray(b).at[tuple(jnp.asarray(a_indices).T)].add(a_values)


def sparse_add(a, b, threshold=None, thresh=None):
    """`tf.sparse.add`: sparse + sparse (a SparseTensor) or sparse + dense (a Tensor)."""
    from scopeflow.core.shape import TensorShape
    kinds = (SparseTensor, SparseTensorValue)
    if threshold is None:
        threshold = 0 if thresh is None else thresh
    if not any(isinstance(x, kinds) for x in (a, b)):
        raise TypeError("At least one input should be SparseTensor; do you mean to use tf.add()?")
    if all(isinstance(x, kinds) for x in (a, b)):
        a, b = _sparse(a), _sparse(b)
        t = tensor(threshold, name="threshold", dtype=a.values.dtype.real_dtype.base_dtype)
        ind, val, shape = sparse_add_op(a.indices, a.values, a.dense_shape, b.indices, b.values,
                                        b.dense_shape, t, name="SparseAdd")
        a.shape.assert_is_compatible_with(b.shape)
        static = TensorShape(a.shape).merge_with(b.shape)
        return SparseTensor(ind, val, static.as_list() if static.is_fully_defined() else shape)
    if isinstance(b, kinds):
        a, b = b, a
    a = _sparse(a)
    b = tensor(b, name="b", dtype=a.values.dtype)
    return _sparse_dense_add(a.indices, a.values, a.dense_shape, b, name="SparseTensorDenseAdd")


# ---- SparseTensorDenseMatMul ----------------------------------------------------------------
def _matmul_shape(a_indices, a_values, a_shape, b, *, adjoint_a=False, adjoint_b=False):
    dims = _static_dims(a_shape) or (None, None)
    bd = dims_of(b) or (None, None)
    rows = dims[1] if adjoint_a else dims[0]
    cols = bd[0] if adjoint_b else bd[1]
    return spec((rows, cols), b.dtype.base_dtype)


@op("SparseTensorDenseMatMul", infer=_matmul_shape, context=True,
    types={"a_indices": ANY, "a_values": ANY, "a_shape": ANY})
def _sparse_matmul(ctx, a_indices, a_values, a_shape, b, *, adjoint_a=False, adjoint_b=False):
    shape = _ints(a_shape)
    idx = jnp.asarray(a_indices)
    b = jnp.conj(b).T if adjoint_b else jnp.asarray(b)  # a NumPy b cannot be indexed by traced c
    rows = shape[1] if adjoint_a else shape[0]
    inner = shape[0] if adjoint_a else shape[1]
    if inner != b.shape[0]:
        b_dims = "[%s]" % ",".join(str(d) for d in np.shape(b)[::-1 if adjoint_b else 1])
        check(ctx, False, "Cannot multiply A and B because inner dimension does not match: "
              "%d vs. %d.  Did you forget a transpose?  Dimensions of A: [%d, %d).  Dimensions "
              "of B: %s" % (inner, b.shape[0], shape[0], shape[1], b_dims))
        return jnp.zeros((rows, b.shape[1]), b.dtype)
    # entries padded to a bucket (lowering/entries.py): the padded ones are dropped
    n = count_of(ctx, ctx.op._inputs[0])
    real = None if n is None else jnp.arange(idx.shape[0]) < n
    _check_matmul_indices(ctx, idx, int(adjoint_a), rows, b.shape[0], real)
    r, c = (idx[:, 1], idx[:, 0]) if adjoint_a else (idx[:, 0], idx[:, 1])
    vals = jnp.conj(a_values) if adjoint_a else a_values
    out = jnp.zeros((rows, b.shape[1]), b.dtype)
    if real is not None:
        r = jnp.where(real, r, rows)
        return out.at[r].add(vals[:, None].astype(b.dtype) * b[c], mode="drop")
    return out.at[r].add(vals[:, None].astype(b.dtype) * b[c])


def _check_matmul_indices(ctx, idx, adjoint_a, m_bound, k_bound, real=None):
    """TF's kernel checks each entry's k (column of b) then its m (output row) in order:
    "k (5) from index[1,1] out of bounds (>=3)"; out-of-range entries were dropped silently.
    `real`: which entries are real (padded ones are not checked)."""
    if idx.shape[0] == 0:
        return
    m_col, k_col = (1, 0) if adjoint_a else (0, 1)
    k, m = idx[:, k_col], idx[:, m_col]
    bad = jnp.stack([(k < 0) | (k >= k_bound), (m < 0) | (m >= m_bound)], axis=1)  # (nnz, 2)
    if real is not None:
        bad = bad & real[:, None]
    ok, first = first_bad(bad)
    value = idx[first // 2, jnp.where(first % 2, m_col, k_col)]
    data = jnp.stack([jnp.asarray(first, jnp.int64), value.astype(jnp.int64)])
    cols = {0: ("k", k_col, k_bound), 1: ("m", m_col, m_bound)}

    def text(d):
        what, col, bound = cols[int(d[0]) % 2]
        return "%s (%d) from index[%d,%d] out of bounds (>=%d)" % (what, int(d[1]),
                                                                   int(d[0]) // 2, col, bound)
    check(ctx, ok, text, [data])


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """`tf.sparse.sparse_dense_matmul`: sparse `sp_a` times dense `b`."""
    sp_a = _sparse(sp_a)
    with name_scope(name, "SparseTensorDenseMatMul", [sp_a.indices, sp_a.values, b]):
        b = tensor(b, name="b")
        return _sparse_matmul(sp_a.indices, sp_a.values, sp_a.dense_shape, b,
                              adjoint_a=adjoint_a, adjoint_b=adjoint_b)


def sparse_placeholder(dtype, shape=None, name=None):
    """`tf.sparse.placeholder`: a SparseTensor whose three parts every run must feed.

    As TF builds it: a given `shape` (a list with `None`s, or a 1-D int64 tensor) is the
    default of a feedable `PlaceholderWithDefault` dense shape, and the static shape."""
    from scopeflow.core.shape import TensorShape
    from scopeflow.core.tensor import Tensor
    from scopeflow.ops.constant import constant, placeholder, placeholder_with_default
    from scopeflow.ops.shape_value import constant_value_as_shape
    sub = (lambda part: name + "/" + part) if name is not None else (lambda part: None)
    static = None
    if shape is None:
        rank = None
        dense_shape = placeholder(_I64, [rank], name=sub("shape"))
    else:
        if isinstance(shape, Tensor):
            rank = shape.shape[0]
            static = constant_value_as_shape(shape)
        else:
            rank = len(shape)
            static = TensorShape([None if d == -1 else d for d in shape])
            shape = constant([-1 if d is None else d for d in static.as_list()], _I64,
                             name=sub("shape_default"))
        dense_shape = placeholder_with_default(shape, shape.shape, name=sub("shape"))
    values = placeholder(dtype, [None], name=sub("values"))
    indices = placeholder(_I64, [None, rank], name=sub("indices"))
    entries.mark(values, indices)  # (a count of entries per run: lowering/entries.py)
    out = SparseTensor(indices, values, dense_shape)
    if static is not None:
        out._static_shape = static.as_list() if static.rank is not None else None
    return out



@gradient("SparseTensorDenseMatMul")
def _sparse_matmul_grad(op, grad):
    """TF's graph: b's gradient a SparseTensorDenseMatMul of `grad` by a's adjoint; the values'
    gradient a batch of 1x1 matmuls of the rows of `grad` and `b` each entry reads."""
    from scopeflow.ops.array import expand_dims, squeeze, transpose
    from scopeflow.ops.gather import gather
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.linalg_ops import matrix_transpose
    a_indices, a_values, a_shape, b = op._inputs
    adj_a, adj_b = op._attrs.get("adjoint_a", False), op._attrs.get("adjoint_b", False)
    a_type, b_type = a_values.dtype.base_dtype, b.dtype.base_dtype
    if a_type != b_type:
        raise TypeError("SparseTensorDenseMatMul op received operands with different types: "
                        "`%s` and `%s`." % (a_type.name, b_type.name))
    b_grad = _sparse_matmul(a_indices, a_values, a_shape, grad, adjoint_a=not adj_a)
    if adj_b:
        b_grad = matrix_transpose(b_grad, conjugate=True)
    rows, cols = a_indices[:, 0], a_indices[:, 1]
    parts_a = gather(grad, cols if adj_a else rows)
    parts_b = gather(transpose(b) if adj_b else b, rows if adj_a else cols)
    if not adj_a and not adj_b:
        a_values_grad = matmul(expand_dims(parts_a, -2), expand_dims(parts_b, -2),
                               adjoint_b=True)
    elif adj_a and not adj_b:
        a_values_grad = matmul(expand_dims(parts_a, -1), expand_dims(parts_b, -1),
                               adjoint_a=True)
    elif not adj_a and adj_b:
        a_values_grad = matmul(expand_dims(parts_a, -2), expand_dims(parts_b, -1))
    else:
        a_values_grad = matmul(expand_dims(parts_a, -1), expand_dims(parts_b, -2),
                               adjoint_a=True, adjoint_b=True)
    return None, squeeze(a_values_grad, axis=[-2, -1]), None, b_grad
