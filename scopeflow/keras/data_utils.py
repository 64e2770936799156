"""`tf.keras.utils.SequenceEnqueuer`, `OrderedEnqueuer` and `GeneratorEnqueuer`: a Sequence's
batches or a generator's items made ahead on a thread, into a queue of `max_queue_size`
(processes are not used: `use_multiprocessing` gives the same items, in the same order).

>>> import scopeflow as tf
>>> e = tf.keras.utils.GeneratorEnqueuer(iter(range(3)))
>>> e.start(); list(e.get())
[0, 1, 2]
"""

import queue
import random
import threading


class SequenceEnqueuer:
    """The base: `start` a producer, `get` a generator of its items, `stop` it."""

    def __init__(self, sequence, use_multiprocessing=False):
        self.sequence, self.use_multiprocessing = sequence, use_multiprocessing
        self.workers, self.queue, self.run_thread, self.stop_signal = 0, None, None, None

    def is_running(self):
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        self.workers = workers
        self.queue = queue.Queue(max_queue_size)
        self.stop_signal = threading.Event()
        self.run_thread = threading.Thread(target=self._run, daemon=True)
        self.run_thread.start()

    def stop(self, timeout=None):
        if self.run_thread is None:  # (not started, or stopped already)
            return
        self.stop_signal.set()
        with self.queue.mutex:  # a producer waiting for room goes on, sees the signal
            self.queue.queue.clear()
            self.queue.unfinished_tasks = 0
            self.queue.not_full.notify_all()
            self.queue.all_tasks_done.notify_all()
        self.run_thread.join(timeout)
        self.run_thread = None

    def __del__(self):
        if self.is_running():
            self.stop()

    def _run(self):
        raise NotImplementedError

    def _get_executor_init(self, workers):
        raise NotImplementedError

    def get(self):
        raise NotImplementedError

    def _put(self, item):
        """Puts `item` once there is room; False once stopped."""
        while not self.stop_signal.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _items(self):
        """What the producer put, in order, until it ends, fails (raised here) or is stopped."""
        while self.is_running():
            try:
                kind, value = self.queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if self.is_running():
                self.queue.task_done()
            if kind == "end":
                return
            if kind == "error":
                self.stop()
                raise value
            yield value


class OrderedEnqueuer(SequenceEnqueuer):
    """A `Sequence`'s batches in order (shuffled per pass with `shuffle`), pass after pass;
    `on_epoch_end` once a pass's batches are taken."""

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        super().__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle

    def _wait_queue(self):
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks and not self.stop_signal.is_set():
                self.queue.all_tasks_done.wait(0.1)

    def _run(self):
        order = list(range(len(self.sequence)))
        while True:
            if self.shuffle:
                random.shuffle(order)
            for i in order:
                try:
                    item = ("ok", self.sequence[i])
                except Exception as e:  # handed to get(), which raises it
                    self._put(("error", e))
                    return
                if not self._put(item):
                    return
            self._wait_queue()
            if self.stop_signal.is_set():
                return
            self.sequence.on_epoch_end()

    def get(self):
        yield from self._items()


class GeneratorEnqueuer(SequenceEnqueuer):
    """A generator's items, made ahead; `get` ends where the generator does."""

    def __init__(self, generator, use_multiprocessing=False, random_seed=None):
        super().__init__(generator, use_multiprocessing)
        self.random_seed = random_seed

    def _run(self):
        while not self.stop_signal.is_set():
            try:
                item = ("ok", next(self.sequence))
            except StopIteration:
                self._put(("end", None))
                return
            except Exception as e:
                self._put(("error", e))
                return
            if not self._put(item):
                return

    def get(self):
        yield from self._items()
