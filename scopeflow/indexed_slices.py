"""`tf.IndexedSlices`: rows `indices` of a dense tensor of `dense_shape`, holding `values`.

`tf.gradients` returns one for a tensor whose every use is a row gather (`tf.gather`,
`embedding_lookup`), as TF does; optimizers then update only those rows. Converting it to a
tensor sums the rows into a dense tensor (`unsorted_segment_sum`).
"""

import collections

from scopeflow.core.tensor import Tensor


class IndexedSlicesValue(collections.namedtuple(
        "IndexedSlicesValue", ["values", "indices", "dense_shape"])):
    """A fetched IndexedSlices: numpy `values`, `indices` and `dense_shape` (None if it has none).

    >>> IndexedSlicesValue([[1.0]], [3], None).indices
    [3]
    """

    __slots__ = ()


class IndexedSlices:
    """A sparse tensor of rows: `dense[indices[i]] += values[i]`.

    >>> import scopeflow as tf
    >>> s = tf.IndexedSlices(tf.ones([2, 3]), tf.constant([0, 4]), tf.constant([5, 3]))
    >>> s.values.shape.as_list()
    [2, 3]
    """

    def __init__(self, values, indices, dense_shape=None):
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    def _session_fetches(self):
        """Session.run fetches and feeds it as its parts (values, indices[, dense_shape])."""
        parts = [self._values, self._indices]
        if self._dense_shape is not None:
            parts.append(self._dense_shape)
        return parts, lambda v: IndexedSlicesValue(v[0], v[1], v[2] if len(v) > 2 else None)

    values = property(lambda self: self._values)
    indices = property(lambda self: self._indices)
    dense_shape = property(lambda self: self._dense_shape)
    name = property(lambda self: self._values.name)
    device = property(lambda self: self._values.device)
    op = property(lambda self: self._values.op)
    dtype = property(lambda self: self._values.dtype)
    graph = property(lambda self: self._values.graph)

    @property
    def shape(self):
        """The dense shape, as far as it is known statically."""
        from scopeflow.core.shape import TensorShape
        from scopeflow.ops.constant import constant_value
        if self._dense_shape is not None:
            value = constant_value(self._dense_shape)
            if value is not None:
                return TensorShape([int(d) for d in value])
        return TensorShape(None).merge_with(
            TensorShape([None]).concatenate(self._values.shape[1:]))

    def get_shape(self):
        return self.shape

    def consumers(self):
        return self._values.consumers()

    def __neg__(self):
        from scopeflow.ops.math import negative
        return IndexedSlices(negative(self._values), self._indices, self._dense_shape)

    def __str__(self):
        return "IndexedSlices(indices=%s, values=%s%s)" % (
            self._indices, self._values,
            "" if self._dense_shape is None else ", dense_shape=%s" % (self._dense_shape,))

    def __repr__(self):
        return str(self)


def to_dense(value, dtype=None, name=None, as_ref=False):
    """The dense tensor an IndexedSlices stands for (rows summed)."""
    if dtype is not None and not dtype.is_compatible_with(value.dtype):
        raise ValueError("Incompatible tensor conversion requested to `dtype` %s for "
                         "IndexedSlices (%s) with dtype %s" % (dtype.name, value, value.dtype.name))
    if value.dense_shape is None:
        raise ValueError("Tensor conversion requested for IndexedSlices for argument `value` "
                         "without dense_shape: %s"
                         % str(value))
    from scopeflow.ops.segments import unsorted_segment_sum
    return unsorted_segment_sum(value.values, value.indices, value.dense_shape[0], name=name)


def is_indexed_slices(x):
    return isinstance(x, IndexedSlices)


def _register():
    from scopeflow.ops.constant import register_tensor_conversion_function
    register_tensor_conversion_function(IndexedSlices, to_dense)


_register()
__all__ = ["IndexedSlices", "Tensor", "to_dense"]


def convert_to_tensor_or_indexed_slices(value, dtype=None, name=None):
    """`tf.convert_to_tensor_or_indexed_slices`: a Tensor, IndexedSlices, SparseTensor or
    RaggedTensor as it is (its dtype checked against `dtype`), anything else converted."""
    from scopeflow import dtypes as _dtypes
    from scopeflow.core.tensor import Tensor
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ragged.ragged_tensor import RaggedTensor
    from scopeflow.sparse_tensor import SparseTensor
    if isinstance(value, (Tensor, IndexedSlices, SparseTensor, RaggedTensor)):
        if dtype and not _dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
            raise ValueError("Incompatible tensor conversion requested to `dtype` %s for "
                             "`value` (%s) with dtype %s." % (_dtypes.as_dtype(dtype).name,
                                                              value, value.dtype.name))
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)
