"""`tf.experimental.Optional` in TF1 graph mode, and `Iterator.get_next_as_optional()`: a
value that may be absent, as TF's optional variant (`OptionalFromValue`, `OptionalNone`,
`IteratorGetNextAsOptional`; read by `OptionalHasValue` / `OptionalGetValue`).

These ops run on the host here: the optional an iterator gives is made there, and reading an
empty one fails at run time with TF's InvalidArgumentError (a compiled program could only give
zeros). In a tf.cond branch a read runs only when its branch is taken, as in TF.

>>> import scopeflow as tf
>>> it = tf.data.make_one_shot_iterator(tf.data.Dataset.range(1))
>>> opt = it.get_next_as_optional()
>>> with tf.Session() as sess:
...     print(sess.run(opt.has_value()), sess.run(opt.has_value()))
True False
"""

import numpy as np

from scopeflow import errors
from scopeflow.core.frame import default_graph
from scopeflow.core.tensor import Tensor
from scopeflow.data import graph_ops as g
from scopeflow.data import structure as st
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel, run_on_host_with_cond
from scopeflow.ops import optional_ops as _ops
from scopeflow.ops.optional_ops import OptState

iterator_get_next_as_optional = g._register("IteratorGetNextAsOptional", ["iterator"],
                                            stateful=True)


class Optional:
    """`tf.experimental.Optional`: made by `from_value`, `empty` or an iterator's
    `get_next_as_optional()`; not instantiable itself (TF's abstract class)."""

    def __new__(cls, *args, **kwargs):
        if cls is Optional:
            raise TypeError("Can't instantiate abstract class Optional with abstract methods "
                            "_type_spec, element_spec, get_value, has_value")
        return super().__new__(cls)

    @staticmethod
    def from_value(value):
        """An optional holding `value` (a structure of tensors, SparseTensors or values)."""
        graph = default_graph()
        with graph.name_scope("optional") as scope:
            with graph.name_scope("value"):
                spec, flat = _encoded(value)
            if not flat:
                raise ValueError("Attr 'Toutput_types' of 'OptionalFromValue' Op passed list "
                                 "of length 0 less than minimum 1.")
            variant = _ops.optional_from_value(flat, Toutput_types=[
                t.dtype.base_dtype for t in flat], name=scope)
        return _OptionalImpl(_on_host(variant), spec)

    @staticmethod
    def empty(element_spec):
        """An optional without a value, for elements of `element_spec`."""
        return _OptionalImpl(_on_host(_ops.optional_none()), element_spec)


class _OptionalImpl(Optional):
    def __init__(self, variant_tensor, element_spec):
        self._variant_tensor = variant_tensor
        self._element_spec = element_spec

    element_spec = property(lambda self: self._element_spec)
    _type_spec = property(lambda self: OptionalSpec(self._element_spec))

    def has_value(self, name=None):
        """A bool scalar: whether this optional holds a value."""
        with default_graph().colocate_with(self._variant_tensor.op):
            return _on_host(_ops.optional_has_value(self._variant_tensor, name=name))

    def get_value(self, name=None):
        """The value (InvalidArgumentError at run time when there is none)."""
        from scopeflow.data.iterators import _deserialize, from_variant
        graph = default_graph()
        flat = st.flatten(self._element_spec)
        with graph.name_scope(name or "OptionalGetValue") as scope:
            with graph.colocate_with(self._variant_tensor.op):
                outs = _ops.optional_get_value(
                    self._variant_tensor, output_types=[s.flat_dtype for s in flat],
                    output_shapes=[s.flat_shape for s in flat], name=scope)
            outs = outs if isinstance(outs, (list, tuple)) else [outs]
            _on_host(outs[0])
            outs = [_deserialize(t, s) if s.sparse else from_variant(t, s)
                    if getattr(s, "ragged", False) else t for t, s in zip(outs, flat)]
        return st.pack(self._element_spec, outs)


class OptionalSpec:
    """`tf.OptionalSpec`: the type of an optional with elements of `element_spec`."""

    def __init__(self, element_spec):
        self._element_spec = element_spec

    value_type = property(lambda self: Optional)

    def __eq__(self, other):
        return isinstance(other, OptionalSpec) and other._element_spec == self._element_spec

    def __hash__(self):
        return hash(st.spec_text(self._element_spec))

    def __repr__(self):
        return "OptionalSpec(%s,)" % st.spec_text(self._element_spec)


def _encoded(value):
    """(spec, flat tensors) of `value` as TF encodes it: a value leaf converted once for its
    spec and again for the tensor list (TF's two passes), a SparseTensor serialized."""
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.sparse_tensor import SparseTensor
    leaves = st.flatten(value)
    if any(st._is_ragged(x) for x in leaves):
        return st.normalize(value)  # (TF: a RaggedTensor's variant, RaggedTensorToVariant)
    sparse = [hasattr(x, "dense_shape") for x in leaves]
    specs = [st.spec_of(SparseTensor.from_value(x) if sp else
                        x if isinstance(x, Tensor) else convert_to_tensor(x))
             for x, sp in zip(leaves, sparse)]
    flat = [st._serialize(SparseTensor.from_value(x), False) if sp else
            x if isinstance(x, Tensor) else convert_to_tensor(x)
            for x, sp in zip(leaves, sparse)]
    return st.pack(value, specs), flat


def _on_host(t):
    """`t`'s op runs on the host with this module's kernel of its type."""
    run_on_host_with_cond(t.op, _KERNELS[t.op.type])
    return t


def get_next_as_optional(iterator):
    """`tf.data.experimental.get_next_as_optional(iterator)`: `iterator.get_next_as_optional()`."""
    return iterator.get_next_as_optional()


# ---- host kernels ---------------------------------------------------------------------------
@host_kernel("IteratorGetNextAsOptional")
def _get_next_as_optional(ctx, op, res):
    element = res.get_next(op, at_end=None)
    return [OptState(np.bool_(element is not None), None if element is None else tuple(element))]


def _has_value(ctx, op, opt):
    return [np.bool_(bool(np.asarray(opt.has)))]


def _get_value(ctx, op, opt):
    if not bool(np.asarray(opt.has)):
        raise run_error(errors.InvalidArgumentError, op,
                        "The given optional does not have a value.")
    return list(opt.values)


_KERNELS = {
    "OptionalFromValue": lambda ctx, op, *values: [OptState(np.bool_(True), tuple(values))],
    "OptionalNone": lambda ctx, op: [OptState(np.bool_(False), None)],
    "OptionalHasValue": _has_value,
    "OptionalGetValue": _get_value,
}
