"""`Dataset.window`: a dataset of windows, each a dataset per component (TF's WindowDataset),
usually flattened by `flat_map(lambda w: w.batch(n))`.

>>> import scopeflow as tf
>>> ds = window(tf.data.Dataset.range(5), 2, 2).flat_map(lambda w: w.batch(2))
>>> nxt = tf.data.make_one_shot_iterator(ds).get_next()
>>> with tf.Session() as sess:
...     [sess.run(nxt).tolist() for _ in range(3)]
[[0, 1], [2, 3], [4]]
"""

import collections
import itertools

from scopeflow import dtypes as _dt
from scopeflow.data import graph_ops as g
from scopeflow.data import host
from scopeflow.data import structure as st
from scopeflow.data.dataset import _attrs, _int64
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.constant import convert_to_tensor

window_dataset = g._register("WindowDataset",
                             ["input_dataset", "size", "shift", "stride", "drop_remainder"])


def window(ds, size, shift=None, stride=1, drop_remainder=False):
    """Windows of `size` elements `stride` apart, one starting every `shift` (default: size)
    elements; the last ones shorter unless `drop_remainder`."""
    shift = size if shift is None else shift  # (converted again, as TF does)
    size = _int64(size, "size")
    shift = _int64(shift, "shift")
    stride = _int64(stride, "stride")
    drop = convert_to_tensor(drop_remainder, dtype=_dt.bool, name="drop_remainder")
    structure = st.map_structure(st.DatasetSpec, ds._structure)
    variant = window_dataset(ds._variant_tensor, size, shift, stride, drop,
                             **_attrs(structure))
    return type(ds)(variant, structure, "_WindowDataset")


class Windows(host.HostDataset):
    """WindowDataset's kernel: each window is one host dataset per component."""

    def __init__(self, source, size, shift, stride, drop_remainder):
        self.source, self.drop = source, bool(drop_remainder)
        self.size, self.shift, self.stride = int(size), int(shift), int(stride)
        for name, v in (("Window size", self.size), ("Window shift", self.shift),
                        ("Window stride", self.stride)):
            if v <= 0:
                raise host._invalid("%s must be greater than zero." % name)

    def __iter__(self):
        source, buffer = iter(self.source), collections.deque()
        span = (self.size - 1) * self.stride + 1  # input elements a full window covers
        while True:
            buffer.extend(itertools.islice(source, span - len(buffer)))
            if not buffer:
                return
            picked = list(itertools.islice(buffer, 0, span, self.stride))
            if self.drop and len(picked) < self.size:
                return
            yield tuple(_Component([el[i] for el in picked]) for i in range(len(picked[0])))
            if self.shift <= len(buffer):
                for _ in range(self.shift):
                    buffer.popleft()
            else:
                for _ in itertools.islice(source, self.shift - len(buffer)):
                    pass
                buffer.clear()


class _Component(host.HostDataset):
    """One component of a window: its values in order."""

    def __init__(self, values):
        self.values = values

    def __iter__(self):
        return ((v,) for v in self.values)


host_kernel("WindowDataset")(lambda ctx, op, ds, *args: [Windows(ds, *args)])
