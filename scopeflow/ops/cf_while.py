"""Building a TF1 while loop: Enter / Merge / LoopCond / Switch / Identity / NextIteration / Exit.

As in TF, `Merge(Enter, NextIteration)` closes a cycle. The Exit ops carry the loop's record
(cf_spec.LoopSpec): the lowering runs it with lax.while_loop (cf_run.run_while), its cond
sub-function cut at the Merge outputs, its body at the `Switch:1` outputs; neither runs a
Merge or a Switch.
"""

from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.shape import TensorShape
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.ops import cf_ops as _cf
from scopeflow.ops import nest
from scopeflow.ops.array import identity
from scopeflow.ops.array_base import shape_text, static_value
from scopeflow.ops.cf_composite import check_loop_structures, components, is_composite, rebuild
from scopeflow.ops.cf_context import Region, WhileContext, add_control, flush_all, own_controls
from scopeflow.ops.cf_spec import LoopSpec
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.tensor_array import TensorArray, from_flow, to_flow
from scopeflow.sparse_tensor import SparseTensor


def _shape_le(s1, s2):
    """TF's _ShapeLessThanOrEqual: s1 is at least as specific as s2."""
    if s2._dims is None:
        return True
    if s1._dims is None or len(s1._dims) != len(s2._dims):
        return False
    return all(b is None or a == b for a, b in zip(s1._dims, s2._dims))


def _invariants(loop_vars, orig, shape_invariants):
    """One shape invariant per component of each loop variable (TF's TypeSpec rules)."""
    if shape_invariants is None:
        return [s for x in orig for s in _component_shapes(x, None)]
    nest.assert_same_structure(loop_vars, shape_invariants)
    return [s for x, inv in zip(orig, nest.flatten(shape_invariants))
            for s in _component_shapes(x, inv if isinstance(inv, TensorShape)
                                       else TensorShape(inv))]


def _component_shapes(x, inv):
    """Invariants of `x`'s components: an IndexedSlices' invariant is its values' (indices
    [n], dense_shape [rank]); a SparseTensor's is its dense_shape's [rank] (indices [None, rank],
    values [None]); without one, a SparseTensor's numbers of values may change all the same."""
    if isinstance(x, IndexedSlices):
        if inv is None:
            rows = x.indices.shape.merge_with(x.values.shape[:1])
            inv = rows.concatenate(x.values.shape[1:])
        parts = [inv, inv[:1]]
        return parts if x.dense_shape is None else parts + [TensorShape([inv.ndims])]
    if isinstance(x, SparseTensor):
        if inv is None:
            rank = x.dense_shape.shape[0].value if x.dense_shape.shape.ndims == 1 else None
        elif inv.ndims is not None and inv.ndims != 1:
            raise ValueError("Expected a shape with 1 dimension. Obtained: %s which has %d "
                             "dimensions." % (shape_text(inv), inv.ndims))
        else:
            rank = inv[0].value if inv.ndims == 1 else None
        return [TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])]
    return [to_flow(x).shape if inv is None else inv]


def _enter_vars(ctx, flat, invariants):
    outer = ctx.outer
    enters = []
    for t, inv in zip(flat, invariants):
        real = outer.add_value(t, None) if outer is not None else t
        e = ctx.enter(real, False, input_shape=False)
        if not _shape_le(real.shape, inv):
            raise ValueError("The shape invariant specified for %s is not compatible with the "
                             "initial shape of the loop variable. It enters the loop with shape "
                             "%s, but the specified shape invariant is %s."
                             % (real.name, shape_text(real.shape), shape_text(inv)))
        e.set_shape(inv)
        enters.append(e)
    pivot = _outer_pivot(outer)
    if pivot is not None:
        for e in enters:
            src = e.op._inputs[0]
            if src._op._type == "Enter" and src._op._attrs.get("is_constant"):
                add_control(e.op, pivot._op)
    controllers = ctx.graph._frame().controllers
    for e in enters:  # TF's _FixControlInputsAndContext, as for a captured value's Enter
        ctx._outer_controls(e.op, e.op._inputs[0]._op, controllers)
    return enters


def _outer_pivot(ctx):
    while ctx is not None:
        p = ctx.pivot()
        if p is not None:
            return p
        ctx = ctx.outer
    return None


def build_loop(cond, body, loop_vars, options):
    """The loop's graph and While op; returns the Exit tensors in the body's structure."""
    g = default_graph()
    outer = g._frame().in_cf
    ctx = WhileContext(g, outer, options.parallel_iterations)
    ctx.maximum_iterations = options.maximum_iterations  # (its WhileContextDef names it)
    if outer is None:
        g.add_to_collection(GraphKeys.WHILE_CONTEXT, ctx)
    # TensorArrays travel as their flow tensors, IndexedSlices and SparseTensors as components
    orig = [x if is_composite(x) or isinstance(x, TensorArray) else convert_to_tensor(x)
            for x in nest.flatten(loop_vars)]
    flat = [convert_to_tensor(t) for x in orig for t in components(to_flow(x))]

    invariants = _invariants(loop_vars, orig, options.shape_invariants)
    dense = _dense_shapes(loop_vars, orig, options.shape_invariants)

    def as_vars(ts):
        return nest.pack_sequence_as(loop_vars, _regroup(orig, ts, dense))

    with ctx:
        enters = _enter_vars(ctx, flat, invariants)
        merges = [_cf._merge([e, e], name="Merge")[0] for e in enters]
        ctx.pivot_t = merges[0]
        c = convert_to_tensor(cond(*as_vars(merges)))
        _cf.check_bool(c, "input", "LoopCond")
        loop_cond = _cf._loop_cond(c, name="LoopCond")
        switches = [_switch(g, m, loop_cond) for m in merges]
        body_in = [identity(s[1], name="Identity") for s in switches]
        ctx.pivot_t = body_in[0]
        packed_in = as_vars(body_in)
        result = body(*packed_in)
        if not nest.is_nested(result):
            result = [result]
        nest.assert_same_structure(list(packed_in), list(result))
        check_loop_structures(list(packed_in), list(result))
        outs = [convert_to_tensor(t) for x in nest.flatten(result)
                for t in components(to_flow(x))]
        if len(merges) != len(outs):
            raise ValueError("Number of inputs and outputs of 'body' must match 'loop_vars'. Got "
                             "%d for the number of inputs/outputs, and %d for 'loop_vars'."
                             % (len(merges), len(outs)))
        nexts = [_next_iteration(m, v, flat[i]) for i, (m, v) in enumerate(zip(merges, outs))]
        for m, n in zip(merges, nexts):
            g._replace_input(m.op, 1, n)  # the back edge
    flush_all(outer)
    spec = _loop_spec(ctx, enters, switches, loop_cond, nexts, merges, options)
    exits = []
    for k, s in enumerate(switches):
        e = _cf._exit(s[0], name="Exit")
        e.op._cf = (spec, k)
        spec.exits.append(e.op)
        exits.append(e)
    ctx.exit_ops = tuple(e.op for e in exits)
    # (TF's WhileContext keeps these: a gradient adds its counter to them, gradients/loop_state)
    ctx.loop_enters, ctx.loop_exits, ctx.loop_cond = list(enters), list(exits), loop_cond
    ctx.back_prop = options.back_prop
    packed = nest.pack_sequence_as(result, _regroup(nest.flatten(result), exits, dense))
    if options.return_same_structure:
        return packed
    return packed[0] if len(exits) == 1 else packed


def _dense_shapes(loop_vars, orig, shape_invariants):
    """The static dense shape of each SparseTensor loop variable inside and after the loop
    (TF's SparseTensorSpec: the variable's own, or of the rank its invariant gives)."""
    invs = [None] * len(orig) if shape_invariants is None else nest.flatten(shape_invariants)
    out = []
    for x, inv in zip(orig, invs):
        if not isinstance(x, SparseTensor):
            out.append(None)
        elif inv is None:
            out.append(x.shape)
        else:
            rank = TensorShape(inv)[0].value if TensorShape(inv).ndims == 1 else None
            out.append(TensorShape(None if rank is None else [None] * rank))
    return out


def _switch(g, merge, loop_cond):
    with g.colocate_with(merge, ignore_existing=True):  # TF's switch: with its data
        return _cf._switch(merge, loop_cond, name="Switch")


def _regroup(like, ts, dense):
    """The loop values of the kinds of `like` from their component tensors `ts`."""
    out, pos = [], 0
    for x, shape in zip(like, dense):
        n = len(components(to_flow(x)))
        out.append(rebuild(x, ts[pos:pos + n]) if is_composite(x) else from_flow(x, ts[pos]))
        if shape is not None:
            out[-1]._static_shape = shape
        pos += n
    return out


def _next_iteration(merge, value, original):
    nxt = _cf._next_iteration(value, name="NextIteration")
    if nxt.dtype.base_dtype != merge.dtype.base_dtype and merge.graph._invalid is None:
        # TF builds the loop, and its runtime then refuses the whole graph, run after run
        from scopeflow.errors import InvalidArgumentError
        from scopeflow.lowering.context import type_name
        merge.graph._invalid = (InvalidArgumentError, "Input 1 of node %s was passed %s from %s "
                                "incompatible with expected %s." % (
                                    merge.op.name, type_name(nxt.dtype), nxt.name,
                                    type_name(merge.dtype)))
    if not _shape_le(nxt.shape, merge.shape):
        raise ValueError("Input tensor '%s' enters the loop with shape %s, but has shape %s after "
                         "one iteration. To allow the shape to vary across iterations, use the "
                         "`shape_invariants` argument of tf.while_loop to specify a "
                         "less-specific shape." % (original.name, shape_text(original.shape),
                                                   shape_text(nxt.shape)))
    return nxt


def _loop_spec(ctx, enters, switches, loop_cond, nexts, merges, options):
    # the Enters keep their outside control inputs in the graph, as TF's do; the cond and body
    # sub-functions are sliced without them, and the loop runs after them (`controls`)
    region = Region(ctx.ops, keep_controls=True)
    inputs = tuple(region.inputs)
    init_pos = tuple(inputs.index(e.op._inputs[0]) for e in enters)
    limit = limit_pos = None
    if options.back_prop and options.maximum_iterations is not None:
        v = static_value(options.maximum_iterations)
        limit = None if v is None else int(v)
        pos = [i for i, t in enumerate(inputs) if t is options.maximum_iterations]
        if limit is None and pos:  # e.g. tf.shape(x)[0]: a number once the run is traced
            limit_pos = pos[0]
    return LoopSpec(cond_cut=tuple(merges), body_cut=tuple(s[1] for s in switches),
                    cond_out=loop_cond.op._inputs[0], reread=_reread(region, inputs),
                    body_outs=tuple(n.op._inputs[0] for n in nexts), inputs=inputs,
                    init_pos=init_pos,
                    specs=tuple((m.shape, m.dtype.base_dtype) for m in merges),
                    max_iterations=limit, limit_pos=limit_pos,
                    controls=own_controls(region, ctx.outer), edges=tuple(region.edges),
                    back_prop=options.back_prop,
                    variables=tuple(region.variables), context=ctx,
                    skip=tuple(m.op for m in merges) + tuple(s[0].op for s in switches))


def _reread(region, inputs):
    """Where a loop variable starts from `v/read` that the loop also reads as a constant (TF's
    testWhileUpdateVariable_5): the cond and body read v afresh, not the initial value."""
    return tuple(i for i, t in enumerate(inputs) if t in region.reread)
