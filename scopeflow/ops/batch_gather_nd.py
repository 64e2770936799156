"""`tf.gather_nd(..., batch_dims=M)` as TF builds it (`BatchGatherND`): the batch coordinates
of every index tuple (a meshgrid of the batch dimensions, tiled over the inner index
dimensions) are put in front of it, one GatherNd over the whole params reads the slices, and
a Reshape gives back the batch dimensions. Its errors are therefore TF's: a bad index tuple is
`BatchGatherND/GatherNd`'s (at its position in the flattened batch), a batch size that differs
is `BatchGatherND/Reshape_2`'s.

>>> import scopeflow as tf
>>> tf.gather_nd(tf.zeros([2, 3, 4]), [[[1]], [[2]]], batch_dims=1).name
'BatchGatherND/Reshape_3:0'
"""

from scopeflow import dtypes as _dt
from scopeflow.ops.array import expand_dims, reshape, squeeze, transpose
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.joining import concat, stack, tile, unstack
from scopeflow.ops.math_cast import _cast_op
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.reductions import reduce_prod
from scopeflow.ops.shape_ops import meshgrid, ones, range_op, rank, shape


def batch_gather_nd(params, indices, batch_dims, name=None, gather=None):
    """`gather(params, indices)` (GatherNd) with the first `batch_dims` dims shared."""
    with name_scope(name, "BatchGatherND", [params, indices]):
        indices = convert_to_tensor(indices, name="indices")
        params = convert_to_tensor(params, name="params")
        if not isinstance(batch_dims, int):
            raise TypeError("Argument `batch_dims` must be an int; got %s" % (batch_dims,))
        if batch_dims < 0:
            raise ValueError("tf.gather_nd does not allow negative batch_dims.")
        for what, n in (("indices", indices.shape.ndims), ("params", params.shape.ndims)):
            if n is not None and batch_dims >= n:
                raise ValueError("Argument `batch_dims` = %d must be less than rank(`%s`) = %d"
                                 % (batch_dims, what, n))
        expand = batch_dims == 0
        if expand:  # a dummy batch dimension
            params, indices, batch_dims = expand_dims(params, 0), expand_dims(indices, 0), 1
        out = _gather_batched(params, indices, batch_dims, gather)
        return squeeze(out, axis=[0]) if expand else out


def _gather_batched(params, indices, m, gather):
    # params (b1..bM, g1..gN), indices (b1..bM, i1..iK, C) -> (b1..bM, i1..iK, g(C+1)..gN)
    params_shape, indices_shape = shape(params), shape(indices)
    batch_shape = params_shape[:m]
    batch_size = reduce_prod(batch_shape, [0], False, name="Prod")
    inner_rank = rank(indices) - m - 1
    inner_shape = indices_shape[m:-1]
    dt = indices.dtype.base_dtype
    ranges = [_cast(range_op(0, _cast(n, _dt.int32), 1, name="Range"), dt)
              for n in unstack(batch_shape, axis=0)]
    grids = meshgrid(*ranges, indexing="ij") if ranges else []
    grid = transpose(stack([reshape(g, (-1,)) for g in grids], axis=0))  # (b1...bM, M)
    grid_shape = shape(grid)
    grid = reshape(grid, concat([grid_shape[:1], ones(inner_rank, dtype=grid_shape.dtype),
                                 grid_shape[1:]], axis=0))
    grid = tile(grid, concat(((1,), inner_shape, (1,)), axis=0))  # (b1...bM, i1..iK, M)
    flat = reshape(indices, concat(([batch_size], indices_shape[m:]), axis=0))
    out = gather(params, concat((grid, flat), axis=-1))
    return reshape(out, concat((batch_shape, shape(out)[1:]), axis=0))


def _cast(x, dtype):
    src = x.dtype.base_dtype
    return _cast_op(x, name="Cast", SrcT=src, DstT=dtype)
