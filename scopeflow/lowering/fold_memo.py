"""Folded values remembered: an op folded at trace time on known inputs gives the same value
each time it meets the same inputs, so that value is kept and handed out again.

A training graph repeats its shape arithmetic: every gradient of a broadcast asks for the same
`BroadcastGradientArgs`, every step of an unrolled RNN `Fill`s the same zeros and takes the
`Shape` of the same state. Each of those folds traced its kernel to a jaxpr and ran it in NumPy
(fold_numpy, 0.2-1.5 ms), or eagerly. Here the key is the kernel, the op's attributes and its
inputs: their bytes where known, and where an op reads only static facts of a traced input
(`Shape`, `Size`, `ZerosLike`, ...) that input's shape and dtype; and whether JAX's 64-bit
types are on. Only pure kernels (without
the run context, so without checks or state) are remembered, and only values of known numeric
or text dtypes; a hit hands out copies. The store is bounded (entries, and bytes of values and
keys, least recently used out first) and shared by the process's graphs, under a lock (ahead-of-time
compiles trace on a thread).

>>> import numpy as np
>>> m = Memo(entries=2, nbytes=1 << 20)
>>> k = m.key("Fill", len, {"T": 1}, [np.array([2], np.int32), np.float32(0)])
>>> m.put(k, np.zeros(2, np.float32)); m.get(k).tolist()
[0.0, 0.0]
>>> m.key("Fill", len, {"T": 1.0}, [np.array([2], np.int32), np.float32(0)]) == k
False
"""

import collections
import threading

import jax
import numpy as np

from scopeflow.core.shape import TensorShape
from scopeflow.dtypes import DType

MAX_ELEMENTS = 1 << 14  # larger inputs are not keyed (their bytes would cost what the fold does)


class _Unkeyed(Exception):
    pass


def _attr(v):
    t = type(v)
    if v is None or t in (bool, int, str, bytes):
        return (t.__name__, v)
    if t is float:
        return ("float", repr(v))  # (-0.0 and nan apart)
    if isinstance(v, DType):
        return ("dtype", v.name)
    if isinstance(v, TensorShape):
        return ("shape", v._dims)
    if isinstance(v, (list, tuple)):
        return (t.__name__, tuple(_attr(x) for x in v))
    if isinstance(v, (np.ndarray, np.generic)):
        return _array(v)
    raise _Unkeyed(t)


def _array(v):
    a = np.asarray(v)
    if a.dtype.kind not in "biufSU" or a.size > MAX_ELEMENTS:
        raise _Unkeyed(a.dtype)
    return ("array", type(v).__name__, a.dtype.str, a.shape, a.tobytes())


def _arg(v, facts):
    if isinstance(v, jax.core.Tracer):
        if not facts:
            raise _Unkeyed("traced")
        return ("traced", tuple(v.shape), np.dtype(v.dtype).str)
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, tuple(_arg(x, facts) for x in v))
    if isinstance(v, (np.ndarray, np.generic)):
        return _array(v)
    t = type(v)
    if t in (bool, int, float):
        return _attr(v)
    raise _Unkeyed(t)


def _size(out):
    """The bytes of a value that may be remembered, or None (other kinds of value)."""
    if isinstance(out, np.ndarray):
        return out.nbytes if out.dtype.kind in "biufSU" else None
    if isinstance(out, np.generic):
        return out.nbytes if np.asarray(out).dtype.kind in "biufSU" else None
    if isinstance(out, (list, tuple)):
        sizes = [_size(x) for x in out]
        return None if None in sizes else sum(sizes)
    return None


def _key_bytes(key):
    """The bytes a key holds in its inputs' and attributes' values."""
    if isinstance(key, bytes):
        return len(key)
    if isinstance(key, tuple):
        return sum(_key_bytes(k) for k in key)
    return 0


def _copy(out):
    if isinstance(out, np.ndarray):
        return out.copy()
    if isinstance(out, (list, tuple)):
        return type(out)(_copy(x) for x in out)
    return out  # (NumPy scalars are immutable)


class Memo:
    """A bounded store of folded values."""

    def __init__(self, entries=4096, nbytes=32 << 20):
        self.entries, self.nbytes = entries, nbytes
        self._store = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def key(self, op_type, kernel, attrs, args, facts=False):
        """The key of a fold, or None when some attribute or input cannot be keyed; `facts`:
        the op reads only the shapes and dtypes of traced inputs."""
        try:
            # (with JAX's 64-bit types on or off: scopeflow traces with them on, scopeflow.jax's
            # functions as the caller's JAX has them)
            return (op_type, kernel, tuple(sorted((k, _attr(v)) for k, v in attrs.items())),
                    tuple(_arg(a, facts) for a in args),
                    jax.dtypes.canonicalize_dtype(np.int64).itemsize)
        except (_Unkeyed, TypeError):
            return None

    def get(self, key):
        with self._lock:
            hit = self._store.get(key)
            if hit is None:
                return None
            self._store.move_to_end(key)
        return _copy(hit[0])

    def put(self, key, out):
        size = _size(out)
        if size is None:
            return
        size += _key_bytes(key)  # (a key holds its inputs' bytes: counted too)
        if size > self.nbytes:
            return
        out = _copy(out)
        with self._lock:
            old = self._store.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._store[key] = (out, size)
            self._bytes += size
            while len(self._store) > self.entries or self._bytes > self.nbytes:
                self._bytes -= self._store.popitem(last=False)[1][1]

    def __len__(self):
        return len(self._store)


FOLDED = Memo()
