"""Top-level input names: `tf.py_func`, `tf.numpy_function`, `tf.py_function`, the queues."""

from scopeflow.api import queue  # noqa: F401 - tf.queue
from scopeflow.ops.queues import (FIFOQueue, PaddingFIFOQueue, PriorityQueue, QueueBase,
                                  RandomShuffleQueue)
from scopeflow.ops.script_ops import numpy_function, py_func, py_function

__all__ = ["FIFOQueue", "PaddingFIFOQueue", "PriorityQueue", "QueueBase", "RandomShuffleQueue",
           "numpy_function", "py_func", "py_function", "queue"]
