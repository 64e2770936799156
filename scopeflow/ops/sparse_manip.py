"""tf.sparse.from_dense and tf.sparse.retain: SparseTensors built from dense ops, as TF does.

    >>> import scopeflow as tf
    >>> sp = tf.sparse.from_dense([[0, 3], [4, 0]])
    >>> sp.indices.shape.as_list(), sp.dense_shape.shape.as_list()
    ([None, 2], [2])

Both keep entries chosen by values (Where), so their number of entries is found on the host
(dynamic_shape.py); every other op is an ordinary compiled one.
"""

from scopeflow import dtypes as _dt
from scopeflow.core.shape import Dimension
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor
from scopeflow.ops.sparse_ops import _sparse
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["sparse_from_dense", "sparse_retain"]


def sparse_from_dense(tensor_, name=None):
    """`tf.sparse.from_dense`: the non-zero entries of a dense tensor as a SparseTensor.

    >>> import scopeflow as tf
    >>> tf.sparse.from_dense([1.0, 0.0]).values.name
    'dense_to_sparse/GatherNd:0'
    """
    from scopeflow.ops import math as m
    from scopeflow.ops.gather import gather_nd, where_v2
    with name_scope(name, "dense_to_sparse"):
        t = tensor(tensor_)
        indices = where_v2(m.not_equal(t, array.zeros_like(t)))
        values = gather_nd(t, indices)
        shape = array.shape(t, out_type=_dt.int64)
        return SparseTensor(indices, values, shape)


def sparse_retain(sp_input, to_retain):
    """`tf.sparse.retain`: the entries of `sp_input` whose flag in `to_retain` is true.

    >>> import scopeflow as tf
    >>> sp = tf.SparseTensor([[0], [2]], [1.0, 2.0], [3])
    >>> tf.sparse.retain(sp, [False, True]).shape.as_list()
    [3]
    """
    from scopeflow.ops.gather import where
    sp_input = _sparse(sp_input)
    to_retain = tensor(to_retain)
    retain_shape = to_retain.shape
    retain_shape.assert_has_rank(1)
    values_dims = sp_input.values.shape.dims
    if values_dims is not None:  # (a flag vector of unknown rank passes, as in TF)
        retain_dims = retain_shape.dims
        values_dims[0].assert_is_compatible_with(
            Dimension(None if retain_dims is None else retain_dims[0].value))
    where_true = array.reshape(where(to_retain), [-1])
    new_indices = array.gather(sp_input.indices, where_true)
    new_values = array.gather(sp_input.values, where_true)
    out = SparseTensor(new_indices, new_values, array.identity(sp_input.dense_shape))
    out._static_shape = sp_input._static_shape
    return out
