"""Iterators of host datasets (host.py) that survive an element's error, as TF's do: the error
reaches the caller of `next`, and the next call goes on from the following element (a
Python generator would be finished by it). What TF does with the failed element, each keeps:
Take, Skip and Shard do not count it, Zip loses what it took from the other inputs for it,
Batch drops the batch it was filling, Cache does not record it, FlatMap goes on with the same
inner dataset (or, when the function failed, with the next element).

>>> from scopeflow.data.host import Range, Take
>>> it = iter(Take(Range(0, 5, 1), 2))
>>> [int(e[0]) for e in it]
[0, 1]
"""

from scopeflow import errors
from scopeflow.data import host


class _Resumable:
    __slots__ = ()

    def __iter__(self):
        return self


class Failed:
    """An element whose making failed, as a generator-made pass yields it (see Raising)."""

    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


class Raising(_Resumable):
    """The pass of generator `gen`, which yields a Failed where an element failed: raised here,
    so the generator itself lives on to the next element."""

    __slots__ = ("gen",)

    def __init__(self, gen):
        self.gen = gen

    def __next__(self):
        el = next(self.gen)
        if type(el) is Failed:
            raise el.error
        return el

    def close(self):
        self.gen.close()


class Zipped(_Resumable):
    __slots__ = ("its",)

    def __init__(self, datasets):
        self.its = [iter(d) for d in datasets]

    def __next__(self):
        if self.its is None:  # (ended: it stays ended)
            raise StopIteration
        out, failed = (), None
        for it in self.its:  # (TF asks every input, also after one failed)
            try:
                el = next(it, None)
            except errors.OpError as e:
                failed = failed or e
                continue
            if el is None:
                self.its = None
                raise StopIteration
            out += el
        if failed is not None:
            raise failed
        return out


class Concatenated(_Resumable):
    __slots__ = ("it", "k", "parts")

    def __init__(self, parts):
        self.parts, self.k, self.it = parts, 0, None

    def __next__(self):
        while self.k < len(self.parts):
            if self.it is None:
                self.it = iter(self.parts[self.k])
            try:
                return next(self.it)
            except StopIteration:
                self.it, self.k = None, self.k + 1
        raise StopIteration


class FlatMapped(_Resumable):
    __slots__ = ("ds", "i", "inner", "source")

    def __init__(self, ds):
        self.ds, self.source, self.inner, self.i = ds, iter(ds.source), None, 0

    def __next__(self):
        while True:
            if self.inner is None:
                el = next(self.source)
                i, self.i = self.i, self.i + 1
                inner = self.ds.fn(el)[0]
                self.ds.inner = (i, inner)  # (TF's iterator path names it: udf_errors.py)
                self.inner = iter(inner)
            try:
                return next(self.inner)
            except StopIteration:
                self.inner = None


class Batches(_Resumable):
    __slots__ = ("done", "ds", "it", "told")

    def __init__(self, ds):
        self.ds, self.it, self.done = ds, iter(ds.source), False
        self.told = ds.drop or type(ds) is not host.Batch

    def __next__(self):
        ds = self.ds
        if self.done:
            raise StopIteration
        buf = []
        for el in self.it:
            buf.append(el)
            if len(buf) == ds.n:
                batch = ds._make(buf)
                if not self.told and ds.on_final is not None:
                    self.told = ds._tell(batch, host.left_of(self.it))
                return batch
        self.done = True
        if buf and not ds.drop:
            return ds._make(buf)
        raise StopIteration


class Unbatched(_Resumable):
    __slots__ = ("rows", "source")

    def __init__(self, source):
        self.source, self.rows = iter(source), None

    def __next__(self):
        while True:
            if self.rows is not None:
                try:
                    return next(self.rows)
                except StopIteration:
                    self.rows = None
            self.rows = iter(list(host.rows_of(next(self.source))))


class Repeated(_Resumable):
    __slots__ = ("done", "ds", "empty", "it", "n")

    def __init__(self, ds):
        self.ds, self.n, self.it, self.empty, self.done = ds, 0, None, True, False
        ds.epoch = 0

    def __next__(self):
        ds = self.ds
        while not self.done and (ds.count < 0 or self.n < ds.count):
            if self.it is None:
                self.it, self.empty, ds.epoch = iter(ds.source), True, self.n
            try:
                el = next(self.it)
            except StopIteration:
                self.it, self.n = None, self.n + 1
                self.done = self.empty  # TF: an empty pass ends an endless repeat
                continue
            self.empty = False
            return el
        raise StopIteration


class Taken(_Resumable):
    __slots__ = ("count", "it", "n")

    def __init__(self, ds):
        self.it, self.count, self.n = iter(ds.source), ds.count, 0

    def __next__(self):
        if 0 <= self.count <= self.n:
            raise StopIteration
        el = next(self.it)
        self.n += 1
        return el


class Skipped(_Resumable):
    __slots__ = ("it", "left")

    def __init__(self, ds):
        self.it, self.left = iter(ds.source), ds.count

    def __next__(self):
        if self.left < 0:
            for _ in self.it:
                pass
            raise StopIteration
        while self.left > 0:
            next(self.it)
            self.left -= 1
        return next(self.it)


class Sharded(_Resumable):
    __slots__ = ("i", "index", "it", "n")

    def __init__(self, ds):
        self.it, self.n, self.index, self.i = iter(ds.source), ds.n, ds.index, 0

    def __next__(self):
        while True:
            el = next(self.it)
            i, self.i = self.i, self.i + 1
            if i % self.n == self.index:
                return el


class Caching(_Resumable):
    __slots__ = ("ds", "it", "seen")

    def __init__(self, ds):
        self.ds, self.it, self.seen = ds, iter(ds.source), []

    def __next__(self):
        try:
            el = next(self.it)
        except StopIteration:
            self.ds.cached = self.seen
            raise
        self.seen.append(el)
        return el
