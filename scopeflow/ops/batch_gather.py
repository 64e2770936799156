"""`tf.batch_gather` as TF builds it: the indices offset into the flattened leading (batch)
dimensions, one GatherV2 over the flattened params, reshaped back. Its errors are therefore
TF's: an index past its row reads the next row's element (TF does not check it), one past the
whole batch is `BatchGather/GatherV2`'s, a batch size that differs is `BatchGather/Reshape_3`'s.

>>> import scopeflow as tf
>>> tf.batch_gather(tf.zeros([2, 3]), [[0, 2], [1, 1]]).name
'BatchGather/Reshape_3:0'
"""

from scopeflow.ops.array import reshape
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.gather import gather
from scopeflow.ops.joining import concat, stack
from scopeflow.ops.math_cast import _cast_op
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.reductions import reduce_prod
from scopeflow.ops.shape_ops import ones, shape, zeros
from scopeflow.ops.shape_ops import range as range_


def batch_gather(params, indices, name=None):
    """Gather with every leading dimension of `indices` a batch dimension."""
    with name_scope(name, "BatchGather", [params, indices]):
        indices = convert_to_tensor(indices, name="indices")
        params = convert_to_tensor(params, name="params")
        rank = indices.shape.ndims
        if rank is None:
            raise ValueError("batch_gather does not allow indices with unknown shape.")
        batch = rank - 1
        if params.shape.ndims is not None and batch >= params.shape.ndims:
            raise ValueError("Argument `batch_dims` = %d must be less than rank(`params`) = %d"
                             % (batch, params.shape.ndims))
        return _flat_gather(params, indices, batch)


def _flat_gather(params, indices, batch):
    """(batch..., n) indices into (batch..., m, rest...) params through one flat gather."""
    rank = indices.shape.ndims
    indices_shape, params_shape = shape(indices), shape(params)
    dt = indices.dtype.base_dtype
    flat, stride = indices, ones((), dtype=dt)
    dims = _cast_op(params_shape, name="Cast", SrcT=params_shape.dtype.base_dtype, DstT=dt)
    for d in range(batch, 0, -1):  # each batch dimension's offset: its index times a stride
        size = dims[d - 1]
        stride *= dims[d]
        offsets = range_(zeros((), dtype=dt), size, ones((), dtype=dt), name="Range") * stride
        flat += reshape(offsets, stack([1] * (d - 1) + [size] + [1] * (rank - d), axis=0))
    flat = reshape(flat, [-1])
    rest = params_shape[batch + 1:]
    rows = reduce_prod(params_shape[:batch + 1], [0], False)
    got = gather(reshape(params, concat([[rows], rest], axis=0)), flat)
    result = reshape(got, concat([indices_shape, rest], axis=0))
    known = indices.shape[:batch].merge_with(params.shape[:batch])
    result.set_shape(known.concatenate(indices.shape[batch:]).concatenate(
        params.shape[batch + 1:]))
    return result
