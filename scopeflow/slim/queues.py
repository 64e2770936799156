"""`slim.queues`: QueueRunners, a context running the graph's queue runners.

>>> import scopeflow as tf
>>> with tf.Session() as sess, tf.contrib.slim.queues.QueueRunners(sess):
...     pass
"""

import contextlib
import threading

from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.train.coordinator import Coordinator

__all__ = ["NestedQueueRunnerError", "QueueRunners"]

_lock = threading.Lock()


class NestedQueueRunnerError(Exception):
    """QueueRunners entered while another QueueRunners block is open."""


@contextlib.contextmanager
def QueueRunners(session):
    """Starts the QUEUE_RUNNERS of the default graph; stops and joins them on exit."""
    if not _lock.acquire(False):
        raise NestedQueueRunnerError("QueueRunners cannot be nested")
    coord = Coordinator()
    threads = []
    for qr in default_graph().get_collection(GraphKeys.QUEUE_RUNNERS):
        threads.extend(qr.create_threads(session, coord=coord, daemon=True, start=True))
    try:
        yield
    finally:
        coord.request_stop()
        try:
            coord.join(threads, stop_grace_period_secs=120)
        except RuntimeError:
            session.close()
        _lock.release()
