"""tf_slim.data.prefetch_queue: a queue, filled by queue-runner threads, holding tensors
computed ahead of their use.

>>> import scopeflow as tf
>>> prefetch_queue([tf.constant([1.0])]).name
'prefetch_queue/fifo_queue'
"""

from scopeflow import dtypes as _dt
from scopeflow.layers.core import tf_api as tf


def prefetch_queue(tensors, capacity=8, num_threads=1, dynamic_pad=False, shared_name=None,
                   name=None):
    """A FIFOQueue (PaddingFIFOQueue with dynamic_pad) of `tensors` (a list, or a dict: the
    queue then has names), with a QueueRunner of `num_threads` enqueues and a summary of how
    full it is."""
    t = tf()
    if isinstance(tensors, dict):
        names = sorted(tensors.keys())
        tensor_list = [tensors[n] for n in names]
    else:
        names, tensor_list = None, tensors
    with t.name_scope(name, "prefetch_queue", tensor_list):
        queue_class = t.PaddingFIFOQueue if dynamic_pad else t.FIFOQueue
        queue = queue_class(capacity=capacity, dtypes=[x.dtype for x in tensor_list],
                            shapes=[x.get_shape() for x in tensor_list], names=names,
                            shared_name=shared_name)
        enqueue_op = queue.enqueue(tensors)
        t.train.add_queue_runner(t.train.QueueRunner(queue, [enqueue_op] * num_threads))
        t.summary.scalar("fraction_of_%d_full" % capacity,
                         t.cast(queue.size(), _dt.float32) * (1.0 / capacity))
        return queue
