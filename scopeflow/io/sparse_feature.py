"""A `tf.io.SparseFeature`'s SparseTensor: TF's SparseMerge subgraph over the parsed features.

    indices = concat([ids.indices[:, :-1], expand_dims(ids.values, 1), ...], 1)
    dense_shape = concat([ids.dense_shape[:-1], [cast(size, int64), ...]], 0)

then `SparseReorder` (a host kernel: row-major order of the indices) unless already sorted.

>>> import scopeflow as tf
>>> ser = tf.placeholder(tf.string, [None])
>>> s = tf.parse_example(ser, {"s": tf.SparseFeature("ix", "v", tf.float32, 10)})["s"]
>>> s.indices.op.type
'SparseReorder'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.registry import op, spec
from scopeflow.sparse_tensor import SparseTensor


def _reorder_shape(input_indices, input_values, input_shape):
    return [spec(input_indices.shape._dims, _dt.int64),
            spec(input_values.shape._dims, input_values.dtype.base_dtype)]


@op("SparseReorder", infer=_reorder_shape, multi=True,
    types={"input_indices": _dt.int64, "input_shape": _dt.int64, "input_values": "T"})
def _sparse_reorder(input_indices, input_values, input_shape):
    """The compiled kernel (tf.while_loop / tf.cond bodies, the forward pass tf.gradients
    re-runs); at the top level of a run the host kernel below runs."""
    import jax.numpy as jnp
    idx = jnp.asarray(input_indices)
    if idx.ndim != 2 or idx.shape[0] < 2:
        return idx, input_values
    order = jnp.lexsort(tuple(idx[:, k] for k in reversed(range(idx.shape[1]))))
    return idx[order], jnp.asarray(input_values)[order]


def sparse_reorder(sp_input, name=None, static_shape=None):
    """The same SparseTensor with its entries in row-major order of their indices.

    As TF: a fully known shape becomes a constant `dense_shape`, else an Identity of it."""
    from scopeflow.ops.array import identity
    if static_shape is None and sp_input.shape.is_fully_defined():
        static_shape = sp_input.shape.as_list()
    indices, values = _sparse_reorder(sp_input.indices, sp_input.values, sp_input.dense_shape,
                                      name=name)
    if static_shape is not None and None not in static_shape:
        return SparseTensor(indices, values, list(static_shape))
    out = SparseTensor(indices, values, identity(sp_input.dense_shape))
    out._static_shape = static_shape
    return out


@host_kernel("SparseReorder")
def _sparse_reorder_host(ctx, op_, indices, values, shape):
    indices = np.asarray(indices, np.int64).reshape(-1, np.size(shape))
    values = np.asarray(values)
    if len(indices) != len(values):
        raise run_error(InvalidArgumentError, op_, "Number of elements in indices (%d) and "
                        "values (%d) do not match" % (len(indices), len(values)))
    order = np.lexsort(indices.T[::-1]) if len(indices) else np.zeros(0, np.int64)
    return [indices[order], values[order]]


def sparse_merge(sparse, feat):
    """The SparseTensor of SparseFeature `feat` from the parsed VarLen outputs `sparse`."""
    from scopeflow.ops.array import expand_dims
    from scopeflow.ops.joining import concat
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.op_util import name_scope
    keys = feat.index_key if isinstance(feat.index_key, (list, tuple)) else [feat.index_key]
    sizes = feat.size if isinstance(feat.size, (list, tuple)) else [feat.size]
    sp_ids = [sparse[k] for k in keys]
    sp_values = sparse[feat.value_key]
    with name_scope(None, "SparseMerge", [sp_ids[0].values, sp_values.values]):
        ids = [expand_dims(s.values, axis=1) for s in sp_ids]
        static = _static_dims(sp_ids[0])
        static = None if static is None else static[:-1] + [
            s if isinstance(s, int) else None for s in sizes]
        sizes = [cast(s, _dt.int64) for s in sizes]
        new_indices = concat([sp_ids[0].indices[:, :-1]] + ids, 1)
        new_shape = concat([sp_ids[0].dense_shape[:-1], sizes], 0)
        result = SparseTensor(new_indices, sp_values.values, new_shape)
        result._static_shape = static
        if feat.already_sorted:
            return result
        ordered = sparse_reorder(result, static_shape=static)
        out = SparseTensor(ordered.indices, ordered.values, new_shape)
        out._static_shape = static
        return out


def _static_dims(sp):
    """Dims of a parsed SparseTensor as far as its dense_shape's length says: [None] * rank."""
    n = sp.dense_shape.shape._dims
    return None if n is None or n[0] is None else [None] * n[0]
