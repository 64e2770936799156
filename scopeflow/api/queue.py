"""`tf.queue`: FIFOQueue, PaddingFIFOQueue, PriorityQueue, QueueBase, RandomShuffleQueue."""

from scopeflow.ops.queues import (
                                  FIFOQueue,
                                  PaddingFIFOQueue,
                                  PriorityQueue,
                                  QueueBase,
                                  RandomShuffleQueue,
)

__all__ = ["FIFOQueue", "PaddingFIFOQueue", "PriorityQueue", "QueueBase", "RandomShuffleQueue"]
