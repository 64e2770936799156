"""TF's build-time check that an op's inputs come from a control-flow context it may read.

A value made inside a while loop exists per iteration only: an op outside the loop, or in
another loop, cannot take it as an input (TF's `CheckInputFromValidContext`, raised as
ValueError when the op is built). Values from a cond branch may be used anywhere outside a
loop (execution fails if the branch is not taken). Contexts are `ops/cf_context.py`'s:
`outer`, `is_loop`, and a gradient loop's `grad_state.forward` (the loop it differentiates).
"""

import logging

_log = logging.getLogger("tensorflow")
_EXITS = frozenset(("Exit", "RefExit"))
_FREE_IN = frozenset(("Enter", "RefEnter", "Switch", "RefSwitch"))  # they take outside values


def check_inputs(op, op_ctx):
    """Raises TF's ValueError when an input of `op` (to be built in `op_ctx`) is from a loop
    `op` is not in. An Exit is built outside its loop here, but belongs to it: not checked."""
    if op._type in _EXITS:
        return
    for t in op._inputs:
        if t._op._ctx is not None and t._op._ctx is not op_ctx:
            _check(op, op_ctx, t._op)


def _check(op, op_ctx, input_op):
    input_ctx = input_op._ctx  # (an Exit's is already its loop's outer context)
    loop = _while_of(op_ctx)
    input_loop = _while_of(input_ctx)
    if loop is None:
        valid = input_loop is None or op._type in _FREE_IN
    else:
        valid = _valid_in_loop(loop, input_loop)
    if valid:
        return
    if loop is not None:
        msg = ("Cannot use '%s' as input to '%s' because they are in different while loops."
               % (input_op._name, op._name))
    else:
        msg = ("Cannot use '%s' as input to '%s' because '%s' is in a while loop."
               % (input_op._name, op._name, input_op._name))
    _log.info("%s\n\n%s while context: %s\n%s while context: %s", msg, op._name,
              getattr(loop, "name", None), input_op._name, getattr(input_loop, "name", None))
    raise ValueError(msg + " See info log for more details.")


def _valid_in_loop(loop, input_loop):
    """Whether a value from `input_loop` may be read in `loop` (its own or an enclosing loop's;
    TF's gradient-loop cases: forward values read by the gradient loop and back)."""
    if contains(loop, input_loop):
        return True
    forward = _forward(loop)
    if forward is not None and (contains(forward, input_loop) or forward is input_loop.outer):
        return True
    input_forward = _forward(input_loop)
    if input_forward is None:
        return False
    return input_forward is loop or _forward(input_forward) is loop


def _forward(loop):
    state = getattr(loop, "grad_state", None)
    return getattr(state, "forward", None)


def _while_of(ctx):
    while ctx is not None and not ctx.is_loop:
        ctx = ctx.outer
    return ctx


def contains(ctx, maybe_outer):
    """Whether `maybe_outer` is `ctx` or a context around it (None: around everything)."""
    while ctx is not maybe_outer:
        if ctx is None:
            return False
        ctx = ctx.outer
    return True
