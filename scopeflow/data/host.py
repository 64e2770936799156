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
        self.components = tuple(c if isinstance(c, SparseRows) else np.asarray(c)
                                for c in components)
        n = {len(c) for c in self.components}
        if len(n) > 1:
            raise _invalid("All components must have the same size in the 0th dimension")
        self.n = n.pop() if n else 0

    def __iter__(self):
        comps = self.components
        pick = [(lambda c, i: c[i]) if isinstance(c, SparseRows) else
                (lambda c, i: c[i, ...]) for c in comps]  # 0-d arrays: strings stay objects
        for i in range(self.n):
            yield tuple(p(c, i) for p, c in zip(pick, comps))


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
        its = [iter(d) for d in self.datasets]
        while True:
            out = ()
            for it in its:
                el = next(it, None)
                if el is None:
                    return
                out += el
            yield out


class Concatenate(HostDataset):
    def __init__(self, first, second):
        self.parts = (first, second)

    def __iter__(self):
        for p in self.parts:
            yield from p


class Map(HostDataset):
    """`fn(element) -> element` (a bound HostFunction) over every element.

    Its iterator survives an error of `fn` (as TF's does): the next call goes on with the next
    element, so `ignore_errors` and a caller that catches the error can continue.
    """

    def __init__(self, source, fn):
        self.source, self.fn = source, fn

    def __iter__(self):
        return _MapIterator(iter(self.source), self.fn)


class _MapIterator:
    __slots__ = ("fn", "source")

    def __init__(self, source, fn):
        self.source, self.fn = source, fn

    def __iter__(self):
        return self

    def __next__(self):
        return self.fn(next(self.source))


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
        for el in self.source:
            yield from self.fn(el)[0]


class Interleave(HostDataset):
    """TF's deterministic interleave: `cycle_length` open datasets, `block_length` each."""

    def __init__(self, source, fn, cycle_length, block_length):
        self.source, self.fn = source, fn
        self.cycle, self.block = max(int(cycle_length), 1), max(int(block_length), 1)

    def __iter__(self):
        src = iter(self.source)
        slots = [None] * self.cycle
        i = block = n_open = 0
        done = False
        while not done or n_open:
            it = slots[i]
            if it is not None:
                el = next(it, None)
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
                arg = next(src, None)
                if arg is None:
                    done = True
                else:
                    slots[i] = iter(self.fn(arg)[0])
                    n_open += 1
            else:
                i, block = (i + 1) % self.cycle, 0


def _stack(items, k):
    first = items[0]
    if hasattr(first, "dense_shape"):
        return _batch_sparse(items)
    for j, x in enumerate(items[1:], 1):
        if x.shape != first.shape:
            raise _invalid("Cannot add tensor to the batch: number of elements does not match. "
                           "Shapes are: [tensor]: %s, [batch]: %s" % (
                               list(x.shape), list(first.shape)))
    return np.stack(items)


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
    def __init__(self, source, batch_size, drop_remainder):
        if int(batch_size) <= 0:
            raise _invalid("Batch size must be greater than zero.")
        self.source, self.n, self.drop = source, int(batch_size), bool(drop_remainder)

    def __iter__(self):
        buf = []
        for el in self.source:
            buf.append(el)
            if len(buf) == self.n:
                yield self._make(buf)
                buf = []
        if buf and not self.drop:
            yield self._make(buf)

    def _make(self, buf):
        return tuple(_stack([el[k] for el in buf], k) for k in range(len(buf[0])))


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
                    raise _invalid("Attempted to pad to a smaller size than the input element.")
                arr[(i,) + tuple(slice(0, s) for s in x.shape)] = x
            out.append(arr)
        return tuple(out)


class Unbatch(HostDataset):
    def __init__(self, source):
        self.source = source

    def __iter__(self):
        for el in self.source:
            if any(hasattr(c, "dense_shape") for c in el):
                yield from zip(*[unbatch_sparse(c) if hasattr(c, "dense_shape") else
                                 (c[i, ...] for i in range(len(c))) for c in el])
                continue
            n = {len(c) for c in el}
            if len(n) > 1:
                raise _invalid("Input element must have the same batch size in each component."
                               " Component 0 had size %d but component 1 had size %d."
                               % (len(el[0]), len(el[1])))
            for i in range(n.pop() if n else 0):
                yield tuple(c[i, ...] for c in el)


class Shuffle(HostDataset):
    """TF's shuffle: a ring buffer of `buffer_size` elements, the next one drawn uniformly from
    the oldest epoch's slice with TF's Philox stream, so seeded orders are TF's own.

    Each pass (a new iterator), and each epoch once fully out of the buffer, takes two seeds
    from a generator seeded by (seed, seed2) when `reshuffle`, else uses (seed, seed2) itself;
    seed == seed2 == 0 draws random seeds.
    `count` epochs share one buffer (ShuffleAndRepeatDataset; -1 repeats forever).
    """

    _MAX_EPOCHS_IN_BUFFER = 3

    def __init__(self, source, buffer_size, seed, seed2, reshuffle=True, count=1):
        if int(buffer_size) <= 0 and int(buffer_size) != -2:
            raise _invalid("buffer_size must be greater than zero.")
        self.source, self.size, self.count = source, int(buffer_size), int(count)
        self.seeds = (int(seed), int(seed2))
        if self.seeds == (0, 0):  # TF: random seeds for this dataset
            self.seeds = tuple(int(x) for x in np.random.randint(1, 2**62, 2))
        self.reshuffle = reshuffle
        self.seed_gen = _Single(_Philox(*self.seeds))

    def _rand(self):
        if self.reshuffle:
            return _Single(_Philox(self.seed_gen(), self.seed_gen()))
        return _Single(_Philox(*self.seeds))

    def __iter__(self):
        rand = self._rand()
        size = self.size if self.size > 0 else 1 << 62
        buf = {}  # position % size -> element
        slices = []  # [start, end) per epoch in the buffer, oldest first
        epoch, n, count = 0, 0, self.count
        it = None
        while True:
            # fill the buffer (TF's FillBuffer)
            while n < size and (count < 0 or epoch < count or it is not None):
                if len(slices) > self._MAX_EPOCHS_IN_BUFFER and n > 0:
                    break
                if it is None:
                    it = iter(self.source)
                    pos = slices[-1][1] if slices else 0
                    slices.append([pos, pos])
                el = next(it, None)
                if el is None:
                    it = None
                    epoch += 1
                    if slices[-1][0] == slices[-1][1] and (count < 0 or epoch < count):
                        slices.pop()  # an empty epoch ends an endless repeat
                        count = epoch
                    continue
                buf[slices[-1][1] % size] = el
                slices[-1][1] += 1
                n += 1
            if n == 0:
                return
            while slices[0][0] == slices[0][1]:  # an epoch fully out: TF reseeds
                slices.pop(0)
                rand = self._rand()
            front = slices[0]
            index = (front[0] + rand() % (front[1] - front[0])) % size
            first = front[0] % size
            el = buf[index]
            buf[index] = buf[first]
            del buf[first]
            front[0] += 1
            n -= 1
            yield el


class _Philox:
    """TF's PhiloxRandom (4x32, 10 rounds): key from `seed_lo`, counter high words `seed_hi`."""

    def __init__(self, seed_lo, seed_hi):
        seed_lo &= (1 << 64) - 1
        seed_hi &= (1 << 64) - 1
        self.key = (seed_lo & 0xFFFFFFFF, seed_lo >> 32)
        self.ctr = [0, 0, seed_hi & 0xFFFFFFFF, seed_hi >> 32]

    def block(self):
        c, (k0, k1) = list(self.ctr), self.key
        for _ in range(10):
            p0, p1 = 0xD2511F53 * c[0], 0xCD9E8D57 * c[2]
            c = [(p1 >> 32) ^ c[1] ^ k0, p1 & 0xFFFFFFFF, (p0 >> 32) ^ c[3] ^ k1,
                 p0 & 0xFFFFFFFF]
            k0, k1 = (k0 + 0x9E3779B9) & 0xFFFFFFFF, (k1 + 0xBB67AE85) & 0xFFFFFFFF
        for i in range(4):  # the 128-bit counter steps by one
            self.ctr[i] = (self.ctr[i] + 1) & 0xFFFFFFFF
            if self.ctr[i]:
                break
        return c


class _Single:
    """TF's SingleSampleAdapter: the 32-bit words of Philox blocks, one at a time."""

    def __init__(self, philox):
        self.philox, self.left = philox, []

    def __call__(self):
        if not self.left:
            self.left = self.philox.block()[::-1]
        return self.left.pop()


class Repeat(HostDataset):
    def __init__(self, source, count):
        self.source, self.count = source, int(count)

    def __iter__(self):
        n = 0
        while self.count < 0 or n < self.count:
            empty = True
            for el in self.source:
                empty = False
                yield el
            n += 1
            if empty:  # TF: an empty pass ends an endless repeat
                return


class Take(HostDataset):
    def __init__(self, source, count):
        self.source, self.count = source, int(count)

    def __iter__(self):
        if self.count < 0:
            yield from self.source
            return
        if self.count == 0:
            return
        for n, el in enumerate(self.source, 1):
            yield el
            if n >= self.count:
                return


class Skip(HostDataset):
    def __init__(self, source, count):
        self.source, self.count = source, int(count)

    def __iter__(self):
        it = iter(self.source)
        if self.count < 0:
            for _ in it:
                pass
            return
        for _ in range(self.count):
            if next(it, None) is None:
                return
        yield from it


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
        for i, el in enumerate(self.source):
            if i % self.n == self.index:
                yield el


class Prefetch(HostDataset):
    """A producer thread per pass keeps up to `buffer_size` elements ready (AUTOTUNE: 2), so
    the pipeline's Python work overlaps the compiled step (XLA runs without the GIL)."""

    def __init__(self, source, buffer_size):
        self.source = source
        self.size = int(buffer_size) if int(buffer_size) > 0 else 2

    def __iter__(self):
        import queue
        import threading
        q, stop = queue.Queue(self.size), threading.Event()
        done = object()

        def produce():
            try:
                for el in self.source:
                    if not _put(q, stop, el):
                        return
                _put(q, stop, done)
            except BaseException as e:  # noqa: BLE001 - handed to the consumer
                _put(q, stop, _Raise(e))

        threading.Thread(target=produce, daemon=True, name="tf.data prefetch").start()
        try:
            while True:
                el = q.get()
                if el is done:
                    return
                if type(el) is _Raise:
                    raise el.error
                yield el
        finally:  # the consumer is done (end, re-initialized iterator, closed Session)
            stop.set()


class _Raise:
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


def _put(q, stop, item):
    import queue
    while not stop.is_set():
        try:
            q.put(item, timeout=0.1)
            return True
        except queue.Full:
            pass
    return False


class Cache(HostDataset):
    """The first complete pass is recorded; later passes replay it."""

    def __init__(self, source):
        self.source, self.cached = source, None

    def __iter__(self):
        if self.cached is not None:
            yield from self.cached
            return
        seen = []
        for el in self.source:
            seen.append(el)
            yield el
        self.cached = seen


class Generator(HostDataset):
    """`from_generator`: a fresh call of `fn(*args)` per pass, values cast to the specs."""

    def __init__(self, fn, args, specs, flatten):
        self.fn, self.args, self.specs, self.flatten = fn, args, specs, flatten

    def __iter__(self):
        it = iter(self.fn(*self.args))
        while True:
            try:
                value = next(it)
            except StopIteration:
                return
            except errors.OpError:
                raise
            except Exception as e:
                import traceback
                raise _invalid("%s: %s\nTraceback (most recent call last):\n\n%s" % (
                    type(e).__name__, e, "".join(traceback.format_tb(e.__traceback__)))) from e
            flat = self.flatten(value)
            if len(flat) != len(self.specs):
                raise _invalid("`generator` yielded an element that did not match the expected "
                               "structure.")
            yield tuple(_cast(v, s) for v, s in zip(flat, self.specs))


def _cast(v, spec):
    dt = spec.dtype
    if dt.name == "string":
        arr = np.asarray(v, dtype=object)
        return np.vectorize(lambda s: s.encode() if isinstance(s, str) else s,
                            otypes=[object])(arr) if arr.ndim else np.asarray(
            arr[()].encode() if isinstance(arr[()], str) else arr[()], dtype=object)
    arr = np.asarray(v)
    try:
        out = arr.astype(dt.as_numpy_dtype, casting="same_kind" if arr.dtype.kind != "i"
                         or dt.is_integer else "unsafe")
    except TypeError:
        raise _invalid("TypeError: `generator` yielded an element that could not be converted "
                       "to the expected type. The expected type was %s, but the yielded "
                       "element was %r." % (dt.name, v)) from None
    if not spec.shape.is_compatible_with(_shape(out)):
        raise _invalid("`generator` yielded an element of shape %s where an element of shape "
                       "%s was expected." % (tuple(out.shape), spec.shape))
    return out


def _shape(arr):
    from scopeflow.core.shape import TensorShape
    return TensorShape(list(arr.shape))
