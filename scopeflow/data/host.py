"""Datasets on the host: Python iterables of elements, each a tuple of numpy arrays (one per
flat component; strings are object arrays of bytes). `iter(ds)` starts a fresh pass, as a TF
iterator over the dataset does; the end of data is StopIteration.

>>> import numpy as np
>>> list(Batch(Range(0, 5, 1), 2, False))[-1]
(array([4]),)
"""

import numpy as np

from scopeflow import errors


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


class HostDataset:
    """Base class: subclasses define `__iter__`."""

    def __iter__(self):
        raise NotImplementedError


class Tensors(HostDataset):
    def __init__(self, components):
        self.components = tuple(components)

    def __iter__(self):
        yield self.components


class TensorSlices(HostDataset):
    def __init__(self, components):
        self.components = tuple(c if isinstance(c, (SparseRows, RaggedRows)) else np.asarray(c)
                                for c in components)
        n = {len(c) for c in self.components}
        if len(n) > 1:
            raise _invalid("All components must have the same size in the 0th dimension")
        self.n = n.pop() if n else 0

    def __iter__(self):
        return _SlicesIterator(self.components, self.n)


class _SlicesIterator:
    __slots__ = ("comps", "i", "n", "pick")

    def __init__(self, comps, n):
        self.comps, self.n, self.i = comps, n, 0
        self.pick = [(lambda c, i: c[i]) if isinstance(c, (SparseRows, RaggedRows)) else
                     (lambda c, i: c[i, ...]) for c in comps]  # 0-d arrays: strings stay objects

    def __iter__(self):
        return self

    def __next__(self):
        i = self.i
        if i >= self.n:
            raise StopIteration
        self.i = i + 1
        return tuple(p(c, i) for p, c in zip(self.pick, self.comps))

    def left(self):
        """How many elements are still to come."""
        return self.n - self.i


class Range(HostDataset):
    def __init__(self, start, stop, step, dtype=np.int64):
        if int(step) == 0:
            raise _invalid("step must be a non-zero integer.")
        self.args = (int(start), int(stop), int(step))
        self.dtype = dtype

    def __iter__(self):
        dt = self.dtype
        for i in range(*self.args):
            yield (dt(i),)


class Zip(HostDataset):
    def __init__(self, datasets):
        self.datasets = list(datasets)

    def __iter__(self):
        return resumable.Zipped(self.datasets)


class Concatenate(HostDataset):
    def __init__(self, first, second):
        self.parts = (first, second)

    def __iter__(self):
        return resumable.Concatenated(self.parts)


class Map(HostDataset):
    """`fn(element) -> element` (a bound HostFunction) over every element.

    Its iterator survives an error of `fn` (as TF's does): the next call goes on with the next
    element, so `ignore_errors` and a caller that catches the error can continue.
    """

    def __init__(self, source, fn, chunked=None):
        self.source, self.fn, self.chunked = source, fn, chunked

    def __iter__(self):
        if self.chunked is not None:
            from scopeflow.data.chunked import ChunkedMapIterator
            return ChunkedMapIterator(iter(self.source), self.fn, self.chunked)
        return _MapIterator(iter(self.source), self.fn)


class _MapIterator:
    __slots__ = ("fn", "source")

    def __init__(self, source, fn):
        self.source, self.fn = source, fn

    def __iter__(self):
        return self

    def __next__(self):
        return self.fn(next(self.source))

    def left(self):
        return left_of(self.source)


def left_of(it):
    """How many elements iterator `it` still has, when it knows (else None): what a batch
    needs to tell its last, partial batch's size ahead (see Batch)."""
    left = getattr(it, "left", None)
    return None if left is None else left()


class Filter(HostDataset):
    def __init__(self, source, predicate):
        self.source, self.predicate = source, predicate

    def __iter__(self):
        return _FilterIterator(iter(self.source), self.predicate)


class _FilterIterator:
    __slots__ = ("predicate", "source")

    def __init__(self, source, predicate):
        self.source, self.predicate = source, predicate

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            el = next(self.source)
            if bool(self.predicate(el)[0]):
                return el


class FlatMap(HostDataset):
    """`fn(element) -> HostDataset`, concatenated."""

    def __init__(self, source, fn):
        self.source, self.fn = source, fn

    def __iter__(self):
        return resumable.FlatMapped(self)


class Interleave(HostDataset):
    """TF's deterministic interleave: `cycle_length` open datasets, `block_length` each."""

    def __init__(self, source, fn, cycle_length, block_length):
        self.source, self.fn = source, fn
        if int(block_length) <= 0:  # (TF's kernel check)
            raise _invalid("block_length must be greater than zero.")
        self.cycle, self.block = max(int(cycle_length), 1), int(block_length)

    def __iter__(self):
        return resumable.Raising(self._pass())

    def _pass(self):
        src = iter(self.source)
        slots = [None] * self.cycle
        i = block = n_open = 0
        done = False
        while not done or n_open:
            it = slots[i]
            if it is not None:
                try:
                    el = next(it, None)
                except errors.OpError as e:  # TF: the same slot is asked again next
                    yield resumable.Failed(e)
                    continue
                if el is not None:
                    block += 1
                    if block == self.block:
                        i, block = (i + 1) % self.cycle, 0
                    yield el
                    continue
                slots[i] = None
                n_open -= 1
                i, block = (i + 1) % self.cycle, 0
            elif not done:
                try:
                    arg = next(src, None)
                    if arg is not None:
                        slots[i] = iter(self.fn(arg)[0])
                        n_open += 1
                except errors.OpError as e:
                    yield resumable.Failed(e)
                    continue
                done = arg is None
            else:
                i, block = (i + 1) % self.cycle, 0


def _stack(items, k, fused=False):
    """Component `k` of a batch's elements stacked; `fused`: the batch is of a map's elements
    (TF fuses the two into MapAndBatch, whose message for elements of two shapes differs)."""
    first = items[0]
    if hasattr(first, "dense_shape"):
        return _batch_sparse(items)
    if isinstance(first, RaggedItem):
        return _batch_ragged(items, k)
    shape = first.shape
    for i, x in enumerate(items):
        if x.shape != shape:
            if fused:
                raise _invalid("Cannot add tensor to the batch: number of elements does not "
                               "match. Shapes are: [tensor]: %s, [batch]: %s"
                               % (_dims(x.shape), _dims(shape)))
            raise _invalid("Cannot batch tensors with different shapes in component %d. First "
                           "element had shape %s and element %d had shape %s."
                           % (k, _dims(shape), i, _dims(x.shape)))
    if first.dtype.hasobject:  # np.array would nest 0-d object arrays
        return np.stack(items)
    return np.array(items, dtype=first.dtype)  # one C loop: np.stack costs ~5 µs per row


def _batch_sparse(items):
    """SparseTensorValues of one rank stacked along a new first dimension."""
    from scopeflow.sparse_tensor import SparseTensorValue
    ranks = {len(x.dense_shape) for x in items}
    if len(ranks) > 1:
        raise _invalid("Inputs must have identical ranks.")
    idx = [np.concatenate([np.full((len(x.indices), 1), i, np.int64),
                           np.asarray(x.indices, np.int64).reshape(
                               len(x.indices), len(x.dense_shape))], 1)
           for i, x in enumerate(items)]
    shape = np.max(np.stack([np.asarray(x.dense_shape, np.int64) for x in items]), 0)
    return SparseTensorValue(np.concatenate(idx), np.concatenate([x.values for x in items]),
                             np.concatenate([[len(items)], shape]).astype(np.int64))


def _dims(shape):
    """A shape as TF's messages print it: [2,3]."""
    return "[%s]" % ",".join(str(d) for d in shape)


class RaggedItem:
    """A ragged component's host value: `value` a RaggedTensorValue, or an array (ragged rank
    0: a row of a ragged rank 1 value), and the row splits' dtype. `stacked`: made by a batch,
    where TF's variant is a vector of its rows' (a batch of such items needs equal row counts;
    one encoded whole, as a map or a generator gives it, is a scalar and batches freely)."""

    __slots__ = ("value", "splits_dtype", "stacked")

    def __init__(self, value, splits_dtype, stacked=False):
        self.value, self.splits_dtype, self.stacked = value, splits_dtype, stacked

    def nrows(self):
        v = self.value
        return len(v.row_splits) - 1 if hasattr(v, "row_splits") else len(v)

    def rows(self):
        return [RaggedItem(_ragged_slice(self.value, i, i + 1, True), self.splits_dtype)
                for i in range(self.nrows())]


class RaggedRows(list):
    """The rows of a RaggedTensor (RaggedItems), sliced as one dataset component."""


def _ragged_slice(v, a, b, one=False):
    """Rows a..b of ragged value `v` (row a alone, one dimension less, when `one`)."""
    from scopeflow.ragged.value import RaggedTensorValue
    if not hasattr(v, "row_splits"):
        return v[a] if one else v[a:b]
    s = v.row_splits
    inner = _ragged_slice(v.values, int(s[a]), int(s[b]))
    if one:
        return inner
    return RaggedTensorValue(inner, (s[a:b + 1] - s[a]).astype(s.dtype))


def _ragged_concat(values, splits_dtype):
    """Ragged values (or arrays) of one ragged rank joined along their rows."""
    from scopeflow.ragged.value import RaggedTensorValue
    if not hasattr(values[0], "row_splits"):
        return np.concatenate([np.asarray(v) for v in values])
    splits, off = [np.zeros(1, splits_dtype)], 0
    for v in values:
        splits.append((v.row_splits[1:] + off).astype(splits_dtype))
        off += v.row_splits[-1]
    return RaggedTensorValue(_ragged_concat([v.values for v in values], splits_dtype),
                             np.concatenate(splits))


def _batch_ragged(items, k):
    """RaggedItems stacked: a ragged value of one more ragged dimension. Stacked items are
    TF's variant vectors of shape [nrows]: their row counts must agree."""
    from scopeflow.ragged.value import RaggedTensorValue
    dt = items[0].splits_dtype
    vals = [x.value if hasattr(x.value, "row_splits") else np.asarray(x.value) for x in items]
    lens = [len(v.row_splits) - 1 if hasattr(v, "row_splits") else len(v) for v in vals]
    if items[0].stacked:
        for i, n in enumerate(lens):
            if n != lens[0]:
                raise _invalid("Cannot batch tensors with different shapes in component %d. "
                               "First element had shape [%d] and element %d had shape [%d]."
                               % (k, lens[0], i, n))
    splits = np.concatenate([[0], np.cumsum(lens)]).astype(dt)
    return RaggedItem(RaggedTensorValue(_ragged_concat(vals, dt), splits), dt, True)


class SparseRows(list):
    """The rows of a SparseTensor (SparseTensorValues), sliced as one dataset component."""


def unbatch_sparse(x):
    from scopeflow.sparse_tensor import SparseTensorValue
    rows = np.asarray(x.indices)[:, 0]
    for i in range(int(x.dense_shape[0])):
        keep = rows == i
        yield SparseTensorValue(np.asarray(x.indices)[keep][:, 1:], np.asarray(x.values)[keep],
                                np.asarray(x.dense_shape[1:], np.int64))


class Batch(HostDataset):
    on_final = None  # fn(shapes): told the shapes of a last, partial batch ahead of time

    def __init__(self, source, batch_size, drop_remainder):
        if int(batch_size) <= 0:
            raise _invalid("Batch size must be greater than zero.")
        self.source, self.n, self.drop = source, int(batch_size), bool(drop_remainder)

    def __iter__(self):
        return resumable.Batches(self)

    def _tell(self, batch, left):
        """Once the source knows how many elements it has left, the shapes of the last batch
        (when partial) go to `on_final`, so the step it feeds can be compiled before it comes."""
        if left is None:
            return False
        k = left % self.n
        if k and all(type(c) is np.ndarray for c in batch):
            self.on_final(tuple((k,) + c.shape[1:] for c in batch))
        return True

    def _make(self, buf):
        fused = isinstance(self.source, Map)
        return tuple(_stack([el[k] for el in buf], k, fused) for k in range(len(buf[0])))


class PaddedBatch(Batch):
    def __init__(self, source, batch_size, shapes, values, drop_remainder):
        super().__init__(source, batch_size, drop_remainder)
        self.shapes = [np.asarray(s).tolist() for s in shapes]
        self.values = values

    def _make(self, buf):
        out = []
        for k, (want, pad) in enumerate(zip(self.shapes, self.values)):
            items = [np.asarray(el[k]) for el in buf]
            dims = [max(x.shape[d] for x in items) if w == -1 else int(w)
                    for d, w in enumerate(want)]
            arr = np.full([len(items)] + dims, pad, dtype=items[0].dtype)
            for i, x in enumerate(items):
                if any(s > d for s, d in zip(x.shape, dims)):
                    raise errors.DataLossError(  # (TF's class for it)
                        None, None, "Attempted to pad to a smaller size than the input element.")
                arr[(i,) + tuple(slice(0, s) for s in x.shape)] = x
            out.append(arr)
        return tuple(out)


class Unbatch(HostDataset):
    def __init__(self, source):
        self.source = source

    def __iter__(self):
        return resumable.Unbatched(self.source)


def rows_of(el):
    """The rows of batched element `el`, one element each."""
    if any(hasattr(c, "dense_shape") or isinstance(c, RaggedItem) for c in el):
        return zip(*[unbatch_sparse(c) if hasattr(c, "dense_shape") else c.rows()
                     if isinstance(c, RaggedItem) else
                     (c[i, ...] for i in range(len(c))) for c in el])
    n = {len(c) for c in el}
    if len(n) > 1:
        raise _invalid("Input element must have the same batch size in each component."
                       " Component 0 had size %d but component 1 had size %d."
                       % (len(el[0]), len(el[1])))
    return (tuple(c[i, ...] for c in el) for i in range(n.pop() if n else 0))


class Repeat(HostDataset):
    def __init__(self, source, count):
        self.source, self.count = source, int(count)

    def __iter__(self):
        return resumable.Repeated(self)  # (its pass: `epoch`, named by udf_errors.py)


class Take(HostDataset):
    def __init__(self, source, count):
        self.source, self.count = source, int(count)

    def __iter__(self):
        return resumable.Taken(self)


class Skip(HostDataset):
    def __init__(self, source, count):
        self.source, self.count = source, int(count)

    def __iter__(self):
        return resumable.Skipped(self)


class IgnoreErrors(HostDataset):
    """Elements whose making fails with a TF error are dropped (a map function's, say)."""

    def __init__(self, source):
        self.source = source

    def __iter__(self):
        it = iter(self.source)
        while True:
            try:
                yield next(it)
            except StopIteration:
                return
            except errors.OpError:
                continue


class Shard(HostDataset):
    def __init__(self, source, num_shards, index):
        self.source, self.n, self.index = source, int(num_shards), int(index)
        if self.n <= 0:
            raise _invalid("Number of shards must be greater than zero (currently num_shards = "
                           "%d)." % self.n)
        if not 0 <= self.index < self.n:
            raise _invalid("Index must be between 0 and %d (currently index = %d)."
                           % (self.n - 1, self.index))

    def __iter__(self):
        return resumable.Sharded(self)


class Cache(HostDataset):
    """The first complete pass is recorded; later passes replay it."""

    def __init__(self, source):
        self.source, self.cached = source, None

    def __iter__(self):
        if self.cached is not None:
            return iter(self.cached)
        return resumable.Caching(self)


from scopeflow.data import resumable  # noqa: E402 (it reads this module's names)
