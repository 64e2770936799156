"""TF's gradient-loop stacks on the host, for a while loop that runs on the host.

A loop whose body holds a data-dependent host op (boolean_mask, unique, py_func) runs on the
host, one compiled step after another per iteration (lowering/stages.LoopStep); the values its
gradient loop needs (TF's `f_acc` stacks, ops/stack_ops.py) have other shapes in each
iteration and cross those steps. Their StackV2, StackPushV2 and StackPopV2 ops then run on
the host too (`host_stacks`): a stack is a Python list that lives as long as the run that
made it, pushed by the forward loop and popped, last in first out, by the gradient loop.

>>> s = _Stack("f_acc")
>>> _ = s.push(1.0); _ = s.push(2.0)
>>> s.pop(None), s.pop(None)
(2.0, 1.0)
"""

import numpy as np

from scopeflow.errors import InvalidArgumentError
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import run_on_host

_STACK_TYPES = frozenset(("StackV2", "StackPushV2", "StackPopV2", "Switch"))


class _Stack:
    """One run's stack: what StackV2 gives the ops that push and pop on the host."""

    def __init__(self, name):
        self.name, self.items = name, []

    def push(self, value):
        self.items.append(value)
        return value

    def pop(self, op):
        if not self.items:
            from scopeflow.ops.stack_ops import _empty
            stack = op._inputs[0]._op
            while stack._type != "StackV2" and stack._inputs:  # (the Enter ops around it)
                stack = stack._inputs[0]._op
            raise run_error(InvalidArgumentError, op, _empty(stack)())
        return self.items.pop()


class _Untaken:
    """A stack's handle on a Switch output not taken: the stack ops behind it do not run (its
    `stack`, or None, only shapes the zeros a pop there gives)."""

    __slots__ = ("stack",)

    def __init__(self, stack):
        self.stack = stack


class _DeadPop(np.ndarray):
    """What a pop in a branch not taken gives (zeros): a Switch whose predicate it is, the
    gradient of a cond nested in that branch, is dead on both sides, as in TF's executor."""


def _empty_output(op, stack):
    """What a pop that does not run gives: a copy of the stack's top where it fits the output's
    known dims (the dead values of a gradient cond nested in an untaken branch are computed
    beside live ones, not used: they need only consistent shapes, and a stack of shapes its
    values), else zeros with unknown dims 0."""
    t = op._outputs[0]
    dims = t._shape._dims
    top = stack.items[-1] if isinstance(stack, _Stack) and stack.items else None
    if not hasattr(top, "dtype") or not hasattr(top, "shape"):  # (a variable's handle...)
        top = None
    shape = None if top is None else np.shape(top)
    if shape is None or (dims is not None and (len(dims) != len(shape) or any(
            d is not None and d != n for d, n in zip(dims, shape)))):
        return np.zeros([0 if d is None else d for d in dims or ()],
                        t._dtype.base_dtype.as_numpy_dtype).view(_DeadPop)
    return np.array(top, t._dtype.base_dtype.as_numpy_dtype).view(_DeadPop)


def _stack(ctx, op, max_size):
    return [_Stack(op._attrs.get("stack_name") or op._name)]


def _push(ctx, op, handle, elem):
    if isinstance(handle, _Untaken):
        return [elem]
    return [handle.push(np.copy(elem) if isinstance(elem, np.ndarray) else elem)]


def _pop(ctx, op, handle):
    if isinstance(handle, _Untaken):  # (a value of a cond branch this iteration did not take)
        return [_empty_output(op, handle.stack)]
    return [handle.pop(op)]


def _switch(ctx, op, handle, pred):
    """A stack's handle through a Switch (a value of a cond branch is popped only in the
    backward iterations that took it): (false output, true output)."""
    if isinstance(handle, _Untaken):
        return [handle, handle]
    if isinstance(pred, _DeadPop):  # (the cond it belongs to is in a branch not taken)
        return [_Untaken(handle), _Untaken(handle)]
    return [_Untaken(handle), handle] if bool(np.asarray(pred)) else [handle, _Untaken(handle)]


_KERNELS = {"StackV2": _stack, "StackPushV2": _push, "StackPopV2": _pop, "Switch": _switch}


def host_stacks(ops):
    """Makes the stack ops among `ops` run on the host."""
    for op in ops:
        if op._type in _STACK_TYPES:
            run_on_host(op, _KERNELS[op._type])


__all__ = ["host_stacks"]
