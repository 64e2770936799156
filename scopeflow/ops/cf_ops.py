"""The ops of a TF1 cond / while_loop: Switch, Merge, Enter, Exit, LoopCond, NextIteration,
and those of reference variables (RefSwitch, RefMerge, RefSelect, RefIdentity, RefEnter).

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
from scopeflow.ops.value_checks import failed


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


def _merge_shape(inputs, dtype=None):
    shape = inputs[0].shape
    for t in inputs[1:]:
        shape = merged_shape(shape, t.shape)
    return [(shape, dtype or inputs[0].dtype.base_dtype), spec((), _dt.int32)]


@op("Merge", infer=_merge_shape, lists=("inputs",), types={"inputs": ANY}, multi=True)
def _merge(inputs):
    # (below raw Switch ops lowering/liveness.py passes on the live input; with every input
    # live TF's executor takes the one it computes first: here input 0)
    return inputs[0], np.int32(0)


def _ref_merge_shape(inputs):
    return _merge_shape(inputs, inputs[0].dtype)


@op("RefMerge", infer=_ref_merge_shape, lists=("inputs",), types={"inputs": ANY}, multi=True,
    refs=("inputs",))
def _ref_merge(inputs):
    return inputs[0], np.int32(0)  # (a Merge below raw Switch ops: lowering/liveness.py)


def _ref_select_shape(index, inputs):
    """TF's RefSelect rule: the inputs' shape where all are fully defined and equal."""
    check_rank(index, 0)
    first = inputs[0].shape
    same = first.is_fully_defined() and all(
        t.shape.is_fully_defined() and t.shape == first for t in inputs[1:])
    return (first if same else TensorShape(None)), inputs[0].dtype


@op("RefSelect", infer=_ref_select_shape, lists=("inputs",), types={"inputs": ANY},
    refs=("inputs",), context=True)
def _ref_select(ctx, index, inputs):
    """The reference `inputs[index]`; a fed index is compiled in (a traced one cannot pick
    the variable an assign through it writes)."""
    if not isinstance(index, (np.ndarray, np.generic, int)):
        raise NotImplementedError("RefSelect picks a variable by a value known at run time")
    k = int(index)
    if failed(ctx, "" if 0 <= k < len(inputs) else
              "Index must be in the range [0, %d) but got %d" % (len(inputs), k)):
        return inputs[0]
    return inputs[k]


def _ref_identity_shape(input):  # noqa: A002
    return input.shape, input.dtype


@op("RefIdentity", infer=_ref_identity_shape, types={"input": ANY}, refs=("input",))
def _ref_identity(input):  # noqa: A002
    return input  # (the reference: an assign through it writes the variable)


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
