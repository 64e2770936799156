"""TF's queue ops (FIFOQueueV2, QueueEnqueueV2, QueueDequeueManyV2, ...) as host ops.

A queue-creating op yields the Session's queue object (queue_state.py) as its resource value;
the other ops call into it. They run on the host, between compiled stages, without the
Session's lock, and may block.

>>> import scopeflow as tf
>>> q = tf.FIFOQueue(2, tf.float32, shapes=[[]])
>>> (q.queue_ref.op.type, q.dequeue().op.type, q.dequeue_many(2).shape.as_list())
('FIFOQueueV2', 'QueueDequeueV2', [2])
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops import queue_state as qs
from scopeflow.ops.registry import ANY, op

_SCALAR = TensorShape([])


def _host_only(*args, **attrs):
    raise NotImplementedError("queue ops run on the host, not in a compiled program")


def _resource(**attrs):
    return [(_SCALAR, _dt.resource)]


def _no_outputs(*args, **attrs):
    return []


def _unknown(*args, component_types, timeout_ms=-1):
    return [(TensorShape(None), _dt.as_dtype(t).base_dtype) for t in component_types]


def _queue_op(op_type):
    """A queue-creating op type: no inputs, one scalar resource output."""
    def creator(*, component_types, shapes=(), capacity=-1, container="", shared_name="",
                min_after_dequeue=0, seed=0, seed2=0):
        _host_only()

    creator.__name__ = op_type
    return op(op_type, infer=_resource, stateful=True)(creator)


fifo_queue_v2 = _queue_op("FIFOQueueV2")
padding_fifo_queue_v2 = _queue_op("PaddingFIFOQueueV2")
random_shuffle_queue_v2 = _queue_op("RandomShuffleQueueV2")
priority_queue_v2 = _queue_op("PriorityQueueV2")


@op("QueueEnqueueV2", infer=_no_outputs, types={"handle": ANY, "components": ANY},
    lists=("components",), stateful=True)
def queue_enqueue_v2(handle, components, *, Tcomponents, timeout_ms=-1):
    _host_only()


@op("QueueEnqueueManyV2", infer=_no_outputs, types={"handle": ANY, "components": ANY},
    lists=("components",), stateful=True)
def queue_enqueue_many_v2(handle, components, *, Tcomponents, timeout_ms=-1):
    _host_only()


@op("QueueDequeueV2", infer=_unknown, types={"handle": ANY}, stateful=True, multi=True)
def queue_dequeue_v2(handle, *, component_types, timeout_ms=-1):
    _host_only()


def _unknown_n(handle, n, *, component_types, timeout_ms=-1):
    return _unknown(component_types=component_types)


@op("QueueDequeueManyV2", infer=_unknown_n, types={"handle": ANY, "n": _dt.int32},
    stateful=True, multi=True)
def queue_dequeue_many_v2(handle, n, *, component_types, timeout_ms=-1):
    _host_only()


@op("QueueDequeueUpToV2", infer=_unknown_n, types={"handle": ANY, "n": _dt.int32},
    stateful=True, multi=True)
def queue_dequeue_up_to_v2(handle, n, *, component_types, timeout_ms=-1):
    _host_only()


@op("QueueCloseV2", infer=_no_outputs, types={"handle": ANY}, stateful=True)
def queue_close_v2(handle, *, cancel_pending_enqueues=False):
    _host_only()


@op("QueueSizeV2", infer=lambda h: [(_SCALAR, _dt.int32)], types={"handle": ANY},
    stateful=True)
def queue_size_v2(handle):
    _host_only()


@op("QueueIsClosedV2", infer=lambda h: [(_SCALAR, _dt.bool)], types={"handle": ANY},
    stateful=True)
def queue_is_closed_v2(handle):
    _host_only()


# ---- host kernels -----------------------------------------------------------------------------
def _np_dtypes(types):
    return [np.dtype(object) if _dt.as_dtype(t).base_dtype is _dt.string
            else np.dtype(_dt.as_dtype(t).base_dtype.as_numpy_dtype) for t in types]


def _np_shapes(shapes):
    return [None if TensorShape(s).ndims is None else tuple(TensorShape(s).as_list())
            for s in shapes or ()]


def _creator(state_class, extra=()):
    def kernel(ctx, op):
        a = op._attrs

        def make(name):
            args = [a[k] for k in extra]
            types, shapes = list(a["component_types"]), _np_shapes(a.get("shapes"))
            if state_class is qs.PriorityState:  # the int64 priority leads each element
                types = [_dt.int64] + types
                shapes = [()] + shapes if shapes else shapes
            return state_class(name, _np_dtypes(types), shapes, a.get("capacity", -1), *args)

        return [qs.get_or_create(ctx, op, make)]

    return kernel


host_kernel("FIFOQueueV2")(_creator(qs.FIFOState))
host_kernel("PaddingFIFOQueueV2")(_creator(qs.PaddingFIFOState))
host_kernel("PriorityQueueV2")(_creator(qs.PriorityState))
host_kernel("RandomShuffleQueueV2")(_creator(qs.RandomShuffleState,
                                             ("min_after_dequeue", "seed", "seed2")))


@host_kernel("QueueEnqueueV2", blocking=True)
def _enqueue(ctx, op, queue, *components):
    queue.enqueue(op, components)
    return []


@host_kernel("QueueEnqueueManyV2", blocking=True)
def _enqueue_many(ctx, op, queue, *components):
    queue.enqueue_many(op, components)
    return []


@host_kernel("QueueDequeueV2", blocking=True)
def _dequeue(ctx, op, queue):
    return queue.dequeue(op)


@host_kernel("QueueDequeueManyV2", blocking=True)
def _dequeue_many(ctx, op, queue, n):
    return queue.dequeue_many(op, int(n))


@host_kernel("QueueDequeueUpToV2", blocking=True)
def _dequeue_up_to(ctx, op, queue, n):
    return queue.dequeue_many(op, int(n), up_to=True)


@host_kernel("QueueCloseV2")
def _close(ctx, op, queue):
    queue.close(op._attrs.get("cancel_pending_enqueues", False))
    return []


@host_kernel("QueueSizeV2")
def _size(ctx, op, queue):
    return [np.asarray(queue.size(), np.int32)]


@host_kernel("QueueIsClosedV2")
def _is_closed(ctx, op, queue):
    return [np.asarray(queue.is_closed())]
