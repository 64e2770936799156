"""`tf.sparse.concat`: SparseTensors joined along one axis of their dense shapes.

    >>> import scopeflow as tf
    >>> a = tf.SparseTensor([[0, 0]], [1.0], [2, 2])
    >>> tf.sparse.concat(1, [a, a]).shape.as_list()
    [2, 4]

The output holds every input entry (so its size is static), shifted along the axis and put
in row-major order as TF's kernel leaves it. The dense shapes are compiled into the run
(lowering/lower.py); TF's checks on them are run-time errors. SparseConcat has no gradient
in TF.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.gradients.registry import not_differentiable
from scopeflow.ops.array_base import dims_of
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.registry import ANY, op, spec
from scopeflow.ops.sparse_ops import _ints, _sparse
from scopeflow.ops.value_checks import check
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["sparse_concat"]

_I64 = _dt.int64


def _concat_shape(indices, values, shapes, *, concat_dim):
    counts = [(dims_of(i) or (None,))[0] for i in indices]
    total = None if None in counts else sum(counts)
    ranks = [d[1] for d in (dims_of(i) for i in indices) if d is not None and d[1] is not None]
    rank = ranks[0] if ranks else None
    return [spec((total, rank), _I64), spec((total,), values[0].dtype.base_dtype),
            spec(dims_of(shapes[0]), _I64)]


def _shape_error(shapes, axis):
    """TF's first complaint about the inputs' dense shapes, or ''."""
    rank = len(shapes[0])
    for pos, s in enumerate(shapes[1:], 1):
        if len(s) != rank:
            return ("Ranks of all input tensors must match: expected %d but got %d at "
                    "position %d" % (rank, len(s), pos))
        for d in range(rank):
            if d != axis % rank and s[d] != shapes[0][d]:
                return ("Input shapes must match: expected %d for dimension %d but got %d at "
                        "position %d" % (shapes[0][d], d, s[d], pos))
    return ""


@op("SparseConcat", infer=_concat_shape, multi=True, context=True,
    lists=("indices", "values", "shapes"), types={"indices": ANY, "shapes": ANY})
def _sparse_concat(ctx, indices, values, shapes, *, concat_dim):
    shapes = [_ints(s) for s in shapes]
    rank = len(shapes[0])
    bad = _shape_error(shapes, concat_dim)
    total = sum(int(np.shape(i)[0]) for i in indices)
    if bad:
        check(ctx, False, bad)
        return (jnp.zeros((total, rank), jnp.int64), jnp.zeros((total,), values[0].dtype),
                jnp.asarray(shapes[0], jnp.int64))
    axis = concat_dim % rank
    offsets = np.cumsum([0] + [s[axis] for s in shapes[:-1]])
    along = np.arange(rank) == axis  # (rank,): the axis the inputs are laid along
    ind = jnp.concatenate([jnp.asarray(i, jnp.int64) + np.where(along, off, 0)
                           for i, off in zip(indices, offsets)])
    val = jnp.concatenate([jnp.asarray(v) for v in values])
    order = jnp.lexsort(tuple(ind[:, k] for k in reversed(range(rank))))  # stable: row-major
    out_shape = list(shapes[0])
    out_shape[axis] = sum(s[axis] for s in shapes)
    return ind[order], val[order], jnp.asarray(out_shape, jnp.int64)


not_differentiable("SparseConcat")


def _expanded_shapes(shapes, axis):
    """Each input's shape with the other axes at the largest size among the inputs."""
    from scopeflow.ops.reductions import reduce_max
    max_shape = reduce_max(array.concat([array.reshape(s, [1, -1]) for s in shapes], 0), 0)
    return [array.concat([max_shape[:axis], s[-1:] if axis == -1 else s[axis:axis + 1],
                          [] if axis == -1 else max_shape[axis + 1:]], 0) for s in shapes]


def _combine(fn, sizes):
    return None if None in sizes else fn(sizes)


def _static_shape(sp_inputs, axis, expand):
    shapes = [s.shape for s in sp_inputs]
    if not all(s.ndims is not None for s in shapes):
        return TensorShape(None), False
    dims = [s.as_list() for s in shapes]
    if expand:
        out = [_combine(max, [d[k] for d in dims]) for k in range(len(dims[0]))]
    else:
        out = dims[0]
    out[axis] = _combine(sum, [d[axis] for d in dims])
    return TensorShape(out), all(s.is_fully_defined() for s in shapes)


def sparse_concat(axis, sp_inputs, name=None, expand_nonconcat_dim=False, concat_dim=None,
                  expand_nonconcat_dims=None):
    """`tf.sparse.concat`: the SparseTensors `sp_inputs` joined along `axis`."""
    from scopeflow.ops.constant import convert_to_tensor
    if expand_nonconcat_dims is not None:
        expand_nonconcat_dim = expand_nonconcat_dims
    axis = concat_dim if axis is None else axis
    if isinstance(sp_inputs, tuple):
        raise TypeError("object of type 'generator' has no len()")  # TF's, word for word
    if not isinstance(sp_inputs, list):
        raise TypeError("Inputs must be a list or tuple.")
    sp_inputs = [_sparse(s) for s in sp_inputs]
    if len(sp_inputs) == 1:
        return sp_inputs[0]
    shapes = [s.dense_shape for s in sp_inputs]
    if expand_nonconcat_dim:
        shapes = _expanded_shapes(shapes, axis)
    ind, val, shape = _sparse_concat([s.indices for s in sp_inputs],
                                     [s.values for s in sp_inputs], shapes,
                                     name=name or "SparseConcat", concat_dim=axis)
    static, full = _static_shape(sp_inputs, axis, expand_nonconcat_dim)
    if full:
        return SparseTensor(ind, val, convert_to_tensor(static.as_list(), dtype=_I64))
    out = SparseTensor(ind, val, shape)
    if static.ndims is not None:
        out._static_shape = static.as_list()
    return out
