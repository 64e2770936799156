"""`tf.TypeSpec` and `tf.TensorSpec`: the dtype, static shape and name of a tensor value.

>>> s = TensorSpec([2, None], name="x")
>>> s
TensorSpec(shape=(2, ?), dtype=tf.float32, name='x')
>>> s.is_compatible_with(TensorSpec([2, 3])), s == TensorSpec([2, None])
(True, False)
"""

from scopeflow import dtypes as _dt
from scopeflow.core.shape import as_shape
from scopeflow.core.tensor import Tensor


class TypeSpec:
    """`tf.TypeSpec`: the base of value specs (TensorSpec, SparseTensorSpec, RaggedTensorSpec)."""

    __slots__ = ()

    def most_specific_compatible_type(self, other):
        """`most_specific_common_supertype([other])`, TF's ValueError where there is none."""
        merged = self.most_specific_common_supertype([other])
        if merged is None:
            raise ValueError("No TypeSpec is compatible with both %s and %s" % (self, other))
        return merged


class TensorSpec(TypeSpec):
    """`tf.TensorSpec`: the dtype and static shape (and optional name) of one tensor."""

    __slots__ = ("_dtype", "_name", "_shape")

    def __init__(self, shape, dtype=_dt.float32, name=None):
        self._shape = as_shape(shape)
        self._dtype = _dt.as_dtype(dtype)
        self._name = name

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    name = property(lambda self: self._name)
    value_type = property(lambda self: Tensor)
    # how the component travels through dataset ops (output_types / output_shapes attrs)
    flat_dtype = dtype
    flat_shape = shape
    sparse = False

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """The spec of `tensor`, named `name` or after its op (TF: `tensor.op.name`)."""
        if name is None and isinstance(tensor, Tensor):
            name = tensor.op.name
        return cls(tensor.shape, tensor.dtype.base_dtype, name)

    @classmethod
    def from_spec(cls, spec, name=None):
        return cls(spec.shape, spec.dtype, name or getattr(spec, "name", None))

    def is_compatible_with(self, spec_or_tensor):
        """Same dtype and compatible shapes; names are not compared (TF: a Tensor or a dense
        spec only, so a NumPy array or a list is not compatible)."""
        other = spec_or_tensor
        return (isinstance(other, (TensorSpec, Tensor))
                and self._dtype.is_compatible_with(other.dtype)
                and self._shape.is_compatible_with(other.shape))

    def is_subtype_of(self, other):
        """Same type and dtype, and every known dim of `other` equal here."""
        if type(other) is not type(self) or self._dtype != other.dtype:
            return False
        mine, theirs = self._shape._dims, other.shape._dims
        if theirs is None:
            return True
        return mine is not None and len(mine) == len(theirs) and all(
            b is None or a == b for a, b in zip(mine, theirs))

    def most_specific_common_supertype(self, others):
        """The most specific spec all of `others` and this one are subtypes of, or None."""
        shape = self._shape
        for o in others:
            if type(o) is not type(self) or o.dtype != self._dtype or o.name != self._name:
                return None
            shape = shape.most_specific_compatible_shape(o.shape)
        return type(self)(shape, self._dtype, self._name)

    def __eq__(self, other):
        return (type(other) is type(self) and self._dtype == other._dtype
                and self._shape._dims == other._shape._dims and self._name == other._name)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((self._dtype, self._shape.ndims, self._name))

    def __repr__(self):
        return "TensorSpec(shape=%s, dtype=%r, name=%r)" % (self._shape, self._dtype, self._name)
