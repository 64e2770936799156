"""Dead tensors of raw TF1 Switch / Merge ops used outside tf.cond (TF's executor rules).

`Switch(data, pred)` gives (output_false, output_true); the output not taken is dead, an op
fed by a dead tensor is dead, a Merge passes on its first live input and that input's index,
and fetching a dead tensor is TF's InvalidArgumentError "Retval[0] does not have value".
A tf.cond's Merge runs its construct (cf_spec.py) instead; these rules cover the Switch and
Merge ops a program builds itself (control_flow_ops.switch / merge). Liveness is a bool per
tensor (NumPy when known at trace time, else traced) kept in `ctx.live`: a Merge then selects
its live input, statically or with a select. Where the compiled program cannot follow TF (a
stateful op that may be dead, inputs of different shapes under a traced predicate) it raises.

>>> import numpy as np
>>> both(None, np.bool_(True)).item()
True
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.errors import InvalidArgumentError, UnimplementedError
from scopeflow.lowering.context import run_error
from scopeflow.lowering.loop_fetch import _Retval

_SWITCHES = frozenset(("Switch", "RefSwitch"))
_MERGES = frozenset(("Merge", "RefMerge"))
_UNSUPPORTED = ("%s (%s) may run on a dead tensor of a Switch built outside tf.cond; scopeflow "
                "compiles the whole program and cannot skip it as TF's executor does: %s. "
                "Use tf.cond instead of control_flow_ops.switch / merge.")


def both(a, b):
    """a and b, where None is 'always live'."""
    if a is None or b is None:
        return b if a is None else a
    if _traced(a) or _traced(b):
        return jnp.logical_and(a, b)
    return np.logical_and(a, b)


def live_of(ctx, t):
    """Whether tensor `t` is live (None: always)."""
    live = ctx.live
    return live.get(t, live.get(t._op)) if live else None


def visit(ctx, op, env, stateful):
    """Records `op`'s liveness before it runs; returns a Merge's (value, index), else None."""
    if ctx.conditional or ctx.replay or ctx.inside is not None or op._cf is not None:
        return None
    switch = _raw_switch(op)
    if not ctx.live and not switch:
        return None
    # (a control edge out of a Switch is live when the Switch ran: TF's executor)
    control = _all(ctx.live.get(c) for c in op._control_inputs)
    if op._type in _MERGES and op._ctx is None:
        return _merge(ctx, op, env, control)
    base = both(_all(live_of(ctx, t) for t in op._inputs), control)
    if switch:
        pred = env[op._inputs[1]]
        ctx.live[op] = base
        ctx.live[op._outputs[0]] = both(base, _not(pred))
        ctx.live[op._outputs[1]] = both(base, pred)
    elif base is not None:
        ctx.live[op] = base
        if stateful and not (not _traced(base) and bool(base)):
            raise run_error(UnimplementedError, op, _UNSUPPORTED % (
                op._name, op._type, "it is stateful"))
    return None


def _raw_switch(op):
    """A Switch run at the top of the program (a cond's branch Switch ops run in its
    construct; its predicate's Switch and gradient Switch ops follow TF's rules here)."""
    return op._type in _SWITCHES and op._ctx is None


def _merge(ctx, op, env, control):
    flags = [live_of(ctx, t) for t in op._inputs]
    if all(f is None for f in flags):
        if control is not None:
            ctx.live[op] = control
        return None
    if op._type == "RefMerge":
        raise run_error(UnimplementedError, op, _UNSUPPORTED % (op._name, op._type, "a ref"))
    flags = [np.bool_(True) if f is None else f for f in flags]
    values = [env[t] for t in op._inputs]
    ctx.live[op] = both(_any(flags), control)
    if not any(_traced(f) for f in flags):
        k = next((i for i, f in enumerate(flags) if bool(f)), 0)
        return values[k], np.int32(k)
    if len({np.shape(v) for v in values}) != 1:
        raise run_error(UnimplementedError, op, _UNSUPPORTED % (
            op._name, op._type, "its inputs differ in shape under a predicate known only at "
            "run time"))
    value, index = values[-1], jnp.int32(len(values) - 1)
    for i in range(len(values) - 2, -1, -1):  # the first live input wins
        value = jnp.where(flags[i], values[i], value)
        index = jnp.where(flags[i], jnp.int32(i), index)
    return value, index


def check_fetches(ctx, tensors):
    """TF's error for each fetched tensor that may be dead (TF's message names no node)."""
    for k, t in enumerate(tensors):
        flag = live_of(ctx, t)
        if flag is not None:
            ctx.op = _Retval(None)
            ctx.check(flag, InvalidArgumentError, "Retval[%d] does not have value" % k)


def _all(flags):
    out = None
    for f in flags:
        out = both(out, f)
    return out


def _any(flags):
    if any(_traced(f) for f in flags):
        return jnp.any(jnp.stack([jnp.asarray(f, bool) for f in flags]))
    return np.bool_(any(bool(f) for f in flags))


def _not(pred):
    return jnp.logical_not(pred) if _traced(pred) else np.logical_not(pred)


def _traced(x):
    return isinstance(x, jax.core.Tracer)
