"""tensor_scatter_nd_update / _add / _sub / _max / _min: a copy of a tensor with slices set."""

import numpy as np

from scopeflow.ops.array_base import dims_of, dims_text, scatter_nd_check
from scopeflow.ops.registry import INDEX, op
from scopeflow.ops.value_checks import check_index_tuples


def _scatter_shape(tensor, indices, updates):
    scatter_nd_check(dims_of(tensor), dims_of(indices), dims_of(updates))
    return tensor.shape, tensor.dtype.base_dtype


def _scatter(method):
    def kernel(ctx, tensor, indices, updates):
        import jax.numpy as jnp
        k = np.shape(indices)[-1]
        shape = tuple(np.shape(tensor))
        check_index_tuples(ctx, indices, shape, lambda pos, t: "indices%s = %s does not index "
                           "into shape %s" % (pos, t, dims_text(shape)))
        at = jnp.asarray(tensor).at[tuple(indices[..., j] for j in range(k))]
        if method == "sub":  # XLA scatters add; subtracting adds the negation
            return at.add(-jnp.asarray(updates))
        return getattr(at, method)(updates)
    return kernel


_OPS = {name: op(name, infer=_scatter_shape, types={"indices": INDEX}, context=True)(
    _scatter(method))
        for name, method in (("TensorScatterUpdate", "set"), ("TensorScatterAdd", "add"),
                             ("TensorScatterSub", "sub"), ("TensorScatterMax", "max"),
                             ("TensorScatterMin", "min"))}


def _public(op_type):
    def f(tensor, indices, updates, name=None):
        return _OPS[op_type](tensor, indices, updates, name=name or op_type)

    f.__name__ = "tensor_scatter_nd_" + op_type[len("TensorScatter"):].lower()
    f.__doc__ = "`tf.%s`: `tensor` with `updates` applied at `indices` (%s)." % (f.__name__,
                                                                                  op_type)
    return f


tensor_scatter_nd_update = tensor_scatter_update = _public("TensorScatterUpdate")
tensor_scatter_nd_add = tensor_scatter_add = _public("TensorScatterAdd")
tensor_scatter_nd_sub = tensor_scatter_sub = _public("TensorScatterSub")
tensor_scatter_nd_max = _public("TensorScatterMax")
tensor_scatter_nd_min = _public("TensorScatterMin")
