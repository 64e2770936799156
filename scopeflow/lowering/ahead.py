"""Compiling ahead: a step for feed shapes that a host op announces before they come.

An iterator over `batch(n)` gives one last batch of fewer rows per pass; the step it feeds
then has new shapes, and compiling them (seconds for a training step) would stall that run.
When the pipeline knows the last batch's size early (its input has ended into a shuffle
buffer, or came from `from_tensor_slices`), the iterator announces the shapes
(`IteratorResource.ahead`) and the Session compiles the step for them here, on a thread,
while the full batches run; the run that gets the last batch finds the program in the cache.
The values are those of compiling at that run (the same program, the same compile).
Keras' `fit` over arrays announces its last, smaller batch the same way (`Session.
_compile_ahead`), after its first step.

A feed_dict loop over row slices of one array (`X[i:i + B]`) only hints at its last batch: it
may stop before it, or never come to it (TF's MNIST `next_batch` returns whole batches, joining
an epoch's end to the next one's start). So `LastBatch` waits until the loop is near that batch
by its pace (two runs apart) and the step's own compile time: a short loop compiles at once, a
loop of hundreds of batches that stops early compiles nothing it does not need.

>>> import numpy as np
>>> import scopeflow as tf
>>> ds = tf.data.Dataset.from_tensor_slices(np.arange(5.0)).batch(2)
>>> y = tf.data.make_one_shot_iterator(ds).get_next() * 2.0
>>> with tf.Session() as sess:
...     print(sess.run(y), sess.run(y), sess.run(y))
[0. 2.] [4. 6.] [8.]
"""

import atexit
import contextlib
import math
import threading
import time

import numpy as np

from scopeflow.lowering import cache


def announced(op, known):
    """(outputs of `op`, their announced shapes) when `op` is an iterator's get_next whose
    resource announced the shapes of an element to come; else None. Taken once."""
    res = known.get(op._inputs[0]) if op._type == "IteratorGetNext" and op._inputs else None
    shapes = getattr(res, "ahead", None)
    if shapes is None:
        return None
    res.ahead = None
    return op._outputs, shapes


def sliced(prog, feeds):
    """(fed tensors, shapes, whole batches between) of a shorter last batch to come, where this
    run's batches are consecutive row slices of larger arrays (a feed_dict loop's `X[i:i + B]`,
    seen at i = B or later: from N rows, the last run gets N % B), else None. Its program is
    compiled on a thread while the full batches run, as for an iterator's announced shapes."""
    outs, shapes, tail, after = [], [], None, None
    for i in prog.feed_pos:
        t, a = prog.fed[i], feeds[i]
        dims = t.shape._dims
        if not dims or dims[0] is not None:
            continue
        where = _slice_of(a)
        if where is None:
            return None
        start, total = where
        n = a.shape[0]
        left = (total - start) % n
        if start % n or not left or tail not in (None, left):
            return None
        tail = left
        outs.append(t)
        shapes.append((left,) + a.shape[1:])
        whole = (total - start - left) // n - 1
        after = whole if after is None else min(after, whole)
    return (outs, shapes, after) if outs else None


_clock = time.perf_counter
_FLOOR = 1.0  # s: the least compile assumed (the step read back from the disk cache is quick,
#               but its last batch's program may not be there)
_MARGIN = 2.0  # the compile shares the cores with the loop's runs meanwhile


def wait(after, pace, compile_s):
    """Runs to wait before compiling a last batch that comes after `after` whole batches, at
    `pace` seconds a run, for a step whose compile took `compile_s` seconds: 0 when the loop
    is that near its end already.

    >>> wait(8, 0.125, 0.2), wait(400, 0.125, 3.0), wait(400, 0.0, 3.0)
    (0, 352, 0)
    """
    lead = _MARGIN * max(compile_s, _FLOOR)
    if pace <= 0 or after * pace <= lead:
        return 0
    return after - math.floor(lead / pace)


class LastBatch:
    """When a feed_dict loop over row slices gets its shorter last batch compiled ahead: told
    the end of each run of one signature (`ended`), it decides at the second run, from the
    whole batches still to come and the time between the first two runs' ends, to compile
    now or after so many runs; it gives up where that run is no slice of such a loop."""

    __slots__ = ("runs", "t", "at", "done")

    def __init__(self):
        self.runs = 0
        self.t = 0.0  # when the first run ended
        self.at = None  # the run after which to compile, once decided
        self.done = False

    def ended(self, prog, feeds, compile_s):
        """At the end of a run of the signature: `sliced`'s (tensors, shapes) to compile for
        now, else None."""
        self.runs += 1
        if self.runs == 1:
            self.t = _clock()
            return None
        if self.at is not None and self.runs < self.at:
            return None
        found = sliced(prog, feeds)
        if found is None:
            self.done = True
            return None
        if self.at is None:
            n = wait(found[2], _clock() - self.t, compile_s)
            if n:
                self.at = self.runs + n
                return None
        self.done = True
        return found[:2]


def _slice_of(a):
    """(first row, rows of the whole) where `a` holds whole rows [first:first + len(a)] of a
    larger C-contiguous array (of any shape: `X` may itself be a reshaped view), first > 0;
    else None."""
    base = a.base if type(a) is np.ndarray else None
    if type(base) is not np.ndarray or not a.shape or not a.shape[0]:
        return None
    if not (a.flags.c_contiguous and base.flags.c_contiguous):
        return None
    row = a.strides[0]
    off = a.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    if row <= 0 or off <= 0 or off % row or base.nbytes % row:
        return None
    return off // row, base.nbytes // row


def compile_ahead(session, prog, vals, coming):
    """Starts compiling `prog` (a compiled step of a HostPlan, or a Session's program, just
    run on `vals`) for the announced shapes of the tensors it is fed, unless the cache has
    that signature."""
    outs, shapes = coming
    where = dict(zip(outs, shapes))
    fake, changed = list(vals), False
    static = set(prog.static_pos)
    for i, t in enumerate(prog.fed):
        shape = where.get(t)
        if shape is None:
            continue
        v = vals[i]
        dtype = getattr(v, "dtype", None)
        if dtype is None or dtype == object or i in static or len(shape) != np.ndim(v):
            return
        if tuple(shape) != tuple(v.shape):
            fake[i] = np.zeros(shape, dtype)
            changed = True
    if changed:
        compile_for(session, prog, fake)


def compile_for(session, prog, feeds):
    """Starts compiling `prog` on a thread for the shapes of `feeds` and the Session's
    variables as they are now, unless the cache has that signature."""
    state = dict(session._state)
    sig = prog.state_sig(state)
    if cache.has(prog, feeds, sig):
        return
    threads = session._resources.setdefault(("compile ahead",), _Threads())
    threads.start(_compile, (prog, state, feeds, sig))


def compile_pieces(session, dplan, feeds, coming):
    """`compile_ahead` for a run over several devices (lowering/devices.py): its pieces in
    launch order, on a thread, each for the shapes of the values the pieces before it hand
    on (those of their compiled programs' outputs); then `dplan` notes the signature as
    compiled. The programs are the ones the run would compile (the same values)."""
    outs, shapes = coming
    where = dict(zip(outs, shapes))
    if any(p.static_pos for p in dplan.pieces):
        return
    fake = [_zeros(where[t], a.dtype) if t in where else a
            for t, a in zip(dplan.pieces[0].fed, feeds)]
    threads = session._resources.setdefault(("compile ahead",), _Threads())
    threads.start(_compile_pieces, (dplan, dict(session._state), fake))


def _zeros(shape, dtype):
    """A stand-in value of `shape` and `dtype` for a compile (no memory per element)."""
    return np.broadcast_to(np.zeros((), dtype), tuple(shape))


def _compile_pieces(dplan, state, fake):
    known = dict(zip(dplan.pieces[0].fed, fake))
    for p in dplan.pieces:
        vals = [known[t] for t in p.fed]
        e = cache.entry(p, state, vals, p.state_sig(state))
        for t, kind in zip(p.tensors, e.fetch_kinds):
            if kind[0] == "dyn" and e.out_avals is not None:
                known[t] = _zeros(*e.out_avals[kind[1]])
            elif kind[0] == "static":
                known[t] = kind[1]
            else:  # a value made on the host: not known before the run
                return
    dplan.compiled_for(fake, state)


class _Threads:
    """The compile threads of one Session: joined when it closes (nothing left running)."""

    def __init__(self):
        self.threads = []

    def start(self, target, args):
        self.threads = [t for t in self.threads if t.is_alive()]
        t = threading.Thread(target=_run, args=(target, args), daemon=True,
                             name="scopeflow compile ahead")
        self.threads.append(t)
        t.start()

    def session_closed(self):
        for t in self.threads:
            t.join()
        self.threads = []


_LIVE = set()  # compile threads running now, in all Sessions


def _run(target, args):
    _LIVE.add(threading.current_thread())
    try:
        # a failure is not reported here: the run that needs the program compiles and reports
        with contextlib.suppress(Exception):
            target(*args)
    finally:
        _LIVE.discard(threading.current_thread())


def _compile(prog, state, feeds, sig):
    cache.entry(prog, state, feeds, sig, background=True)


@atexit.register
def _join_all():
    """A Session left open at exit: its compile ends before the interpreter (and XLA) does."""
    for t in list(_LIVE):
        t.join()
