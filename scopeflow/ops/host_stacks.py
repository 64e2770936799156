"""TF's gradient-loop stacks on the host, for a while loop that runs on the host.

A loop whose body holds a data-dependent host op (boolean_mask, unique, py_func) runs on the
host, one compiled step after another per iteration (lowering/stages.LoopStep); the values its
gradient loop needs (TF's `f_acc` stacks, ops/stack_ops.py) have other shapes in each
iteration and cross those steps. Their StackV2, StackPushV2 and StackPopV2 ops then run on
the host too (`host_stacks`): a stack is a Python list that lives as long as the run that
made it, pushed by the forward loop and popped, last in first out, by the gradient loop.
So that each gradient iteration's compiled step has one signature (one XLA compile for the
whole loop), a pushed TensorArray flow keeps no elements (`_flow_of`) and the concats that
grow an IndexedSlices accumulator run on the host (`host_accumulators`).

>>> s = _Stack("f_acc")
>>> _ = s.push(1.0); _ = s.push(2.0)
>>> s.pop(None), s.pop(None)
(2.0, 1.0)
"""

import numpy as np

from scopeflow.errors import InvalidArgumentError
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import ON_HOST, run_on_host
from scopeflow.ops.ta_state import TAState

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
    if type(elem) is TAState:
        return [handle.push(_flow_of(elem))]
    return [handle.push(np.copy(elem) if isinstance(elem, np.ndarray) else elem)]


def _flow_of(state):
    """What a stack keeps of a TensorArray's flow pushed per iteration: the array without its
    elements (none of their element shape). TF's gradient of a write, read or scatter pushes
    the forward array's flow for its TensorArrayGradV3 alone, which takes the array's name,
    dtype and element shape from it, not its elements (the gradient array it names is the
    one the gradient loop carries in its own flow). Fed the whole array, i elements at
    iteration i, the gradient loop's compiled step had another signature, and compiled
    again, in every iteration. Only a dynamic_size array's: a fixed one keeps its shape from
    one iteration to the next, and its gradient array takes its size from the flow (a
    gradient scatter into one of size 0 failed)."""
    data = state.data
    if not isinstance(data, np.ndarray) or data.ndim < 1 or not state.meta.dynamic_size:
        return state
    return TAState(np.zeros((0,) + data.shape[1:], data.dtype), np.zeros((0,), bool),
                   state.meta)


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


def _concat(ctx, op, *inputs):
    return [np.concatenate([np.asarray(x) for x in inputs[:-1]], int(np.asarray(inputs[-1])))]


def host_accumulators(loop):
    """Makes the concats that grow a value of host-run loop `loop` by each iteration's rows
    (the IndexedSlices accumulators of a gradient loop, gradients/loop_grad.py) run on the
    host: each iteration's compiled step then neither reads nor writes the growing value, so
    it has one signature and compiles once, not once per iteration (a NumPy concatenation
    gives the same values). Only a concat along dim 0 whose output goes to NextIteration
    alone, of a growing value the loop's Switch passes to it alone (and to the Exit)."""
    from scopeflow.lowering.stages import _NEXTS, _grows
    for nxt in loop.ops:
        if nxt._type not in _NEXTS or nxt._ctx is not loop:
            continue
        t = nxt._inputs[0]
        op = t._op
        if op._type != "ConcatV2" or op._ctx is not loop or not _grows(t) or \
                t.consumers() != [nxt] or op in ON_HOST:
            continue
        switch = op._inputs[0]._op
        if switch._type != "Switch" or op._inputs[0].consumers() != [op]:
            continue
        run_on_host(op, _concat)


__all__ = ["host_accumulators", "host_stacks"]
