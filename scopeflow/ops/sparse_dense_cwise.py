"""SparseTensor * dense and SparseTensor / dense (`sp * y`, `sp / y`): SparseDenseCwiseMul and
SparseDenseCwiseDiv, each entry by the element of the dense tensor (broadcast to the dense
shape: only the dense side broadcasts) at its index.

    >>> import scopeflow as tf
    >>> sp = tf.SparseTensor([[0, 1], [1, 0]], [2.0, 3.0], [2, 3])
    >>> (sp * 2.0).values.name, (sp / 2).values.op.type
    ('mul:0', 'SparseDenseCwiseDiv')

The dense value is read at the entries' indices (a dimension of 1 at index 0), so the dense
shape's values are not compiled in; TF's check that the dense shape broadcasts to it runs with
the step. The gradients are TF's graph (`sparse_grad.py`): the values' `grad * y` (or
`grad / y`), the dense side's a SparseAdd of the per-entry products onto zeros.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.gradients.registry import gradient
from scopeflow.ops.array_base import dims_of
from scopeflow.ops.op_util import name_scope, tensor, typed_op
from scopeflow.ops.registry import ANY, spec
from scopeflow.ops.value_checks import check
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["sparse_dense_mul", "sparse_dense_truediv"]

def _shape(sp_indices, sp_values, sp_shape, dense):
    d = dims_of(sp_values)
    return spec(None if d is None else d[:1], sp_values.dtype.base_dtype)


def _dense_at(ctx, sp_indices, sp_shape, dense):
    """The dense value at each entry's index, after TF's check that it broadcasts."""
    dense = jnp.asarray(dense)
    rank, drank = int(jnp.shape(sp_shape)[0]), dense.ndim
    shape = jnp.asarray(sp_shape)
    ok = drank <= rank
    if ok:
        lead = shape[rank - drank:]
        ok = jnp.all((jnp.asarray(dense.shape, shape.dtype) == 1)
                     | (jnp.asarray(dense.shape, shape.dtype) == lead))
    dims = ",".join(str(d) for d in dense.shape)
    check(ctx, ok, lambda d: "SparseDenseBinaryOpShared broadcasts dense to sparse only; got "
          "incompatible shapes: [%s] vs. [%s]" % (",".join(str(int(v)) for v in np.ravel(d)), dims),
          [shape])
    if not isinstance(ok, bool) or ok:
        idx = jnp.asarray(sp_indices)
        at = tuple(jnp.zeros(idx.shape[:1], idx.dtype) if n == 1 else idx[:, rank - drank + k]
                   for k, n in enumerate(dense.shape) if drank <= rank)
        if drank <= rank:
            return dense[at] if drank else jnp.broadcast_to(dense, idx.shape[:1])
    return jnp.ones(jnp.shape(sp_indices)[:1], dense.dtype)


@typed_op("SparseDenseCwiseMul", infer=_shape, context=True,
          types={"sp_indices": ANY, "sp_shape": ANY})
def _cwise_mul(ctx, sp_indices, sp_values, sp_shape, dense):
    return sp_values * _dense_at(ctx, sp_indices, sp_shape, dense)


@typed_op("SparseDenseCwiseDiv", infer=_shape, context=True,
          types={"sp_indices": ANY, "sp_shape": ANY})
def _cwise_div(ctx, sp_indices, sp_values, sp_shape, dense):
    y = _dense_at(ctx, sp_indices, sp_shape, dense)
    if jnp.issubdtype(y.dtype, jnp.integer):  # TF's integer Div: truncating, as C++ does
        return jnp.where(y == 0, 0, jnp.trunc(sp_values / jnp.where(y == 0, 1, y))).astype(
            y.dtype)
    return sp_values / y


def _operands(sp_x, y):
    return tensor(y, dtype=sp_x.dtype.base_dtype, name="y")


def sparse_dense_mul(sp_x, y):
    """`sp_x * y` (SparseTensor.__mul__): a SparseTensor of sp_x's entries times y's."""
    with name_scope(None, "mul", [sp_x.indices, sp_x.values, sp_x.dense_shape, y]) as name:
        y = _operands(sp_x, y)
        values = _cwise_mul(sp_x.indices, sp_x.values, sp_x.dense_shape, y, name=name)
        return SparseTensor(sp_x.indices, values, sp_x.dense_shape)


def sparse_dense_truediv(sp_x, y):
    """`sp_x / y` (SparseTensor.__truediv__): integers cast to float first, as `x / y`."""
    from scopeflow.ops.math import true_div_operands
    with name_scope(None, "truediv", [sp_x.indices, sp_x.values, sp_x.dense_shape, y]) as name:
        y = _operands(sp_x, y)
        values, y = true_div_operands(tensor(sp_x.values, name="sp_values"), y)
        out = _cwise_div(sp_x.indices, values, sp_x.dense_shape, y, name=name)
        return SparseTensor(sp_x.indices, out, sp_x.dense_shape)


def _cwise_grad(op, grad, is_mul):
    """TF's graph: the dense value each entry read (GatherNd at the scaled indices)."""
    from scopeflow.ops.array import expand_dims
    from scopeflow.ops.gather import gather_nd
    from scopeflow.ops.joining import concat
    from scopeflow.ops.math import square
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.shape_ops import ones, shape, size, zeros_like
    from scopeflow.ops.slicing import slice as slice_
    from scopeflow.ops.sparse_ops import sparse_add
    x_indices, x_values, x_shape, y = op._inputs
    y_shape = cast(shape(y), _dt.int64)
    num_added_dims = expand_dims(size(x_shape) - size(y_shape), 0)
    augmented_y_shape = concat([ones(num_added_dims, _dt.int64), y_shape], 0)
    scaling = x_shape // augmented_y_shape
    scaled_indices = x_indices // scaling
    scaled_indices = slice_(scaled_indices, concat([[0], num_added_dims], 0), [-1, -1])
    dense_vals = gather_nd(y, scaled_indices)
    if is_mul:
        dx, dy_val = grad * dense_vals, grad * x_values
    else:
        dx, dy_val = grad / dense_vals, grad * (-x_values / square(dense_vals))
    dy = sparse_add(zeros_like(y), SparseTensor(scaled_indices, dy_val, y_shape))
    return [None, dx, None, dy]


@gradient("SparseDenseCwiseMul")
def _mul_grad(op, grad):
    return _cwise_grad(op, grad, True)


@gradient("SparseDenseCwiseDiv")
def _div_grad(op, grad):
    return _cwise_grad(op, grad, False)
