"""One op's gradient by `jax.vjp` of its kernel, inside TF's gradient graph.

tf.gradients builds TF's backward graph op by op (graph.py) when every op on the path has a
gradient function here, and otherwise one `SymbolicGradient` op differentiates the whole path
with `jax.vjp` (symbolic.py). That whole-path fallback re-runs the forward ops inside
`jax.vjp`, which a while loop run on the host cannot be (raw_rnn's and seq2seq decoders'
loops: a dynamic_size TensorArray written per iteration grows, so the loop runs one compiled
step per iteration; its TensorArray ops are host-marked, lowering/stages.on_host): the re-run
met them inside the compiled loop and failed (UnimplementedError at `rnn/while/Identity_3`).

Where the path crosses such a loop, TF's graph is built instead and each op without a graph
gradient function gets a `SymbolicGradient` op of its own under `<op>_grad/`: `jax.vjp` of that
op's kernel alone, given the op's output gradients. The loop gets TF's backward loop and
stacks, which run on the host as its forward loop does. An op inside the loop's body or a
cond there (or in another loop on the path) gets its SymbolicGradient in the backward loop or
the gradient's cond, like any gradient function there: the op's inputs it reads come from
TF's stacks, pushed by the forward iterations, so nothing re-runs the host loop.

    >>> import scopeflow as tf
    >>> x = tf.constant([1.0, 2.0])
    >>> ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    >>> _, ta = tf.while_loop(lambda i, ta: i < 2,
    ...                       lambda i, ta: (i + 1, ta.write(i, x * tf.cast(i + 1, tf.float32))),
    ...                       (0, ta))
    >>> y = tf.reduce_sum(tf.atan2(ta.stack(), 1.0))  # Atan2: no graph gradient here
    >>> g = tf.gradients(y, x)[0]
    >>> [round(v, 4) for v in tf.Session().run(g).tolist()]
    [0.9, 0.3176]
"""

from scopeflow.gradients import registry


def vjp_ok(op):
    """Whether `op`, without a usable graph gradient function, can take a per-op `jax.vjp`
    gradient: a differentiable compiled op with a kernel (in or outside conds and loops),
    whose gradient no gradient_override_map replaced."""
    from scopeflow.gradients.plan import NO_GRADIENT
    from scopeflow.lowering.stages import HOST_KERNELS
    from scopeflow.ops.registry import REGISTRY
    rec = REGISTRY.get(op._type)
    return (rec is not None and not rec.stateful
            and registry.gradient_type(op) == op._type
            and op._type not in registry.NOT_DIFFERENTIABLE and op._type not in NO_GRADIENT
            and op._type not in HOST_KERNELS and op._type not in _NOT_PER_OP)


_NOT_PER_OP = frozenset(("Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter",
                         "Exit", "RefExit", "NextIteration", "RefNextIteration", "LoopCond",
                         "If", "While", "StatelessIf", "StatelessWhile", "SymbolicGradient"))


def host_loop_between(between):
    """Whether ops `between` (a gradient's path) leave a while loop that runs on the host."""
    from scopeflow.gradients.loop_state import exit_context, is_loop_exit
    from scopeflow.lowering.stages import may_grow, on_host
    for op in between:
        ctx = exit_context(op) if is_loop_exit(op) else None
        while ctx is not None:
            if not hasattr(ctx, "branch") and (on_host(ctx) or may_grow(ctx)):
                return True
            ctx = ctx.outer
    return False


def vjp_gradient(op, *grads):
    """The gradient function of `op` (see `vjp_ok`): one gradient per input, None for inputs
    no gradient reaches (an input read twice gets the whole gradient at its first place)."""
    from scopeflow.gradients.array_grad import dense
    from scopeflow.gradients.graph import trainable
    from scopeflow.gradients.plan import plan
    from scopeflow.gradients.symbolic import _symbolic_gradient
    from scopeflow.ops import registry as ops_registry

    xs = [t for t in dict.fromkeys(op._inputs) if trainable(t)]
    ys = [(y, dense(gy)) for y, gy in zip(op._outputs, grads) if gy is not None]
    p = plan([y for y, _ in ys], xs, [t._op for t in op._inputs], False) if xs and ys else None
    if p is None:
        return [None] * len(op._inputs)
    given = [gy for y, gy in ys if y in p.roots]
    g = op._graph
    outs = ops_registry.finish(g, _symbolic_gradient.op_def, g._op_scope("SymbolicGradient"),
                               [list(p.xs), given, list(p.side)], {"plan": p})
    by_x = dict(zip(p.xs, outs if isinstance(outs, (list, tuple)) else [outs]))
    out, seen = [], set()
    for t in op._inputs:
        out.append(None if t in seen else by_x.get(t))
        seen.add(t)
    return out


__all__ = ["host_loop_between", "vjp_gradient", "vjp_ok"]
