"""`tf.data.experimental.cardinality`: a DatasetCardinality op whose host kernel counts the
elements of the built pipeline by TF's rules (each dataset kernel's CardinalityInternal):
INFINITE_CARDINALITY (-1) for endless datasets, UNKNOWN_CARDINALITY (-2) where TF cannot tell
without reading (filter, flat_map, files, generators).

>>> import scopeflow as tf
>>> with tf.Session() as s:
...     int(s.run(cardinality(tf.data.Dataset.range(10).batch(3))))
4
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.data import graph_ops as g
from scopeflow.data import host, producers, sampling, shuffle, transforms
from scopeflow.data.file_cache import FileCache
from scopeflow.lowering.stages import host_kernel

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
_INF, _UNK = INFINITE_CARDINALITY, UNKNOWN_CARDINALITY

dataset_cardinality = g._register(
    "DatasetCardinality", ["input_dataset"],
    infer=lambda *inputs, **attrs: (TensorShape([]), _dt.int64))


assert_cardinality_dataset = g._register("AssertCardinalityDataset",
                                         ["input_dataset", "cardinality"])


def assert_cardinality(expected_cardinality):
    """A transformation: the dataset as it is, failing at run time when it does not have
    `expected_cardinality` elements (which `cardinality` then reports)."""
    from scopeflow.data.dataset import _attrs, _int64

    def apply(ds):
        n = _int64(expected_cardinality, "expected_cardinality")
        variant = assert_cardinality_dataset(ds._variant_tensor, n, **_attrs(ds._structure))
        return type(ds)(variant, ds._structure, "_AssertCardinalityDataset")

    return apply


class AssertCount(host.HostDataset):
    """AssertCardinalityDataset's kernel: TF's FailedPrecondition when the count is off (an
    ended input fails again at every later call, as TF's iterator does)."""

    def __init__(self, source, expected):
        self.source, self.expected = source, int(expected)

    def __iter__(self):
        return _Counting(iter(self.source), self.expected)


class _Counting:
    def __init__(self, source, expected):
        self.source, self.expected, self.seen = source, expected, 0

    def __iter__(self):
        return self

    def __next__(self):
        el = next(self.source, None)
        if el is None:
            if self.seen != self.expected:
                raise self._error("only %s" % _elements(self.seen))
            raise StopIteration
        self.seen += 1
        if self.expected != _INF and self.seen > self.expected:
            raise self._error("at least %s" % _elements(self.seen))
        return el

    def _error(self, found):
        from scopeflow import errors
        return errors.FailedPreconditionError(
            None, None, "Input dataset was expected to contain %s but contained %s."
            % (_elements(self.expected), found))


def _elements(n):
    if n == _INF:
        return "an infinite number of elements"
    return "%d element%s" % (n, "" if n == 1 else "s")


host_kernel("AssertCardinalityDataset")(lambda ctx, op, ds, n: [AssertCount(ds, n)])


def cardinality(dataset):
    """The number of elements of `dataset` (an int64 scalar tensor), or TF's constants."""
    return dataset_cardinality(dataset._variant_tensor)


def count(ds):
    """TF's cardinality of host dataset `ds`."""
    rule = _RULES.get(type(ds))
    return _UNK if rule is None else rule(ds)


def _range(ds):
    start, stop, step = ds.args
    if step > 0:
        return max(0, -(-(stop - start) // step))
    return max(0, -(-(start - stop) // -step))


def _zip(ds):
    out = _INF
    for d in ds.datasets:
        n = count(d)
        if n == _UNK:
            return _UNK
        if n != _INF and (out == _INF or n < out):
            out = n
    return out


def _concatenate(ds):
    a, b = (count(d) for d in ds.parts)
    if _INF in (a, b):
        return _INF
    return _UNK if _UNK in (a, b) else a + b


def _map(ds):
    return count(ds.source) if getattr(ds, "counted", True) else _UNK


def _batch(ds):
    if not getattr(ds, "counted", True):  # (a TF1 map's batches, run as one map of them)
        return _UNK
    n = count(ds.source)
    if n < 0:
        return n
    return n // ds.n if ds.drop else -(-n // ds.n)


def _repeated(n, times):
    """`n` elements `times` times over (a negative `times`: forever)."""
    if times < 0:
        return 0 if n == 0 else _INF
    if times == 0:
        return 0
    return n if n < 0 else n * times


def _take(ds):
    n = count(ds.source)
    if n == _UNK:
        return _UNK
    if n == _INF:
        return ds.count
    return n if ds.count < 0 else min(n, ds.count)


def _skip(ds):
    n = count(ds.source)
    if n < 0:
        return n
    return 0 if ds.count < 0 else max(0, n - ds.count)


def _shard(ds):
    n = count(ds.source)
    if n < 0:
        return n
    return n // ds.n + (1 if ds.index < n % ds.n else 0)


def _interleave_directed(ds):
    # an endless input makes the whole endless; otherwise the choices decide
    return _INF if any(count(d) == _INF for d in ds.inputs) else _UNK


def _same(ds):
    return count(ds.source)


_RULES = {
    host.Tensors: lambda ds: 1,
    host.TensorSlices: lambda ds: ds.n,
    host.Range: _range,
    host.Zip: _zip,
    host.Concatenate: _concatenate,
    host.Map: _map,
    host.Batch: _batch,
    host.PaddedBatch: _batch,
    host.Repeat: lambda ds: _repeated(count(ds.source), ds.count),
    host.Take: _take,
    host.Skip: _skip,
    host.Shard: _shard,
    host.Cache: _same,
    FileCache: _same,
    producers.Prefetch: _same,
    shuffle.Shuffle: lambda ds: _repeated(count(ds.source), ds.count),
    sampling.RandomValues: lambda ds: _INF,
    transforms.DirectedInterleave: _interleave_directed,
    transforms.Scan: _same,
    AssertCount: lambda ds: ds.expected,
}

host_kernel("DatasetCardinality")(lambda ctx, op, ds: [np.int64(count(ds))])
