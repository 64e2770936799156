"""The ops of a TF1 cond / while_loop: Switch, Merge, Enter, Exit, LoopCond, NextIteration.

Their kernels only pass values through. A cond's Merge ops and a loop's Exit ops carry a
graph-side record of their construct (`op._cf`, cf_spec.py): the lowering runs the whole
construct there with lax.cond / lax.while_loop, and Switch, Enter and the pivots run only
inside its sub-functions. Raw Switch / Merge ops outside them follow TF's dead-tensor rules
(lowering/liveness.py).
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.registry import ANY, op, spec


def _switch_shape(data, pred):
    check_rank(pred, 0)
    s = (data.shape, data.dtype.base_dtype)
    return [s, s]


@op("Switch", infer=_switch_shape, types={"data": ANY, "pred": ANY}, multi=True)
def _switch(data, pred):
    return data, data


def _ref_switch_shape(data, pred):
    check_rank(pred, 0)
    return [(data.shape, data.dtype), (data.shape, data.dtype)]


@op("RefSwitch", infer=_ref_switch_shape, types={"data": ANY, "pred": ANY}, multi=True,
    refs=("data",))
def _ref_switch(data, pred):
    return data, data


def _merge_shape(inputs):
    shape = inputs[0].shape
    for t in inputs[1:]:
        shape = merged_shape(shape, t.shape)
    return [(shape, inputs[0].dtype.base_dtype), spec((), _dt.int32)]


@op("Merge", infer=_merge_shape, lists=("inputs",), types={"inputs": ANY}, multi=True)
def _merge(inputs):
    # (below raw Switch ops lowering/liveness.py passes on the live input; with every input
    # live TF's executor takes the one it computes first: here input 0)
    return inputs[0], np.int32(0)


def _pass_shape(data, **attrs):
    return data.shape, data.dtype.base_dtype


def _enter_shape(data, *, frame_name, is_constant=False, parallel_iterations=10):
    """TF: a loop variable's Enter has unknown shape (set to the invariant), a constant's not."""
    return (data.shape if is_constant else TensorShape(None)), data.dtype.base_dtype


@op("Enter", infer=_enter_shape, types={"data": ANY})
def _enter(data, *, frame_name, is_constant=False, parallel_iterations=10):
    return data


def _ref_enter_shape(data, *, frame_name, is_constant=False, parallel_iterations=10):
    return (data.shape if is_constant else TensorShape(None)), data.dtype


@op("RefEnter", infer=_ref_enter_shape, types={"data": ANY}, refs=("data",))
def _ref_enter(data, *, frame_name, is_constant=False, parallel_iterations=10):
    return data


@op("Exit", infer=_pass_shape, types={"data": ANY})
def _exit(data):
    return data


@op("NextIteration", infer=_pass_shape, types={"data": ANY})
def _next_iteration(data):
    return data


def _loop_cond_shape(input):  # noqa: A002
    check_rank(input, 0)
    return input.shape, _dt.bool


@op("LoopCond", infer=_loop_cond_shape, types={"input": ANY})
def _loop_cond(input):  # noqa: A002
    return input


def check_bool(t, arg, op_type):
    """TF's op-def dtype check for a fixed bool input."""
    if t.dtype.base_dtype is not _dt.bool:
        raise TypeError("Input '%s' of '%s' Op has type %s that does not match expected type of "
                        "bool." % (arg, op_type, t.dtype.base_dtype.name))


def merged_shape(a, b):
    """TF's Merge shape rule: dims kept where both agree, else unknown (rank too)."""
    da, db = a._dims, b._dims
    if da is None or db is None or len(da) != len(db):
        return TensorShape(None)
    return TensorShape._of(tuple(x if x == y else None for x, y in zip(da, db)))
