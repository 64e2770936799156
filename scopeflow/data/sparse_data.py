"""tf.data's sparse pieces: `tf.data.experimental.dense_to_sparse_batch` (ragged dense elements
batched into one SparseTensor) and TF1's `Dataset.from_sparse_tensor_slices` (a SparseTensor's
rows, each as its (indices, values, dense_shape) tensors; rows past its dense shape's first
dimension are left out, as TF leaves them).

>>> import scopeflow as tf
>>> ds = tf.data.Dataset.range(3).apply(dense_to_sparse_batch(2, []))
>>> tf.data.get_output_classes(ds).__name__, tf.data.get_output_shapes(ds).as_list()
('SparseTensor', [None])
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape
from scopeflow.data import graph_ops as g
from scopeflow.data import host
from scopeflow.data import structure as st
from scopeflow.data.kernels import _simple
from scopeflow.ops.constant import convert_to_tensor

dense_to_sparse_batch_dataset = g._register("DenseToSparseBatchDataset",
                                            [g._D, "batch_size", "row_shape"])
sparse_tensor_slice_dataset = g._register("SparseTensorSliceDataset",
                                          ["indices", "values", "dense_shape"])


def dense_to_sparse_batch(batch_size, row_shape):
    """A transformation (for `Dataset.apply`): up to `batch_size` elements of one component,
    each of rank `len(row_shape)`, as one SparseTensor of dense shape
    `[batch, *row_shape]` (an unknown dimension: the batch's largest)."""

    def apply(ds):
        types = st.types_of(ds._structure)
        if not isinstance(types, _dt.DType):
            raise TypeError("`dense_to_sparse_batch` requires an input dataset whose elements "
                            "have a single component, but the given dataset has the following "
                            "component types: %s." % (types,))
        shape = TensorShape(row_shape)
        structure = st.SparseTensorSpec(TensorShape([None]).concatenate(shape), types)
        graph = default_graph()
        row = convert_to_tensor([-1 if d is None else d for d in shape.as_list()],
                                dtype=_dt.int64)
        with graph.name_scope("DenseToSparseBatchDataset") as scope:
            n = convert_to_tensor(batch_size, dtype=_dt.int64, name="batch_size")
            variant = dense_to_sparse_batch_dataset(
                ds._variant_tensor, n, row, output_types=[structure.flat_dtype],
                output_shapes=[structure.flat_shape], name=scope)
        return type(ds)(variant, structure, "_DenseToSparseBatchDataset")

    return apply


def from_sparse_tensor_slices(sparse_tensor):
    """TF1's `Dataset.from_sparse_tensor_slices`: the rows of `sparse_tensor` (in its first
    dimension, its indices ordered by row), each as (indices, values, dense_shape) tensors."""
    from scopeflow.data.dataset import DatasetV1
    from scopeflow.sparse_tensor import SparseTensor
    if not isinstance(sparse_tensor, SparseTensor):
        raise TypeError("Invalid `sparse_tensor`. `sparse_tensor` must be a "
                        "`tf.sparse.SparseTensor`. Got %s." % type(sparse_tensor))
    cols = sparse_tensor.indices.shape.as_list()
    dims = sparse_tensor.dense_shape.shape.as_list()
    known = [d - 1 for d in (cols[1] if len(cols or ()) == 2 else None,
                             dims[0] if len(dims or ()) == 1 else None) if d is not None]
    rank = known[0] if known else None
    structure = (st.TensorSpec([None, rank], _dt.int64),
                 st.TensorSpec([None], sparse_tensor.dtype.base_dtype),
                 st.TensorSpec([rank], _dt.int64))
    variant = sparse_tensor_slice_dataset(sparse_tensor.indices, sparse_tensor.values,
                                          sparse_tensor.dense_shape,
                                          Tvalues=sparse_tensor.dtype.base_dtype)
    return DatasetV1(variant, structure, "_SparseTensorSliceDataset")


class SparseSlices(host.HostDataset):
    def __init__(self, indices, values, dense_shape):
        self.shape = np.asarray(dense_shape, np.int64).reshape(-1)
        self.indices = np.asarray(indices, np.int64).reshape(-1, len(self.shape))
        self.values = np.asarray(values)
        rows = self.indices[:, 0] if len(self.shape) else np.zeros([0], np.int64)
        if np.any(np.diff(rows) < 0):
            raise errors.UnimplementedError(None, None, (
                "The SparseTensor must be ordered in the batch dimension; handling arbitrarily "
                "ordered input is not currently supported."))
        self.rows = rows

    def __iter__(self):
        starts = np.searchsorted(self.rows, np.arange(self.shape[0] + 1 if len(self.shape)
                                                      else 1))
        for i in range(len(starts) - 1):
            a, b = starts[i], starts[i + 1]
            yield (self.indices[a:b, 1:], self.values[a:b], self.shape[1:])


class DenseToSparseBatch(host.HostDataset):
    def __init__(self, source, batch_size, row_shape):
        if int(batch_size) <= 0:
            raise host._invalid("Batch size must be greater than zero.")
        self.source, self.n = source, int(batch_size)
        self.row = [int(d) for d in np.asarray(row_shape).reshape(-1)]

    def __iter__(self):
        return _SparseBatches(iter(self.source), self.n, self.row)


def _dims(dims, unknown="?"):
    return "[%s]" % ",".join(unknown if d == -1 else str(d) for d in dims)


class _SparseBatches:
    """TF's iterator: an element that does not fit fails the call and drops its batch; the
    next call starts a new batch."""

    def __init__(self, source, n, row):
        self.source, self.n, self.row = source, n, row

    def __iter__(self):
        return self

    def __next__(self):
        batch = []
        for x in self.source:
            x = np.asarray(x[0])
            self._check(x)
            batch.append(x)
            if len(batch) == self.n:
                break
        if not batch:
            raise StopIteration
        return (_batched(batch, self.row),)

    def _check(self, x):
        if x.ndim != len(self.row):
            raise host._invalid("Input element had shape (%s) that is incompatible with the "
                                "row shape (%s)." % (_dims(x.shape), _dims(self.row)))
        if any(r != -1 and d > r for d, r in zip(x.shape, self.row)):
            raise errors.DataLossError(None, None, "Input element had shape (%s) that is larger "
                                       "than the row shape (%s)." % (_dims(x.shape),
                                                                    _dims(self.row)))


def _batched(batch, row):
    """Every entry of the elements (row-major, zeros too) as one SparseTensorValue."""
    from scopeflow.sparse_tensor import SparseTensorValue
    indices = [np.concatenate([np.full((x.size, 1), i, np.int64),
                               np.indices(x.shape, np.int64).reshape(x.ndim, x.size).T], 1)
               for i, x in enumerate(batch)]
    shape = [len(batch)] + [max(x.shape[k] for x in batch) if r == -1 else r
                            for k, r in enumerate(row)]
    return SparseTensorValue(np.concatenate(indices), np.concatenate([x.reshape(-1)
                                                                     for x in batch]),
                             np.asarray(shape, np.int64))


_simple("DenseToSparseBatchDataset", lambda op, ds, n, row: DenseToSparseBatch(ds, n, row))
_simple("SparseTensorSliceDataset", lambda op, i, v, s: SparseSlices(i, v, s))
