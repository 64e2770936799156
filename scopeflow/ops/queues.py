"""`tf.FIFOQueue`, `tf.RandomShuffleQueue`, `tf.PaddingFIFOQueue`, `tf.PriorityQueue`.

TF's `QueueBase` API over the host queue ops (data_flow.py), with TF's op names
(`fifo_queue_enqueue`, `fifo_queue_Dequeue`, `fifo_queue_DequeueMany/n`), static shapes,
dictionary components (`names=`) and graph-time checks.

>>> import scopeflow as tf
>>> q = tf.FIFOQueue(3, [tf.int32, tf.string], shapes=[[2], []], names=["a", "b"])
>>> sorted(q.dequeue())
['a', 'b']
"""

import functools
import hashlib

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape, as_shape
from scopeflow.core.variables import init_scope
from scopeflow.ops import data_flow as dfo
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.random import get_seed

__all__ = ["FIFOQueue", "PaddingFIFOQueue", "PriorityQueue", "QueueBase", "RandomShuffleQueue"]


def _as_type_list(dtypes):
    assert dtypes is not None
    return list(dtypes) if isinstance(dtypes, (list, tuple)) else [dtypes]


def _as_shape_list(shapes, unknown_dim_allowed=False):
    """TF's `_as_shape_list`: one shape per component, fully defined unless allowed."""
    if unknown_dim_allowed and (not isinstance(shapes, (list, tuple)) or not shapes
                                or any(s is None or isinstance(s, int) for s in shapes)):
        raise ValueError("When providing partial shapes, a list of shapes must be provided.")
    if shapes is None:
        return None
    if isinstance(shapes, TensorShape):
        shapes = [shapes]
    if not isinstance(shapes, (tuple, list)):
        raise TypeError("Shapes must be a TensorShape or a list or tuple of TensorShapes, got "
                        "%s instead." % type(shapes))
    if all(s is None or isinstance(s, int) for s in shapes):
        shapes = [shapes]
    shapes = [as_shape(s) for s in shapes]
    if not unknown_dim_allowed and any(not s.is_fully_defined() for s in shapes):
        raise ValueError("All shapes must be fully defined: %s" % _shapes_repr(shapes))
    if any(s.ndims is None for s in shapes):
        raise ValueError("All shapes must have a defined rank: %s" % _shapes_repr(shapes))
    return shapes


def _shapes_repr(shapes):
    def one(s):
        if s.ndims is None:
            return "TensorShape(None)"
        return "TensorShape([%s])" % ", ".join("Dimension(%s)" % d for d in s.as_list())
    return "[%s]" % ", ".join(one(s) for s in shapes)


def _as_name_list(names, dtypes):
    if names is None:
        return None
    if not isinstance(names, (list, tuple)):
        names = [names]
    if len(names) != len(dtypes):
        raise ValueError("List of names must have the same length as the list of dtypes, "
                         "received len(names)=%d,len(dtypes)=%d" % (len(names), len(dtypes)))
    return list(names)


class QueueBase:
    """TF's base class of queues: enqueue / dequeue ops over one queue resource."""

    def __init__(self, dtypes, shapes, names, queue_ref):
        self._dtypes = dtypes
        if shapes is not None:
            if len(shapes) != len(dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes, received "
                                 "len(shapes)=%d, len(dtypes)=%d" % (len(shapes), len(dtypes)))
            self._shapes = [TensorShape(s) for s in shapes]
        else:
            self._shapes = [TensorShape(None) for _ in self._dtypes]
        if names is not None and len(names) != len(dtypes):
            raise ValueError("Queue names must have the same length as dtypes,received "
                             "len(names)=%d,len %d" % (len(names), len(dtypes)))
        self._names = names
        self._queue_ref = queue_ref
        self._name = queue_ref.op.name.split("/")[-1]

    @staticmethod
    def from_list(index, queues):
        """A queue that forwards to `queues[index]` (TF: gather over the handles)."""
        from scopeflow.ops.array import gather, stack
        if (not queues or not isinstance(queues, list)
                or not all(isinstance(x, QueueBase) for x in queues)):
            raise TypeError("A list of queues expected")
        dtypes = queues[0].dtypes
        if not all(dtypes == q.dtypes for q in queues[1:]):
            raise TypeError("Queues do not have matching component dtypes.")
        names = queues[0].names
        if not all(names == q.names for q in queues[1:]):
            raise TypeError("Queues do not have matching component names.")
        shapes = [functools.reduce(_shape_common, s) for s in zip(*[q.shapes for q in queues])]
        ref = gather(stack([x.queue_ref for x in queues]), index)
        return QueueBase(dtypes=dtypes, shapes=shapes, names=names, queue_ref=ref)

    queue_ref = property(lambda self: self._queue_ref)
    name = property(lambda self: self._queue_ref.op.name)
    dtypes = property(lambda self: self._dtypes)
    shapes = property(lambda self: self._shapes)
    names = property(lambda self: self._names)

    def _check_enqueue_dtypes(self, vals):
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names, key=str) != sorted(vals.keys(), key=str):
                raise ValueError("Keys in dictionary to enqueue do not match names of Queue.  "
                                 "Dictionary: %s,Queue: %s" % (sorted(vals.keys()),
                                                               sorted(self._names)))
            vals = [vals[k] for k in self._names]
        else:
            if self._names:
                raise ValueError("You must enqueue a dictionary in a Queue with names")
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
        return [convert_to_tensor(v, dtype=dt, name="component_%d" % i)
                for i, (v, dt) in enumerate(zip(vals, self._dtypes))]

    @staticmethod
    def _scope_vals(vals):
        if isinstance(vals, (list, tuple)):
            return vals
        if isinstance(vals, dict):
            return list(vals.values())
        return [vals]

    def enqueue(self, vals, name=None):
        """Enqueues one element (blocks while the queue is full)."""
        with name_scope(name, "%s_enqueue" % self._name, self._scope_vals(vals)) as scope:
            vals = self._check_enqueue_dtypes(vals)
            for val, shape in zip(vals, self._shapes):
                val.get_shape().assert_is_compatible_with(shape)
            return dfo.queue_enqueue_v2(self._queue_ref, vals, Tcomponents=_types(vals),
                                        name=scope)

    def enqueue_many(self, vals, name=None):
        """Enqueues the slices of `vals` along dimension 0."""
        with name_scope(name, "%s_EnqueueMany" % self._name, self._scope_vals(vals)) as scope:
            vals = self._check_enqueue_dtypes(vals)
            batch = vals[0].get_shape().with_rank_at_least(1)[0]
            for val, shape in zip(vals, self._shapes):
                batch = batch.merge_with(val.get_shape().with_rank_at_least(1)[0])
                val.get_shape()[1:].assert_is_compatible_with(shape)
            return dfo.queue_enqueue_many_v2(self._queue_ref, vals, Tcomponents=_types(vals),
                                             name=scope)

    def _dequeue_return_value(self, tensors):
        if self._names:
            return {n: tensors[i] for i, n in enumerate(self._names)}
        if len(tensors) == 1:
            return tensors[0]
        return tensors

    def dequeue(self, name=None):
        """Dequeues one element (blocks while the queue is empty)."""
        ret = dfo.queue_dequeue_v2(self._queue_ref, component_types=list(self._dtypes),
                                   name=name or "%s_Dequeue" % self._name)
        for out, shape in zip(ret, self._shapes):
            out.set_shape(shape)
        return self._dequeue_return_value(ret)

    def dequeue_many(self, n, name=None):
        """Dequeues `n` elements, batched along a new dimension 0."""
        ret = dfo.queue_dequeue_many_v2(self._queue_ref, n, component_types=list(self._dtypes),
                                        name=name or "%s_DequeueMany" % self._name)
        n_value = constant_value(ret[0].op.inputs[1]) if ret else None
        batch = TensorShape([None if n_value is None else int(n_value)])
        for out, shape in zip(ret, self._shapes):
            out.set_shape(batch.concatenate(shape))
        return self._dequeue_return_value(ret)

    def dequeue_up_to(self, n, name=None):
        """Dequeues `n` elements, or what is left once the queue is closed."""
        ret = dfo.queue_dequeue_up_to_v2(self._queue_ref, n,
                                         component_types=list(self._dtypes),
                                         name=name or "%s_DequeueUpTo" % self._name)
        for out, shape in zip(ret, self._shapes):
            out.set_shape(TensorShape([None]).concatenate(shape))
        return self._dequeue_return_value(ret)

    def close(self, cancel_pending_enqueues=False, name=None):
        """Closes the queue: no more enqueues; dequeues drain it, then fail."""
        return dfo.queue_close_v2(self._queue_ref,
                                  cancel_pending_enqueues=cancel_pending_enqueues,
                                  name=name or "%s_Close" % self._name)

    def is_closed(self, name=None):
        return dfo.queue_is_closed_v2(self._queue_ref, name=name or "%s_Is_Closed" % self._name)

    def size(self, name=None):
        return dfo.queue_size_v2(self._queue_ref, name=name or "%s_Size" % self._name)


def _types(tensors):
    return [t.dtype.base_dtype for t in tensors]


def _shape_common(s1, s2):
    s1, s2 = TensorShape(s1), TensorShape(s2)
    if s1.ndims is None or s2.ndims is None or s1.ndims != s2.ndims:
        return TensorShape(None)
    return TensorShape([a if a is not None and a == b else None
                        for a, b in zip(s1.as_list(), s2.as_list())])


def _attrs(dtypes, shapes, capacity, shared_name):
    return {"component_types": [_dt.as_dtype(d).base_dtype for d in dtypes],
            "shapes": list(shapes or []), "capacity": capacity,
            "container": "", "shared_name": shared_name or ""}


class RandomShuffleQueue(QueueBase):
    """`tf.RandomShuffleQueue(capacity, min_after_dequeue, dtypes, shapes, names, seed)`."""

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None,
                 seed=None, shared_name=None, name="random_shuffle_queue"):
        dtypes = [_dt.as_dtype(d) for d in _as_type_list(dtypes)]
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        seed1, seed2 = get_seed(seed)
        if seed1 is None and seed2 is None:
            seed1, seed2 = 0, 0
        elif seed is None and shared_name is not None:
            text = (str(seed1) + shared_name).encode("utf-8")
            seed2 = int(hashlib.md5(text).hexdigest()[:8], 16) & 0x7FFFFFFF
        ref = dfo.random_shuffle_queue_v2(min_after_dequeue=min_after_dequeue, seed=seed1,
                                          seed2=seed2, name=name,
                                          **_attrs(dtypes, shapes, capacity, shared_name))
        super().__init__(dtypes, shapes, names, ref)


class FIFOQueue(QueueBase):
    """`tf.FIFOQueue(capacity, dtypes, shapes=None, names=None, shared_name=None)`."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        dtypes = [_dt.as_dtype(d) for d in _as_type_list(dtypes)]
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        g = default_graph()
        with init_scope(), g.device("/device:CPU:*"):
            ref = dfo.fifo_queue_v2(name=name, **_attrs(dtypes, shapes, capacity, shared_name))
        super().__init__(dtypes, shapes, names, ref)


class PaddingFIFOQueue(QueueBase):
    """`tf.PaddingFIFOQueue`: dequeue_many pads components of unknown dimensions."""

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):
        dtypes = [_dt.as_dtype(d) for d in _as_type_list(dtypes)]
        shapes = _as_shape_list(shapes, unknown_dim_allowed=True)
        names = _as_name_list(names, dtypes)
        if len(dtypes) != len(shapes):
            raise ValueError("Shapes must be provided for all components, but received %d "
                             "dtypes and %d shapes." % (len(dtypes), len(shapes)))
        ref = dfo.padding_fifo_queue_v2(name=name,
                                        **_attrs(dtypes, shapes, capacity, shared_name))
        super().__init__(dtypes, shapes, names, ref)


class PriorityQueue(QueueBase):
    """`tf.PriorityQueue`: elements lead with an int64 priority; the smallest comes first."""

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        types = [_dt.as_dtype(d) for d in _as_type_list(types)]
        shapes = _as_shape_list(shapes)
        ref = dfo.priority_queue_v2(name=name, **_attrs(types, shapes, capacity, shared_name))
        priority_shapes = [()] + shapes if shapes else shapes
        super().__init__([_dt.int64] + types, priority_shapes, names, ref)
