"""`tf.SparseTensor`: `values` at `indices` of a dense tensor of `dense_shape` (zeros elsewhere).

Session.run fetches one as a `tf.SparseTensorValue` (indices, values, dense_shape), as TF does.
"""

import collections

from scopeflow import dtypes as _dt


class SparseTensorValue(collections.namedtuple(
        "SparseTensorValue", ["indices", "values", "dense_shape"])):
    """A fetched SparseTensor: numpy `indices` (n, rank), `values` (n,), `dense_shape` (rank,).

    >>> SparseTensorValue([[0]], [1], [2]).dense_shape
    [2]
    """

    __slots__ = ()


SparseTensorValue.__module__ = __name__


class SparseTensor:
    """A sparse tensor as three dense tensors: int64 `indices`, `values`, int64 `dense_shape`.

    >>> import scopeflow as tf
    >>> s = tf.SparseTensor([[0, 1]], [2.0], [3, 4])
    >>> s.indices.name, s.shape.as_list()
    ('SparseTensor/indices:0', [3, 4])
    """

    _static_shape = None  # dims an op knows beyond `dense_shape`'s constant value (TF set_shape)

    def __init__(self, indices, values, dense_shape):
        from scopeflow.ops.constant import convert_to_tensor
        from scopeflow.ops.op_util import name_scope
        with name_scope(None, "SparseTensor", [indices, values, dense_shape]):
            self._indices = convert_to_tensor(indices, name="indices", dtype=_dt.int64)
            self._values = convert_to_tensor(values, name="values")
            self._dense_shape = convert_to_tensor(dense_shape, name="dense_shape",
                                                  dtype=_dt.int64)
        from scopeflow.lowering.entries import mark_fed
        mark_fed(self._indices, self._values)  # (fed entries: a program per bucket of counts)

    @classmethod
    def from_value(cls, value):
        """A SparseTensor from a SparseTensorValue (or a SparseTensor, returned as is)."""
        if isinstance(value, SparseTensor):
            return value
        return cls(value.indices, value.values, value.dense_shape)

    @classmethod
    def _of(cls, indices, values, dense_shape):
        """Wraps three existing tensors (an op's outputs) without converting them."""
        s = cls.__new__(cls)
        s._indices, s._values, s._dense_shape = indices, values, dense_shape
        return s

    indices = property(lambda self: self._indices)
    values = property(lambda self: self._values)
    dense_shape = property(lambda self: self._dense_shape)
    dtype = property(lambda self: self._values.dtype)
    op = property(lambda self: self._values.op)
    graph = property(lambda self: self._values.graph)

    @property
    def shape(self):
        """The dense shape, as far as it is known statically."""
        from scopeflow.core.shape import TensorShape
        from scopeflow.ops.shape_value import constant_value_as_shape
        try:  # (TF's: constant_value_as_shape of dense_shape, then what set_shape gave)
            known = constant_value_as_shape(self._dense_shape)
        except ValueError:
            known = TensorShape(None)
        if self._static_shape is not None:
            return known.merge_with(TensorShape(self._static_shape))
        return known

    def get_shape(self):
        return self.shape

    @property
    def _type_spec(self):
        from scopeflow.data.structure import SparseTensorSpec
        return SparseTensorSpec(self.shape, self.dtype.base_dtype)

    def __mul__(self, y):  # (TF's operators on a SparseTensor: the dense side broadcasts)
        from scopeflow.ops.sparse_dense_cwise import sparse_dense_mul
        return sparse_dense_mul(self, y)

    def __truediv__(self, y):
        from scopeflow.ops.sparse_dense_cwise import sparse_dense_truediv
        return sparse_dense_truediv(self, y)

    def eval(self, feed_dict=None, session=None):
        from scopeflow.session_config import get_default_session
        return (session or get_default_session()).run(self, feed_dict)

    def _session_fetches(self):
        return [self._indices, self._values, self._dense_shape], \
            lambda v: SparseTensorValue(*v)

    def __repr__(self):
        return "SparseTensor(indices=%s, values=%s, dense_shape=%s)" % (
            self._indices, self._values, self._dense_shape)

    __str__ = __repr__


def is_sparse(x):
    return isinstance(x, (SparseTensor, SparseTensorValue))




def convert_to_tensor_or_sparse_tensor(value, dtype=None, name=None):
    """`tf.convert_to_tensor_or_sparse_tensor`: a SparseTensor (or SparseTensorValue, made one)
    as it is, its dtype checked against `dtype`; anything else converted to a Tensor."""
    from scopeflow.ops.constant import convert_to_tensor
    if dtype is not None:
        dtype = _dt.as_dtype(dtype)
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype and not dtype.is_compatible_with(value.dtype):
            raise RuntimeError("Sparse dtype mismatch. Requested: %s,  Actual: %s"
                               % (dtype.name, value.dtype.name))
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)
