"""The functions of an imported GraphDef's library, rebuilt as traced tf.data functions.

A dataset op written by TF (or by scopeflow's export, summary/function_def.py) names its
function (`f { func { name: "__inference_Dataset_map_..." } }`); the FunctionDef holds the
body. Import turns the body into a GraphDef of its own — a Placeholder per input arg, and
every `node:out_arg:k` input rewritten to the output position it names — imports that into a
function graph like the one `Dataset.map` traces, and hands the dataset op the traced
function it would have had, its last `len(Targuments)` args being the captures.
"""

from tensorboard.compat.proto import attr_value_pb2, graph_pb2

from scopeflow import errors


def rebuild_functions(state, node, attrs):
    """`attrs` with each function reference replaced by the traced function it names."""
    refs = {k: v for k, v in attrs.items() if isinstance(v, attr_value_pb2.NameAttrList)}
    if not refs:
        return attrs
    captures = len(node.attr["Targuments"].list.type) if "Targuments" in node.attr else 0
    out = dict(attrs)
    for k, ref in refs.items():
        out[k] = traced_function(state, ref.name, captures)
    return out


def traced_function(state, name, captures):
    """The traced function (data/functions.py's Traced) of library function `name`."""
    from scopeflow.checkpoint import importer
    from scopeflow.checkpoint.import_cf import rebuild_conds
    from scopeflow.checkpoint.import_loops import rebuild_loops
    from scopeflow.data.functions import FuncGraph, Traced
    from scopeflow.data.structure import TensorSpec
    fdef = state.library.get(name)
    if fdef is None:
        raise errors.NotFoundError(None, None, "Function %s is not defined." % name)
    body, outputs = _body(fdef)
    fg = FuncGraph(state.graph)
    with fg.as_default():
        inner = importer._Import(fg, "", {}, uniquify=False)
        inner.library = state.library
        for nd in importer._order(list(body.node)):
            inner.create(nd)
        inner.wire_back_edges()
        rebuild_conds(inner.names.values())
        rebuild_loops(inner.names.values())
    args = [inner.names[a.name]._outputs[0] for a in fdef.signature.input_arg]
    split = len(args) - captures
    fg.captures = [(None, t) for t in args[split:]]
    outs = []
    for text in outputs:
        op_name, idx, _ = importer._split_input(text)
        t = inner.names[op_name]._outputs[idx]
        while t.op.type == "Identity" and t.dtype.name == "variant":  # the dataset itself
            t = t.op.inputs[0]
        outs.append(t)
    specs = tuple(TensorSpec(t.shape, t.dtype) for t in outs)
    return Traced(fg, args[:split], outs, specs, (False,) * split, (False,) * len(outs))


def _body(fdef):
    """(GraphDef of the function's body, its outputs as `node:k` names)."""
    from scopeflow.checkpoint.importer import _default_attrs
    gd = graph_pb2.GraphDef()
    for k, arg in enumerate(fdef.signature.input_arg):
        if arg.type_attr or arg.type_list_attr or arg.number_attr:
            raise errors.UnimplementedError(None, None, "Function %s: polymorphic argument "
                                            "%s is not supported" % (fdef.signature.name,
                                                                     arg.name))
        nd = gd.node.add(name=arg.name, op="Placeholder")
        nd.attr["dtype"].type = arg.type
        shapes = fdef.arg_attr[k].attr["_output_shapes"].list.shape if k in fdef.arg_attr \
            else ()
        if len(shapes) == 1:
            nd.attr["shape"].shape.CopyFrom(shapes[0])
        else:
            nd.attr["shape"].shape.unknown_rank = True
    nodes = {n.name: n for n in fdef.node_def}
    for n in fdef.node_def:
        nd = gd.node.add()
        nd.CopyFrom(n)
        for k, v in _default_attrs(n.op).items():
            if k not in nd.attr:
                nd.attr[k].CopyFrom(v)
        del nd.input[:]
        nd.input.extend(_position(nodes, text) for text in n.input)
    outputs = [_position(nodes, fdef.ret[a.name]) for a in fdef.signature.output_arg]
    return gd, outputs


def _position(nodes, text):
    """`node:out_arg:k` -> `node:position`; args and control inputs stay as they are."""
    if text.startswith("^"):
        return text
    parts = text.split(":")
    if len(parts) == 1:
        return text
    if len(parts) == 2:
        return text  # `node:k` (already a position)
    op_name, arg_name, k = parts[0], parts[1], int(parts[2])
    node = nodes.get(op_name)
    if node is None:
        raise errors.InvalidArgumentError(None, None, "Function input %s names no node" % text)
    from scopeflow.checkpoint.importer import _default_attrs
    from scopeflow.summary.graph_def import _signature
    sig = _signature(node.op)
    if sig is None:
        return "%s:%d" % (op_name, k)
    pos = 0
    for name, count, _, list_attr in sig[1]:
        if count:
            attr = node.attr[count] if count in node.attr else _default_attrs(node.op).get(count)
            size = attr.i if attr is not None else 0
        elif list_attr:
            size = len(node.attr[list_attr].list.type) if list_attr in node.attr else 0
        else:
            size = 1
        if name == arg_name:
            return "%s:%d" % (op_name, pos + k)
        pos += size
    raise errors.InvalidArgumentError(None, None, "Op %s of type %s has no output %s"
                                      % (op_name, node.op, arg_name))


__all__ = ["rebuild_functions", "traced_function"]
