"""Top-level input names: `tf.py_func`, `tf.numpy_function`, `tf.py_function`, the queues
and the readers (`tf.FIFOQueue`, `tf.TFRecordReader`, ...), `tf.queue`."""

from scopeflow.api import queue
from scopeflow.ops.queues import (
                                  FIFOQueue,
                                  PaddingFIFOQueue,
                                  PriorityQueue,
                                  QueueBase,
                                  RandomShuffleQueue,
)
from scopeflow.ops.readers import (
                                  FixedLengthRecordReader,
                                  IdentityReader,
                                  ReaderBase,
                                  TextLineReader,
                                  TFRecordReader,
                                  WholeFileReader,
)
from scopeflow.ops.script_ops import numpy_function, py_func, py_function

__all__ = ["FIFOQueue", "FixedLengthRecordReader", "IdentityReader", "PaddingFIFOQueue",
           "PriorityQueue", "QueueBase", "RandomShuffleQueue", "ReaderBase", "TFRecordReader",
           "TextLineReader", "WholeFileReader", "numpy_function", "py_func", "py_function",
           "queue"]
