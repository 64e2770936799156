"""`tf.sparse.softmax`: softmax over the last axis of each row's present entries.

    >>> import scopeflow as tf
    >>> sp = tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [1.0, 2.0, 3.0], [2, 3])
    >>> tf.sparse.softmax(sp).values.name
    'SparseSoftmax/SparseSoftmax:0'

TF's kernel sorts the entries into row-major order, groups them by all but the last index and
writes the results in that sorted order (the returned SparseTensor keeps the input's indices:
TF asks for ordered indices); the same is done here with a compiled sort, so the number of
entries stays the input's. The gradient is TF's graph: SparseReduceSum, SparseDenseCwiseAdd.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.gradients.registry import apply_op, gradient
from scopeflow.ops.array_base import dims_of
from scopeflow.ops.op_util import name_scope, typed_op
from scopeflow.ops.registry import ANY, spec
from scopeflow.ops.sparse_ops import _ints, _sparse
from scopeflow.ops.value_checks import check
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["sparse_softmax"]


def _softmax_shape(sp_indices, sp_values, sp_shape):
    d = dims_of(sp_values)
    return spec(None if d is None else d[:1], sp_values.dtype.base_dtype)


def _row_groups(idx):
    """(order, group of each sorted entry): row-major order, a group per leading index."""
    rank = idx.shape[1]
    order = jnp.lexsort(tuple(idx[:, k] for k in reversed(range(rank))))
    lead = idx[order][:, :-1]
    new = jnp.concatenate([jnp.ones((1,), bool), jnp.any(lead[1:] != lead[:-1], axis=1)])
    return order, jnp.cumsum(new) - 1


@typed_op("SparseSoftmax", infer=_softmax_shape, context=True,
          types={"sp_indices": ANY, "sp_shape": ANY})
def _sparse_softmax(ctx, sp_indices, sp_values, sp_shape):
    rank = int(np.shape(sp_shape)[0])
    if rank < 2:
        check(ctx, False, lambda d: "Input should have rank >= 2, but received shape: %s"
              % " ".join(str(int(v)) for v in np.ravel(d)), [jnp.asarray(sp_shape)])
        return jnp.zeros_like(sp_values)
    n = sp_values.shape[0]
    if n == 0:
        return sp_values
    order, group = _row_groups(jnp.asarray(sp_indices))
    x = jnp.asarray(sp_values)[order]
    top = jax.ops.segment_max(x, group, n)
    e = jnp.exp(x - top[group])
    return e / jax.ops.segment_sum(e, group, n)[group]


def _cwise_shape(sp_indices, sp_values, sp_shape, dense):
    return _softmax_shape(sp_indices, sp_values, sp_shape)


@typed_op("SparseDenseCwiseAdd", infer=_cwise_shape,
          types={"sp_indices": ANY, "sp_shape": ANY})
def _sparse_dense_cwise_add(sp_indices, sp_values, sp_shape, dense):
    """The sparse values plus `dense` broadcast to the dense shape, read at their indices."""
    full = jnp.broadcast_to(dense, _ints(sp_shape))
    return sp_values + full[tuple(jnp.asarray(sp_indices).T)]


@gradient("SparseSoftmax", needs=("SparseReduceSum", "SparseDenseCwiseAdd"))
def _sparse_softmax_grad(op, grad):
    """TF's: (grad - sum over the row of grad * softmax) * softmax, on the entries."""
    from scopeflow.ops.sparse_ops import sparse_reduce_sum
    indices, shape = op._inputs[0], op._inputs[2]
    out = op._outputs[0]
    product = SparseTensor._of(indices, out * grad, shape)
    sum_reduced = -sparse_reduce_sum(product, [-1], keepdims=True)
    summed = apply_op("SparseDenseCwiseAdd", indices, grad, shape, sum_reduced,
                      name="SparseDenseCwiseAdd")
    return [None, summed * out, None]


def sparse_softmax(sp_input, name=None):
    """`tf.sparse.softmax`: softmax over the last axis of each row's present entries."""
    sp_input = _sparse(sp_input)
    with name_scope(name, "SparseSoftmax", [sp_input.indices, sp_input.values]):
        values = _sparse_softmax(sp_input.indices, sp_input.values, sp_input.dense_shape)
        out = SparseTensor._of(sp_input.indices, values, sp_input.dense_shape)
        out._static_shape = sp_input._static_shape
        return out
