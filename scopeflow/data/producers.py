"""Host datasets that run code beside the pipeline: a prefetching producer thread, and
Python generators (`from_generator`).

>>> from scopeflow.data.host import Range
>>> [int(e[0]) for e in Prefetch(Range(0, 3, 1), 2)]
[0, 1, 2]
"""

import queue
import threading

import numpy as np

from scopeflow import errors
from scopeflow.data.host import HostDataset, _invalid
from scopeflow.data.resumable import Failed, Raising
from scopeflow.lowering.stages import remaining, timed_out


class Prefetch(HostDataset):
    """A producer thread per pass keeps up to `buffer_size` elements ready (AUTOTUNE: 2), so
    the pipeline's Python work overlaps the compiled step (XLA runs without the GIL)."""

    def __init__(self, source, buffer_size):
        self.source = source
        if int(buffer_size) < -1:  # (TF's kernel check; -1 is AUTOTUNE)
            from scopeflow.data.host import _invalid
            raise _invalid("buffer_size must be >= 0 or set buffer_size to be -1 for "
                           "auto-tuning")
        self.size = int(buffer_size) if int(buffer_size) > 0 else 2

    def __iter__(self):
        return Raising(self._pass())

    def _pass(self):
        q, stop = queue.Queue(self.size), threading.Event()
        done = object()

        def produce():
            it = iter(self.source)
            while True:
                try:
                    el = next(it)
                except StopIteration:
                    break
                except errors.OpError as e:  # an element failed: the pass goes on
                    el = Failed(e)
                except BaseException as e:  # noqa: BLE001 - handed to the consumer
                    _put(q, stop, _Raise(e))
                    return
                if not _put(q, stop, el):
                    return
            _put(q, stop, done)

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


def _put(q, stop, item, poll=0.1):
    while not stop.is_set():
        try:
            q.put(item, timeout=poll)
            return True
        except queue.Full:
            pass
    return False


class Generator(HostDataset):
    """`from_generator`: a fresh call of `fn(*args)` per pass, values cast to the specs."""

    def __init__(self, fn, args, specs, flatten, spec_text=None):
        self.fn, self.args, self.specs, self.flatten = fn, args, specs, flatten
        self.spec_text = spec_text

    def __iter__(self):
        return Raising(self._pass())

    def _pass(self):
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
            try:
                yield tuple(_cast(v, s) for v, s in zip(flat, self.specs))
            except _Mismatch:  # (TF's message names the whole element; the pass goes on)
                got = [_value_spec(v, s) for v, s in zip(flat, self.specs)]
                yield Failed(_invalid(
                    "TypeError: `generator` yielded an element of %s where an element of %s "
                    "was expected." % (self.text(got), self.text(self.specs))))

    def text(self, specs):
        return self.spec_text(specs) if self.spec_text else repr(specs[0])


def _cast(v, spec):
    if getattr(spec, "ragged", False):
        return _cast_ragged(v, spec)
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


def _cast_ragged(v, spec):
    """A yielded RaggedTensorValue (an array for ragged rank 0) as a ragged component."""
    from scopeflow.core.type_spec import TensorSpec
    from scopeflow.data.host import RaggedItem
    splits = spec.row_splits_dtype.as_numpy_dtype
    if spec.ragged_rank <= 0 and not hasattr(v, "row_splits"):
        return RaggedItem(_cast(v, TensorSpec(spec.shape, spec.dtype)), splits)
    if not hasattr(v, "row_splits"):
        raise _invalid("TypeError: `generator` yielded an element that did not match the "
                       "expected structure. The expected structure was %r, but the yielded "
                       "element was %r." % (spec, v))
    if not spec.is_compatible_with(_value_spec(v, spec)):
        raise _Mismatch()
    return RaggedItem(v, splits)


class _Mismatch(Exception):
    """A yielded ragged value not of its spec (Generator reports the whole element)."""


def _value_spec(v, spec):
    """The spec of yielded value `v` of a component of `spec` (a dense one: `spec`)."""
    if not getattr(spec, "ragged", False) or not hasattr(v, "row_splits"):
        return spec
    from scopeflow import dtypes as _dt
    from scopeflow.core.shape import TensorShape
    from scopeflow.ragged.ragged_spec import RaggedTensorSpec
    return RaggedTensorSpec(TensorShape(list(v.shape)), _dt.as_dtype(v.flat_values.dtype),
                            v.ragged_rank, _dt.as_dtype(v.row_splits.dtype))


def _shape(arr):
    from scopeflow.core.shape import TensorShape
    return TensorShape(list(arr.shape))


class Background:
    """An iterator drawn by a producer thread, up to `size` elements ahead: TF's injected
    prefetch (`inject_prefetch`, on by default), so the pipeline's work overlaps the training
    step. Errors keep their place in the stream and the next call goes on after them.

    The depth adapts as TF's autotuned buffer does: each time the consumer finds nothing
    ready (its first call too), the bound doubles, up to `_MAX_DEPTH` elements and `_MAX_BYTES`
    of arrays, so a pipeline that stalls now and then (a shuffle buffer filling again at each
    epoch of `shuffle().batch().repeat()`) is drawn far enough ahead to hide the stall behind
    the steps. The order of elements and errors is the pipeline's."""

    def __init__(self, it, size=2):
        import threading
        self._q, self._stop = queue.Queue(size), threading.Event()
        self._ended = False
        self._cap = None  # the deepest bound, known from the first element's size
        self._it = it  # the thread starts at the first call, as TF's prefetch does

    def __iter__(self):
        return self

    def __next__(self):
        if self._ended:
            raise StopIteration
        if self._it is not None:
            it, self._it = self._it, None
            self._thread = threading.Thread(target=_draw, args=(it, self._q, self._stop),
                                            daemon=True, name="tf.data prefetch")
            self._thread.start()
        waits = self._q.empty()
        left = remaining()
        if left is None:
            item = self._q.get()
        else:
            try:
                item = self._q.get(timeout=max(left, 0.0))
            except queue.Empty:
                raise timed_out() from None
        if item is _END:
            self._ended = True
            raise StopIteration
        if type(item) is _Raise:
            raise item.error
        if waits:  # the consumer waited: draw further ahead from now on
            self._deepen(item)
        return item

    def _deepen(self, item):
        if self._cap is None:
            self._cap = _depth_for(item)
        q = self._q
        with q.mutex:
            if q.maxsize < self._cap:
                q.maxsize = min(2 * q.maxsize, self._cap)
                q.not_full.notify()

    def close(self):
        """Stops the producer and waits (up to 10 s) until its pass has ended, so that what
        the pass holds (a cache's lockfile, open files) is released when this returns."""
        self._stop.set()
        self._ended = True
        it, self._it = getattr(self, "_it", None), None
        close = getattr(it, "close", None)
        if close is not None:  # never started: its source ends here
            close()
        thread = getattr(self, "_thread", None)
        if thread is not None and thread is not threading_current():
            while True:  # a producer blocked on the full queue wakes up
                try:
                    self._q.get_nowait()
                except queue.Empty:
                    break
            thread.join(10.0)

    __del__ = close


_END = object()
_MAX_DEPTH = 16
_MAX_BYTES = 32 << 20


def _depth_for(item):
    """The deepest bound for elements like `item`: `_MAX_DEPTH`, fewer for large elements."""
    size = sum(_nbytes(v) for v in item) if isinstance(item, (list, tuple)) else 0
    return max(2, min(_MAX_DEPTH, _MAX_BYTES // max(size, 1)))


def _nbytes(v):
    if getattr(v, "dtype", None) == object:  # strings: what they hold, not their pointers
        return sum(len(x) for x in v.reshape(-1) if isinstance(x, bytes))
    return getattr(v, "nbytes", 0)


def threading_current():
    return threading.current_thread()


def _draw(it, q, stop):
    while not stop.is_set():
        try:
            item = next(it)
        except StopIteration:
            _put(q, stop, _END)
            return
        except BaseException as e:  # noqa: BLE001 - handed to the consumer at its place
            item = _Raise(e)
        if not _put(q, stop, item, 0.01):
            break
    close = getattr(it, "close", None)
    if close is not None:
        close()
