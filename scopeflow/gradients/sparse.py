"""Sparse gradients: an x whose every use is a row gather gets `tf.IndexedSlices`, as in TF.

TF's gradient of `gather(params, ids)` (axis 0) is IndexedSlices(values=the gradient of the
gathered rows, indices=ids, dense_shape=shape(params)), passed through Identity reads and
concatenated over several gathers. Here the gathered rows' gradients come from the same
SymbolicGradient op (the gather outputs are differentiated instead of x), and the slices are
named as TF names them (`gradients/embedding_lookup_grad/Reshape:0`, `Reshape_1`, `Shape`).
"""

from scopeflow.indexed_slices import IndexedSlices
from scopeflow.ops.padded_rows import gradient_indices, mark_like

_GATHERS = ("GatherV2", "Gather", "ResourceGather")


def _axis0(op):
    if op._type != "GatherV2":
        return True
    from scopeflow.ops.constant import constant_value
    axis = constant_value(op._inputs[2])
    return axis is not None and int(axis) == 0 and not op._attrs.get("batch_dims", 0)


def row_gathers(t, p):
    """The gather ops through which all of `t`'s gradient arrives (via Identity), else None."""
    if t in p.roots:
        return None
    edges = p.uses(t)
    if not edges:
        return None
    out = []
    for op, idx in edges:
        if op._type == "Identity":
            below = row_gathers(op._outputs[0], p)
            if below is None:
                return None
            out.extend(below)
        elif op._type in _GATHERS and idx == 0 and _axis0(op):
            out.append(op)
        else:
            return None
    return out


def sparse_xs(p):
    """{x: [gather ops]} for the plan's xs whose gradient TF returns as IndexedSlices."""
    out = {}
    for x in p.xs:
        gathers = row_gathers(x, p)
        if gathers:
            out[x] = gathers
    return out


def handle_op(handle):
    """The VarHandleOp behind a handle's Identity/Enter/Switch hops (TF's handle data
    follows them), else None."""
    t = handle
    while True:
        while t.op._type in ("Identity", "Enter", "Switch") and t.op._inputs:
            t = t.op._inputs[0]
        source = getattr(t.op._graph, "source_of", {}).get(t)  # a function's capture
        if source is None:
            break
        t = source
    return t.op if t.op._type == "VarHandleOp" else None


def handle_shape(handle):
    """The variable shape a handle carries, when fully known, else None."""
    op = handle_op(handle)
    shape = None if op is None else op._attrs.get("shape")
    return shape.as_list() if shape is not None and shape.is_fully_defined() else None


def known_variable_shape(handle, out_type=None):
    """TF's resource_variable_ops.variable_shape: a Const where the handle knows its
    variable's full shape, else a VariableShape op."""
    from scopeflow import dtypes
    from scopeflow.ops.constant import constant
    from scopeflow.ops.resource_ops import variable_shape
    out_type = dtypes.int32 if out_type is None else out_type
    known = handle_shape(handle)
    if known is None:
        return variable_shape(handle, out_type=out_type)
    return constant(known, dtype=out_type)


def _resource_slices(g, scope, op, rows):
    """TF's ResourceGather gradient: the variable's shape (a Const where the handle knows it,
    else VariableShape), rows reshaped to [size(indices)] + shape[1:]."""
    from scopeflow.ops.array import expand_dims, reshape
    from scopeflow.ops.joining import concat
    from scopeflow.ops.shape_ops import size as size_of
    handle, ids = op._inputs[0], op._inputs[1]
    with g.name_scope(scope), g.name_scope(op._name + "_grad"):
        params_shape = known_variable_shape(handle)
        size = expand_dims(size_of(ids), 0)
        values_shape = concat([size, params_shape[1:]], 0)
        values = reshape(rows, values_shape)
        indices = gradient_indices(op, reshape(ids, size))
    return IndexedSlices(values, indices, params_shape)


def slices(g, scope, gathers, grads):
    """IndexedSlices over `gathers`, their rows' gradients being `grads[gather output]`."""
    from scopeflow.ops.array import reshape
    from scopeflow.ops.joining import concat
    from scopeflow.ops.shape_ops import shape as shape_of
    parts = []
    for op in gathers:
        params, ids = op._inputs[0], op._inputs[1]
        if op._type == "ResourceGather":
            parts.append(_resource_slices(g, scope, op, grads[op._outputs[0]]))
            continue
        with g.name_scope(scope), g.name_scope(op._name + "_grad"):
            shape = shape_of(params, name="Shape")
            tail = params.shape[1:]
            dims = [-1] + (tail.as_list() if tail.is_fully_defined() else [])
            rows = grads[op._outputs[0]]
            if len(dims) > 1:
                values = reshape(rows, dims, name="Reshape")
            else:
                values = reshape(rows, concat([[-1], shape[1:]], 0), name="Reshape")
            indices = gradient_indices(op, reshape(ids, [-1], name="Reshape_1"))
        parts.append(IndexedSlices(values, indices, shape))
    if len(parts) == 1:
        return parts[0]
    with g.name_scope(scope):
        indices = [s.indices for s in parts]
        return IndexedSlices(concat([s.values for s in parts], 0),
                             mark_like(concat(indices, 0), *indices), parts[0].dense_shape)
