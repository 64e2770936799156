"""TF1's queue-based input functions: `tf.train.string_input_producer`, `input_producer`,
`range_input_producer`, `slice_input_producer`, `limit_epochs`, `batch`, `maybe_batch`,
`batch_join`, `shuffle_batch`, `shuffle_batch_join`, `match_filenames_once`.

They build TF's graph: the queues, their enqueue ops, a QueueRunner in QUEUE_RUNNERS, the
`fraction_of_N_full` scalar summaries, and (num_epochs) a local `epochs` variable counted up
to its limit (TF's OutOfRangeError "Reached limit of N" ends the input).

>>> import scopeflow as tf
>>> q = tf.train.string_input_producer(["a", "b"], shuffle=False)
>>> (q.name, [s.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)])
('input_producer', ['input_producer/fraction_of_32_full:0'])
"""

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape, as_shape
from scopeflow.ops.constant import constant, constant_value, convert_to_tensor
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.queues import FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue
from scopeflow.train.queue_runner import QueueRunner, add_queue_runner

__all__ = ["batch", "batch_join", "input_producer", "limit_epochs", "match_filenames_once",
           "maybe_batch", "maybe_batch_join", "maybe_shuffle_batch", "range_input_producer",
           "shuffle_batch", "shuffle_batch_join", "slice_input_producer",
           "string_input_producer"]

LOCAL_VARIABLES = "local_variables"


def _variable(initial_value, name, validate_shape=True):
    from scopeflow.core.variables import VariableV1
    return VariableV1(initial_value, name=name, trainable=False, validate_shape=validate_shape,
                      collections=[LOCAL_VARIABLES])


def match_filenames_once(pattern, name=None):
    """A local variable holding the files that match `pattern` (computed when initialized)."""
    from scopeflow.data.graph_ops import matching_files
    with name_scope(name, "matching_filenames", [pattern]) as scope:
        return _variable(matching_files(pattern), scope, validate_shape=False)


def limit_epochs(tensor, num_epochs=None, name=None):
    """`tensor`, readable `num_epochs` times; then OutOfRangeError ("Reached limit of N")."""
    from scopeflow.ops.array import identity
    from scopeflow.ops.state import count_up_to
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError("num_epochs must be > 0 not %d." % num_epochs)
    with name_scope(name, "limit_epochs", [tensor]) as scope:
        zero64 = constant(0, dtype=_dt.int64)
        epochs = _variable(zero64, "epochs")
        counter = count_up_to(epochs, num_epochs)
        with default_graph().control_dependencies([counter]):
            return identity(tensor, name=scope)


def _fraction_summary(queue, capacity, name):
    from scopeflow.ops.math import cast
    from scopeflow.ops.summary_ops import scalar
    scalar(name, cast(queue.size(), _dt.float32) * (1. / capacity))


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None,
                   capacity=32, shared_name=None, summary_name=None, name=None, cancel_op=None):
    """A FIFOQueue fed the rows of `input_tensor` (shuffled each epoch) by a QueueRunner."""
    with name_scope(name, "input_producer", [input_tensor]):
        input_tensor = convert_to_tensor(input_tensor, name="input_tensor")
        element_shape = input_tensor.shape[1:].merge_with(as_shape(element_shape))
        if not element_shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape or "
                             "`element_shape` must be specified")
        if shuffle:
            from scopeflow.ops.sampling import random_shuffle
            input_tensor = random_shuffle(input_tensor, seed=seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        q = FIFOQueue(capacity=capacity, dtypes=[input_tensor.dtype.base_dtype],
                      shapes=[element_shape], shared_name=shared_name, name=name)
        enq = q.enqueue_many([input_tensor])
        add_queue_runner(QueueRunner(q, [enq], cancel_op=cancel_op))
        if summary_name is not None:
            _fraction_summary(q, capacity, summary_name)
        return q


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None,
                          capacity=32, shared_name=None, name=None, cancel_op=None):
    """A queue of the strings (file names) in `string_tensor`, for a reader to consume."""
    from scopeflow.ops.array import identity
    from scopeflow.ops.checks import Assert
    from scopeflow.ops.math import greater
    from scopeflow.ops.shape_ops import size
    not_null_err = "string_input_producer requires a non-null input tensor"
    if not hasattr(string_tensor, "op") and not len(string_tensor):
        raise ValueError(not_null_err)
    with name_scope(name, "input_producer", [string_tensor]) as scope:
        string_tensor = convert_to_tensor(string_tensor, dtype=_dt.string)
        with default_graph().control_dependencies(
                [Assert(greater(size(string_tensor), 0), [not_null_err])]):
            string_tensor = identity(string_tensor)
        return input_producer(string_tensor, element_shape=[], num_epochs=num_epochs,
                              shuffle=shuffle, seed=seed, capacity=capacity,
                              shared_name=shared_name, name=scope,
                              summary_name="fraction_of_%d_full" % capacity,
                              cancel_op=cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """A queue of the integers 0 .. limit-1."""
    from scopeflow.ops.shape_ops import range as _range
    with name_scope(name, "input_producer", [limit]) as scope:
        return input_producer(_range(limit), [], num_epochs, shuffle, seed, capacity,
                              shared_name, "fraction_of_%d_full" % capacity, scope)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """One slice (row) of each tensor in `tensor_list` per dequeue, in step."""
    from scopeflow.ops.gather import gather
    from scopeflow.ops.shape_ops import shape
    with name_scope(name, "input_producer", tensor_list):
        tensor_list = [convert_to_tensor(t) for t in tensor_list]
        if not tensor_list:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        range_size = shape(tensor_list[0])[0]
        queue = range_input_producer(range_size, num_epochs=num_epochs, shuffle=shuffle,
                                     seed=seed, capacity=capacity, shared_name=shared_name)
        index = queue.dequeue()
        return [gather(t, index) for t in tensor_list]


# ---- batching ---------------------------------------------------------------------------------
def _as_tensor_list(tensors):
    if isinstance(tensors, dict):
        return [tensors[k] for k in sorted(tensors, key=str)]
    return tensors


def _as_tensor_list_list(tensors_list):
    if not tensors_list:
        raise ValueError("Expected at least one set of tensors")
    if isinstance(tensors_list[0], dict):
        keys = set(tensors_list[0].keys())
        for tensors in tensors_list[1:]:
            if set(tensors.keys()) != keys:
                raise ValueError("All dictionaries in tensors_list must have the same keys")
        return [_as_tensor_list(t) for t in tensors_list]
    return tensors_list


def _as_original_type(original, tensor_list):
    if isinstance(original, dict):
        if len(original) == 1:
            tensor_list = [tensor_list]
        return {k: tensor_list[i] for i, k in enumerate(sorted(original, key=str))}
    return tensor_list


def _validate(tensor_list, what="batch()"):
    tensor_list = [convert_to_tensor(t) for t in tensor_list]
    if not tensor_list:
        raise ValueError("Expected at least one tensor in %s." % what)
    return tensor_list


def _keep(keep_input, enqueue_many):
    """TF's `_validate_keep_input`: a scalar (or, with `enqueue_many`, a vector) bool tensor."""
    keep_input = convert_to_tensor(keep_input)
    if keep_input.shape.ndims is None:
        raise ValueError("`keep_input` dimensions must be known at graph construction.")
    if not enqueue_many and keep_input.shape.ndims == 1:
        raise ValueError("`keep_input` cannot be a vector when `enqueue_many=False`.")
    if keep_input.shape.ndims > 1:
        raise ValueError("`keep_input` must be 0 or 1 dimensions.")
    return keep_input


def _dtypes(tensor_list_list):
    types = [t.dtype for t in tensor_list_list[0]]
    for other in tensor_list_list[1:]:
        other_types = [t.dtype for t in other]
        if other_types != types:
            raise TypeError("Expected types to be consistent: %s vs. %s." % (
                ", ".join(x.name for x in types), ", ".join(x.name for x in other_types)))
    return types


def _shapes(tensor_list_list, shapes, enqueue_many):
    if shapes is not None:
        return shapes
    for tl in tensor_list_list:
        for t in tl[:len(tensor_list_list[0])]:
            if t.shape.ndims is None:
                raise ValueError("Cannot infer Tensor's rank: %s" % t)
    out = []
    for i in range(len(tensor_list_list[0])):
        merged = None
        for tl in tensor_list_list:
            s = TensorShape(tl[i].shape)
            if enqueue_many:
                s = s.with_rank_at_least(1)[1:]
            merged = s if merged is None else merged.merge_with(s)
        out.append(merged.as_list())
    return out


def _enqueue(queue, tensor_list_list, threads, enqueue_many, keep):
    """TF's `_enqueue` / `_enqueue_join`: a vector `keep` selects rows (DynamicPartition); a
    scalar one enqueues through `smart_cond` (a tf.cond unless its value is known)."""
    from scopeflow.ops.control_flow import cond
    from scopeflow.ops.state import no_op
    fn = queue.enqueue_many if enqueue_many else queue.enqueue
    if keep.shape.ndims == 1:
        def one(tl):
            return fn(_select_which_to_enqueue(tl, keep))
    else:
        value = constant_value(keep)

        def one(tl):
            if value is not None:
                return fn(tl) if bool(value) else no_op()
            return cond(keep, lambda: fn(tl), no_op)
    if len(tensor_list_list) == 1:
        ops = [one(tensor_list_list[0])] * threads
    else:
        ops = [one(tl) for tl in tensor_list_list]
    add_queue_runner(QueueRunner(queue, ops))


def _select_which_to_enqueue(tensor_list, keep):
    from scopeflow.ops.dynamic_shape import dynamic_partition
    from scopeflow.ops.math import cast
    select_i = cast(keep, _dt.int32)
    return [dynamic_partition(x, select_i, num_partitions=2)[1] for x in tensor_list]


def _dequeue(queue, batch_size, allow_smaller_final_batch, name):
    if allow_smaller_final_batch:
        return queue.dequeue_up_to(batch_size, name=name)
    return queue.dequeue_many(batch_size, name=name)


def _batch_join(tensors_list, batch_size, keep_input, spec, scope_name, join):
    """Shared body of batch / batch_join (`spec`: capacity, enqueue_many, shapes,
    dynamic_pad, allow_smaller_final_batch, shared_name, name, num_threads)."""
    tll = _as_tensor_list_list(tensors_list) if join else [_as_tensor_list(tensors_list)]
    flat = [t for tl in tll for t in tl]
    with name_scope(spec["name"], scope_name, flat + [keep_input]) as name:
        tll = [_validate(tl, "batch_join()" if join else "batch()") for tl in tll]
        keep = _keep(keep_input, spec["enqueue_many"])
        types = _dtypes(tll)
        shapes = _shapes(tll, spec["shapes"], spec["enqueue_many"])
        cls = PaddingFIFOQueue if spec["dynamic_pad"] else FIFOQueue
        queue = cls(capacity=spec["capacity"], dtypes=types, shapes=shapes,
                    shared_name=spec["shared_name"])
        _enqueue(queue, tll, spec.get("num_threads", 1), spec["enqueue_many"], keep)
        _fraction_summary(queue, spec["capacity"], "fraction_of_%d_full" % spec["capacity"])
        out = _dequeue(queue, batch_size, spec["allow_smaller_final_batch"], name)
        return _as_original_type(tensors_list[0] if join else tensors_list, out)


def _shuffle_join(tensors_list, batch_size, keep_input, spec, scope_name, join):
    """Shared body of shuffle_batch / shuffle_batch_join."""
    from scopeflow.ops.math import cast, maximum
    capacity, min_after = spec["capacity"], spec["min_after_dequeue"]
    tll = _as_tensor_list_list(tensors_list) if join else [_as_tensor_list(tensors_list)]
    flat = [t for tl in tll for t in tl]
    with name_scope(spec["name"], scope_name, flat + [keep_input]) as name:
        if capacity <= min_after:
            raise ValueError("capacity %d must be bigger than min_after_dequeue %d."
                             % (capacity, min_after))
        tll = [_validate(tl, "batch_join()" if join else "batch()") for tl in tll]
        keep = _keep(keep_input, spec["enqueue_many"])
        types = _dtypes(tll)
        shapes = _shapes(tll, spec["shapes"], spec["enqueue_many"])
        queue = RandomShuffleQueue(capacity=capacity, min_after_dequeue=min_after,
                                   seed=spec["seed"], dtypes=types, shapes=shapes,
                                   shared_name=spec["shared_name"])
        _enqueue(queue, tll, spec.get("num_threads", 1), spec["enqueue_many"], keep)
        from scopeflow.ops.summary_ops import scalar
        full = cast(maximum(0, queue.size() - min_after), _dt.float32) * (
            1. / (capacity - min_after))
        scalar("fraction_over_%d_of_%d_full" % (min_after, capacity - min_after), full)
        out = _dequeue(queue, batch_size, spec["allow_smaller_final_batch"], name)
        return _as_original_type(tensors_list[0] if join else tensors_list, out)


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches `tensors` through a FIFOQueue (PaddingFIFOQueue when `dynamic_pad`)."""
    return maybe_batch(tensors, True, batch_size, num_threads, capacity, enqueue_many, shapes,
                       dynamic_pad, allow_smaller_final_batch, shared_name, name)


def maybe_batch(tensors, keep_input, batch_size, num_threads=1, capacity=32,
                enqueue_many=False, shapes=None, dynamic_pad=False,
                allow_smaller_final_batch=False, shared_name=None, name=None):
    """`batch`, enqueueing only when `keep_input` holds."""
    spec = dict(  # noqa: C408 - keyword form reads as the signature
                capacity=capacity, enqueue_many=enqueue_many, shapes=shapes,
                dynamic_pad=dynamic_pad, allow_smaller_final_batch=allow_smaller_final_batch,
                shared_name=shared_name, name=name, num_threads=num_threads)
    return _batch_join(tensors, batch_size, keep_input, spec, "batch", False)


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None,
               dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None,
               name=None):
    """Batches from several tensor lists, one enqueue thread each."""
    return maybe_batch_join(tensors_list, True, batch_size, capacity, enqueue_many, shapes,
                            dynamic_pad, allow_smaller_final_batch, shared_name, name)


def maybe_batch_join(tensors_list, keep_input, batch_size, capacity=32, enqueue_many=False,
                     shapes=None, dynamic_pad=False, allow_smaller_final_batch=False,
                     shared_name=None, name=None):
    spec = dict(  # noqa: C408 - keyword form reads as the signature
                capacity=capacity, enqueue_many=enqueue_many, shapes=shapes,
                dynamic_pad=dynamic_pad, allow_smaller_final_batch=allow_smaller_final_batch,
                shared_name=shared_name, name=name)
    return _batch_join(tensors_list, batch_size, keep_input, spec, "batch_join", True)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                  shared_name=None, name=None):
    """Batches `tensors` in random order through a RandomShuffleQueue."""
    return maybe_shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, True,
                               num_threads, seed, enqueue_many, shapes,
                               allow_smaller_final_batch, shared_name, name)


def maybe_shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input,
                        num_threads=1, seed=None, enqueue_many=False, shapes=None,
                        allow_smaller_final_batch=False, shared_name=None, name=None):
    spec = dict(  # noqa: C408 - keyword form reads as the signature
                capacity=capacity, min_after_dequeue=min_after_dequeue, seed=seed,
                enqueue_many=enqueue_many, shapes=shapes, num_threads=num_threads,
                allow_smaller_final_batch=allow_smaller_final_batch,
                shared_name=shared_name, name=name)
    return _shuffle_join(tensors, batch_size, keep_input, spec, "shuffle_batch", False)


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None,
                       enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                       shared_name=None, name=None):
    """shuffle_batch over several tensor lists, one enqueue thread each."""
    return maybe_shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, True,
                                    seed, enqueue_many, shapes, allow_smaller_final_batch,
                                    shared_name, name)


def maybe_shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, keep_input,
                             seed=None, enqueue_many=False, shapes=None,
                             allow_smaller_final_batch=False, shared_name=None, name=None):
    """`shuffle_batch_join`, enqueueing only when `keep_input` holds."""
    spec = dict(  # noqa: C408 - keyword form reads as the signature
                capacity=capacity, min_after_dequeue=min_after_dequeue, seed=seed,
                enqueue_many=enqueue_many, shapes=shapes,
                allow_smaller_final_batch=allow_smaller_final_batch,
                shared_name=shared_name, name=name)
    return _shuffle_join(tensors_list, batch_size, keep_input, spec, "shuffle_batch_join",
                         True)
