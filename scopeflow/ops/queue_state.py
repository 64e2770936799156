"""The run-time state of TF's queues: thread-safe, blocking, held in a Session's resources.

One object per queue resource and Session (TF's resource manager is per Session). Enqueues
block while the queue is full, dequeues while it holds too few elements; closing wakes them
(TF's OutOfRangeError for a dequeue that can no longer be served), and Session.close cancels
whatever is still blocked (CancelledError).

>>> import numpy as np
>>> q = FIFOState("_0_q", [np.int32], [()], capacity=2)
>>> q.enqueue(None, [np.int32(3)]); q.size()
1
"""

import collections
import heapq
import itertools
import os
import threading

import numpy as np

from scopeflow import errors
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import wait
from scopeflow.ops.philox import Philox32

_resource_ids = itertools.count()  # TF's ContainerInfo counter: "_<n>_<node name>"
_create_lock = threading.Lock()


def resource_name(op):
    """TF's name of the resource `op` creates: its shared_name, else `_<n>_<op name>`."""
    shared = op._attrs.get("shared_name") or ""
    if isinstance(shared, bytes):
        shared = shared.decode()
    return shared or "_%d_%s" % (next(_resource_ids), op._name)


def get_or_create(ctx, op, make):
    """The Session's resource for creating op `op` (shared by name when it has a shared_name),
    made by `make(name)` on first use."""
    shared = op._attrs.get("shared_name") or ""
    key = ("shared", op._attrs.get("container") or "", shared) if shared else ("op", op)
    res = ctx.resources.get(key)
    if res is None:
        with _create_lock:
            res = ctx.resources.get(key)
            if res is None:
                res = ctx.resources[key] = make(resource_name(op))
    return res


def _dims(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


class QueueState:
    """A FIFO queue of tuples of NumPy components; subclasses change the order or padding."""

    kind = "FIFOQueue"

    def __init__(self, name, dtypes, shapes, capacity):
        self.name = name
        self.dtypes = list(dtypes)  # NumPy dtypes (object for strings)
        self.shapes = shapes  # per component: tuple of dims (None: unknown) or None
        self.capacity = capacity if capacity > 0 else 2 ** 31 - 1
        self.cond = threading.Condition()
        self.closed = False
        self.cancel_enqueues = False
        self.cancelled = False  # the Session closed
        self._init_items()

    # ---- storage (subclasses override) ------------------------------------------------------
    def _init_items(self):
        self.items = collections.deque()

    def _put(self, element):
        self.items.append(element)

    def _take(self):
        return self.items.popleft()

    def _ready(self):
        """Elements a dequeue may take now."""
        return len(self.items)

    def size(self):
        with self.cond:
            return len(self.items)

    # ---- operations -------------------------------------------------------------------------
    def enqueue(self, op, components):
        element = tuple(self._check(op, i, self._array(i, c), self._shape(i))
                        for i, c in enumerate(components))
        with self.cond:
            self._wait_room(op)
            self._put(element)
            self.cond.notify_all()

    def enqueue_many(self, op, components):
        arrays = [self._array(i, c) for i, c in enumerate(components)]
        n = arrays[0].shape[0] if arrays and arrays[0].ndim else 0
        for i, a in enumerate(arrays):
            shape = self._shape(i)
            want = (n,) + tuple(a.shape[1:] if shape is None else shape)
            if a.ndim == 0 or not _fits(a.shape, want):
                raise run_error(errors.InvalidArgumentError, op, "Shape mismatch in tuple "
                                "component %d. Expected %s, got %s" % (i, _dims(want),
                                                                         _dims(a.shape)))
        for j in range(n):
            element = tuple(a[j, ...] for a in arrays)  # 0-d arrays stay arrays
            with self.cond:
                self._wait_room(op)
                self._put(element)
                self.cond.notify_all()

    def _array(self, i, value):
        """`value` as component `i`'s NumPy dtype (strings: object arrays of bytes)."""
        if i < len(self.dtypes):
            return np.asarray(value, dtype=self.dtypes[i])
        return np.asarray(value)

    def _shape(self, i):
        return self.shapes[i] if self.shapes else None

    def _check(self, op, i, value, shape):
        if shape is not None and not _fits(value.shape, shape):
            raise run_error(errors.InvalidArgumentError, op, "Shape mismatch in tuple component "
                            "%d. Expected %s, got %s" % (i, _dims(shape), _dims(value.shape)))
        return value

    def _wait_room(self, op):
        if self.closed:
            raise run_error(errors.CancelledError, op, "%s '%s' is closed." % (self.kind,
                                                                               self.name))
        while len(self.items) >= self.capacity:
            if self.cancelled or self.cancel_enqueues:
                raise run_error(errors.CancelledError, op, "Enqueue operation was cancelled")
            wait(self.cond)

    def dequeue(self, op):
        with self.cond:
            self._wait_ready(op, 1, False)
            element = self._take()
            self.cond.notify_all()
        return list(element)

    def dequeue_many(self, op, n, up_to=False):
        if n < 0:
            raise run_error(errors.InvalidArgumentError, op, "%s requested %d < 0 elements"
                            % ("DequeueUpToOp" if up_to else "DequeueManyOp", n))
        self._check_batchable(op)
        with self.cond:
            n = self._wait_ready(op, n, up_to)
            elements = [self._take() for _ in range(n)]
            self.cond.notify_all()
        return self._batch(elements)

    def _check_batchable(self, op):
        if not self.shapes or any(s is None or None in s for s in self.shapes):
            raise run_error(errors.InvalidArgumentError, op, "%s's DequeueMany and DequeueUpTo "
                            "require the components to have specified shapes." % self.kind)

    def _wait_ready(self, op, n, up_to):
        """Blocks until `n` elements can be taken; returns how many to take."""
        while True:
            if self.cancelled:
                raise run_error(errors.CancelledError, op, "Dequeue operation was cancelled")
            if self._ready() >= n:
                return n
            if self.closed:
                have = len(self.items)
                if up_to and have > 0:
                    return min(n, have)
                if have >= n:
                    return n
                # TF's PaddingFIFOQueue dequeues one element as its FIFOQueue base class
                kind = "FIFOQueue" if self.kind == "PaddingFIFOQueue" and op._type.startswith(
                    "QueueDequeue") and "Many" not in op._type and "UpTo" not in op._type \
                    else self.kind
                raise run_error(errors.OutOfRangeError, op, "%s '%s' is closed and has "
                                "insufficient elements (requested %d, current size %d)"
                                % (kind, self.name, n, have))
            wait(self.cond)

    def _batch(self, elements):
        out = []
        for i, dt in enumerate(self.dtypes):
            if elements:
                out.append(np.stack([e[i] for e in elements]).astype(dt, copy=False))
            else:
                out.append(np.zeros((0,) + tuple(self.shapes[i]), dt))
        return out

    def close(self, cancel_pending_enqueues=False):
        with self.cond:
            self.closed = True
            if cancel_pending_enqueues:
                self.cancel_enqueues = True
            self.cond.notify_all()

    def is_closed(self):
        return self.closed

    def session_closed(self):
        with self.cond:
            self.cancelled = True
            self.cond.notify_all()


def _fits(shape, want):
    return len(shape) == len(want) and all(w is None or s == w for s, w in zip(shape, want))


class FIFOState(QueueState):
    kind = "FIFOQueue"


class PaddingFIFOState(QueueState):
    """Dequeue-many pads each component to the batch's largest shape (zeros, b"")."""

    kind = "PaddingFIFOQueue"

    def _check_batchable(self, op):
        return None

    def _batch(self, elements):
        out = []
        for i, dt in enumerate(self.dtypes):
            parts = [e[i] for e in elements]
            rank = len(self.shapes[i])
            big = [max([p.shape[d] for p in parts], default=0) if self.shapes[i][d] is None
                   else self.shapes[i][d] for d in range(rank)]
            fill = b"" if dt == np.dtype(object) else 0
            batch = np.full([len(parts)] + big, fill, dtype=dt)
            for j, p in enumerate(parts):
                batch[(j,) + tuple(slice(0, s) for s in p.shape)] = p
            out.append(batch)
        return out


class RandomShuffleState(QueueState):
    """Dequeues a random element; keeps `min_after_dequeue` back until closed."""

    kind = "RandomShuffleQueue"

    def __init__(self, name, dtypes, shapes, capacity, min_after_dequeue, seed, seed2):
        super().__init__(name, dtypes, shapes, capacity)
        self.min_after_dequeue = min_after_dequeue
        if seed == 0 and seed2 == 0:  # TF: fresh random seeds
            seed, seed2 = (int.from_bytes(os.urandom(8), "little") for _ in range(2))
        self.rng = Philox32(seed, seed2)  # TF's generator: seeded orders match TF's

    def _init_items(self):
        self.items = []

    def _take(self):
        i = self.rng.next() % len(self.items)
        items = self.items
        items[i], items[-1] = items[-1], items[i]
        return items.pop()

    def _ready(self):
        return len(self.items) - (0 if self.closed else self.min_after_dequeue)


class PriorityState(QueueState):
    """Component 0 is an int64 priority; the smallest dequeues first (ties in arrival order)."""

    kind = "PriorityQueue"

    def _init_items(self):
        self.items = []
        self._order = itertools.count()

    def _put(self, element):
        heapq.heappush(self.items, (int(element[0]), next(self._order), element))

    def _take(self):
        return heapq.heappop(self.items)[2]
