"""TF's resource ConditionalAccumulator ops, as SyncReplicasOptimizer's backup workers use them.

The accumulator lives in the store of the ps task it is placed on (`train/ps_store.py`), or
in the Session in a program without a distributed Server. Each worker applies its gradient
for its step (`ResourceAccumulatorApplyGradient`, local_step: the worker's global step), then
takes that step's average (`ResourceAccumulatorTakeGradient`): the mean of the gradients the
accumulator holds once `num_required` have come. A gradient that comes after the step's mean
was taken is dropped (TF drops stale gradients); its worker's update from that mean is
dropped on the ps too (train/remote_vars.py), so the step lands once. Host ops: they run
between the compiled stages of a step (`lowering/stages.py`).

>>> import scopeflow as tf
>>> acc = conditional_accumulator(tf.float32, [2], "acc")
>>> with tf.control_dependencies([apply_gradient(acc, tf.constant(0, tf.int64), [1.0, 3.0])]):
...     mean = take_gradient(acc, 1, tf.float32)
>>> tf.Session().run(mean).tolist()
[1.0, 3.0]
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops import queue_state as qs
from scopeflow.ops.registry import ANY, op


def _host_only(*args, **attrs):
    raise NotImplementedError("accumulator ops run on the host, not in a compiled program")


@op("ResourceConditionalAccumulator", infer=lambda **a: [(TensorShape([]), _dt.resource)],
    stateful=True)
def _make(*, dtype, shape, container="", shared_name="", reduction_type="MEAN"):
    _host_only()


@op("ResourceAccumulatorApplyGradient", infer=lambda *a, **k: [],
    types={"handle": ANY, "local_step": _dt.int64, "gradient": ANY}, stateful=True)
def _apply(handle, local_step, gradient, *, dtype):
    _host_only()


@op("ResourceAccumulatorTakeGradient",
    infer=lambda handle, num_required, *, dtype: [(TensorShape(None), _dt.as_dtype(dtype))],
    types={"handle": ANY, "num_required": _dt.int32}, stateful=True)
def _take(handle, num_required, *, dtype):
    _host_only()


def conditional_accumulator(dtype, shape, shared_name, name=None):
    """A `ResourceConditionalAccumulator` of `dtype` values of `shape` (mean reduction)."""
    return _make(dtype=_dt.as_dtype(dtype), shape=TensorShape(shape), container="",
                 shared_name=shared_name, reduction_type="MEAN",
                 name=name or "ConditionalAccumulator")


def apply_gradient(handle, local_step, gradient, name=None):
    """Adds `gradient`, computed at step `local_step`, to the accumulator."""
    from scopeflow.ops.constant import convert_to_tensor
    gradient = convert_to_tensor(gradient)
    return _apply(handle, local_step, gradient, dtype=gradient.dtype.base_dtype,
                  name=name or "AccumulatorApplyGradient")


def take_gradient(handle, num_required, dtype, name=None):
    """The mean of this step's gradients once `num_required` have come."""
    return _take(handle, np.int32(num_required), dtype=_dt.as_dtype(dtype),
                 name=name or "AccumulatorTakeGradient")


class _Handle:
    """A Session's view of an accumulator: where it lives and this worker's last step."""

    def __init__(self, name, client):
        self.name, self.client, self.step = name, client, None


@host_kernel("ResourceConditionalAccumulator")
def _run_make(ctx, op_):
    def make(name):
        from scopeflow.core.device import DeviceSpec
        from scopeflow.train import server
        active = server.active()
        if active is not None and active.has_ps():
            task = DeviceSpec.from_string(op_._device or "").task or 0
            return _Handle(name, active.ps_client(task))
        from scopeflow.train.ps_store import Store, StoreClient
        return _Handle(name, StoreClient(Store()))

    return [qs.get_or_create(ctx, op_, make)]


@host_kernel("ResourceAccumulatorApplyGradient")
def _run_apply(ctx, op_, handle, local_step, gradient):
    handle.step = int(local_step)
    handle.client.accumulate(handle.name, handle.step, np.asarray(gradient))
    return []


@host_kernel("ResourceAccumulatorTakeGradient", blocking=True)
def _run_take(ctx, op_, handle, num_required):
    if handle.step is None:
        from scopeflow import errors
        from scopeflow.lowering.context import run_error
        raise run_error(errors.FailedPreconditionError, op_,
                        "%s: no gradient applied in this session yet" % handle.name)
    return [handle.client.take(handle.name, handle.step, int(num_required))]
