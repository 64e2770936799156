"""TF's stack ops (StackV2, StackPushV2, StackPopV2, StackCloseV2) and ControlTrigger.

TF's gradient of a while loop saves each forward iteration's values on stacks (pushed in the
forward loop, popped in reverse by the backward loop); graphs TF exported carry these ops.
Lowered, a stack's contents are run state, as a variable's value is: a StackState of
`capacity` slots and the number of them filled, kept in the run context under its StackV2 op.
A loop that pushes carries it (cf_run.run_while threads written state through its
iterations), so the pushes of the forward loop reach the pops of the backward loop. A stack
is filled from its bottom, so one counter says which slots hold elements: a push writes one
slot and adds one, a pop reads one and takes one away (a mask of the filled slots, as a
TensorArray keeps, cost a sum over every slot in each push and pop: a reduction, a conversion
and a bounds test per stack in each iteration of both loops). A step of a run in steps hands
a stack on to the next as a TensorArray's state, the mask of its filled slots (`handed_on`,
`taken_up`).

XLA needs the capacity when the run is traced. When every loop around the first push has a
trip bound known then (dynamic_rnn's loops, loops with `maximum_iterations`), the capacity is
their product: a nested loop's stack holds the values of all its runs. Otherwise (TF's
`max_size` -1: a bound fed at run time, an inner loop whose bound is the outer loop's counter)
the stack starts at `GROW_START` slots and each push checks that it fits; a run that
overflows commits nothing (its variables are not donated) and the Session runs it again,
compiled with twice the slots (`StackFull`, session.py), so the program keeps the capacity
the data needed last.
"""

import dataclasses
import itertools

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.errors import (InternalError, InvalidArgumentError, ResourceExhaustedError,
                              UnimplementedError)
from scopeflow.lowering.context import run_error
from scopeflow.ops.registry import ANY, op, spec
from scopeflow.ops.ta_state import TAMeta, TAState

GROW_START = 64  # slots of a stack without a bound known when the run is traced


class StackFull(ResourceExhaustedError):
    """A growable stack overflowed in a run: the Session retraces it with more slots (only
    where nothing retraces, e.g. a run staged around host ops, does a user see it)."""


@jax.tree_util.register_pytree_node_class
class StackState(TAState):
    """A stack's contents in a run: `data` (slots, *element) and, in place of a mask,
    `written`: how many elements it holds (int32 scalar); both None before the first push."""

    __slots__ = ()
    _written_dtype = np.int32

    @classmethod
    def empty(cls, meta, element_shape=None, size=None):
        s = TAState.empty(meta, element_shape, size)
        return cls(s.data, None if s.data is None else np.int32(0), meta)

    def _like(self, data, written):
        return StackState(data, written, self.meta)

    def _empty_like(self, meta, element_shape, size):
        return StackState.empty(meta, element_shape, size)


@dataclasses.dataclass(frozen=True)
class StackHandle:
    """StackV2's value inside a run: which stack (its op), static."""

    op: object


def _handle_shape(max_size, *, elem_type, stack_name=""):
    return spec((2,), _dt.resource)  # (TF: a vector of 2, as its old string handles)


@op("StackV2", infer=_handle_shape, types={"max_size": _dt.int32}, context=True,
    stateful=True, fold=False, name="Stack")
def _stack(ctx, max_size, *, elem_type, stack_name=""):
    meta = TAMeta(ctx.op._name, elem_type.as_numpy_dtype, 0, False, None)
    ctx.put_state(ctx.op, StackState(None, None, meta))  # empty until the first push
    return StackHandle(ctx.op)


def _push_shape(handle, elem, *, swap_memory=False):
    return elem.shape, elem.dtype.base_dtype


@op("StackPushV2", infer=_push_shape, types={"handle": ANY, "elem": ANY}, context=True,
    stateful=True, fold=False)
def _push(ctx, handle, elem, *, swap_memory=False):
    if isinstance(elem, TAMeta):  # a TensorArray's handle (made in the loop): static
        ctx.stack_statics[handle.op] = elem
        return elem
    _handle(ctx, handle)
    _note_static(ctx.stack_statics, handle.op, elem)
    state = ctx.state(handle.op)
    value = np.float32(0) if isinstance(elem, TAState) else elem  # a flow: only its order
    grow = None in ctx.loop_lengths or not ctx.loop_lengths
    if state.data is None:
        cap = _capacity(ctx, handle.op, grow)
        meta = dataclasses.replace(state.meta, size=cap)
        state = StackState.empty(meta, tuple(np.shape(value)), cap)
    data, k = jnp.asarray(state.data), jnp.asarray(state.written)
    value = jnp.asarray(value, state.meta.dtype)
    if grow:
        cap = state.size  # (the data's: a loop's carry keeps the meta it started with)
        ctx.check(k < cap, StackFull, (
            "%s (StackPushV2): stack %s is full (%d slots); the Session compiles the run "
            "again with more" % (ctx.op._name, handle.op._name, cap)))
        data = data.at[k].set(value, mode="drop")
    else:  # slots for every iteration of the loops around the push: it cannot overflow
        data = jax.lax.dynamic_update_index_in_dim(data, value, k, 0)
    ctx.put_state(handle.op, StackState(data, k + 1, state.meta))
    return elem


def grow(caps, push):
    """Doubles in `caps` the slots of the stack that StackPushV2 op `push` overflowed (or
    the rows of a loop's growing accumulators, `push` the op that ran the loop)."""
    if push._type != "StackPushV2":
        caps[push] = 2 * caps.get(push, GROW_START)
        return
    stack = push._inputs[0]._op
    while stack._type != "StackV2" and stack._inputs:  # Enter ops into the loops around it
        stack = stack._inputs[0]._op
    cap = 2 * caps.get(stack, GROW_START)
    # the other stacks of a gradient loop take as many pushes: they grow with it, so a loop of
    # T steps and S stacks retries log2(T) times, not S * log2(T)
    for other in stack._graph.get_operations():
        if other._type == "StackV2":
            caps[other] = max(caps.get(other, GROW_START), cap)


def _capacity(ctx, stack, grow):
    """Slots for `stack`: the product of the trip bounds of the loops around the push, or,
    `grow`, what the run's program learnt (`stack_caps`, set after an overflow)."""
    if grow:
        return ctx.stack_caps.get(stack, GROW_START)
    return max(int(np.prod(ctx.loop_lengths)), 1)


def _pop_shape(handle, *, elem_type):
    return TensorShape(None), elem_type


@op("StackPopV2", infer=_pop_shape, types={"handle": ANY}, context=True, stateful=True,
    fold=False)
def _pop(ctx, handle, *, elem_type):
    _handle(ctx, handle)
    static = ctx.stack_statics.get(handle.op)
    if isinstance(static, TAMeta):
        return static
    state = ctx.state(handle.op)
    if state.meta.dtype != elem_type.as_numpy_dtype:
        raise run_error(InternalError, ctx.op, (
            "Output 0 of type %s does not match declared output type %s for node {{node %s}}"
            % (_type_name(state.meta.dtype), elem_type.name, ctx.op._name)))
    if state.data is None:  # nothing pushed in this run: TF's stack is new and empty
        raise run_error(InvalidArgumentError, ctx.op, _empty(handle.op)())
    data, k = jnp.asarray(state.data), jnp.asarray(state.written) - 1
    ctx.check(k >= 0, InvalidArgumentError, _empty(handle.op))
    ctx.put_state(handle.op, StackState(data, k, state.meta))
    return data[k] if static is None or static is _MIXED else static


def _handle(ctx, handle):
    """Refuses a stack handle that is no StackHandle: a compiled stack handed into a step of
    a loop run on the host (its pushes there would not reach the pops of other steps)."""
    if not isinstance(handle, StackHandle):
        raise run_error(UnimplementedError, ctx.op, (
            "%s: a stack of a compiled loop nested in a loop run on the host is not "
            "supported by scopeflow" % ctx.op._name))


_STACKS = itertools.count()  # TF numbers its stacks in the process: `Stack[name_N]`


def _empty(stack):
    """TF's message for a pop of an empty stack (named by stack_name, else by its op)."""
    name = stack._attrs.get("stack_name") or stack._name
    return lambda: "Stack[%s_%d] is empty when calling Pop()." % (name, next(_STACKS))


def _type_name(np_dtype):
    """TF's DataTypeString ('float', 'double', 'int32')."""
    return _dt.enum_name(_dt.as_dtype(np_dtype))[3:].lower()


_MIXED = object()  # a stack whose pushes were not all one static value


def handed_on(ctx, stack):
    """The TAState of `stack` as a step of a run hands it to the next (its filled slots as a
    mask), with the value its pushes pushed when known (the next step's pops give it known
    again, `taken_up`)."""
    state = ctx.state(stack)
    meta, static = state.meta, ctx.stack_statics.get(stack)
    if isinstance(static, np.ndarray):
        meta = dataclasses.replace(meta, static=(
            static.dtype.str, static.shape, tuple(static.ravel().tolist())))
    if state.data is None:
        return TAState(None, None, meta)
    return TAState(state.data, jnp.arange(state.size) < state.written, meta)


def taken_up(ctx, stack, state):
    """Puts `stack`'s state, handed on by an earlier step, in this step's run context."""
    if state.meta.static is not None:
        dtype, shape, values = state.meta.static
        ctx.stack_statics[stack] = np.asarray(values, dtype).reshape(shape)
    count = None if state.data is None else jnp.sum(jnp.asarray(state.written), dtype=np.int32)
    ctx.put_state(stack, StackState(state.data, count, state.meta))


def _note_static(statics, stack, elem):
    """Keeps under `stack` the integer value every push so far pushed when it was known when
    traced (a shape, a permutation made in the forward loop): the pops give it back known, so
    the backward loop's ops that need static values (Transpose, Reshape...) get them."""
    prev = statics.get(stack)
    if prev is _MIXED:
        return
    if isinstance(elem, jax.core.Tracer) or not hasattr(elem, "dtype") or not (
            np.issubdtype(elem.dtype, np.integer) or elem.dtype == np.bool_):
        statics[stack] = _MIXED
        return
    value = np.asarray(elem)
    if prev is not None and not (prev.shape == value.shape and (prev == value).all()):
        statics[stack] = _MIXED
        return
    statics[stack] = value


@op("StackCloseV2", infer=lambda handle: [], types={"handle": ANY}, stateful=True)
def _close(handle):
    return None


@op("ControlTrigger", infer=list, stateful=True)
def _control_trigger():
    return None
