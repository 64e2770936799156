"""`tf.data.experimental.group_by_reducer` and its `Reducer`: elements grouped by an int64
key, each group folded into a state (`init_func(key)`, then `reduce_func(state, element)`),
and at the end of the input one element per group, `finalize_func(state)`, by ascending key
(TF keeps the states in an ordered map).

>>> import scopeflow as tf
>>> r = Reducer(lambda k: tf.constant(0, tf.int64), lambda s, x: s + x, lambda s: s)
>>> ds = tf.data.Dataset.range(6).apply(group_by_reducer(lambda x: x % 2, r))
>>> ds._variant_tensor.op.type
'ExperimentalGroupByReducerDataset'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.data import graph_ops as g
from scopeflow.data import host
from scopeflow.data import structure as st
from scopeflow.data.functions import trace
from scopeflow.lowering.stages import host_kernel

_PARTS = ("key", "init", "reduce", "finalize")
group_by_reducer_dataset = g._register(
    "ExperimentalGroupByReducerDataset",
    [g._D] + ["%s_func_other_arguments" % p for p in _PARTS],
    lists=["%s_func_other_arguments" % p for p in _PARTS])


class Reducer:
    """`tf.data.experimental.Reducer(init_func, reduce_func, finalize_func)`."""

    def __init__(self, init_func, reduce_func, finalize_func):
        self._init_func = init_func
        self._reduce_func = reduce_func
        self._finalize_func = finalize_func

    init_func = property(lambda self: self._init_func)
    reduce_func = property(lambda self: self._reduce_func)
    finalize_func = property(lambda self: self._finalize_func)


def group_by_reducer(key_func, reducer):
    """A transformation (for `Dataset.apply`): one element per key, its group reduced."""

    def apply(ds):
        key = trace(key_func, ds._structure)
        out = key.out_structure
        if st.is_nested(out) or out.sparse or out.dtype != _dt.int64 or \
                not out.shape.is_compatible_with(TensorShape([])):
            if st.is_nested(out):  # (TF's own check fails on a structure this way)
                raise AttributeError("'%s' object has no attribute 'is_compatible_with'"
                                     % type(out).__name__)
            raise ValueError("Invalid `key_func`. Expected `key_func` to return a scalar "
                             "tf.int64 tensor, but instead `key_func` has output types=%s and "
                             "shapes=%s." % (out.dtype, out.shape))
        init = trace(reducer.init_func, st.TensorSpec([], _dt.int64))
        reduce, state = _reduce_func(reducer.reduce_func, init.out_structure, ds._structure)
        finalize = trace(reducer.finalize_func, state)
        fns = (key, init, reduce, finalize)
        structure = finalize.out_structure
        attrs = {"%s_func" % p: f for p, f in zip(_PARTS, fns)}
        attrs.update(("T%s_func_other_arguments" % p, [t.dtype.base_dtype for t in f.captured])
                     for p, f in zip(_PARTS, fns))
        flat = st.flatten(structure)
        variant = group_by_reducer_dataset(
            ds._variant_tensor, *[f.captured for f in fns],
            output_types=[s.flat_dtype for s in flat],
            output_shapes=[s.flat_shape for s in flat], **attrs)
        return type(ds)(variant, structure, "_GroupByReducerDataset")

    return apply


def _reduce_func(fn, state, element):
    """`fn` traced over (state, element) until the state's shapes stop relaxing, as TF does;
    (the traced function, the state structure)."""
    init_types = st.types_of(state)
    while True:
        traced = trace(fn, (state, element))
        new = traced.out_structure
        flat, flat_new = st.flatten(state), st.flatten(new)
        if any(a.dtype != b.dtype for a, b in zip(flat, flat_new)):
            raise TypeError("Invalid `reducer`. The element types for the new state %s do not "
                            "match the element types of the old state %s."
                            % (st.types_of(new), init_types))
        relaxed = [a.shape.most_specific_compatible_shape(b.shape)
                   for a, b in zip(flat, flat_new)]
        if all(a.shape.ndims is None or (r.ndims is not None and a.shape.as_list() ==
                                         r.as_list()) for a, r in zip(flat, relaxed)):
            return traced, state
        state = st.pack(state, [type(a)(r, a.dtype) for a, r in zip(flat, relaxed)])


class GroupByReducer(host.HostDataset):
    def __init__(self, source, key_fn, init_fn, reduce_fn, finalize_fn):
        self.source = source
        self.fns = (key_fn, init_fn, reduce_fn, finalize_fn)

    def __iter__(self):
        key_fn, init_fn, reduce_fn, finalize_fn = self.fns
        states = {}
        for el in self.source:
            key = int(np.asarray(key_fn(el)[0]))
            state = states.get(key)
            if state is None:
                state = tuple(init_fn((np.int64(key),)))
            states[key] = tuple(reduce_fn(state + tuple(el)))
        for key in sorted(states):
            yield tuple(finalize_fn(states[key]))


@host_kernel("ExperimentalGroupByReducerDataset")
def _group_by_reducer_kernel(ctx, op, ds, *captured):
    fns, i = [], 0
    for part in _PARTS:
        n = len(op._attrs["T%s_func_other_arguments" % part])
        fns.append(op._attrs["%s_func" % part].bind(captured[i:i + n], op))
        i += n
    out = GroupByReducer(ds, *fns)
    out._op = op
    return [out]
