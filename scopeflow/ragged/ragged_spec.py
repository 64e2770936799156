"""`tf.RaggedTensorSpec`: the shape, dtype, ragged rank and row splits dtype of a RaggedTensor.

    >>> s = RaggedTensorSpec([2, None], ragged_rank=1)
    >>> s.ragged_rank, s.row_splits_dtype.name
    (1, 'int64')
"""

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape, as_shape
from scopeflow.core.tensor import Tensor
from scopeflow.core.type_spec import TensorSpec, TypeSpec


class RaggedTensorSpec(TypeSpec):
    """`tf.RaggedTensorSpec` (TF's constructor checks, compatibility and equality rules)."""

    __slots__ = ("_shape", "_dtype", "_ragged_rank", "_row_splits_dtype", "_flat_values_spec")
    sparse = False

    def __init__(self, shape=None, dtype=_dt.float32, ragged_rank=None,
                 row_splits_dtype=_dt.int64, flat_values_spec=None):
        self._shape = as_shape(shape)
        self._row_splits_dtype = _dt.as_dtype(row_splits_dtype)
        if flat_values_spec is not None:
            if dtype is None:
                dtype = flat_values_spec.dtype
            elif dtype != flat_values_spec.dtype:
                raise ValueError("dtype must be the same as flat_values_spec.dtype")
        elif dtype is None:
            raise ValueError("At least one of dtype or flat_values_spec must be provided")
        self._dtype = _dt.as_dtype(dtype)
        self._flat_values_spec = flat_values_spec
        rank = self._shape.ndims
        if ragged_rank is None:
            if rank is None:
                raise ValueError("Must specify ragged_rank or a shape with a known rank.")
            ragged_rank = rank - 1
        self._ragged_rank = ragged_rank
        if not isinstance(self._ragged_rank, int):
            raise TypeError("Argument `ragged_rank` must be an int. Received %s." % ragged_rank)
        if rank is not None and ragged_rank >= rank:
            raise ValueError("Argument `ragged_rank` (%s) must be less than rank (%s)."
                             % (ragged_rank, rank))

    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)
    ragged_rank = property(lambda self: self._ragged_rank)
    row_splits_dtype = property(lambda self: self._row_splits_dtype)
    flat_values_spec = property(lambda self: self._flat_values_spec)
    # tf.data carries a ragged component as one variant (TF's RaggedTensorToVariant), even
    # one of ragged rank 0 (a slice's row: a Tensor to the user)
    ragged = True
    flat_dtype = property(lambda self: _dt.variant)
    flat_shape = property(lambda self: TensorShape(None))

    def _to_components(self, value):
        """TF's components: [flat_values, *nested_row_splits] (a rank 0 spec's: [value])."""
        if _is_ragged(value):
            return [value.flat_values] + list(value.nested_row_splits)
        return [value]

    def _from_components(self, parts):
        """A RaggedTensor (a RaggedTensorValue of NumPy parts, as TF1's) of `parts`, with no
        ops: its row partitions are the splits as they are (TF's validate=False)."""
        import numpy as np
        from scopeflow.ragged.value import RaggedTensorValue
        parts = list(parts)
        result = parts[0]
        if all(isinstance(p, np.ndarray) for p in parts):
            for splits in reversed(parts[1:]):
                result = RaggedTensorValue(result, splits)
            return result
        from scopeflow.ragged.ragged_tensor import RaggedTensor
        from scopeflow.ragged.row_partition import _KEY, RowPartition
        from scopeflow.ops.constant import convert_to_tensor
        parts = [convert_to_tensor(p) for p in parts]
        result = parts[0]
        for splits in reversed(parts[1:]):
            result = RaggedTensor(result, RowPartition(splits, internal=_KEY), internal=True)
        return result

    def _batch(self, n):
        """The spec of `n` (None: unknown) such values stacked: one more ragged dimension."""
        return RaggedTensorSpec(TensorShape([n]).concatenate(self._shape), self._dtype,
                                self._ragged_rank + 1, self._row_splits_dtype)

    def _unbatch(self):
        if self._shape.ndims == 0:
            raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        return RaggedTensorSpec(self._shape[1:], self._dtype, self._ragged_rank - 1,
                                self._row_splits_dtype)

    @property
    def value_type(self):
        from scopeflow.ragged.ragged_tensor import RaggedTensor
        return RaggedTensor if self._ragged_rank > 0 else Tensor

    @classmethod
    def from_value(cls, value):
        """The spec of a RaggedTensor or RaggedTensorValue."""
        return cls(shape=value.shape, dtype=value.values.dtype, ragged_rank=value.ragged_rank,
                   row_splits_dtype=value.row_splits.dtype)

    def _serialize(self):
        parts = (self._shape, self._dtype, self._ragged_rank, self._row_splits_dtype)
        return parts if self._flat_values_spec is None else parts + (self._flat_values_spec,)

    def is_compatible_with(self, spec_or_value):
        """TF's rule: a ragged rank 0 spec takes a Tensor / TensorSpec; otherwise a ragged
        value or spec of the same ragged rank with compatible shape and dtypes."""
        other = spec_or_value
        if self._ragged_rank == 0:
            if self._flat_values_spec is None:
                if isinstance(other, (Tensor, TensorSpec)):
                    return TensorSpec(self._shape, self._dtype).is_compatible_with(other)
            elif not isinstance(other, RaggedTensorSpec) and not _is_ragged(other):
                return self._flat_values_spec.is_compatible_with(other)
        if _is_ragged(other):
            other = RaggedTensorSpec.from_value(other)
        if type(other) is not RaggedTensorSpec:
            return False
        return _compatible(self._serialize(), other._serialize())

    def is_subtype_of(self, other):
        if type(other) is not RaggedTensorSpec:
            return False
        mine, theirs = self._serialize(), other._serialize()
        return len(mine) == len(theirs) and all(
            _subshape(a, b) if isinstance(a, TensorShape) else a == b
            for a, b in zip(mine, theirs))

    def most_specific_common_supertype(self, others):
        shape = self._shape
        for o in others:
            if type(o) is not RaggedTensorSpec or o._serialize()[1:] != self._serialize()[1:]:
                return None
            shape = shape.most_specific_compatible_shape(o.shape)
        return RaggedTensorSpec(shape, self._dtype, self._ragged_rank, self._row_splits_dtype,
                                self._flat_values_spec)

    def __eq__(self, other):
        return type(other) is type(self) and _same(self._serialize(), other._serialize())

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((self._shape.ndims, self._dtype, self._ragged_rank, self._row_splits_dtype))

    def __repr__(self):
        return "RaggedTensorSpec(%s)" % ", ".join(repr(p) for p in self._serialize())


def _is_ragged(value):
    from scopeflow.ragged.ragged_tensor import is_ragged
    return is_ragged(value)


def _compatible(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, (TensorShape, _dt.DType, TypeSpec)):
            if not x.is_compatible_with(y):
                return False
        elif x != y:
            return False
    return True


def _same(a, b):
    return len(a) == len(b) and all(
        x.as_list() == y.as_list() if isinstance(x, TensorShape) and x.ndims is not None
        and y.ndims is not None else (x.ndims is None and y.ndims is None)
        if isinstance(x, TensorShape) else x == y for x, y in zip(a, b))


def _subshape(mine, theirs):
    if theirs.ndims is None:
        return True
    return mine.ndims == theirs.ndims and all(
        b is None or a == b for a, b in zip(mine.as_list(), theirs.as_list()))
