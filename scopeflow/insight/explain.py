"""What a name means in a graph: a variable (created where, reused where), an optimizer's slot
of a variable, part of the gradient of an op, a name scope, or an op with its defining line.

Names are explained from the graph itself (the ops, their inputs, the variables' get_variable
calls), so `scope/w/Adam_1` is Adam's second-moment slot of `scope/w` because an ApplyAdam op
takes it as its `v` input beside `scope/w`, not because of how it is spelled.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     w = tf.get_variable("w", [2])
...     train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w))
>>> e = explain(g, "w/Adam_1:0")
>>> e.kind, e.lines[0]
('slot', "w/Adam_1:0: the Adam optimizer's second moment (v) slot of variable 'w'")
"""

import dataclasses
import difflib
import re

from scopeflow.insight.provenance import (
    SHARD,
    VARIABLE_TYPES,
    calls_by_variable,
    op_named,
    op_site,
    provenance_of,
)

# Apply op types of the optimizers: the role of each input after the variable (input 0)
# that is a slot. TF's op definitions fix the order; Sparse* / Resource* share it.
_SLOT_ROLES = {
    "ApplyAdam": ("first moment (m)", "second moment (v)"),
    "ApplyAdaMax": ("first moment (m)", "exponentially weighted infinity norm (v)"),
    "ApplyMomentum": ("momentum accumulator",),
    "ApplyKerasMomentum": ("momentum accumulator",),
    "ApplyAdagrad": ("accumulator of squared gradients",),
    "ApplyAdagradV2": ("accumulator of squared gradients",),
    "ApplyProximalAdagrad": ("accumulator of squared gradients",),
    "ApplyAdagradDA": ("gradient accumulator", "squared gradient accumulator"),
    "ApplyRMSProp": ("mean square (rms)", "momentum"),
    "ApplyCenteredRMSProp": ("mean gradient (mg)", "mean square (rms)", "momentum"),
    "ApplyFtrl": ("accumulator", "linear"),
    "ApplyFtrlV2": ("accumulator", "linear"),
    "ApplyAdadelta": ("accumulator of squared gradients", "accumulator of squared updates"),
    "ApplyAddSign": ("momentum (m)",),
    "ApplyPowerSign": ("momentum (m)",),
}
_APPLY = re.compile(r"(?:Resource)?(?:Sparse)?(Apply\w+)")
_GRADIENTS = re.compile(r"gradients(_\d+)?")


@dataclasses.dataclass(frozen=True)
class Explanation:
    """What `name` is in a graph: `kind` (variable, slot, gradient, variable_op, op, tensor,
    name_scope, unknown) and the lines saying so."""

    name: str
    kind: str
    lines: tuple

    def __str__(self):
        return "\n".join(self.lines)


def slot_of(op):
    """(optimizer name, role, primary variable op name) when variable `op` is an optimizer's
    slot (an Apply op takes it beside its variable), else None."""
    for t in op.outputs:
        for user in t.consumers():
            m = _APPLY.fullmatch(user.type)
            roles = _SLOT_ROLES.get(m.group(1)) if m else None
            inputs = [i.op for i in user.inputs]
            if not roles or op not in inputs[1:len(roles) + 1]:
                continue
            role = roles[inputs.index(op, 1) - 1]
            optimizer = _optimizer(m)
            return optimizer, role, _variable_op(inputs[0]).name
    return None


def _optimizer(apply_match):
    """The optimizer an Apply op type belongs to (`ApplyAdam`, `ResourceApplyAdam` -> Adam;
    its name scope is minimize's `name`, which may be anything)."""
    return apply_match.group(1)[len("Apply"):]


def _variable_op(op):
    """The variable op behind an Apply op's first input (a ref, or a resource handle)."""
    while op.type not in VARIABLE_TYPES and op.inputs and op.type == "Identity":
        op = op.inputs[0].op
    return op


def _colocated_slot(op):
    """A slot recognised by TF's slot layout where no Apply op uses it yet: named
    `<var>/<Optimizer>(_N)` and colocated with `<var>`."""
    primary, _, leaf = op.name.rpartition("/")
    groups = [c.decode() if isinstance(c, bytes) else c for c in op.colocation_groups()]
    if primary and "loc:@" + primary in groups and re.fullmatch(r"[A-Za-z]\w*?(_\d+)?", leaf):
        return re.sub(r"_\d+$", "", leaf), "slot %r" % leaf, primary
    return None


def _forward_op(graph, name):
    """(scope of the tf.gradients call, forward op name) for an op of a gradient graph:
    `gradients/dense/MatMul_grad/MatMul` is part of the gradient of op `dense/MatMul`."""
    segments = name.split("/")
    for i, seg in enumerate(segments):
        if not _GRADIENTS.fullmatch(seg):
            continue
        for j in range(i + 1, len(segments)):
            if segments[j].endswith("_grad"):
                fwd = "/".join(segments[i + 1:j] + [segments[j][:-5]])
                if op_named(graph, fwd) is not None:
                    return "/".join(segments[:i + 1]), fwd
        return "/".join(segments[:i + 1]), None
    return None


def _op_lines(op, label):
    where = op_site(op)
    lines = ["%s: op of type %s%s" % (label, op.type,
                                      ", defined at %s" % where if where else "")]
    if op.inputs:
        lines.append("  inputs: %s" % ", ".join(t.name for t in op.inputs))
    if op.control_inputs:
        lines.append("  control inputs: %s" % ", ".join(o.name for o in op.control_inputs))
    outs = ["%s %s %s" % (t.name, t.dtype.name, t.shape) for t in op.outputs]
    if outs:
        lines.append("  outputs: %s" % ", ".join(outs))
    if op.device:
        lines.append("  device: %s" % op.device)
    return lines


def _explain_variable(op, label):
    p = provenance_of(op)
    slot = slot_of(op) or _colocated_slot(op)
    if slot is None:
        lines = [label + ": " + p.lines()[0]] + p.lines()[1:]
        shard = SHARD.search(op.name)
        if shard:
            lines.insert(1, "  shard %s of partitioned variable %r"
                         % (shard.group()[6:], op.name[:shard.start()]))
        return "variable", lines + _trained_by(op)
    optimizer, role, primary = slot
    head = "%s: the %s optimizer's %s slot of variable %r" % (label, optimizer, role, primary)
    if optimizer == "ExponentialMovingAverage":
        head = "%s: the moving-average shadow of variable %r (tf.train.ExponentialMovingAverage)" \
            % (label, primary)
    made = ("  created by %s at %s, through %s()" % (p.via, p.created, p.entry)
            if p.created else "  from %s" % p.via)
    layout = ("  slots are variables named <variable>/<optimizer>; a second slot of one "
              "optimizer gets _1")
    return "slot", [head, made, layout, "  initializer: %s" % p.initializer]


def _trained_by(op):
    """Lines naming the optimizer updates that change variable `op` (and their slots), or
    that read it as their own state (Adam's beta1_power: a non-slot variable)."""
    lines, state_of = [], []
    reads = [c for t in op.outputs for c in t.consumers() if c.type == "Identity"]
    for src in [op] + reads:
        for user in (u for t in src.outputs for u in t.consumers()):
            m = _APPLY.fullmatch(user.type)
            if not m or m.group(1) not in _SLOT_ROLES:
                continue
            inputs = [i.op for i in user.inputs]
            if inputs[0] is op:
                slots = [o.name for o in inputs[1:len(_SLOT_ROLES[m.group(1)]) + 1]]
                lines.append("  updated by %s (%s), slots %s"
                             % (user.name, user.type, ", ".join(slots)))
            elif src is not op:
                state_of.append(_optimizer(m))
    if state_of:
        lines.append("  state of the %s optimizer, read by its updates (a non-slot variable)"
                     % ", ".join(dict.fromkeys(state_of)))
    return lines


def _enclosing_variable(graph, name):
    """The variable op whose name `name` extends (`w/read` -> w), with the rest of the name."""
    segments = name.split("/")
    for k in range(len(segments) - 1, 0, -1):
        op = op_named(graph, "/".join(segments[:k]))
        if op is not None and op.type in VARIABLE_TYPES:
            return op, "/".join(segments[k:])
    return None, None


# what an op under a variable's name is, by the first segment after the variable's name
_VARIABLE_PARTS = {
    "read": "the read snapshot (Identity) of variable %r: what it converts to as a tensor",
    "Assign": "the initializer of variable %r (its .initializer op)",
    "Initializer": "part of computing the initial value of variable %r (get_variable's "
                   "initializer)",
    "initial_value": "the initial value of variable %r (tf.Variable)",
    "IsInitialized": "the check whether variable %r is initialized",
    "Read": "a read of resource variable %r",
}


def _explain_op(graph, op, label):
    grad = _forward_op(graph, op.name)
    if grad is not None:
        scope, fwd = grad
        lines = _op_lines(op, label)
        if fwd is not None:
            lines[0] += "; part of the gradient of op %r (built by tf.gradients in %r)" % (
                fwd, scope)
            return "gradient", lines
        lines[0] += "; part of the gradient graph of tf.gradients in scope %r" % scope
        return "gradient", lines
    var, rest = _enclosing_variable(graph, op.name)
    if var is not None:
        part = _VARIABLE_PARTS.get(rest.split("/")[0])
        lines = _op_lines(op, label)
        lines[0] += "; " + (part % var.name if part else "an op in variable %r's scope" % var.name)
        return "variable_op", lines
    lines = _op_lines(op, label)
    applies = [o for o in op.control_inputs if _APPLY.fullmatch(o.type)]
    if applies:
        lines[0] += "; the train op of the %s optimizer: it runs %d variable update%s" % (
            _optimizer(_APPLY.fullmatch(applies[0].type)), len(applies),
            "" if len(applies) == 1 else "s")
    return "op", lines


def _explain_scope(graph, name, members):
    variables = [o.name for o in members if o.type in VARIABLE_TYPES]
    first = op_site(members[0])
    lines = ["%s: a name scope holding %d op%s%s" % (
        name, len(members), "" if len(members) == 1 else "s",
        ", the first defined at %s" % first if first else "")]
    calls = calls_by_variable(graph)
    created = {provenance_of(o, calls).variable_scope for o in members
               if o.type in VARIABLE_TYPES and o.name in calls}
    if variables:
        lines.append("  variables: %s" % ", ".join(variables[:12]) +
                     (", ..." if len(variables) > 12 else ""))
    if any(s == name or s.startswith(name + "/") for s in created):
        lines.append("  a variable scope: get_variable made variables under it")
    grad = _forward_op(graph, name + "/x")
    if grad is not None and grad[1] is None and _GRADIENTS.fullmatch(name.split("/")[-1]):
        lines.append("  the scope of one tf.gradients call")
    applies = [o for o in members if _APPLY.fullmatch(o.type)]
    if applies:
        lines.append("  an optimizer's scope: %d update op%s (%s)"
                     % (len(applies), "" if len(applies) == 1 else "s", applies[0].type))
    return "name_scope", lines


def explain(graph, name):
    """An Explanation of `name` (an op, tensor or scope name) from `graph`."""
    op_name, _, index = name.partition(":")
    op = op_named(graph, op_name)
    if op is not None:
        label = name if index else op_name
        if op.type in VARIABLE_TYPES:
            kind, lines = _explain_variable(op, label)
        else:
            kind, lines = _explain_op(graph, op, label)
        if index and kind == "op":
            kind = "tensor"
        return Explanation(name, kind, tuple(lines))
    prefix = op_name.rstrip("/") + "/"
    members = [o for o in graph.get_operations() if o.name.startswith(prefix)]
    if members:
        kind, lines = _explain_scope(graph, op_name.rstrip("/"), members)
        return Explanation(name, kind, tuple(lines))
    close = difflib.get_close_matches(op_name, [o.name for o in graph.get_operations()], 3)
    return Explanation(name, "unknown", (
        "%s: no op or name scope of that name in the graph" % name,) + (
        ("  did you mean: %s" % ", ".join(close),) if close else ()))
