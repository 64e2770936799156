"""One op, one entry: TF op type, default name, shape/dtype rule and JAX kernel together.

    @op("MatMul", infer=matmul_shape)
    def matmul(a, b, *, transpose_a=False, transpose_b=False):
        return jnp.matmul(a.T if transpose_a else a, b.T if transpose_b else b)

`op` registers an `OpDef` and returns the graph-building function: positional parameters of
the kernel are the op's inputs (their names name converted constants, `add/y:0`), keyword-only
parameters are its attrs. The builder converts Python values inside the op's name scope, checks
dtypes as TF does, runs the shape rule, and adds one Operation to the graph.

Kernels run at lowering time on JAX arrays: `kernel(*arrays, **attrs)`. A kernel declared with
`context=True` receives the run context first (`kernel(ctx, *inputs, **attrs)`): variable state,
random keys, feeds and run-time checks live there (see lowering/lower.py).
"""

import dataclasses
import inspect

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape, dims_str
from scopeflow.core.tensor import Operation, SymbolicTensor, Tensor
from scopeflow.ops.op_types import INDEX_TYPES
from scopeflow.ops.shape_requests import requesting, suffix

REGISTRY = {}
# type -> fn(value) -> Tensor for values whose conversion is a plain attribute read (a ref
# Variable converts to its `read` snapshot): they skip the general conversion path
FAST_CONVERSIONS = {}

# while a tf.data function is traced (scopeflow/data/functions.py): fn(inputs) -> (inputs with
# outside tensors replaced by their captures, the function graph or None)
CAPTURE_HOOKS = []

T = "T"  # input shares the op's type attr with the other "T" inputs
INDEX = "index"  # int32 unless given an int64 tensor (shapes, axes, indices)
ANY = "any"  # converted on its own, no type sharing


class ShapeError(ValueError):
    """Raised by shape rules; the builder adds TF's node description to the message."""


@dataclasses.dataclass(frozen=True)
class OpDef:
    type: str
    kernel: object
    infer: object
    args: tuple  # input argument names, in order
    arg_types: tuple  # T / INDEX / ANY / DType per input
    list_args: frozenset  # inputs that take a list of tensors
    default_name: str
    context: bool = False  # kernel takes the run context first
    stateful: bool = False  # must run even when its value is unused; never deduplicated
    multi: bool = False  # builder returns all outputs as a list
    ref_args: frozenset = frozenset()  # inputs passed as variable references, not values
    # per input, for the hot path of `apply`: bit 0 = shares "T", bit 1 = passed by reference,
    # bit 2 = of a fixed dtype, bit 3 = an index input sharing its type attr with the others
    # of bit 3 (`same_index`: Slice's begin and size, TF's "Index")
    flags: tuple = ()
    fold: bool = True  # False: never run eagerly at trace time (its state rides in loops)


def op(op_type, *, infer=None, name=None, types=None, lists=(), context=False, stateful=False,
       multi=False, refs=(), fold=True, same_index=()):
    """Registers `op_type` with the decorated JAX kernel and returns the graph builder."""

    def deco(kernel):
        params = list(inspect.signature(kernel).parameters.values())
        if context:
            params = params[1:]
        args = tuple(p.name for p in params
                     if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
        arg_types = tuple((types or {}).get(a, T) for a in args)
        flags = tuple((kind == T) | (2 if a in refs else 0)
                      | (4 if isinstance(kind, _dt.DType) else 0)
                      | (8 if a in same_index else 0)
                      for a, kind in zip(args, arg_types))
        rec = OpDef(op_type, kernel, infer or same_as_first, args, arg_types, frozenset(lists),
                    name or op_type, context, stateful, multi, frozenset(refs), flags, fold)
        REGISTRY[op_type] = rec
        return _builder(rec)

    return deco


def lookup(op_type):
    rec = REGISTRY.get(op_type)
    if rec is None:
        raise NotImplementedError("no rule for op type %r" % op_type)
    return rec


def _builder(rec):
    def build(*inputs, name=None, **attrs):
        return apply(rec, inputs, attrs, name)

    build.__name__ = getattr(rec.kernel, "__name__", rec.type)
    build.__doc__ = getattr(rec.kernel, "__doc__", None)
    build.op_def = rec
    return build


def apply(rec, inputs, attrs, name=None, graph=None):
    """Adds one `rec` op over `inputs` (tensors or values) to the right graph; returns outputs."""
    full = None
    if CAPTURE_HOOKS and graph is None:  # (a function graph names the op first, as TF)
        inputs, graph, full = CAPTURE_HOOKS[-1](inputs, name or rec.default_name)
    if not rec.list_args and len(inputs) <= len(rec.args):
        # hot path: every input is already a Tensor (or a Variable's snapshot) of one graph,
        # and the "T" inputs agree; anything else takes the general path, which reports errors
        g = graph
        shared = index = None
        tensors = []
        for flags, kind, x in zip(rec.flags, rec.arg_types, inputs):
            if type(x) is not SymbolicTensor:
                snapshot = FAST_CONVERSIONS.get(type(x))
                if snapshot is None or flags & 2:
                    break
                x = snapshot(x)
            if flags & 4 and x._dtype.base_dtype is not kind.base_dtype:
                break  # (the general path raises TF's TypeError)
            xg = x._op._graph
            if g is None:
                g = xg
            elif xg is not g and graph is None:
                break
            if flags & 1:
                b = x._dtype.base_dtype
                if shared is None:
                    shared = b
                elif b is not shared:
                    break
            elif flags & 8:
                b = x._dtype.base_dtype
                if index is None:
                    index = b
                elif b is not index:
                    break
            tensors.append(x)
        else:
            if g is None:
                g = default_graph()
            index = INDEX_TYPES.get(rec.type)  # (the general path checks in _check_shared)
            if index is not None:
                _check_index_types(index, tensors)
            return finish(g, rec, full or g._op_scope(name or rec.default_name), tensors,
                          attrs)
    g = graph or _graph_of(inputs)
    full = full or g._op_scope(name or rec.default_name)
    tensors = _convert_inputs(g, rec, inputs, full)
    return finish(g, rec, full, tensors, attrs)


def finish(g, rec, full, tensors, attrs):
    """Shape inference + graph insertion for converted inputs `tensors` (lists for list args)."""
    try:
        with requesting(_flat(tensors)) as asked:  # (input values the rule reads)
            specs = rec.infer(*tensors, **attrs)
    except ShapeError as e:
        raise ValueError(shape_error_text(g, e, full, rec.type, tensors, attrs,
                                          asked)) from None
    if len(specs) == 2 and type(specs[1]) is _dt.DType:  # one (shape, dtype), not a list
        specs = (specs,)
    counts = None
    flat = tensors
    if rec.list_args:
        counts = tuple(len(t) if isinstance(t, (list, tuple)) else -1 for t in tensors)
        flat = _flat(tensors)
    op = g._add_op(rec.type, full, tuple(flat), attrs, specs, counts)
    outs = op._outputs
    if not outs:
        return op
    if rec.multi:
        return list(outs)
    return outs[0]


def _flat(tensors):
    out = []
    for t in tensors:
        if isinstance(t, (list, tuple)):
            out.extend(t)
        else:
            out.append(t)
    return out


def shape_error_text(g, error, full, op_type, tensors, attrs, asked=None):
    """TF's shape-function error: the message, then the node as TF summarizes it (every
    attr, sorted), the input shapes and the input values the rule read (`asked`)."""
    from scopeflow.summary.graph_def import node_summary
    flat = _flat(tensors)
    counts = tuple(len(t) if isinstance(t, (list, tuple)) else -1 for t in tensors)
    return "%s for '{{node %s}} = %s' with input shapes: %s%s." % (
        error, full, node_summary(g, op_type, attrs, flat, counts),
        ", ".join("?" if t.shape._dims is None else dims_str(t.shape._dims) for t in flat),
        suffix(asked or {}))  # (TF's shape context writes an unknown rank as '?')


def _graph_of(inputs):
    if CAPTURE_HOOKS:  # inside a tf.data function, outside tensors are captured into it
        d = default_graph()
        if getattr(d, "captures_outer", False):
            return d
    g = None
    first = None
    for x in inputs:
        if isinstance(x, (list, tuple)):
            for y in x:
                g, first = _merge_graph(g, first, y)
        else:
            g, first = _merge_graph(g, first, x)
    return g if g is not None else default_graph()


def _merge_graph(g, first, x):
    if isinstance(x, Tensor):
        xg = x._op._graph
    elif isinstance(x, Operation):
        xg = x._graph
    else:
        el = getattr(x, "_as_graph_element", None)
        if el is None:
            return g, first
        x = el()
        xg = x.graph
    if g is None:
        return xg, x
    if xg is not g:
        raise ValueError("%s must be from the same graph as %s (graphs are %r and %r)."
                         % (x, first, xg, g))
    return g, first


def _convert_inputs(g, rec, inputs, scope):
    """Converts inputs as TF's op_def_library does: shared-type inputs agree on one dtype."""
    if len(inputs) > len(rec.args):
        raise TypeError("%s takes %d inputs, got %d" % (rec.type, len(rec.args), len(inputs)))
    fast = []
    for arg, x in zip(rec.args, inputs):
        if type(x) is SymbolicTensor:
            fast.append(x)
            continue
        snapshot = FAST_CONVERSIONS.get(type(x))
        if snapshot is None or arg in rec.ref_args:
            break
        fast.append(snapshot(x))
    else:
        _check_shared(rec, fast)
        return fast
    f = g._frame()
    old = f.name_scope
    f.name_scope = scope
    try:
        shared = _shared_dtype(rec, inputs)
        index = None  # (the `same_index` inputs' type, once the first is converted)
        out = []
        for arg, flags, kind, x in zip(rec.args, rec.flags, rec.arg_types, inputs):
            want = shared if kind == T else (kind if isinstance(kind, _dt.DType) else None)
            if want is kind and isinstance(x, Tensor):
                want = None  # (a tensor of another type: TF's TypeError, _check_shared)
            if flags & 8 and index is not None and not isinstance(x, Tensor):
                want = index
            # TF: a NumPy value keeps its own integer type (an int64 array stays int64)
            pref = _dt.int32 if kind == INDEX and type(x).__module__ != "numpy" else None
            if pref is not None and type(x) in (list, tuple) and not x:
                # TF converts an empty list as float32 first (a dangling Const `<arg>`), then
                # as the index type (`<arg>_1`): e.g. Reshape/shape, Reshape/shape_1
                _conv(x, _dt.float32, arg, None, False)
            if isinstance(x, (list, tuple)) and arg in rec.list_args:
                out.append(_conv_list(rec, arg, want, x, pref))
            else:
                out.append(_conv_shared(x, want, arg, pref, arg in rec.ref_args, kind == T))
                if kind == INDEX and _off_index(out[-1], x):
                    # TF converts a value as it is first; one of another type (a float array)
                    # is converted again as int32: a dangling Const `<arg>` beside `<arg>_1`
                    out[-1] = _conv(x, None, arg, _dt.int32, False)
            if kind == T and shared is None:  # TF: the first converted input fixes T
                first = out[-1][0] if isinstance(out[-1], list) and out[-1] else out[-1]
                shared = getattr(first, "dtype", None) and first.dtype.base_dtype
            if flags & 8 and index is None:
                index = getattr(out[-1], "dtype", None) and out[-1].dtype.base_dtype
    finally:
        f.name_scope = old
    _check_shared(rec, out)
    return out


def _off_index(t, x):
    """Whether TF converts `x` a second time, as int32: a float array of whole numbers (a
    fraction fails that conversion before any op is made)."""
    if isinstance(x, Tensor) or not isinstance(t, Tensor) or \
            t.dtype.base_dtype in (_dt.int32, _dt.int64):
        return False
    try:
        v = np.asarray(x)
        return v.dtype.kind in "biu" or (v.dtype.kind == "f" and bool(np.all(v == np.round(v))))
    except (TypeError, ValueError):
        return False


def _conv_list(rec, arg, want, values, preferred):
    """A list input converted as TF's op_def_library does; a value that does not convert, or
    an `N * T` list of several types, raises TF's TypeError naming every element's type."""
    kind = _list_kind(rec.type, arg)
    try:
        out = [_conv(v, want, arg if len(values) == 1 else "%s_%d" % (arg, i), preferred,
                     arg in rec.ref_args) for i, v in enumerate(values)]
    except (TypeError, ValueError):
        if kind is None:
            raise
        out = None
    # (a list TF's signature does not name, such as SymbolicGradient's xs here, may mix)
    if out is None or (kind in ("number", "fixed") and len({t.dtype.base_dtype for t in out}) > 1):
        raise TypeError(_list_error(rec, arg, want, values, kind)) from None
    return out


def _list_kind(op_type, arg):
    """How TF checks the list argument `arg`: "fixed" (N * a dtype), "number" (N * T), "list"
    (a list of types), or None (no signature known)."""
    from scopeflow.summary.graph_def import _signature
    sig = _signature(op_type)
    for name, count, type_attr, _ in (sig[0] if sig else ()):
        if name == arg:
            if not count:
                return "list"
            return "number" if type_attr else "fixed"
    return None


def _list_error(rec, arg, want, values, kind):
    from scopeflow.core.graph import Graph
    observed = []
    with Graph().as_default():  # (each value's own type, on a scratch graph)
        for v in values:
            try:
                observed.append(_conv(v, None, "v", None, False).dtype.base_dtype.name)
            except (TypeError, ValueError):
                observed.append("<NOT CONVERTIBLE TO TENSOR>")
    prefix = "Tensors in list passed to '%s' of '%s' Op have types [%s]" % (
        arg, rec.type, ", ".join(observed))
    if kind == "fixed":
        return "%s that do not match expected type %s." % (prefix, want.base_dtype.name)
    if kind == "number":
        return "%s that don't all match." % prefix
    return "%s that are invalid. Tensors: %s" % (prefix, values)


def _conv_shared(x, dtype, name, preferred, as_ref, shared):
    """A value that cannot take the shared dtype converts on its own; TF then reports the
    mismatch ("Input 'y' of 'AddV2' Op has type float32 that does not match ...")."""
    try:
        return _conv(x, dtype, name, preferred, as_ref)
    except (TypeError, ValueError):
        if not shared or dtype is None or isinstance(x, Tensor):
            raise
        return _conv(x, None, name, preferred, as_ref)


def _conv(x, dtype, name, preferred, as_ref):
    from scopeflow.ops.constant import convert_to_tensor
    if as_ref and hasattr(x, "_ref"):
        return x._ref()
    return convert_to_tensor(x, dtype=dtype, name=name, preferred_dtype=preferred)


def _shared_dtype(rec, inputs):
    """The dtype of the first Tensor among the shared-type inputs, else None."""
    for kind, x in zip(rec.arg_types, inputs):
        if kind != T:
            continue
        for y in (x if isinstance(x, (list, tuple)) else (x,)):
            dt = getattr(y, "dtype", None)
            if isinstance(dt, _dt.DType) and (isinstance(y, Tensor) or hasattr(y, "_ref")):
                return dt.base_dtype
    return None


def _check_shared(rec, tensors):
    types = INDEX_TYPES.get(rec.type)
    if types is not None:  # (TF checks an input's type as it infers its attr: before the rest)
        _check_index_types(types, tensors)
    first = index = None
    first_arg = None
    for arg, flags, kind, x in zip(rec.args, rec.flags, rec.arg_types, tensors):
        if flags & 8 and isinstance(x, Tensor):
            if index is None:
                index, index_arg = x._dtype.base_dtype, arg
            elif x._dtype.base_dtype is not index:
                _mismatch(rec, arg, x._dtype.base_dtype, index, index_arg)
        if isinstance(kind, _dt.DType) and isinstance(x, Tensor) and \
                x._dtype.base_dtype is not kind.base_dtype:
            raise TypeError("Input '%s' of '%s' Op has type %s that does not match expected type "
                            "of %s." % (arg, rec.type, x._dtype.base_dtype.name,
                                        kind.base_dtype.name))
        if kind != T:
            continue
        if type(x) is SymbolicTensor:
            b = x._dtype.base_dtype
            if first is None:
                first, first_arg = b, arg
            elif b is not first:
                _mismatch(rec, arg, b, first, first_arg)
            continue
        for y in (x if isinstance(x, (list, tuple)) else (x,)):
            b = y._dtype.base_dtype
            if first is None:
                first, first_arg = b, arg
            elif b is not first:
                _mismatch(rec, arg, b, first, first_arg)


def _check_index_types(index, tensors):
    """TF's TypeError for an integer input (a shape, axis or index) of a type its op does not
    take: `tf.fill(tf.constant([np.uint8(2)]), 1.0)`'s uint8 dims, say."""
    for i, arg, names in index:
        x = tensors[i] if i < len(tensors) else None
        x = x[0] if isinstance(x, list) and x else x  # (TF names a list's first element's type)
        name = getattr(getattr(x, "_dtype", None), "base_dtype", None)
        if name is not None and name.name not in names:
            raise TypeError("Value passed to parameter '%s' has DataType %s not in list of "
                            "allowed values: %s" % (arg, name.name, ", ".join(names)))


def _mismatch(rec, arg, b, first, first_arg):
    raise TypeError("Input '%s' of '%s' Op has type %s that does not match type %s of argument "
                    "'%s'." % (arg, rec.type, b.name, first.name, first_arg))


def create_registered(graph, op_type, full_name, inputs, attrs):
    """`Graph.create_op` for a registered op over existing tensors."""
    rec = lookup(op_type)
    index = INDEX_TYPES.get(op_type)
    if index is not None:
        _check_index_types(index, inputs)
    finish(graph, rec, full_name, inputs, attrs)  # its outputs (a tensor has no truth value)
    return graph._ops_by_name[full_name]


# ---- common shape rules -------------------------------------------------------------------
def same_as_first(x, *rest, **attrs):
    """Output has the first input's shape and base dtype."""
    return x.shape, x.dtype.base_dtype


def broadcast_dims(a, b):
    """Static broadcast of two dims tuples (None = unknown); raises TF's ShapeError."""
    if a is None or b is None:
        return None
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None:
            out.append(y if y is not None and y > 1 else None)
        elif y is None:
            out.append(x if x > 1 else None)
        elif x == y:
            out.append(x)
        else:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (x, y))
    return tuple(out)


def broadcast(x, y, **attrs):
    """Elementwise binary op: broadcast shapes, the first input's dtype."""
    xs, ys = x.shape, y.shape
    if xs._dims == ys._dims:  # TensorShapes are immutable: equal shapes are shared
        return xs, x.dtype.base_dtype
    return TensorShape._of(broadcast_dims(xs._dims, ys._dims)), x.dtype.base_dtype


def broadcast_bool(x, y, **attrs):
    return TensorShape._of(broadcast_dims(x.shape._dims, y.shape._dims)), _dt.bool


def spec(shape, dtype):
    """(TensorShape, DType) from dims given as a tuple/list or None (unknown rank)."""
    if shape is None:
        return TensorShape._of(None), dtype
    # shape rules may compute dims with NumPy scalars; a TensorShape holds Python ints
    return TensorShape._of(tuple([d if d is None or type(d) is int else int(d)
                                  for d in shape])), dtype
