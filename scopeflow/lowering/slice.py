"""The backward slice of a run: which ops execute, in which order.

Order (documented, deterministic): depth-first post-order from the fetches in the order given,
visiting an op's CONTROL inputs first, then its data inputs in order; each op once. A fed
tensor cuts the walk: its producer runs only if something else needs it. A stateful op
therefore runs after everything it depends on, and a read that follows an assign in this
order sees the assigned value.

A cond's Merge ops and a loop's Exit ops depend on their construct's outside values and
control inputs instead of their own inputs (`op._cf`): the branches and the body are never
ops of the enclosing run.
"""


def backward_slice(targets, cut=frozenset(), done=()):
    """Ops needed by `targets` (Tensors and Operations), in execution order; ops in `done`
    (already executed earlier in the same run: stages.py) are left out.

    >>> import scopeflow as tf
    >>> a = tf.constant(1.0, name="a"); b = tf.add(a, a, name="b")
    >>> [op.name for op in backward_slice([b])]
    ['a', 'b']
    """
    order = []
    done = set(done)
    for t in targets:
        if t in cut:
            continue
        root = t._op if hasattr(t, "_value_index") else t
        if root not in done:
            _visit(root, cut, done, order)
    return order


def _visit(root, cut, done, order):
    # Iterative DFS (graphs can be deeper than Python's recursion limit). Each stack entry is
    # (op, iterator over its dependencies); an op is emitted once all of them are done.
    done.add(root)
    stack = [(root, deps(root, cut))]
    while stack:
        op, it = stack[-1]
        for dep in it:
            if dep not in done:
                done.add(dep)
                stack.append((dep, deps(dep, cut)))
                break
        else:
            stack.pop()
            order.append(op)


_PLACEHOLDERS = frozenset(("Placeholder", "PlaceholderV2", "PlaceholderWithDefault"))


def deps(op, cut):
    """The ops `op` waits for (control inputs, then producers of its inputs not in `cut`)."""
    cf = op._cf
    if cf is not None:  # a cond's Merge / a loop's Exit: the construct's outside values
        yield from _unfed(cf[0].controls, cut)
        yield from getattr(cf[0], "variables", ())
        for t in cf[0].inputs:
            if t not in cut:
                yield t._op
        return
    yield from _unfed(op._control_inputs, cut)
    for t in op._inputs:
        if t not in cut:
            yield t._op


def _unfed(controls, cut):
    """The control inputs to wait for: a control edge from a fed placeholder moves to the
    feed, as in TF (FeedInputs)."""
    for c in controls:
        if not (c._type in _PLACEHOLDERS and c._outputs and c._outputs[0] in cut):
            yield c


def data_inputs(op):
    """What `op` computes from: its inputs, or for a cond's Merge / a loop's Exit the values
    its construct reads from outside (the branches and the body run inside the construct)."""
    cf = op._cf
    return op._inputs if cf is None else cf[0].inputs


def variables_in(order):
    """The VariableV2-like ops (ref-typed outputs, no inputs) of an op order."""
    return [op for op in order if is_variable_op(op)]


def is_variable_op(op):
    """A VariableV2-like op (ref output, no inputs), a resource variable's VarHandleOp, or a
    tf.data function's placeholder standing for a captured resource variable (its Session
    holds the caller's variable under it: data/functions.py)."""
    outs = op._outputs
    return (not op._inputs and len(outs) == 1
            and (outs[0]._dtype._is_ref_dtype or op._type == "VarHandleOp"
                 or is_variable_capture(op)))


def is_variable_capture(op):
    """A placeholder of a tf.data function that stands for a resource variable of the
    caller (`FuncGraph.variable_captures`, set when the function's program is made)."""
    return op._type == "Placeholder" and op in getattr(op._graph, "variable_captures", ())


def is_handle(t):
    """Whether `t` refers to a variable: a ref-typed tensor or a resource handle."""
    d = t._dtype
    return d._is_ref_dtype or d._enum == _RESOURCE


_RESOURCE = 20  # DT_RESOURCE


def variable_of(tensor):
    """The variable op a ref-typed tensor or a resource handle refers to (`w:0`, `Assign:0`,
    an Identity of a handle -> op `w`), or None."""
    seen = 0
    while tensor is not None and is_handle(tensor) and seen < 10000:
        op = tensor._op
        if is_variable_op(op):
            return op
        tensor = next((t for t in op._inputs if is_handle(t)), None)
        seen += 1
    return None
