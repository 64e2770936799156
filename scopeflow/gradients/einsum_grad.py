"""The gradient of a two-operand Einsum as TF's graph has it: each operand's gradient is one
more Einsum of the output gradient with the other operand (`Einsum`, `Einsum_1` under
`gradients/<op>_grad/`). Equations with an ellipsis, a repeated label or a label summed away
within one operand keep the SymbolicGradient fallback (TF broadcasts those back by reshape).
"""

from scopeflow.gradients.registry import gradient


def _subscripts(op):
    eq = op._attrs.get("equation", "")
    eq = eq.decode() if isinstance(eq, bytes) else eq
    if "->" not in eq or "." in eq:
        return None
    inputs, output = eq.split("->")
    parts = inputs.split(",")
    if len(parts) != 2 or any(len(set(p)) != len(p) for p in parts + [output]):
        return None
    return parts[0], parts[1], output


def _simple(op):
    """Whether no label of one operand is summed away within it (TF's plain case)."""
    subs = _subscripts(op)
    if subs is None or len(op._inputs) != 2:
        return False
    x, y, out = subs
    return set(x) <= set(y + out) and set(y) <= set(x + out)


@gradient("Einsum", check=_simple)
def _einsum_grad(op, grad):
    from scopeflow.ops.linalg import _einsum_op
    x_subs, y_subs, out = _subscripts(op)
    x, y = op._inputs
    gx = _einsum_op([grad, y], equation="%s,%s->%s" % (out, y_subs, x_subs), N=2,
                    name="Einsum")
    gy = _einsum_op([grad, x], equation="%s,%s->%s" % (out, x_subs, y_subs), N=2,
                    name="Einsum")
    return gx, gy
