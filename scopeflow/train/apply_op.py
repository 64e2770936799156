"""TF's training ops (`ApplyAdam`, `SparseApplyMomentum`, ...) from one update rule each.

An update rule is pure math: `rule(**inputs, **attrs)` gets the current values of the variable
and its slots and the hyper-parameters and gradient by TF's argument names, and returns the new
values of the references in order. `training_ops` registers the dense op over it and, with
`sparse=`, TF's sparse twin, which takes the gradient as (values, indices) rows: it sums
duplicate rows (TF deduplicates first) and changes only the rows named, leaving the others
as they are, as TF's sparse kernels do. Each kernel writes the references and returns the
variable's new value (TF's output is the variable ref). `RULES` keeps each op type's rule, so
a parameter server can run the update on its own current values (`update`, ps_store.py).
"""

import functools
import inspect

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.core.shape import TensorShape
from scopeflow.ops.padded_rows import input_padded, without_padding
from scopeflow.ops.rounding import products_rounded
from scopeflow.ops.registry import ANY, INDEX, ShapeError, op

RULES = {}  # op type -> Rule, the ref op's and its Resource twin's
# the modules registering training ops, for a process that has not imported them (a ps)
_RULE_MODULES = ("adadelta", "adagrad", "adagrad_da", "adam", "ftrl", "gradient_descent", "momentum",
                 "proximal", "rmsprop")


class Rule:
    """An op type's update: input names in TF's order, the references, the rule over the
    dense op's names, whether the gradient comes as rows, the attrs' defaults."""

    __slots__ = ("attrs", "names", "refs", "rule", "sparse")

    def __init__(self, names, refs, rule, sparse, attrs):
        self.names, self.refs, self.rule, self.sparse, self.attrs = names, refs, rule, sparse, attrs


def _scaled(var, y, **_):
    return (var * y,)


# `Assign(v, v * y)` (Adam's beta powers): rerun on a ps as the op on the current value
SCALED = "scopeflow.AssignScaled"
RULES[SCALED] = Rule(("var", "y"), ("var",), _scaled, False, {})


def rule_of(op_type):
    """The Rule of a training op type, or None."""
    if op_type not in RULES and op_type.startswith(("Apply", "SparseApply", "Resource")):
        import importlib
        for name in _RULE_MODULES:
            importlib.import_module("scopeflow.train." + name)
        importlib.import_module("scopeflow.keras.optimizer_ops")
    return RULES.get(op_type)


def update(op_type, current, inputs, attrs):
    """The new values of the references of an `op_type` op (NumPy arrays, each of its
    reference's dtype) run on the `current` reference values (in order) with the other
    `inputs` ({name: array}) and `attrs`, as the op's kernel computes them."""
    from scopeflow.lowering.lower import x64
    found = RULES[op_type]
    vals = dict(inputs, **dict(zip(found.refs, current)))
    with x64():  # float64 variables stay float64
        if found.sparse:
            new = _sparse_update(vals, found.refs, list(current), found.rule, attrs)
        else:
            new = found.rule(**vals, **attrs)
        return [np.asarray(v).astype(c.dtype) for v, c in zip(new, current)]


def _merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if len(a) != len(b):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(a), len(b)))
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x is not None and y is not None and x != y:
            raise ShapeError("Dimension %d in both shapes must be equal, but are %d and %d. "
                             "Shapes are %s and %s." % (i, x, y, _text(a), _text(b)))
        out.append(x if x is not None else y)
    return tuple(out)


def _text(dims):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def _rank(dims, want):
    if dims is not None and len(dims) != want:
        raise ShapeError("Shape must be rank %d but is rank %d" % (want, len(dims)))


def _spec(names, refs, sparse):
    """Refs (and a dense gradient) share the variable's shape; sparse rows share its tail."""
    full = set(refs) if sparse else set(refs) | {"grad", "delta"}

    def infer(*inputs, **attrs):
        by = dict(zip(names, inputs))
        dims = by[names[0]].shape._dims
        for name, t in by.items():
            d = t.shape._dims
            if name in full:
                dims = _merge(dims, d)
            elif name == "indices":
                _rank(d, 1)
            elif name != "grad":
                _rank(d, 0)
        if sparse:
            g = by["grad"].shape._dims
            if g is not None and dims is not None:
                _merge(dims[1:], g[1:])
        return TensorShape._of(dims), by[names[0]].dtype.base_dtype._as_ref

    return infer


def _signed(fn, names, attrs):
    """`fn` with the signature (ctx, <names>, *, <attrs>) the registry reads."""
    params = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_ONLY)]
    params += [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]
    params += [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=v)
               for k, v in attrs.items()]
    fn.__signature__ = inspect.Signature(params)
    return fn


def _traced_once(rule):
    """`rule` (over keyword arrays and Python attrs) as a jitted function per attrs: its
    equations are traced once per shape, not once per variable (a 150-layer net's Adam step
    traced its 300 updates at 12 ms each)."""
    cache = {}

    def call(**kwargs):
        arrays = {k: v for k, v in kwargs.items() if _is_array(v)}
        attrs = tuple(sorted((k, v) for k, v in kwargs.items() if k not in arrays))
        try:
            fn = cache.get(attrs)
        except TypeError:  # (an unhashable attr)
            return rule(**kwargs)
        if fn is None:
            fn = cache[attrs] = jax.jit(functools.partial(rule, **dict(attrs)))
        return fn(**arrays)

    return call


def _dense_kernel(names, refs, rule):
    # TF's kernels round each product (no fused multiply-add)
    rule = _traced_once(products_rounded(rule))

    def kernel(ctx, *inputs, **attrs):
        vals = dict(zip(names, inputs))
        for r in refs:
            vals[r] = ctx.read(vals[r])
        flat, shape = _flat(vals, refs[0])
        new = ctx.guarded(lambda: rule(**flat, **attrs), [flat[r] for r in refs])
        if shape is not None:
            new = [jnp.reshape(v, shape) for v in new]
        out = [ctx.write(ref, v, guarded=True) for ref, v in zip(inputs, new)]
        return out[0]

    return kernel


# variables whose last axis is this wide keep their shape: their 1-D views cost an MLP's Adam
# step (784-1024-1024-10, batch 256) 2.7 ms more CPU (17.9 -> 20.6 ms, median of 60 runs)
_NARROW = 128


def _flat(vals, var):
    """(`vals` with the variable-shaped inputs viewed as 1-D, the variable's shape), or
    (`vals`, None) where an input is neither that shape nor a scalar, or the variable has under
    two axes or a last axis of _NARROW or more. The elementwise update then computes the same
    bits, and XLA:CPU compiles a 1-D loop in a third of the time of one over a narrow last
    axis (Adam on [1024, 10]: 0.13 s of CPU, on [10240]: 0.05 s). Viewed before the guard's
    cond: inside it the views made XLA copy the variables."""
    shape = np.shape(vals[var])
    arrays = [v for v in vals.values() if _is_array(v)]
    if (len(shape) < 2 or shape[-1] >= _NARROW
            or any(np.ndim(v) and np.shape(v) != shape for v in arrays)):
        return vals, None
    return {k: jnp.reshape(v, (-1,)) if _is_array(v) and np.ndim(v) else v
            for k, v in vals.items()}, shape


def _is_array(v):
    return hasattr(v, "shape") and hasattr(v, "dtype")


def _sparse_kernel(names, refs, rule):
    rule = products_rounded(rule)

    at = names.index("indices")

    def kernel(ctx, *inputs, **attrs):
        vals = dict(zip(names, inputs))
        old = [ctx.read(vals[r]) for r in refs]
        rows_n = np.shape(old[0])[0]
        padded = input_padded(ctx, at)
        ok = ctx.checks_ok()  # (the earlier ops' checks)
        stop = _check_indices(ctx, vals["indices"], rows_n, padded)
        if padded:  # a partitioned lookup's padding rows (-1) are no rows
            vals["indices"] = without_padding(vals["indices"], rows_n)
        if stop is not None and ctx.op._type.replace("Resource", "", 1) in _UPDATES_IN_TURN:
            idx = jnp.asarray(vals["indices"])
            vals["indices"] = jnp.where(jnp.arange(idx.shape[0]) < stop, idx, rows_n)
        else:
            ok = ctx.checks_ok()
        # (the checks guard the rows written, not a cond over the whole table: XLA copied it)
        new = _sparse_update(vals, refs, old, rule, attrs, ok=ok)
        return [ctx.write(ref, v, guarded=True) for ref, v in zip(inputs, new)][0]

    return kernel


def _check_indices(ctx, indices, rows_n, padded):
    """TF's sparse kernels refuse an index outside [0, rows) (a negative one too), the first
    in order: 'Index 10 at offset 1 in indices is out of range'. Returns the offset of that
    index (traced; the number of indices where all are good), or None where there are none."""
    from scopeflow import errors

    idx = jnp.reshape(jnp.asarray(indices), (-1,))
    if idx.shape[0] == 0:
        return None
    bad = (idx < 0) | (idx >= rows_n)
    if padded:  # (the padding slots of a partitioned lookup's gradient: marked -1)
        bad = bad & (idx != -1)
    first = jnp.argmax(bad)
    ctx.check(~jnp.any(bad), errors.InvalidArgumentError,
              lambda i, at: "Index %d at offset %d in indices is out of range" % (i, at),
              (idx[first], first))
    return jnp.where(jnp.any(bad), first, idx.shape[0])


# sparse kernels of TF that update row by row, checking each index as they reach it: a bad
# index stops them with the rows before it written (the others check every index first)
_UPDATES_IN_TURN = frozenset((
    "SparseApplyMomentum", "SparseApplyFtrl", "SparseApplyFtrlV2",
    "SparseApplyProximalAdagrad", "SparseApplyProximalGradientDescent", "SparseApplyAdagradDA"))


def _sparse_update(vals, refs, old, rule, attrs, ok=None):
    """The sparse rule's new values: the rule runs on the rows named only (duplicates summed,
    as TF deduplicates first), the others keep their values. Its cost follows the number of
    indices, not the table's rows: an embedding table's step reads and writes its batch's rows.
    Where `ok` (a traced bool: the run's checks so far) is False, no row is written.
    """
    import jax

    vals = dict(vals)
    var = old[0]
    rows_n = var.shape[0]
    idx = jnp.reshape(jnp.asarray(vals.pop("indices")), (-1,))
    idx = jnp.where(idx < 0, idx + rows_n, idx)  # (a negative index counts from the end)
    k = idx.shape[0]
    rows = jnp.asarray(vals["grad"]).reshape((k,) + var.shape[1:]).astype(var.dtype)
    # the distinct rows named, sorted, padded to k with rows_n (out of bounds: read as zeros,
    # written nowhere); an index out of bounds is not written either
    named, slot = jnp.unique(idx, size=k, fill_value=rows_n, return_inverse=True)
    if ok is not None:
        named = jnp.where(ok, named, rows_n)
    vals["grad"] = jax.ops.segment_sum(rows, jnp.reshape(slot, (-1,)), k)
    vals.update((r, o.at[named].get(mode="fill", fill_value=0)) for r, o in zip(refs, old))
    new = rule(**vals, **attrs)
    return [o.at[named].set(jnp.asarray(v, o.dtype), mode="drop") for v, o in zip(new, old)]


def _resource_spec(names, refs, sparse):
    """The Resource twin's shape rule: the handles' declared shapes stand for the refs'."""
    from scopeflow.ops.resource_ops import declared_shape
    ref_rule = _spec(names, refs, sparse)

    class _Declared:
        def __init__(self, t):
            self.shape, self.dtype = declared_shape(t), t.dtype

    def infer(*inputs, **attrs):
        ins = [_Declared(t) if n in refs else t for n, t in zip(names, inputs)]
        dtype = next((t.dtype for n, t in zip(names, inputs) if n not in refs), None)
        if dtype is not None:
            ins[0].dtype = dtype
        ref_rule(*ins, **attrs)
        return []

    return infer


def _dispatching(ref_builder, resource_builder, names, refs):
    """A builder making the ref op, or its `Resource...` twin when `var` is a resource
    variable (or handle): the handles of the resource variables go in place of the refs."""
    positions = [i for i, n in enumerate(names) if n in refs]

    def build(*inputs, name=None, **attrs):
        if not _is_resource(inputs[0]):
            return ref_builder(*inputs, name=name, **attrs)
        inputs = list(inputs)
        for i in positions:
            inputs[i] = getattr(inputs[i], "handle", inputs[i])
        return resource_builder(*inputs, name=name, **attrs)

    build.__name__ = ref_builder.__name__
    build.op_def = ref_builder.op_def
    build.resource = resource_builder
    return build


def _is_resource(x):
    dt = getattr(x, "dtype", None)
    if hasattr(x, "handle") and getattr(x.handle, "dtype", None) is not None:
        return x.handle.dtype._enum == 20
    return dt is not None and dt._enum == 20  # DT_RESOURCE


def training_ops(dense, args, refs, rule, sparse=None, attrs=None, resource_only=False,
                 sparse_rule=None, types=None):
    """Registers `dense` (and `sparse`) over `rule`, and their `Resource...` twins (handles in
    place of the refs, no output); returns builders that pick the twin for resource variables.

    `args` are the dense op's input names in TF's order; the sparse op takes `grad` (for a
    dense `delta` too) followed by `indices`. With `resource_only` (ops TF has only as
    `Resource...`, e.g. Keras' `ResourceApplyKerasMomentum`) no ref op is registered and the
    builders make the resource op. `sparse_rule` is the sparse op's rule where TF's sparse
    kernel computes in another order than its dense one (the row by row kernels). `types`
    gives inputs of a fixed type (AdagradDA's int64 `global_step`).
    """
    attrs = {"use_locking": False, **(attrs or {})}
    types = {"indices": INDEX, **(types or {})}
    built = []
    kinds = [(dense, list(args), False)]
    if sparse:
        names = ["grad" if a == "delta" else a for a in args]
        names.insert(names.index("grad") + 1, "indices")
        kinds.append((sparse, names, True))
    for op_type, names, is_sparse in kinds:
        make = _sparse_kernel if is_sparse else _dense_kernel
        rule_of_kind = (sparse_rule or rule) if is_sparse else rule
        RULES[op_type] = RULES["Resource" + op_type] = Rule(
            names, tuple(refs), _dense_rule(rule_of_kind, args, names), is_sparse, attrs)
        kernel = _signed(make(names, refs, _dense_rule(rule_of_kind, args, names)), names, attrs)
        kernel.__name__ = op_type
        twin = _signed(make(names, refs, _dense_rule(rule_of_kind, args, names)), names, attrs)
        twin.__name__ = "Resource" + op_type
        resource_builder = op("Resource" + op_type, infer=_resource_spec(names, refs, is_sparse),
                              types=dict(types, **{r: ANY for r in refs}), context=True,
                              stateful=True)(twin)
        if resource_only:
            built.append(_dispatching(resource_builder, resource_builder, names, refs))
            continue
        ref_builder = op(op_type, infer=_spec(names, refs, is_sparse), refs=tuple(refs),
                         types=types, context=True, stateful=True)(kernel)
        built.append(_dispatching(ref_builder, resource_builder, names, refs))
    return built if sparse else built[0]


def _dense_rule(rule, args, names):
    """The rule called with the dense op's argument names (`delta` where the dense op has it)."""
    if "delta" not in args or "delta" in names:
        return rule

    def renamed(grad, **kw):
        return rule(delta=grad, **kw)

    return renamed
