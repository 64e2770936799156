"""`tf.train.Coordinator` and `tf.train.LooperThread`: stopping a set of threads together.

>>> coord = Coordinator()
>>> coord.should_stop()
False
>>> coord.request_stop(); coord.should_stop()
True
"""

import contextlib
import logging
import sys
import threading
import time

from scopeflow import errors

__all__ = ["Coordinator", "LooperThread"]

_log = logging.getLogger("tensorflow")


class Coordinator:
    """TF's coordinator: `request_stop(ex)`, `should_stop()`, `join(threads)`; the first
    exception reported (other than the clean-stop ones, OutOfRangeError) is re-raised by
    `join`."""

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def _filter_exception(self, ex):
        ex2 = ex[1] if isinstance(ex, tuple) else ex
        return None if isinstance(ex2, self._clean_stop_exception_types) else ex

    def request_stop(self, ex=None):
        """Asks the threads to stop; `ex` (an exception or sys.exc_info()) is kept for join."""
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined:
                if isinstance(ex, tuple):
                    raise ex[1]
                if ex is not None:
                    raise sys.exc_info()[1]
            if self._stop_event.is_set():
                return
            if ex and self._exc_info_to_raise is None:
                if isinstance(ex, tuple):
                    _log.info("Error reported to Coordinator: %s", ex[1], exc_info=ex)
                    self._exc_info_to_raise = ex
                else:
                    _log.info("Error reported to Coordinator: %s, %s", type(ex), ex)
                    self._exc_info_to_raise = sys.exc_info()
                info = self._exc_info_to_raise
                if (len(info) != 3 or not info[0] or not info[1]) and len(info) != 1:
                    # TF formats the whole tuple into its message: that fails, and its
                    # TypeError leaves the request unmade (an exception not being handled)
                    raise TypeError("not all arguments converted during string formatting")
                if len(info) != 3 or not info[0] or not info[1]:
                    try:
                        raise ValueError("ex must be a tuple or sys.exc_info must return the "
                                         "current exception: %s" % (info,))
                    except ValueError:
                        self._exc_info_to_raise = sys.exc_info()
            self._stop_event.set()

    def clear_stop(self):
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self):
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """Reports any exception of the block to `request_stop` instead of raising it."""
        try:
            yield
        except:  # noqa: E722 - TF catches everything here
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits for the threads to end once a stop is requested; re-raises a reported error."""
        with self._lock:
            threads = list(self._registered_threads if threads is None
                           else self._registered_threads.union(set(threads)))
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        wait = 0.001
        while any(t.is_alive() for t in threads) and stop_grace_period_secs >= 0.0:
            time.sleep(wait)
            stop_grace_period_secs -= wait
            wait = max(min(2 * wait, stop_grace_period_secs), 0.001)
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]
            if stragglers:
                if ignore_live_threads:
                    _log.info("Coordinator stopped with threads still running: %s",
                              " ".join(stragglers))
                else:
                    raise RuntimeError("Coordinator stopped with threads still running: %s"
                                       % " ".join(stragglers))

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        with self._lock:
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]


class LooperThread(threading.Thread):
    """A thread calling `target` every `timer_interval_secs` until the coordinator stops."""

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        if not isinstance(coord, Coordinator):
            raise ValueError("'coord' argument must be a Coordinator: %s" % coord)  # noqa: TRY004
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if self._target:
            self._args = args or ()
            self._kwargs = kwargs or {}
        elif args or kwargs:
            raise ValueError("'args' and 'kwargs' argument require that you also pass 'target'")
        self._coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper

    def run(self):
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                next_time = time.time()
                while not self._coord.wait_for_stop(next_time - time.time()):
                    next_time += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self):
        pass

    def stop_loop(self):
        pass

    def run_loop(self):
        if self._target:
            self._target(*self._args, **self._kwargs)
