"""TF's stack ops (StackV2, StackPushV2, StackPopV2, StackCloseV2) and ControlTrigger.

TF's gradient of a while loop saves each forward iteration's values on stacks (pushed in the
forward loop, popped in reverse by the backward loop); graphs TF exported carry these ops.
Lowered, a stack's contents are run state, as a variable's value is: a TAState (ta_state.py)
of `capacity` slots, the `written` mask marking the filled ones, kept in the run context under
its StackV2 op. A loop that pushes carries it (cf_run.run_while threads written state through
its iterations), so the pushes of the forward loop reach the pops of the backward loop. The
capacity is the trip bound of the loop that pushes first, known when the run is traced
(dynamic_rnn's loops and loops with `maximum_iterations` have one).
"""

import dataclasses

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.errors import UnimplementedError
from scopeflow.lowering.context import run_error
from scopeflow.ops.registry import ANY, op, spec
from scopeflow.ops.ta_state import TAMeta, TAState


@dataclasses.dataclass(frozen=True)
class StackHandle:
    """StackV2's value inside a run: which stack (its op), static."""

    op: object


def _handle_shape(max_size, *, elem_type, stack_name=""):
    return spec((), _dt.resource)


@op("StackV2", infer=_handle_shape, types={"max_size": _dt.int32}, context=True,
    stateful=True, fold=False, name="Stack")
def _stack(ctx, max_size, *, elem_type, stack_name=""):
    meta = TAMeta(ctx.op._name, elem_type.as_numpy_dtype, 0, False, None)
    ctx.put_state(ctx.op, TAState(None, None, meta))  # empty until the first push
    return StackHandle(ctx.op)


def _push_shape(handle, elem, *, swap_memory=False):
    return elem.shape, elem.dtype.base_dtype


@op("StackPushV2", infer=_push_shape, types={"handle": ANY, "elem": ANY}, context=True,
    stateful=True, fold=False)
def _push(ctx, handle, elem, *, swap_memory=False):
    state = ctx.state(handle.op)
    value = np.float32(0) if isinstance(elem, TAState) else elem  # a flow: only its order
    if len(ctx.loop_lengths) > 1:
        raise run_error(UnimplementedError, ctx.op, (
            "%s (StackPushV2) pushes in a nested while loop; scopeflow runs TF's gradient "
            "stacks of outermost loops only." % ctx.op._name))
    if state.data is None:
        cap = ctx.loop_lengths[-1] if ctx.loop_lengths else None
        if cap is None:
            raise run_error(UnimplementedError, ctx.op, (
                "%s (StackPushV2) pushes in a while loop without a trip bound known when the "
                "run is compiled; scopeflow sizes a stack by the bound of the loop that fills "
                "it (give tf.while_loop `maximum_iterations`, or a static time dimension to "
                "dynamic_rnn)." % ctx.op._name))
        meta = dataclasses.replace(state.meta, size=cap)
        state = TAState.empty(meta, tuple(np.shape(value)), max(cap, 1))
    data, written = jnp.asarray(state.data), jnp.asarray(state.written)
    k = jnp.sum(written.astype(jnp.int32))
    data = data.at[k].set(jnp.asarray(value, state.meta.dtype))
    ctx.put_state(handle.op, TAState(data, written.at[k].set(True), state.meta))
    return elem


def _pop_shape(handle, *, elem_type):
    return TensorShape(None), elem_type


@op("StackPopV2", infer=_pop_shape, types={"handle": ANY}, context=True, stateful=True,
    fold=False)
def _pop(ctx, handle, *, elem_type):
    state = ctx.state(handle.op)
    if state.data is None:
        raise run_error(UnimplementedError, ctx.op, (
            "%s (StackPopV2) pops a stack that nothing pushed to in this run; scopeflow runs "
            "a loop's gradient in the run of its forward loop." % ctx.op._name))
    data, written = jnp.asarray(state.data), jnp.asarray(state.written)
    k = jnp.sum(written.astype(jnp.int32)) - 1
    ctx.put_state(handle.op, TAState(data, written.at[k].set(False), state.meta))
    return data[k]


@op("StackCloseV2", infer=lambda handle: [], types={"handle": ANY}, stateful=True)
def _close(handle):
    return None


@op("ControlTrigger", infer=list, stateful=True)
def _control_trigger():
    return None
