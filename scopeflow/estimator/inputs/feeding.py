"""The queue behind numpy_input_fn: a FIFO (or, shuffling, a RandomShuffleQueue) filled by a
queue runner whose thread feeds index and column batches from Python (TF's
feeding_functions._enqueue_data and _FeedingQueueRunner).

>>> _next_batch_indices(8, 4, 9, 10, 0, 1)
([8, 9], 1)
"""

import logging
import random

from scopeflow import errors
from scopeflow.estimator._tf import tf
from scopeflow.train.queue_runner import QueueRunner, add_queue_runner

_log = logging.getLogger("tensorflow")

def _next_batch_indices(start, batch_size, epoch_end, length, epoch, total_epochs):
    """(the next batch's row indices, the epochs done after it); the last batch of the last
    epoch stops at its end; OutOfRangeError once all epochs were emitted."""
    if total_epochs is not None and epoch >= total_epochs:
        raise errors.OutOfRangeError(None, None, "Already emitted %s epochs." % epoch)
    indices = [j % length for j in range(start, start + batch_size)]
    ends = [i for i, x in enumerate(indices) if x == epoch_end]
    epoch += len(ends)
    if total_epochs is None or epoch < total_epochs:
        return indices, epoch
    last = ends[-(epoch - total_epochs + 1)]
    return indices[:last + 1], epoch


class _DictFeedFn:
    """Feed dicts of the next batch of rows: the index placeholder, then one per column."""

    def __init__(self, placeholders, columns, batch_size, random_start=False, seed=None,
                 num_epochs=None, index=None):
        if len(placeholders) != len(columns) + 1:
            raise ValueError("Expected {} placeholders; got {}.".format(len(columns),
                                                                       len(placeholders)))
        self._index, self._cols = placeholders[0], placeholders[1:]
        self._columns = list(columns.values())
        self._max = len(self._columns[0])
        for c in self._columns:
            if len(c) != self._max:
                raise ValueError("Array lengths must match.")
        self._batch_size, self._num_epochs, self._epoch = batch_size, num_epochs, 0
        self._index_values = index
        random.seed(seed)
        self._trav = random.randrange(self._max) if random_start else 0
        self._epoch_end = (self._trav - 1) % self._max

    def __call__(self):
        indices, self._epoch = _next_batch_indices(self._trav, self._batch_size,
                                                   self._epoch_end, self._max, self._epoch,
                                                   self._num_epochs)
        self._trav = (indices[-1] + 1) % self._max
        feed = {self._index: indices if self._index_values is None
                else self._index_values[indices]}
        feed.update({p: c[indices] for p, c in zip(self._cols, self._columns)})
        return feed


class _FeedingQueueRunner(QueueRunner):
    """A QueueRunner whose enqueue ops are each run with its feed function's feed dict."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 feed_fns=None, queue_closed_exception_types=None):
        if queue_closed_exception_types is None:
            queue_closed_exception_types = (errors.OutOfRangeError, errors.CancelledError)
        super().__init__(queue, enqueue_ops, close_op, cancel_op,
                         queue_closed_exception_types=queue_closed_exception_types)
        if feed_fns is None:
            feed_fns = [None] * len(enqueue_ops)
        elif len(feed_fns) != len(enqueue_ops):
            raise ValueError("If feed_fns is not None, it must have the same length as "
                             "enqueue_ops.")
        self._feed_fns = dict(zip([op.name for op in enqueue_ops], feed_fns))

    def _enqueue_fn(self, sess, enqueue_op):
        feed_fn = self._feed_fns[enqueue_op.name]
        return lambda: sess.run(enqueue_op, feed_dict=None if feed_fn is None else feed_fn())


def enqueue_data(data, capacity, shuffle=False, min_after_dequeue=None, num_threads=1,
                 seed=None, name="enqueue_input", enqueue_size=1, num_epochs=None, index=None):
    """A queue of (row index, column...) filled from `data`, an OrderedDict of numpy arrays
    (one row per first-dimension entry), by a queue runner in QUEUE_RUNNERS; `index` (a
    DataFrame's index values) replaces the row numbers as the first component."""
    t = tf()
    with t.name_scope(name):
        types = [t.int64 if index is None else t.as_dtype(index.dtype)] + [
            t.as_dtype(col.dtype) for col in data.values()]
        shapes = [()] + [col.shape[1:] for col in data.values()]
        if num_threads > 1 and num_epochs is not None:
            _log.warning("enqueue_data was called with num_epochs and num_threads > 1. "
                         "num_epochs is applied per thread, so this will produce more epochs "
                         "than you probably intend. If you want to limit epochs, use one "
                         "thread.")
        if shuffle:
            min_after_dequeue = int(capacity / 4 if min_after_dequeue is None
                                    else min_after_dequeue)
            queue = t.queue.RandomShuffleQueue(capacity, min_after_dequeue, dtypes=types,
                                               shapes=shapes, seed=seed)
        else:
            min_after_dequeue = 0
            queue = t.queue.FIFOQueue(capacity, dtypes=types, shapes=shapes)
        enqueue_ops, feed_fns = [], []
        for i in range(num_threads):
            placeholders = [t.placeholder(d) for d in types]
            enqueue_ops.append(queue.enqueue_many(placeholders))
            feed_fns.append(_DictFeedFn(placeholders, data, enqueue_size, random_start=shuffle,
                                        seed=None if seed is None else (i + 1) * seed,
                                        num_epochs=num_epochs, index=index))
        add_queue_runner(_FeedingQueueRunner(queue=queue, enqueue_ops=enqueue_ops,
                                             feed_fns=feed_fns))
        full = t.cast(t.maximum(0, queue.size() - min_after_dequeue), t.float32) * (
            1. / (capacity - min_after_dequeue))
        t.summary.scalar("queue/%sfraction_over_%d_of_%d_full" % (
            queue.name, min_after_dequeue, capacity - min_after_dequeue), full)
        return queue
