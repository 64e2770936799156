"""`tf.sparse.slice`: the entries of a SparseTensor inside a box, re-based to the box's corner.

    >>> import scopeflow as tf
    >>> sp = tf.SparseTensor([[0, 0], [1, 2]], [1.0, 2.0], [2, 3])
    >>> tf.sparse.slice(sp, [0, 1], [2, 2]).indices.shape.as_list()
    [None, 2]

How many entries fall in the box depends on the values, so SparseSlice runs on the host
(dynamic_shape.py), as does its gradient SparseSliceGrad, which walks the input and output
entries in order as TF's kernel does.
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.gradients.registry import gradient
from scopeflow.ops.array_base import dims_of
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.op_util import name_scope, tensor
from scopeflow.ops.registry import ANY, spec
from scopeflow.ops.sparse_ops import _sparse
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["sparse_slice"]

_I64 = _dt.int64


def _slice_shape(indices, values, shape, start, size):
    i, s = dims_of(indices), dims_of(shape)
    rank = None if i is None else i[1]
    return [spec((None, rank), _I64), spec((None,), values.dtype.base_dtype),
            spec(s if s is not None else (None,), _I64)]


def _check(rank, start, size):
    for name, v in (("start", start), ("size", size)):
        if v.shape[0] != rank:
            raise BadValue("Expected %s to be a vector of length %d but got length %d"
                           % (name, rank, v.shape[0]))
    bad = size[size < 0]
    if bad.size:
        raise BadValue("Expected a non-negative size, got %d" % bad[0])


@host_op("SparseSlice", _slice_shape, multi=True,
         types=dict.fromkeys(("indices", "shape", "start", "size"), ANY))
def sparse_slice_op(indices, values, shape, start, size):
    """Entries with start <= index < start + size, shifted by -start, in input order."""
    rank = shape.shape[0]
    _check(rank, start, size)
    keep = np.all((indices >= start) & (indices < start + size), axis=1) if rank else \
        np.ones((indices.shape[0],), bool)
    out_shape = np.maximum(np.minimum(start + size, shape) - start, 0)
    return (indices[keep] - start).reshape(-1, rank), values[keep], out_shape.astype(np.int64)


def _slice_grad_shape(backprop_val_grad, input_indices, input_start, output_indices):
    d = dims_of(input_indices)
    return spec(None if d is None else d[:1], backprop_val_grad.dtype.base_dtype)


@host_op("SparseSliceGrad", _slice_grad_shape,
         types=dict.fromkeys(("input_indices", "input_start", "output_indices"), ANY))
def sparse_slice_grad_op(backprop_val_grad, input_indices, input_start, output_indices):
    """The output entries' gradients at the input entries they came from (zeros elsewhere)."""
    out = np.zeros((input_indices.shape[0],), backprop_val_grad.dtype)
    shifted = input_indices - input_start
    j = 0
    for i in range(shifted.shape[0]):
        if j < output_indices.shape[0] and np.array_equal(shifted[i], output_indices[j]):
            out[i] = backprop_val_grad[j]
            j += 1
    return out


@gradient("SparseSlice", needs=("SparseSliceGrad",))
def _slice_grad(op, *grads):
    val_grad = sparse_slice_grad_op(grads[1], op._inputs[0], op._inputs[3], op._outputs[0],
                                    name="SparseSliceGrad")
    val_grad.set_shape(op._inputs[1].shape)
    return [None, val_grad, None, None, None]


def sparse_slice(sp_input, start, size, name=None):
    """`tf.sparse.slice`: the entries of `sp_input` in the box at `start` of `size`."""
    sp_input = _sparse(sp_input)
    start = tensor(start, dtype=_I64)
    size = tensor(size, dtype=_I64)
    with name_scope(name, "SparseSlice", [sp_input]) as scope:
        ind, val, shape = sparse_slice_op(sp_input.indices, sp_input.values,
                                          sp_input.dense_shape, start, size, name=scope)
        return SparseTensor(ind, val, shape)
