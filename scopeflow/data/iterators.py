"""TF1 iterators over datasets: one-shot, initializable, reinitializable (`from_structure`) and
feedable (`from_string_handle`); `get_next()` is an `IteratorGetNext` op whose every run
yields the next element, and OutOfRangeError("End of sequence") at the end.

>>> import scopeflow as tf
>>> it = tf.data.make_one_shot_iterator(tf.data.Dataset.range(2))
>>> nxt = it.get_next()
>>> with tf.Session() as sess:
...     print(sess.run(nxt), sess.run(nxt))
0 1
"""

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.data import graph_ops as g
from scopeflow.data import structure as st
from scopeflow.ops.registry import REGISTRY

_PLACEHOLDERS = ("Placeholder", "PlaceholderV2")  # (a PlaceholderWithDefault is copied)


def _iter_attrs(structure, **extra):
    flat = st.flatten(structure)
    out = {"output_types": [s.flat_dtype for s in flat],
           "output_shapes": [s.flat_shape for s in flat]}
    out.update(extra)
    return out


class Iterator:
    """`tf.data.Iterator` (TF1): an iterator resource, its initializer and element structure."""

    def __init__(self, iterator_resource, initializer, output_types, output_shapes,
                 output_classes=None):
        self._iterator_resource = iterator_resource
        self._initializer = initializer
        self._structure = st.from_legacy(output_types, output_shapes, output_classes)
        self._string_handle = g.iterator_to_string_handle(iterator_resource)
        self._get_next_call_count = 0

    @classmethod
    def _make(cls, resource, initializer, structure):
        return cls(resource, initializer, st.types_of(structure), st.shapes_of(structure),
                   st.classes_of(structure))

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """An iterator not bound to a dataset; `make_initializer(ds)` binds it."""
        types = st.map_structure(_dt.as_dtype, output_types)
        structure = st.from_legacy(types, output_shapes, output_classes)
        res = g.iterator_v2(container="", shared_name=shared_name or "",
                            **_iter_attrs(structure))
        return Iterator._make(res, None, structure)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None,
                           output_classes=None):
        """An iterator that runs the iterator whose `string_handle()` value is fed."""
        types = st.map_structure(_dt.as_dtype, output_types)
        structure = st.from_legacy(types, output_shapes, output_classes)
        res = g.iterator_from_string_handle(string_handle, **_iter_attrs(structure))
        return Iterator._make(res, None, structure)

    element_spec = property(lambda self: self._structure)
    output_types = property(lambda self: st.types_of(self._structure))
    output_shapes = property(lambda self: st.shapes_of(self._structure))
    output_classes = property(lambda self: st.classes_of(self._structure))

    @property
    def initializer(self):
        if self._initializer is None:
            raise ValueError("The iterator does not have an initializer. This means it was "
                             "likely created using `tf.data.Dataset.make_one_shot_iterator()`. "
                             "For an initializable iterator, use "
                             "`tf.data.Dataset.make_initializable_iterator()` instead.")
        return self._initializer

    def make_initializer(self, dataset, name=None):
        """The `MakeIterator` op that (re)starts this iterator on `dataset`."""
        mine, theirs = self._structure, dataset._structure
        if not st.same_structure(mine, theirs):
            raise TypeError("Expected output types %r but got dataset with output types %r."
                            % (st.types_of(mine), st.types_of(theirs)))
        classes = [st.classes_of(mine), st.classes_of(theirs)]
        if any(a is not b for a, b in zip(*map(st.flatten, classes))):
            # (a RaggedTensorSpec is its own output class: TF compares them by identity)
            raise TypeError("Expected output classes %r but got dataset with output classes "
                            "%r." % tuple(classes))
        for a, b in zip(st.flatten(mine), st.flatten(theirs)):
            if a.dtype != b.dtype:
                raise TypeError("Expected output types %r but got dataset with output types %r."
                                % (st.types_of(mine), st.types_of(theirs)))
            if not a.shape.is_compatible_with(b.shape):
                raise TypeError("Expected output shapes compatible with %r but got dataset with "
                                "output shapes %r." % (st.shapes_of(mine), st.shapes_of(theirs)))
        graph = default_graph()
        with graph.name_scope(name or "make_initializer") as scope:
            return g.make_iterator(dataset._variant_tensor, self._iterator_resource,
                                   name=scope)

    def get_next(self, name=None):
        """The next element: a structure of tensors, outputs of one `IteratorGetNext`."""
        self._get_next_call_count += 1
        outs = g.iterator_get_next(self._iterator_resource, name=name,
                                   **_iter_attrs(self._structure))
        specs = st.flatten(self._structure)
        if any(s.sparse or getattr(s, "ragged", False) for s in specs):
            outs = [_deserialize(t, s) if s.sparse else from_variant(t, s)
                    if getattr(s, "ragged", False) else t for t, s in zip(outs, specs)]
        return st.pack(self._structure, outs)

    def get_next_as_optional(self):
        """The next element as a `tf.experimental.Optional`, empty at the end of the data."""
        from scopeflow.data.optional import _OptionalImpl, iterator_get_next_as_optional
        with default_graph().colocate_with(self._iterator_resource.op):
            variant = iterator_get_next_as_optional(self._iterator_resource,
                                                    **_iter_attrs(self._structure))
        return _OptionalImpl(variant, self._structure)

    def string_handle(self, name=None):
        if name is None:
            return self._string_handle
        return g.iterator_to_string_handle(self._iterator_resource, name=name)


def from_variant(variant, spec):
    """A ragged component as a RaggedTensor (a Tensor for ragged rank 0): TF's
    RaggedTensorFromVariant, with the spec's static shape on its parts."""
    from scopeflow.core.shape import TensorShape
    rank = spec.ragged_rank
    parts = g.ragged_tensor_from_variant(variant, input_ragged_rank=rank,
                                         output_ragged_rank=rank, Tvalues=spec.dtype,
                                         Tsplits=spec.row_splits_dtype)
    dims = spec.shape.as_list() if spec.shape.ndims is not None else None
    values = parts[-1]
    if dims is None:
        values._shape = TensorShape(None)
    elif rank == 0:
        values._shape = TensorShape(dims)
    else:
        values._shape = TensorShape([None] + dims[rank + 1:])
        if dims[0] is not None:
            parts[0]._shape = TensorShape([dims[0] + 1])
    return spec._from_components([values] + list(parts[:-1]))


def _deserialize(variant, spec):
    """A sparse component of an element as a SparseTensor: TF's DeserializeSparse, with the
    dense shape's known dimensions restored as TF does (a `shape` Const, or unstack/stack)."""
    from scopeflow.core.shape import TensorShape
    from scopeflow.ops.constant import constant
    from scopeflow.ops.joining import stack, unstack
    from scopeflow.sparse_tensor import SparseTensor
    indices, values, shape = g.deserialize_sparse(variant, dtype=spec.dtype,
                                                  Tserialized=_dt.variant)
    rank = spec.shape.ndims
    indices._shape = TensorShape([None, rank])
    values._shape = TensorShape([None])
    shape._shape = TensorShape([rank])
    dims = spec.shape.as_list() if rank is not None else None
    if dims is not None and None not in dims:
        shape = constant(dims, _dt.int64, name="shape")
    elif dims is not None and any(d is not None for d in dims):
        pieces = unstack(shape, num=rank)
        pieces = [p if d is None else constant(d, _dt.int64) for p, d in zip(pieces, dims)]
        shape = stack(pieces)
    return SparseTensor._of(indices, values, shape)


# stateful in scopeflow's registry (they change variables or order runs) but not in TF's op
# defs, so TF captures them by value (ref updates, NoOp, ...)
_CAPTURABLE = frozenset(["Assign", "AssignAdd", "AssignSub", "ControlTrigger", "CountUpTo",
                         "IsVariableInitialized", "NoOp"])
_CAPTURABLE_PREFIXES = ("Apply", "SparseApply", "Scatter")


def _stateful(op):
    rec = REGISTRY.get(op._type)
    return rec is not None and rec.stateful and op._type not in _CAPTURABLE and \
        not op._type.startswith(_CAPTURABLE_PREFIXES)


def _check_capturable(variant):
    """TF captures a one-shot iterator's dataset by value: neither placeholders nor stateful
    ops (random ops, variables) can be captured; the stateful case gets TF's advice."""
    from scopeflow.data.functions import upstream
    for op in upstream(variant.op):
        if op._type in _PLACEHOLDERS:
            raise ValueError("Cannot capture a placeholder (name:%s, type:%s) by value."
                             % (op._name, op._type))
        if _stateful(op):
            raise ValueError(
                "Cannot capture a stateful node (name:%s, type:%s) by value.: A likely cause of "
                "this error is that the dataset for which you are calling "
                "`make_one_shot_iterator()` captures a stateful object, such as a `tf.Variable` "
                "or `tf.lookup.StaticHashTable`, which is not supported. Use "
                "`make_initializable_iterator()` instead." % (op._name, op._type))


def _same_graph(dataset):
    graph, variant = default_graph(), dataset._variant_tensor
    if variant.graph is not graph:
        raise ValueError("The graph %r of the iterator is different from the graph %r the "
                         "dataset: %s was created in. Make sure that the dataset is created in "
                         "the same graph as the iterator." % (graph, variant.graph, variant))


def make_one_shot_iterator(dataset):
    """`tf.data.make_one_shot_iterator(ds)`: initialized when first run; no placeholders or
    stateful ops in the dataset's inputs."""
    _same_graph(dataset)
    # TF draws an op seed here (to seed its dataset function's graph): the implicit op seeds
    # of random ops made after the iterator (a Keras layer's initializer) count it
    from scopeflow.ops.random import get_seed
    get_seed(None)
    _check_capturable(dataset._variant_tensor)
    res = g.one_shot_iterator(dataset_factory=dataset._variant_tensor, container="",
                              shared_name="", **_iter_attrs(dataset._structure))
    return Iterator._make(res, None, dataset._structure)


def make_initializable_iterator(dataset, shared_name=None):
    """`tf.data.make_initializable_iterator(ds)`: run `it.initializer` (feeds allowed) first."""
    _same_graph(dataset)
    structure = dataset._structure
    res = g.iterator_v2(container="", shared_name=shared_name or "", **_iter_attrs(structure))
    init = g.make_iterator(dataset._variant_tensor, res)
    return Iterator._make(res, init, structure)


def get_structure(x):
    return x._structure


def get_output_types(x):
    return st.types_of(x._structure)


def get_output_shapes(x):
    return st.shapes_of(x._structure)


def get_output_classes(x):
    return st.classes_of(x._structure)


__all__ = [
    "Iterator",
    "get_output_classes",
    "get_output_shapes",
    "get_output_types",
    "make_initializable_iterator",
    "make_one_shot_iterator",
]
