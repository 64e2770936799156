"""Function calls in an imported GraphDef (TF 2's SavedModels: `StatefulPartitionedCall` /
`PartitionedCall` of a library function; TF1's Defun calls, typed by the function's name),
inlined.

A TF 2 SavedModel's serving signature, its save and its restore are calls of traced functions
(`__inference_signature_wrapper_159`, ...) whose bodies read the variables through resource
arguments. Import puts each call's body into the graph under the call's name
(`StatefulPartitionedCall/m/dense/MatMul`), its arguments bound to the call's inputs, nested
calls inlined the same way; an `IdentityN` named as the call passes the function's outputs on
and runs after its control outputs (`control_ret`: the stateful ops TF runs with a call, such
as the restore's AssignVariableOps), so `StatefulPartitionedCall:0` and running
`StatefulPartitionedCall_2` mean what they mean in TF.
"""

from scopeflow import errors

CALL_OPS = ("PartitionedCall", "StatefulPartitionedCall")


class _Bound:
    """An argument of an inlined function: stands for the producer of the call's input."""

    def __init__(self, tensor):
        self._outputs = [tensor]
        self.name = tensor.op.name


def inline_call(state, node, tensors):
    """The op standing for call `node` (its inputs `tensors`) once its body is imported."""
    from scopeflow.checkpoint import importer
    from scopeflow.checkpoint.import_functions import _body
    from scopeflow.ops import registry
    name = node.attr["f"].func.name if node.op in CALL_OPS else node.op  # (Defun: its type)
    fdef = state.library.get(name)
    if fdef is None:
        raise errors.NotFoundError(None, None, "Function %s is not defined." % name)
    full = state.new_name(node.name)
    body, outputs = _body(fdef)
    args = {a.name for a in fdef.signature.input_arg}
    inner = importer._Import(state.graph, full + "/", {}, uniquify=False)
    inner.library = state.library
    for arg, t in zip(fdef.signature.input_arg, tensors):
        inner.names[arg.name] = _Bound(t)
    for nd in importer._order(list(body.node)):
        if nd.name not in args:  # (an argument's Placeholder stands for the call's input)
            inner.create(nd)
    inner.wire_back_edges()
    outs = []
    for text in outputs:
        op_name, idx, _ = importer._split_input(text)
        outs.append(inner.names[op_name]._outputs[idx])
    if outs:
        registry.finish(state.graph, registry.REGISTRY["IdentityN"], full, [outs], {})
    else:
        registry.finish(state.graph, registry.REGISTRY["NoOp"], full, [], {})
    op = state.graph._ops_by_name[full]
    for ctl in fdef.control_ret.values():
        op._add_control_input(inner.names[ctl])
    return op, full
