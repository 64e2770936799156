"""`tf.data.experimental`'s stateful transformations: scan, take_while, unique, enumerate_dataset
and Counter, as TF 2.21 builds them (ScanDataset, TakeWhileDataset, UniqueDataset ops).

>>> import scopeflow as tf
>>> ds = Counter(3, 2).take(2)
>>> ds._variant_tensor.op.inputs[0].op.type
'ScanDataset'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape
from scopeflow.data import graph_ops as g
from scopeflow.data import host
from scopeflow.data import structure as st
from scopeflow.data.dataset import _attrs, _fn_attrs
from scopeflow.data.functions import trace
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.constant import convert_to_tensor

_D, _ARGS = "input_dataset", "other_arguments"
scan_dataset = g._register("ScanDataset", [_D, "initial_state", _ARGS],
                           lists=["initial_state", _ARGS])
take_while_dataset = g._register("TakeWhileDataset", [_D, _ARGS], lists=[_ARGS])
unique_dataset = g._register("UniqueDataset", [_D])
rewrite_dataset = g._register("RewriteDataset", [_D, "rewrite_name"])
directed_interleave_dataset = g._register(
    "DirectedInterleaveDataset", ["selector_input_dataset", "data_input_datasets"],
    lists=["data_input_datasets"])


def _legacy(structure, what):
    return st.map_structure(lambda s: (s.dtype if what == "types" else s.shape), structure)


def _scan(ds, initial_state, scan_func):
    state_structure, state = st.normalize(initial_state)
    while True:
        fn = trace(scan_func, (state_structure, ds._structure))
        out = fn.out_structure
        if not isinstance(out, tuple) or len(out) != 2:
            raise TypeError("Invalid `scan_func`. `scan_func` should return a pair consisting "
                            "of new state and the output value but its return type is %s."
                            % st.spec_text(out))
        new, element = out
        old_types, new_types = _legacy(state_structure, "types"), _legacy(new, "types")
        flat_old, flat_new = st.flatten(state_structure), st.flatten(new)
        if len(flat_old) != len(flat_new) or any(
                a.dtype != b.dtype for a, b in zip(flat_old, flat_new)):
            raise TypeError("Invalid `scan_func`. The element types for the new state must "
                            "match the initial state. Expected %s, got %s."
                            % (old_types, new_types))
        weak = [a.shape.most_specific_compatible_shape(b.shape)
                for a, b in zip(flat_old, flat_new)]
        if not any(a.shape.ndims is not None and (w.ndims is None or a.shape.as_list() !=
                                                  w.as_list())
                   for a, w in zip(flat_old, weak)):
            break
        state_structure = st.pack(state_structure, [st.TensorSpec(w, a.dtype)
                                                    for a, w in zip(flat_old, weak)])
    flat = st.flatten(state_structure)
    variant = scan_dataset(ds._variant_tensor, state, fn.captured, f=fn,
                           Tstate=[s.dtype for s in flat], **_fn_attrs(fn),
                           preserve_cardinality=True, use_default_device=True,
                           **_attrs(element))
    return type(ds)(variant, element, "_ScanDataset")


def scan(initial_state, scan_func):
    """A transformation (for `Dataset.apply`): `scan_func(state, element) -> (state, out)`."""
    return lambda ds: _scan(ds, initial_state, scan_func)


def _take_while(ds, predicate):
    fn = trace(predicate, ds._structure)
    out = fn.out_structure
    if st.is_nested(out) or out.sparse or out.dtype != _dt.bool or not \
            out.shape.is_compatible_with(TensorShape([])):
        raise ValueError("Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                         "tensor but its return type is%s." % st.spec_text(out))
    variant = take_while_dataset(ds._variant_tensor, fn.captured, predicate=fn,
                                 **_attrs(ds._structure, **_fn_attrs(fn)))
    return type(ds)(variant, ds._structure, "_TakeWhileDataset")


def take_while(predicate):
    """A transformation: elements while `predicate` holds, then the end."""
    return lambda ds: _take_while(ds, predicate)


def _unique(ds):
    for spec in st.flatten(ds._structure):
        if spec.sparse or spec.dtype not in (_dt.int32, _dt.int64, _dt.string):
            raise TypeError("`tf.data.Dataset.unique` does not support type %s -- only "
                            "`tf.int32`, `tf.int64`, and `tf.string` are supported."
                            % spec.dtype)
    variant = unique_dataset(ds._variant_tensor, **_attrs(ds._structure))
    return type(ds)(variant, ds._structure, "_UniqueDataset")


def unique():
    """A transformation: each distinct element once, at its first place."""
    return _unique


def enumerate_dataset(start=0):
    """A transformation: `(index, element)` pairs, the index counting from `start`."""
    return lambda ds: ds.enumerate(start)


def Counter(start=0, step=1, dtype=_dt.int64):  # noqa: N802 (TF's name)
    """The infinite dataset start, start + step, ... (a scan over a repeated 0, as TF's)."""
    from scopeflow.data.dataset import Dataset
    with default_graph().name_scope("counter"):
        start = convert_to_tensor(start, dtype=dtype, name="start")
        step = convert_to_tensor(step, dtype=dtype, name="step")
        return Dataset.from_tensors(0).repeat(None).apply(
            scan(start, lambda state, _: (state + step, state)))


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=False):
    """Elements of `datasets[i]` for each `i` of `choice_dataset` (TF1's default: an empty
    input is skipped; `stop_on_empty_dataset`: the first one reached ends the dataset)."""
    from scopeflow.data.dataset import DatasetV2
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    if not isinstance(choice_dataset, DatasetV2):
        raise TypeError("Invalid `choice_dataset`. `choice_dataset` should be a "
                        "`tf.data.Dataset` but is %s." % type(choice_dataset))
    choice = choice_dataset._structure
    if st.is_nested(choice) or choice.sparse or choice.dtype != _dt.int64 or not \
            choice.shape.is_compatible_with(TensorShape([])):
        raise TypeError("Invalid `choice_dataset`. Elements of `choice_dataset` must be scalar "
                        "`tf.int64` tensors but are %s." % st.spec_text(choice))
    graph = default_graph()
    with graph.name_scope("RewriteDataset") as scope:
        rewrite = convert_to_tensor("replicate_on_split", name="rewrite_name")
        selector = rewrite_dataset(choice_dataset._variant_tensor, rewrite, name=scope,
                                   **_attrs(choice))
    return directed_interleave(selector, datasets, stop_on_empty_dataset)


def directed_interleave(selector, datasets, stop_on_empty_dataset):
    """The DirectedInterleaveDataset drawing from `datasets` as the int64 scalars of the
    `selector` variant say; its element spec the inputs' most specific common supertype."""
    structure = datasets[0]._structure
    for i, ds in enumerate(datasets[1:]):
        merged = None
        if st.same_structure(structure, ds._structure):
            merged = [a.most_specific_common_supertype([b]) for a, b in zip(
                st.flatten(structure), st.flatten(ds._structure))]
        if merged is None or None in merged:
            raise TypeError("Invalid `datasets`. `datasets` must have compatible element "
                            "specs.\n Dataset 0 element_spec=%s.\nDataset %d element_spec=%s."
                            % (st.spec_text(datasets[0]._structure), i + 1,
                               st.spec_text(ds._structure)))
        structure = st.pack(structure, merged)
    variant = directed_interleave_dataset(
        selector, [ds._variant_tensor for ds in datasets],
        stop_on_empty_dataset=bool(stop_on_empty_dataset), **_attrs(structure))
    return type(datasets[0])(variant, structure, "_DirectedInterleaveDataset")


# ---- host kernels ---------------------------------------------------------------------------
class Scan(host.HostDataset):
    def __init__(self, source, state, fn):
        self.source, self.state, self.fn = source, tuple(state), fn

    def __iter__(self):
        state, k = self.state, len(self.state)
        for el in self.source:
            out = self.fn(state + tuple(el))
            state = tuple(out[:k])
            yield tuple(out[k:])


class TakeWhile(host.HostDataset):
    def __init__(self, source, predicate):
        self.source, self.predicate = source, predicate

    def __iter__(self):
        for el in self.source:
            if not bool(self.predicate(el)[0]):
                return
            yield el


class Unique(host.HostDataset):
    def __init__(self, source):
        self.source = source

    def __iter__(self):
        seen = set()
        for el in self.source:
            key = tuple((c.dtype.str, c.shape, c.tobytes()) if c.dtype != object else
                        (c.shape, tuple(c.reshape(-1).tolist())) for c in map(np.asarray, el))
            if key not in seen:
                seen.add(key)
                yield el


class DirectedInterleave(host.HostDataset):
    def __init__(self, selector, inputs, stop_on_empty):
        self.selector, self.inputs, self.stop = selector, inputs, stop_on_empty

    def __iter__(self):
        its = [iter(ds) for ds in self.inputs]
        active = len(its)
        for choice in self.selector:
            i = int(np.asarray(choice[0]))
            if not 0 <= i < len(its):
                raise host._invalid("Selector index out of range: %d >= %d" % (i, len(its)))
            if its[i] is None:
                continue
            el = next(its[i], None)
            if el is not None:
                yield el
                continue
            if self.stop:
                return
            its[i] = None
            active -= 1
            if not active:
                return


host_kernel("RewriteDataset")(lambda ctx, op, ds, name: [ds])
host_kernel("DirectedInterleaveDataset")(lambda ctx, op, sel, *ds: [DirectedInterleave(
    sel, ds, op._attrs["stop_on_empty_dataset"])])


@host_kernel("ScanDataset")
def _scan_kernel(ctx, op, ds, *rest):
    k = len(op._attrs["Tstate"])
    return [Scan(ds, rest[:k], op._attrs["f"].bind(rest[k:], op))]


host_kernel("TakeWhileDataset")(
    lambda ctx, op, ds, *cap: [TakeWhile(ds, op._attrs["predicate"].bind(cap, op))])
@host_kernel("UniqueDataset")
def _unique_kernel(ctx, op, ds):
    if len(op._attrs["output_types"]) != 1:
        raise host._invalid("UniqueDataset only supports inputs with a single component.")
    return [Unique(ds)]
