"""Element structures of tf.data: nests of TensorSpecs (tuples, dicts, namedtuples hold leaves).

In tf.data a list is a value, not a structure: `from_tensor_slices([1, 2])` slices one tensor.

>>> s = TensorSpec([], int64)
>>> s
TensorSpec(shape=(), dtype=tf.int64, name=None)
>>> flatten({"b": s, "a": (s, s)}) == [s, s, s]
True
"""

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape, as_shape
from scopeflow.core.tensor import Tensor
from scopeflow.core.type_spec import TensorSpec, TypeSpec

int64 = _dt.int64


class SparseTensorSpec(TypeSpec):
    """`tf.SparseTensorSpec`: a SparseTensor component (one variant through dataset ops)."""

    __slots__ = ("_dtype", "_shape")
    sparse = True

    def __init__(self, shape=None, dtype=_dt.float32):
        self._shape = as_shape(shape)
        self._dtype = _dt.as_dtype(dtype)

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    flat_dtype = property(lambda self: _dt.variant)
    flat_shape = property(lambda self: TensorShape(None))

    @property
    def value_type(self):
        from scopeflow.sparse_tensor import SparseTensor
        return SparseTensor

    def is_compatible_with(self, other):
        return (getattr(other, "sparse", False) and self._dtype == other.dtype
                and self._shape.is_compatible_with(other.shape))

    def most_specific_compatible_type(self, other):
        return SparseTensorSpec(self._shape.most_specific_compatible_shape(other.shape),
                                self._dtype)

    def __eq__(self, other):
        return (isinstance(other, SparseTensorSpec) and self._dtype == other._dtype
                and self._shape._dims == other._shape._dims)

    def __hash__(self):
        return hash((self._dtype, self._shape.ndims, True))

    def __repr__(self):
        return "SparseTensorSpec(%r, %r)" % (self._shape, self._dtype)

    def _to_components(self, value):
        return [value.indices, value.values, value.dense_shape]

    def _from_components(self, parts):
        """A SparseTensor (a SparseTensorValue of NumPy parts, as TF1's) of `parts`."""
        import numpy as np
        from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue
        if all(isinstance(p, np.ndarray) for p in parts):
            return SparseTensorValue(*parts)
        from scopeflow.ops.constant import convert_to_tensor
        return SparseTensor._of(*[convert_to_tensor(p) for p in parts])


class DatasetSpec(TypeSpec):
    """`tf.data.DatasetSpec`: a dataset as an element's component (window's); one variant."""

    __slots__ = ("element_spec",)
    sparse = False
    dtype = property(lambda self: _dt.variant)
    shape = property(lambda self: TensorShape([]))
    flat_dtype = dtype
    flat_shape = shape

    def __init__(self, element_spec):
        self.element_spec = element_spec

    @property
    def value_type(self):
        from scopeflow.data.dataset import DatasetV2
        return DatasetV2

    def is_compatible_with(self, other):
        return self == other

    def most_specific_compatible_type(self, other):
        return self

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and self.element_spec == other.element_spec

    def __hash__(self):
        return hash(("dataset", spec_text(self.element_spec)))

    def __repr__(self):
        return "DatasetSpec(%s, TensorShape([]))" % spec_text(self.element_spec)


def _legacy(what):
    """TF1's output_types / shapes / classes of a leaf (a DatasetSpec stands for itself, and a
    RaggedTensorSpec is its own output class, as TF's)."""
    return lambda s: s if isinstance(s, DatasetSpec) or (
        what == "value_type" and getattr(s, "ragged", False)) else getattr(s, what)


def spec_of(value):
    """The spec of a graph value: TensorSpec for a Tensor, SparseTensorSpec for a SparseTensor."""
    if isinstance(value, Tensor):
        return TensorSpec(value.shape, value.dtype.base_dtype)  # (unnamed, as tf.data's)
    if _is_ragged(value):
        return value._type_spec
    return SparseTensorSpec(value.shape, value.dtype.base_dtype)


def is_nested(x):
    """tf.data's rule: tuples (namedtuples too) and dicts are structure; lists are values (a
    SparseTensorValue too)."""
    return isinstance(x, (tuple, dict)) and not hasattr(x, "dense_shape")


def _children(x):
    if isinstance(x, dict):
        return [x[k] for k in sorted(x)]
    return list(x)


def flatten(structure):
    if not is_nested(structure):
        return [structure]
    out = []
    for c in _children(structure):
        out.extend(flatten(c))
    return out


def flatten_up_to(shallow, value):
    """`value`'s parts at `shallow`'s leaves (a part may be nested itself: `()` or `[None]` as a
    shape), with the errors of TF's nest.map_structure_up_to."""
    if not is_nested(shallow):
        return [value]
    if not is_nested(value):
        raise TypeError("If shallow structure is a sequence, input must also be a sequence. "
                        "Input has type: '%s'." % type(value).__name__)
    if len(value) != len(shallow):
        raise ValueError("The two structures don't have the same sequence length. Input "
                         "structure has length %d, while shallow structure has length %d."
                         % (len(value), len(shallow)))
    if isinstance(shallow, dict):
        return [x for k in sorted(shallow) for x in flatten_up_to(shallow[k], value[k])]
    return [x for s, v in zip(shallow, value) for x in flatten_up_to(s, v)]


def pack(structure, flat):
    """`structure` with its leaves replaced, in order, by the items of `flat`."""
    it = iter(flat)

    def build(s):
        if not is_nested(s):
            return next(it)
        items = [build(c) for c in _children(s)]
        if isinstance(s, dict):  # leaves in sorted-key order; TF keeps `s`'s key order
            by_key = dict(zip(sorted(s), items))
            return type(s)((k, by_key[k]) for k in s)
        if hasattr(s, "_fields"):
            return type(s)(*items)
        return type(s)(items)

    return build(structure)


def map_structure(fn, structure):
    return pack(structure, [fn(x) for x in flatten(structure)])


def same_structure(a, b):
    if is_nested(a) != is_nested(b):
        return False
    if not is_nested(a):
        return True
    if isinstance(a, dict) != isinstance(b, dict):
        return False
    if isinstance(a, dict) and sorted(a) != sorted(b):
        return False
    ca, cb = _children(a), _children(b)
    return len(ca) == len(cb) and all(same_structure(x, y) for x, y in zip(ca, cb))


def normalize(element, name="normalize_element", sliced=False):
    """(structure of specs, flat tensors) for a dataset element given as values/tensors.

    Non-tensor leaves become Consts named `component_<i>` under the `normalize_element` scope,
    as TF names them; a SparseTensor becomes one variant (TF's SerializeSparse, or
    SerializeManySparse when the element is `sliced`).
    """
    from scopeflow.core.frame import default_graph
    from scopeflow.ops.constant import convert_to_tensor
    leaves = flatten(element)
    sparse = [hasattr(x, "dense_shape") for x in leaves]
    ragged = [_is_ragged(x) for x in leaves]
    with default_graph().name_scope(name):  # (TF opens it even when every leaf is a tensor)
        tensors = [x if isinstance(x, Tensor) or sp or rg else convert_to_tensor(
            x, name="component_%d" % i)
            for i, (x, sp, rg) in enumerate(zip(leaves, sparse, ragged))]
    specs = []
    for i, sp in enumerate(sparse):
        if ragged[i]:
            from scopeflow.ragged.ragged_tensor import convert_to_tensor_or_ragged_tensor
            tensors[i] = convert_to_tensor_or_ragged_tensor(tensors[i])
            specs.append(tensors[i]._type_spec)
            tensors[i] = _ragged_variant(tensors[i], sliced)
        elif sp:
            specs.append(spec_of(_sparse(tensors[i])))
            tensors[i] = _serialize(_sparse(tensors[i]), sliced)
        else:
            specs.append(TensorSpec(tensors[i].shape, tensors[i].dtype.base_dtype))
    return pack(element, specs), tensors


def _is_ragged(x):
    from scopeflow.ragged.ragged_tensor import is_ragged
    return is_ragged(x)


def _ragged_variant(rt, many):
    """The variant carrying RaggedTensor `rt` (a RaggedTensorValue is made one) through dataset
    ops: TF's RaggedTensorToVariant, a row per slice if `many`."""
    from scopeflow.data import graph_ops as g
    from scopeflow.ragged.ragged_tensor import convert_to_tensor_or_ragged_tensor
    rt = convert_to_tensor_or_ragged_tensor(rt)
    t = g.ragged_tensor_to_variant(list(rt.nested_row_splits), rt.flat_values,
                                   batched_input=bool(many), RAGGED_RANK=rt.ragged_rank,
                                   Tvalues=rt.dtype.base_dtype,
                                   Tsplits=rt.row_splits.dtype.base_dtype)
    t._shape = TensorShape([rt.shape.as_list()[0] if many else None] if many else [])
    return t


def _sparse(x):
    from scopeflow.sparse_tensor import SparseTensor
    return SparseTensor.from_value(x)


def _serialize(sp, many):
    """The variant carrying SparseTensor `sp` through dataset ops (a row per slice if `many`)."""
    from scopeflow.data import graph_ops as g
    op = g.serialize_many_sparse if many else g.serialize_sparse
    t = op(sp.indices, sp.values, sp.dense_shape, out_type=_dt.variant, T=sp.dtype.base_dtype)
    rank = sp.shape.ndims
    lead = [sp.shape.as_list()[0] if rank else None] if many else []
    t._shape = TensorShape(lead + [3])
    return t


def types_of(structure):
    return map_structure(_legacy("dtype"), structure)


def shapes_of(structure):
    return map_structure(_legacy("shape"), structure)


def classes_of(structure):
    return map_structure(_legacy("value_type"), structure)


def from_legacy(types, shapes=None, classes=None):
    """A structure of specs from TF1's (output_types, output_shapes, output_classes)."""
    if shapes is None:
        shapes = map_structure(lambda _: TensorShape(None), types)
    flat_t, flat_s = flatten(types), flatten_up_to(types, shapes)
    flat_c = flatten_up_to(types, classes) if classes is not None else [Tensor] * len(flat_t)
    if not len(flat_t) == len(flat_s) == len(flat_c):
        raise ValueError("The two structures don't have the same number of elements.")
    return pack(types, [c if getattr(c, "ragged", False) and isinstance(c, TypeSpec) else
                        SparseTensorSpec(s, t) if getattr(c, "__name__", "") == "SparseTensor"
                        else TensorSpec(s, t) for t, s, c in zip(flat_t, flat_s, flat_c)])


class _Text:
    """A value whose repr is `text`."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def spec_text(structure):
    """TF's repr of an element spec: a TensorSpec, or tuples/dicts of them."""
    if isinstance(structure, dict):
        if type(structure) is not dict:  # (an OrderedDict: Python's repr of its type)
            try:
                return repr(type(structure)((k, _Text(spec_text(v)))
                                            for k, v in structure.items()))
            except TypeError:
                pass
        return "{%s}" % ", ".join("%r: %s" % (k, spec_text(structure[k])) for k in structure)
    if isinstance(structure, tuple):
        inner = ", ".join(spec_text(c) for c in structure)
        return "(%s,)" % inner if len(structure) == 1 else "(%s)" % inner
    return repr(structure)


def batched(structure, n):
    """Specs with a leading batch dimension `n` (None when unknown)."""
    return map_structure(lambda s: s._batch(n) if hasattr(s, "_batch") else type(s)(
        TensorShape([n]).concatenate(s.shape), s.dtype), structure)


def unbatched(structure):
    def one(s):
        if hasattr(s, "_unbatch"):
            return s._unbatch()
        if s.shape.ndims is None:
            return type(s)(None, s.dtype)
        if s.shape.ndims == 0:
            raise ValueError("Cannot unbatch an input with scalar components.")
        return type(s)(s.shape[1:], s.dtype)

    return map_structure(one, structure)
