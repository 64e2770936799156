"""`tf.train.QueueRunner`, `add_queue_runner`, `start_queue_runners`: threads that keep
running a queue's enqueue ops and close the queue when its input ends.

>>> import scopeflow as tf
>>> q = tf.FIFOQueue(4, tf.float32)
>>> qr = QueueRunner(q, [q.enqueue(1.0)])
>>> (qr.name, qr.close_op.name, qr.cancel_op.name)
('fifo_queue', 'fifo_queue_Close', 'fifo_queue_Close_1')
"""

import logging
import threading
import weakref

from scopeflow import errors
from scopeflow.core.frame import default_graph

__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]

QUEUE_RUNNERS = "queue_runners"  # GraphKeys.QUEUE_RUNNERS
_log = logging.getLogger("tensorflow")


class QueueRunner:
    """Holds a queue's enqueue ops; `create_threads` runs each in a loop until the input ends
    (OutOfRangeError: the last thread closes the queue) or the coordinator stops."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None, queue_runner_def=None, import_scope=None):
        if queue_runner_def:
            if queue or enqueue_ops:
                raise ValueError("queue_runner_def and queue are mutually exclusive.")
            self._init_from_proto(queue_runner_def, import_scope)
        else:
            self._init_from_args(queue, enqueue_ops, close_op, cancel_op,
                                 queue_closed_exception_types)
        self._lock = threading.Lock()
        self._runs_per_session = weakref.WeakKeyDictionary()
        self._exceptions_raised = []

    def _init_from_args(self, queue, enqueue_ops, close_op, cancel_op, closed_types):
        if not queue or not enqueue_ops:
            raise ValueError("Must provide queue and enqueue_ops.")
        self._queue = queue
        self._enqueue_ops = enqueue_ops
        self._close_op = close_op
        self._cancel_op = cancel_op
        if closed_types is not None and (
                not isinstance(closed_types, tuple) or not closed_types
                or not all(issubclass(t, errors.OpError) for t in closed_types)):
            raise TypeError("queue_closed_exception_types, when provided, must be a tuple "
                                "of tf.error types, but saw: %s" % (closed_types,))
        if self._close_op is None:
            self._close_op = self._queue.close()
        if self._cancel_op is None:
            self._cancel_op = self._queue.close(cancel_pending_enqueues=True)
        self._queue_closed_exception_types = tuple(closed_types or (errors.OutOfRangeError,))

    def _init_from_proto(self, qr_def, import_scope):
        g = default_graph()

        def element(name):
            return g.as_graph_element(import_scope + "/" + name if import_scope else name)

        self._queue = element(qr_def.queue_name)
        self._enqueue_ops = [element(n) for n in qr_def.enqueue_op_name]
        self._close_op = element(qr_def.close_op_name)
        self._cancel_op = element(qr_def.cancel_op_name)
        self._queue_closed_exception_types = tuple(
            errors.exception_type_from_error_code(c)
            for c in qr_def.queue_closed_exception_types) or (errors.OutOfRangeError,)

    queue = property(lambda self: self._queue)
    enqueue_ops = property(lambda self: self._enqueue_ops)
    close_op = property(lambda self: self._close_op)
    cancel_op = property(lambda self: self._cancel_op)
    queue_closed_exception_types = property(lambda self: self._queue_closed_exception_types)
    exceptions_raised = property(lambda self: self._exceptions_raised)
    name = property(lambda self: self._queue.name)

    def _enqueue_fn(self, sess, enqueue_op):
        """What one enqueue is (a feeding runner feeds each run)."""
        return sess.make_callable(enqueue_op)

    def _run(self, sess, enqueue_op, coord=None):
        decremented = False
        try:
            enqueue = self._enqueue_fn(sess, enqueue_op)
            while True:
                if coord and coord.should_stop():
                    break
                try:
                    enqueue()
                except self._queue_closed_exception_types:
                    with self._lock:
                        self._runs_per_session[sess] -= 1
                        decremented = True
                        if self._runs_per_session[sess] == 0:
                            try:
                                sess.run(self._close_op)
                            except Exception as e:  # noqa: BLE001 - TF ignores it too
                                _log.debug("Ignored exception: %s", e)
                        return
        except Exception as e:
            if coord:
                coord.request_stop(e)
            else:
                _log.error("Exception in QueueRunner: %s", e)
                with self._lock:
                    self._exceptions_raised.append(e)
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] -= 1

    def _close_on_stop(self, sess, cancel_op, coord):
        coord.wait_for_stop()
        try:
            sess.run(cancel_op)
        except Exception as e:  # noqa: BLE001 - TF ignores it too
            _log.debug("Ignored exception: %s", e)

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """One thread per enqueue op (and one that cancels the queue when `coord` stops)."""
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [threading.Thread(target=self._run, args=(sess, op, coord),
                                    name="QueueRunnerThread-%s-%s" % (self.name, op.name))
                   for op in self._enqueue_ops]
        if coord:
            threads.append(threading.Thread(
                target=self._close_on_stop, args=(sess, self._cancel_op, coord),
                name="QueueRunnerThread-%s-close_on_stop" % self.name))
        for t in threads:
            if coord:
                coord.register_thread(t)
            if daemon:
                t.daemon = True
            if start:
                t.start()
        return threads

    def to_proto(self, export_scope=None):
        """TF's QueueRunnerDef of this runner (None when its queue is outside export_scope)."""
        from scopeflow.checkpoint.queue_runner_def import queue_runner_def
        return queue_runner_def(self, export_scope)

    @staticmethod
    def from_proto(queue_runner_def, import_scope=None):
        return QueueRunner(queue_runner_def=queue_runner_def, import_scope=import_scope)


def add_queue_runner(qr, collection=QUEUE_RUNNERS):
    """Adds `qr` to the graph's QUEUE_RUNNERS collection."""
    default_graph().add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=QUEUE_RUNNERS):
    """Starts the threads of every queue runner in the collection; returns them."""
    from scopeflow.session import BaseSession
    from scopeflow.session_config import get_default_session
    if sess is None:
        sess = get_default_session()
        if not sess:
            raise ValueError("Cannot start queue runners: No default session is registered. "
                             "Use `with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    if not isinstance(sess, BaseSession):
        if sess.__class__.__name__ in ("MonitoredSession", "SingularMonitoredSession"):
            return []
        raise TypeError("sess must be a `tf.Session` object. Given class: %s"
                        % (sess.__class__,))
    runners = sess.graph.get_collection(collection)
    if not runners:
        _log.warning("`tf.train.start_queue_runners()` was called when no queue runners were "
                     "defined. You can safely remove the call to this deprecated function.")
    with sess.graph.as_default():
        threads = []
        for qr in runners:
            threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads
