"""`tf.sparse.to_dense` / `tf.sparse_tensor_to_dense` / `tf.sparse_to_dense`: SparseToDense.

The output's shape is the value of `output_shape`, known only when the op runs (a parsed
VarLenFeature's dense_shape), so the op is a host kernel; its checks are TF's.

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
    from scopeflow.ops.constant import constant_value
    value = constant_value(output_shape)
    if value is not None:
        return spec([int(d) for d in np.ravel(value)], sparse_values.dtype.base_dtype)
    n = output_shape.shape._dims
    rank = None if n is None or not n or n[0] is None else n[0]
    return spec(None if rank is None else [None] * rank, sparse_values.dtype.base_dtype)


def _host_only(*args, **attrs):
    raise NotImplementedError("SparseToDense runs on the host, not in a compiled program")


_sparse_to_dense = op("SparseToDense", infer=_shape,
                      types={"sparse_indices": INDEX, "output_shape": INDEX})(
    lambda sparse_indices, output_shape, sparse_values, default_value, *, validate_indices:
    _host_only())


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


def _text(index):
    return "[%s]" % ",".join(str(int(i)) for i in index)


@host_kernel("SparseToDense")
def _sparse_to_dense_host(ctx, op_, indices, shape, values, default):
    shape = [int(d) for d in np.ravel(shape)]
    indices = np.asarray(indices, np.int64)
    if indices.ndim < 2:  # a scalar or a vector of indices into a 1-D output
        indices = indices.reshape(-1, 1)
    values = np.asarray(values)
    dtype = op_._outputs[0].dtype.base_dtype
    np_type = object if dtype is _dt.string else dtype.as_numpy_dtype
    out = np.full(shape, np.asarray(default).reshape(()), dtype=np_type)
    if op_._attrs["validate_indices"]:
        prev = None
        for i, index in enumerate(indices):
            t = tuple(int(x) for x in index)
            if any(x < 0 or x >= d for x, d in zip(t, shape)):
                raise run_error(InvalidArgumentError, op_, "indices[%d] = %s is out of bounds: "
                                "need 0 <= index < %s" % (i, _text(t), _text(shape)))
            if prev is not None and t < prev:
                raise run_error(InvalidArgumentError, op_, "indices[%d] = %s is out of order. "
                                "Many sparse ops require sorted indices.\n    Use "
                                "`tf.sparse.reorder` to create a correctly ordered copy.\n\n"
                                % (i, _text(t)))
            if t == prev:
                raise run_error(InvalidArgumentError, op_, "indices[%d] = %s is repeated"
                                % (i, _text(t)))
            prev = t
    if len(indices):
        vals = values if values.ndim else np.full(len(indices), values)
        out[tuple(indices.T)] = vals
    return [out]
