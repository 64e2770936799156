"""`tf.sparse.to_dense` / `tf.sparse_tensor_to_dense` / `tf.sparse_to_dense`: SparseToDense.

The output's shape is the value of `output_shape`, known only when the op runs (a parsed
VarLenFeature's dense_shape), so the op is a host kernel; its checks are TF's. Its compiled
kernel (a constant or fed shape, compiled in) serves tf.while_loop / tf.cond bodies and the
forward pass tf.gradients re-runs (the gradient of `sparse_values`).

>>> import scopeflow as tf
>>> s = tf.SparseTensor([[0, 1]], [5], [2, 2])
>>> tf.sparse.to_dense(s).op.type
'SparseToDense'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.registry import INDEX, op, spec


def _shape(sparse_indices, output_shape, sparse_values, default_value, *, validate_indices):
    from scopeflow.ops.array_base import partial_shape
    dims = partial_shape(output_shape)  # TF's MakeShapeFromShapeTensor: folded or partial
    if dims is not None:
        return spec(dims, sparse_values.dtype.base_dtype)
    n = output_shape.shape._dims
    rank = None if n is None or not n or n[0] is None else n[0]
    return spec(None if rank is None else [None] * rank, sparse_values.dtype.base_dtype)


@op("SparseToDense", infer=_shape, context=True,
    types={"sparse_indices": INDEX, "output_shape": INDEX},
    same_index=("sparse_indices", "output_shape"))
def _sparse_to_dense(ctx, sparse_indices, output_shape, sparse_values, default_value, *,
                     validate_indices=True):
    """The compiled kernel (inside tf.while_loop / tf.cond, and the forward pass tf.gradients
    re-runs); at the top level of a run the host kernel below runs instead."""
    import jax.numpy as jnp
    # a traced output_shape raises JAX's concretization error: the lowering compiles it in
    from scopeflow.ops.array_base import shape_dims
    if _values_error(sparse_indices, sparse_values):
        raise ValueError(_values_error(sparse_indices, sparse_values))
    shape = tuple(shape_dims(np.asarray(output_shape)))
    idx = jnp.reshape(sparse_indices, (np.shape(sparse_indices)[0] if np.ndim(sparse_indices)
                                       else 1, -1))
    n = idx.shape[0]
    values = jnp.broadcast_to(sparse_values, (n,))
    inside = jnp.all((idx >= 0) & (idx < jnp.asarray(shape, idx.dtype)), axis=1)
    key = jnp.ravel_multi_index(tuple(idx.T), shape, mode="clip") if shape else \
        jnp.zeros((n,), idx.dtype)
    ok = jnp.all(inside)
    if validate_indices and n > 1:
        ok = ok & jnp.all(key[1:] > key[:-1])
    if ctx is not None:
        ctx.check(ok, InvalidArgumentError,
                  lambda i: _index_error(i, shape, validate_indices), [idx])
    out = jnp.full((int(np.prod(shape)),), default_value, values.dtype)
    out = out.at[jnp.where(inside, key, out.shape[0])].set(values, mode="drop")
    return jnp.reshape(out, shape)


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """A dense tensor of `output_shape`: `sparse_values` at `sparse_indices`, else default."""
    return _sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value,
                            name=name, validate_indices=validate_indices)


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor a SparseTensor stands for (`default_value`, 0 by default, elsewhere)."""
    from scopeflow.ops.shape_ops import zeros
    if default_value is None:
        default_value = zeros([], dtype=sp_input.dtype)
    return _sparse_to_dense(sp_input.indices, sp_input.dense_shape, sp_input.values,
                            default_value, name=name, validate_indices=validate_indices)


def _index_error(indices, shape, validate):
    """TF's message for the first bad row of `indices` (bounds, then order), or None."""
    if not len(indices):
        return None
    idx = np.asarray(indices).reshape(len(indices), -1)
    prev = None
    for i, row in enumerate(idx.tolist()):
        text = "[%s]" % ",".join(str(v) for v in row)
        if any(v < 0 or v >= s for v, s in zip(row, shape)):
            if not validate:
                return "Indices are not valid (out of bounds).  Shape: [%s]" % ",".join(
                    str(s) for s in shape)
            return "indices[%d] = %s is out of bounds: need 0 <= index < [%s]" % (
                i, text, ",".join(str(s) for s in shape))
        if validate and prev is not None and row <= prev:
            if row == prev:
                return "indices[%d] = %s is repeated" % (i, text)
            return ("indices[%d] = %s is out of order. Many sparse ops require sorted indices.\n"
                    "    Use `tf.sparse.reorder` to create a correctly ordered copy.\n\n"
                    % (i, text))
        prev = row
    return None


def _values_error(indices, values):
    """TF's check of sparse_values (fed with a shape the graph did not know): a scalar, or one
    value per index; '' when fine."""
    n = np.shape(indices)[0] if np.ndim(indices) else 1
    if np.ndim(values) == 0 or (np.ndim(values) == 1 and np.size(values) == n):
        return ""
    return "sparse_values has incorrect shape [%s], should be [] or [%d]" % (
        ",".join(map(str, np.shape(values))), n)


@host_kernel("SparseToDense")
def _sparse_to_dense_host(ctx, op_, indices, shape, values, default):
    shape = [int(d) for d in np.ravel(shape)]
    if _values_error(indices, values):
        raise run_error(InvalidArgumentError, op_, _values_error(indices, values))
    if any(d < 0 for d in shape):
        raise run_error(InvalidArgumentError, op_, "Dimension %d must be >= 0"
                        % next(d for d in shape if d < 0))
    indices = np.asarray(indices, np.int64)
    if indices.ndim < 2:  # a scalar or a vector of indices into a 1-D output
        indices = indices.reshape(-1, 1)
    values = np.asarray(values)
    dtype = op_._outputs[0].dtype.base_dtype
    np_type = object if dtype is _dt.string else dtype.as_numpy_dtype
    out = np.full(shape, np.asarray(default).reshape(()), dtype=np_type)
    message = _index_error(indices, shape, op_._attrs["validate_indices"])
    if message is not None:
        raise run_error(InvalidArgumentError, op_, message)
    if len(indices):
        vals = values if values.ndim else np.full(len(indices), values)
        out[tuple(indices.T)] = vals
    return [out]
