"""`Dataset.cache(filename)`: the first complete pass is written as a TF tensor bundle
(`<filename>.index`, `<filename>.data-00000-of-00001`, one tensor per component under
"%7d_%d" % (element, component)), as TF writes it; later passes, in this Session or another
process, read the bundle instead of the input.

While a pass writes, `<filename>_0.lockfile` ("Created at: <seconds>") and a temporary
`<filename>_0.data-00000-of-00001.tempstate<n>` exist; a second writer then fails with TF's
AlreadyExistsError. A pass that stops early (re-initialized iterator, `take`) leaves nothing.

>>> import os, tempfile
>>> from scopeflow.data.host import Range
>>> f = os.path.join(tempfile.mkdtemp(), "c")
>>> [int(e[0]) for e in FileCache(Range(0, 3, 1), f)], sorted(os.listdir(os.path.dirname(f)))
([0, 1, 2], ['c.data-00000-of-00001', 'c.index'])
>>> [int(e[0]) for e in FileCache(Range(0, 9, 1), f)]
[0, 1, 2]
"""

import os
import random
import time

import numpy as np

from scopeflow import errors
from scopeflow.data.host import HostDataset


def _key(i, k):
    return "%7d_%d" % (i, k)


class FileCache(HostDataset):
    def __init__(self, source, filename):
        self.source = source
        self.prefix = filename.decode() if isinstance(filename, bytes) else str(filename)

    def __iter__(self):
        if os.path.exists(self.prefix + ".index"):
            return self._read()
        return self._write()

    def _read(self):
        from scopeflow.checkpoint.bundle import BundleReader
        reader = BundleReader(self.prefix)
        width = 0
        while reader.contains(_key(0, width)):
            width += 1
        i = 0
        while width and reader.contains(_key(i, 0)):
            yield tuple(_value(reader.lookup(_key(i, k))) for k in range(width))
            i += 1

    def _write(self):
        from scopeflow.checkpoint.bundle import write_bundle
        lock = self.prefix + "_0.lockfile"
        if os.path.exists(lock):
            with open(lock) as f:
                contents = f.read()
            raise errors.AlreadyExistsError(None, None, (
                "There appears to be a concurrent caching iterator running - cache lockfile "
                "already exists ('%s'). If you are sure no other running TF computations are "
                "using this cache prefix, delete the lockfile and re-initialize the iterator. "
                "Lockfile contents: %s" % (lock, contents)))
        folder = os.path.dirname(self.prefix)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(lock, "w") as f:
            f.write("Created at: %d" % int(time.time()))
        temp = "%s_0.data-00000-of-00001.tempstate%d" % (self.prefix, random.getrandbits(63))
        open(temp, "wb").close()
        seen, complete = [], False
        try:
            for el in self.source:
                seen.append(el)
                yield el
            complete = True
            write_bundle(self.prefix, {_key(i, k): np.asarray(c) for i, el in enumerate(seen)
                                       for k, c in enumerate(el)})
        finally:  # a pass that stopped early leaves nothing (TF discards a partial cache)
            for path in (temp, lock):
                if os.path.exists(path):
                    os.remove(path)
            del complete


def _value(v):
    v = np.asarray(v)
    return v.astype(object) if v.dtype.kind in "SU" else v
