"""`group_by_window` and `bucket_by_sequence_length`: elements grouped by an int64 key into
windows, each window a dataset that `reduce_func` turns into the output's elements.

>>> import scopeflow as tf
>>> ds = tf.data.Dataset.range(6).apply(group_by_window(lambda x: x % 2,
...                                                     lambda k, w: w.batch(3), 3))
>>> ds._variant_tensor.op.type
'GroupByWindowDataset'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.data import graph_ops as g
from scopeflow.data import host
from scopeflow.data import structure as st
from scopeflow.data.dataset import _attrs
from scopeflow.data.functions import captured, trace, trace_window
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.constant import convert_to_tensor

_KEY_SPEC = st.TensorSpec([], _dt.int64)


def _int64_scalar(fn, structure, name):
    traced = trace(lambda *a: convert_to_tensor(fn(*a), dtype=_dt.int64), structure)
    out = traced.out_structure
    if st.is_nested(out) or out.sparse or not out.shape.is_compatible_with(TensorShape([])):
        raise ValueError("Invalid `%s`. `%s` must return a single `tf.int64` scalar tensor but "
                         "its return type is %s." % (name, name, st.spec_text(out)))
    return traced


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None, name=None):
    """A transformation (for `Dataset.apply`): TF's `tf.data.experimental.group_by_window`."""
    def apply(ds):
        size_func = window_size_func
        if (window_size is not None and size_func) or not (window_size is not None or
                                                           size_func):
            raise ValueError("Either the `window_size` argument or the `window_size_func` "
                             "argument must be specified.")
        if window_size is not None:
            def size_func(unused_key):
                return convert_to_tensor(window_size, dtype=_dt.int64)

        return _group_by_window(ds, key_func, reduce_func, size_func)

    return apply


def _group_by_window(ds, key_func, reduce_func, window_size_func):
    key = _int64_scalar(key_func, ds._structure, "key_func")
    reduce = trace_window(reduce_func, ds._structure)
    size = _int64_scalar(window_size_func, _KEY_SPEC, "window_size_func")
    structure = reduce.out_structure._structure
    attrs = _attrs(structure, key_func=key, reduce_func=reduce, window_size_func=size)
    for part, fn in (("key", key), ("reduce", reduce), ("window_size", size)):
        attrs["T%s_func_other_arguments" % part] = [t.dtype.base_dtype for t in fn.captured]
    variant = g.group_by_window_dataset(ds._variant_tensor, key.captured, reduce.captured,
                                        size.captured, **attrs)
    return type(ds)(variant, structure, "_GroupByWindowDataset")


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False, name=None):
    """A transformation: elements batched (padded) with others of the same length bucket."""
    from scopeflow.ops import math as m
    from scopeflow.ops.constant import constant
    from scopeflow.ops.gather import where

    def apply(ds):
        if len(bucket_batch_sizes) != len(bucket_boundaries) + 1:
            raise ValueError("`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` "
                             "but `len(bucket_batch_sizes)=%d` and "
                             "`len(bucket_boundaries)=%d`."
                             % (len(bucket_batch_sizes), len(bucket_boundaries)))
        sizes = constant(bucket_batch_sizes, dtype=_dt.int64)

        def bucket_id(*args):
            length = element_length_func(*args)
            lows = [int(np.iinfo(np.int32).min)] + list(bucket_boundaries)
            highs = list(bucket_boundaries) + [int(np.iinfo(np.int32).max)]
            inside = m.logical_and(m.less_equal(lows, length), m.less(length, highs))
            return m.reduce_min(where(inside))

        def size_of(key):  # `sizes` read in the function: a capture (TF's getitem makes it)
            return captured([sizes])[0][key]

        def batching(key, window):
            n = size_of(key)
            if no_padding:
                return window.batch(n, drop_remainder=drop_remainder)
            filler = _bucket_boundary(key) if pad_to_bucket_boundary else None
            shapes = padded_shapes or window.output_shapes
            shapes = st.map_structure(lambda s: [filler if d is None else d
                                                 for d in TensorShape(s).as_list()], shapes)
            return window.padded_batch(n, shapes, padding_values, drop_remainder=drop_remainder)

        def _bucket_boundary(key):
            """The bucket's boundary - 1, what unknown dimensions pad to (TF checks first that
            the element is below the last boundary)."""
            from scopeflow.core.frame import default_graph
            from scopeflow.ops.checks import assert_less
            check = assert_less(key, constant(len(bucket_batch_sizes) - 1, dtype=_dt.int64),
                                message="When pad_to_bucket_boundary=True, elements must have "
                                        "length < max(bucket_boundaries).")
            with default_graph().control_dependencies([check]):
                boundaries = constant(bucket_boundaries, dtype=_dt.int64)
                return boundaries[key] - 1

        return ds.apply(group_by_window(bucket_id, batching, window_size_func=size_of))

    return apply


class GroupByWindow(host.HostDataset):
    """TF's order: a window is reduced when it fills; at the end the rest by ascending key."""

    def __init__(self, source, key_fn, reduce_fn, size_fn):
        self.source, self.key_fn, self.reduce_fn, self.size_fn = source, key_fn, reduce_fn, \
            size_fn

    def __iter__(self):
        groups, sizes = {}, {}
        for el in self.source:
            key = int(np.asarray(self.key_fn(el)[0]))
            if key not in groups:
                n = int(np.asarray(self.size_fn((np.int64(key),))[0]))
                if n <= 0:
                    raise host._invalid("Window size must be greater than zero, but got %d."
                                        % n)
                groups[key], sizes[key] = [], n
            group = groups[key]
            group.append(el)
            if len(group) == sizes[key]:
                del groups[key], sizes[key]
                yield from self._reduce(key, group)
        for key in sorted(groups):
            yield from self._reduce(key, groups[key])

    def _reduce(self, key, group):
        return iter(self.reduce_fn((np.int64(key), _Window(group)))[0])


@host_kernel("GroupByWindowDataset")
def _group_by_window_kernel(ctx, op, ds, *captured):
    fns, i = [], 0
    for part in ("key", "reduce", "window_size"):
        n = len(op._attrs["T%s_func_other_arguments" % part])
        fns.append(op._attrs["%s_func" % part].bind(captured[i:i + n], op))
        i += n
    out = GroupByWindow(ds, *fns)
    out._op = op
    return [out]


class _Window(host.HostDataset):
    def __init__(self, elements):
        self.elements = elements

    def __iter__(self):
        return iter(self.elements)
