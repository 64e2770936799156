"""TF's CondContextDef / WhileContextDef: the `cond_context` and `while_context` collections.

TF keeps a control-flow context beside the graph for every tf.cond branch and tf.while_loop,
and a meta graph stores them (the outermost ones, nested ones inside them) so that the graph
that imports it can rebuild them: TF's `tf.gradients` through a loop needs them. The
messages mirror TF's `control_flow.proto` field for field (built here from a descriptor, as
protos.py does), so TF's `import_meta_graph` parses what scopeflow writes.

>>> import scopeflow as tf
>>> i = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
>>> d = context_def(tf.get_collection("while_context")[0])
>>> d.pivot_name, list(d.loop_exit_names)
('while/LoopCond:0', ['while/Exit:0'])
"""

from google.protobuf import descriptor_pb2

from scopeflow.checkpoint.meta_graph import strip_name_scope
from scopeflow.checkpoint.protos import message_classes
from scopeflow.ops.cf_context import WhileContext

_F = descriptor_pb2.FieldDescriptorProto
_PACKAGE = "scopeflow.checkpoint.cf"
_FILE = "scopeflow/checkpoint/control_flow.proto"
_S, _I, _B, _M = _F.TYPE_STRING, _F.TYPE_INT32, _F.TYPE_BOOL, _F.TYPE_MESSAGE
_ONE, _MANY = _F.LABEL_OPTIONAL, _F.LABEL_REPEATED

# message -> [(field, number, type, label, message type)], as TF's control_flow.proto
_MESSAGES = {
    "ValuesDef": [("values", 1, _S, _MANY, None),
                  ("external_values", 2, _M, _MANY, "ValuesDef.ExternalValuesEntry")],
    "ValuesDef.ExternalValuesEntry": [("key", 1, _S, _ONE, None), ("value", 2, _S, _ONE, None)],
    "ControlFlowContextDef": [("cond_ctxt", 1, _M, _ONE, "CondContextDef"),
                              ("while_ctxt", 2, _M, _ONE, "WhileContextDef")],
    "CondContextDef": [("context_name", 1, _S, _ONE, None), ("pred_name", 2, _S, _ONE, None),
                       ("pivot_name", 3, _S, _ONE, None), ("branch", 4, _I, _ONE, None),
                       ("values_def", 5, _M, _ONE, "ValuesDef"),
                       ("nested_contexts", 6, _M, _MANY, "ControlFlowContextDef")],
    "WhileContextDef": [("context_name", 1, _S, _ONE, None),
                        ("parallel_iterations", 2, _I, _ONE, None),
                        ("back_prop", 3, _B, _ONE, None), ("swap_memory", 4, _B, _ONE, None),
                        ("pivot_name", 5, _S, _ONE, None),
                        ("pivot_for_pred_name", 6, _S, _ONE, None),
                        ("pivot_for_body_name", 7, _S, _ONE, None),
                        ("loop_exit_names", 8, _S, _MANY, None),
                        ("loop_enter_names", 10, _S, _MANY, None),
                        ("values_def", 9, _M, _ONE, "ValuesDef"),
                        ("maximum_iterations_name", 11, _S, _ONE, None),
                        ("nested_contexts", 12, _M, _MANY, "ControlFlowContextDef")],
}


def _file_proto():
    fdp = descriptor_pb2.FileDescriptorProto(name=_FILE, package=_PACKAGE, syntax="proto3")
    tops = {}
    for name, fields in _MESSAGES.items():
        outer, _, inner = name.partition(".")
        if inner:
            msg = tops[outer].nested_type.add(name=inner)
            msg.options.map_entry = True
        else:
            msg = tops[name] = fdp.message_type.add(name=name)
        for fname, number, ftype, label, tname in fields:
            f = msg.field.add(name=fname, number=number, type=ftype, label=label)
            if tname:
                f.type_name = ".%s.%s" % (_PACKAGE, tname)
    cf = tops["ControlFlowContextDef"]
    cf.oneof_decl.add(name="ctxt")
    for f in cf.field:
        f.oneof_index = 0
    return fdp


_CLASSES = message_classes(_FILE, _file_proto, ("ControlFlowContextDef", "CondContextDef",
                                                 "WhileContextDef"))
ControlFlowContextDef = _CLASSES["ControlFlowContextDef"]
CondContextDef = _CLASSES["CondContextDef"]
WhileContextDef = _CLASSES["WhileContextDef"]


def context_def(ctx, export_scope=None):
    """The CondContextDef / WhileContextDef of a finished context (None: not finished)."""
    if not ctx.exit_ops:
        return None
    name = _namer(export_scope)
    if isinstance(ctx, WhileContext):
        d = _while_def(ctx, name)
    else:
        d = CondContextDef(context_name=name(ctx.name), pred_name=name(ctx.pred.name),
                           pivot_name=name(ctx.pivot().name), branch=ctx.branch)
    values, external = _values(ctx)
    if not isinstance(ctx, WhileContext):
        external[ctx.pred] = ctx.pred  # TF's CondContext counts its predicate as outside
        values.add(ctx.pred)
    d.values_def.values.extend(sorted(name(t.name) for t in values))
    for k, v in external.items():
        d.values_def.external_values[name(k.name)] = name(v.name)
    for child in _children(ctx):
        sub = context_def(child, export_scope)
        if sub is not None:
            wrap = d.nested_contexts.add()
            (wrap.while_ctxt if isinstance(child, WhileContext) else wrap.cond_ctxt).CopyFrom(sub)
    return d


def _namer(export_scope):
    return lambda n: strip_name_scope(n, export_scope)


def _while_def(ctx, name):
    spec = ctx.exit_ops[0]._cf[0]
    merges = spec.cond_cut
    switch = ctx.exit_ops[0]._inputs[0]._op
    body = next(op._outputs[0] for op in ctx.ops
                if op._type == "Identity" and op._inputs and op._inputs[0] is spec.body_cut[0])
    d = WhileContextDef(context_name=name(ctx.name), parallel_iterations=ctx.parallel_iterations,
                        back_prop=spec.back_prop, swap_memory=False,
                        pivot_name=name(switch._inputs[1].name),
                        pivot_for_pred_name=name(merges[0].name),
                        pivot_for_body_name=name(body.name))
    if getattr(ctx, "maximum_iterations", None) is not None:
        d.maximum_iterations_name = name(ctx.maximum_iterations.name)
    d.loop_exit_names.extend(name(op._outputs[0].name) for op in ctx.exit_ops)
    d.loop_enter_names.extend(name(m._op._inputs[0].name) for m in merges)
    return d


def _values(ctx):
    """(tensors TF counts in the context, {outside tensor: its stand-in inside}), by TF's
    rules: an op's outputs count in its own context, and a cond's also in every context
    around it; a cond's capture (a Switch) counts by its one output used, in every context
    around too, a loop's capture (an Enter) only in its loop; a loop's Exit ops count in the
    loop and in the context around it."""
    values = set(ctx.values) | set(ctx.captured) | set(ctx.captured.values())
    external = dict(ctx.captured)
    captures = _captures(ctx)
    for op in ctx.ops:
        inner = op._ctx
        if op in captures:
            kind, out = captures[op]
            if kind is WhileContext and inner is not ctx:
                continue
            values.add(out)
        elif inner is ctx or not isinstance(inner, WhileContext):
            values.update(op._outputs)
    if isinstance(ctx, WhileContext):
        values.update(t for op in ctx.exit_ops for t in op._outputs)
    elif ctx.outer is not None:  # a cond: what its outer context gave it, counted outside
        for t in ctx.captured:
            got = ctx.outer.captured.get(t)
            if got is not None:
                values.add(got)
                external[got] = got
    return values, external


def _captures(ctx):
    """{capture op: (kind of context that made it, its output used)} for contexts in ctx."""
    out = {}
    for c in [ctx] + [op._ctx for op in ctx.ops if op._ctx is not None]:
        for t in c.captured.values():
            if t not in getattr(c, "output_captures", ()):
                out[t._op] = (WhileContext if isinstance(c, WhileContext) else None, t)
    return out


def _children(ctx):
    """The contexts directly inside `ctx`, in the order their first op was built."""
    out = {}
    for op in ctx.ops:
        c = op._ctx
        while c is not None and c.outer is not ctx:
            c = c.outer
        if c is not None:
            out.setdefault(c, None)
    return list(out)
