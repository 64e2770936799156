"""Variable state ops (VariableV2, Assign, Scatter*, ...) and TF's `tf.assign` family, `tf.group`.

Ops that take a variable by reference are colocated with it (`_class: loc:@v`), as TF's
op_def_library does for every ref input; their shape checks raise TF's exact messages.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape, as_shape, dims_str, unknown_shape
from scopeflow.core.tensor import Operation, Tensor, is_tensor
from scopeflow.errors import InvalidArgumentError, OutOfRangeError
from scopeflow.ops import registry
from scopeflow.ops.array_base import dims_text
from scopeflow.ops.padded_rows import input_padded
from scopeflow.ops.registry import INDEX, op
from scopeflow.ops.value_checks import check_indices, first_bad


# ---- registered ops ----------------------------------------------------------------------
def _variable_spec(*, shape, dtype, container="", shared_name=""):
    return as_shape(shape) if shape is not None else unknown_shape(), dtype._as_ref


@op("VariableV2", infer=_variable_spec, context=True, stateful=True)
def _variable_v2(ctx, *, shape, dtype, container="", shared_name=""):
    return ctx.var_ref()


def _value_spec(ref, value, **attrs):
    return value.shape, ref.dtype.base_dtype._as_ref


def _merged_spec(ref, value, **attrs):
    return ref.shape.merge_with(value.shape), ref.dtype.base_dtype._as_ref


def _ref_spec(ref, *rest, **attrs):
    return ref.shape, ref.dtype.base_dtype._as_ref


@op("Assign", infer=_value_spec, refs=("ref",), context=True, stateful=True)
def _assign(ctx, ref, value, *, validate_shape=True, use_locking=True):
    old = ctx.shape_of(ref) if validate_shape else None
    if validate_shape and old is None:  # uninitialized: TF's variable holds its declared shape
        declared = ref.op._attrs.get("shape")
        if declared is not None and declared.is_fully_defined():
            old = tuple(declared.as_list())
    if old is not None and old != tuple(np.shape(value)):
        ctx.check(False, InvalidArgumentError, "Assign requires shapes of both tensors to match. "
                  "lhs shape= %s rhs shape= %s" % (dims_text(old), dims_text(np.shape(value))))
    return ctx.write(ref, value)


def _update(ctx, ref, value, step):
    """AssignAdd / AssignSub: TF's kernel takes no broadcast (a fed scalar or a [3] value for a
    [1, 3] variable fails, where adding them silently broadcast)."""
    old = ctx.read(ref)
    if np.shape(old) != np.shape(value):
        ctx.check(False, InvalidArgumentError, "Parameters and update must be the same size")
        return ctx.write(ref, old)
    return ctx.write(ref, ctx.guarded(lambda: [step(old, value)], [old])[0], guarded=True)


@op("AssignAdd", infer=_merged_spec, refs=("ref",), context=True, stateful=True)
def _assign_add(ctx, ref, value, *, use_locking=False):
    return _update(ctx, ref, value, lambda a, b: a + b)


@op("AssignSub", infer=_merged_spec, refs=("ref",), context=True, stateful=True)
def _assign_sub(ctx, ref, value, *, use_locking=False):
    return _update(ctx, ref, value, lambda a, b: a - b)


_SCATTER_KERNELS = {
    "ScatterUpdate": lambda at, updates, **kw: at.set(updates, **kw),
    "ScatterAdd": lambda at, updates, **kw: at.add(updates, **kw),
    "ScatterSub": lambda at, updates, **kw: at.add(-updates, **kw),
    "ScatterMul": lambda at, updates, **kw: at.multiply(updates, **kw),
    "ScatterDiv": lambda at, updates, **kw: at.divide(updates, **kw),
    "ScatterMax": lambda at, updates, **kw: at.max(updates, **kw),
    "ScatterMin": lambda at, updates, **kw: at.min(updates, **kw),
}


def _scatter_op(op_type):
    update = _SCATTER_KERNELS[op_type]

    def kernel(ctx, ref, indices, updates, *, use_locking=False, Tindices=None):  # noqa: N803
        value = ctx.read(ref)
        return ctx.write(ref, _scatter_checked(ctx, value, indices, updates, update),
                         guarded=True)

    kernel.__name__ = op_type
    return op(op_type, infer=_ref_spec, refs=("ref",), types={"indices": INDEX}, context=True,
              stateful=True)(kernel)


def _scatter_checked(ctx, params, indices, updates, update, resource=False):
    """TF's ScatterUpdateOp: updates' shape, then each index in [0, params.shape[0]) in order;
    updates before the first bad index are applied (TF's CPU loop stops there), and none when
    a check before this op failed. The resource ops' kernel, after the rank, checks that
    indices' shape leads updates' in its own words."""
    p, i, u = (tuple(np.shape(x)) for x in (params, indices, updates))
    if resource and u and len(u) == len(i) + len(p) - 1 and u[:len(i)] != i:
        ctx.check(False, InvalidArgumentError, "The shape of indices (%s) must be a prefix of "
                  "the shape of updates (%s)" % (dims_text(i), dims_text(u)))
    elif u and u != i + p[1:]:  # (TF's resource kernel writes such rows partly: its UB)
        ctx.check(False, InvalidArgumentError, "Must have updates.shape = indices.shape + "
                  "params.shape[1:] or updates.shape = [], got updates.shape %s, indices.shape "
                  "%s, params.shape %s" % (dims_text(u), dims_text(i), dims_text(p)))
    if not p:
        return update(params.at[indices], updates)
    n, size = p[0], int(np.prod(i))
    before = ctx.checks_ok()
    flat = jnp.reshape(indices, (-1,))
    # a partitioned lookup's gradient names its padding rows -1: no rows, skipped
    padded = input_padded(ctx, 1)
    pad = flat < 0 if padded else jnp.zeros(flat.shape, bool)
    if size:
        ok, first = first_bad(((flat < 0) | (flat >= n)) & ~pad)
        keep = jnp.arange(size) < jnp.where(ok, size, first)
        if before is not None:
            keep = keep & before
        flat = jnp.where(keep & ~pad, flat, n)  # n: out of bounds, dropped
    out = update(params.at[jnp.reshape(flat, i)], updates, mode="drop")
    check_indices(ctx, jnp.where(jnp.reshape(pad, i), 0, indices) if padded else indices, n)
    return out


_SCATTER = {op_type: _scatter_op(op_type) for op_type in _SCATTER_KERNELS}


@op("IsVariableInitialized", infer=lambda ref, *, dtype: (TensorShape._of(()), _dt.bool),
    refs=("ref",), context=True, stateful=True)
def _is_variable_initialized(ctx, ref, *, dtype):
    return jnp.asarray(ctx.is_initialized(ref))


@op("CountUpTo", infer=lambda ref, *, limit: (ref.shape, ref.dtype.base_dtype), refs=("ref",),
    context=True, stateful=True)
def _count_up_to(ctx, ref, *, limit):
    value = ctx.read(ref)
    below = value < limit
    ctx.check(below, OutOfRangeError, "Reached limit of %d" % limit)
    ctx.write(ref, jnp.where(below, value + 1, value))
    return value


@op("NoOp", infer=list, stateful=True)
def _no_op():
    return None


# ---- building ops over a variable reference ----------------------------------------------
def _ref_tensor(ref):
    return ref if isinstance(ref, Tensor) else ref._ref()


def _is_ref(ref):
    return getattr(getattr(ref, "dtype", None), "_is_ref_dtype", False)


def _ref_op(builder, ref, inputs, attrs, name, check=None):
    """Adds a ref-taking op colocated with the variable; `check` raises TF's shape errors."""
    rec = builder.op_def
    ref_t = _ref_tensor(ref)
    g = registry._graph_of([ref_t, *inputs])
    full = g._op_scope(name)
    tensors = registry._convert_inputs(g, rec, [ref_t, *inputs], full)
    if ref_t._op._graph is not g and getattr(g, "captures_outer", False):
        # a function captures the variable's value, never its ref (TF's op_def_library)
        types = [t.dtype for t in tensors]
        raise TypeError("In op '%s', input types (%s) are not compatible with expected types "
                        "(%s)" % (rec.type, _types_text([types[0].base_dtype] + types[1:]),
                                  _types_text(types)))
    if "Tindices" in attrs:
        attrs["Tindices"] = tensors[1].dtype.base_dtype
    if check is not None:
        msg = check(*(t.shape._dims for t in tensors))
        if msg:
            raise ValueError(registry.shape_error_text(g, msg, full, rec.type, tensors, attrs))
    return colocated(g, ref_t.op, registry.finish, g, rec, full, tensors, attrs)


def _types_text(types):
    return "[%s]" % ", ".join("tf." + t.name for t in types)


def colocated(g, op, build, *args, **kwargs):
    """`build(...)` under `g.colocate_with(op)` (the frame is set directly: it is hot)."""
    f = g._frame()
    old_c, old_d = f.colocate, f.devices
    f.colocate = old_c + [(list(old_c[-1]) if old_c else []) + [op]]
    f.devices = old_d + [None]  # colocation overrides device scopes
    try:
        return build(*args, **kwargs)
    finally:
        f.colocate, f.devices = old_c, old_d


def merge_error(a, b):
    """TF's shape-merge failure text for dims tuples `a`, `b` (None when they merge)."""
    if a is None or b is None:
        return None
    if len(a) != len(b):
        return "Shapes must be equal rank, but are %d and %d" % (len(a), len(b))
    for i, (x, y) in enumerate(zip(a, b)):
        if x is not None and y is not None and x != y:
            return ("Dimension %d in both shapes must be equal, but are %d and %d. Shapes are %s "
                    "and %s." % (i, x, y, dims_str(a), dims_str(b)))
    return None


def _scatter_check(ref, indices, updates):
    if updates == ():
        return None
    if ref is not None and not ref:
        return "Shape must be at least rank 1 but is rank 0"
    want = None if ref is None or indices is None else indices + ref[1:]
    return merge_error(updates, want)


# ---- public functions ----------------------------------------------------------------------
def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """`tf.assign`: an `Assign` op that stores `value` in the variable `ref`.

    >>> import scopeflow as tf
    >>> tf.assign(tf.Variable([1.0, 2.0], name="v"), [3.0, 4.0]).name
    'Assign:0'
    """
    if not _is_ref(ref):
        return ref.assign(value, name=name)
    validate = validate_shape is not False
    attrs = {"validate_shape": validate, "use_locking": use_locking is not False}
    check = (lambda r, v: merge_error(r, v)) if validate else None
    return _ref_op(_assign, ref, (value,), attrs, name or "Assign", check)


def assign_add(ref, value, use_locking=None, name=None):
    """`tf.assign_add`: adds `value` to the variable `ref`; returns the new value (a ref).

    >>> import scopeflow as tf
    >>> tf.assign_add(tf.Variable(1.0, name="v"), 2.0).name
    'AssignAdd:0'
    """
    if not _is_ref(ref):  # TF drops the name here: the op is `AssignAddVariableOp`
        return ref.assign_add(value)
    return _ref_op(_assign_add, ref, (value,), {"use_locking": bool(use_locking)},
                   name or "AssignAdd", merge_error)


def assign_sub(ref, value, use_locking=None, name=None):
    """`tf.assign_sub`: subtracts `value` from the variable `ref`."""
    if not _is_ref(ref):  # TF drops the name here: the op is `AssignSubVariableOp`
        return ref.assign_sub(value)
    return _ref_op(_assign_sub, ref, (value,), {"use_locking": bool(use_locking)},
                   name or "AssignSub", merge_error)


def _public_scatter(op_type, locking):
    def scatter(ref, indices, updates, use_locking=locking, name=None):
        if not _is_ref(ref) and hasattr(ref, "_scatter_op"):  # a resource variable
            return ref._lazy_read(ref._scatter_op(op_type[7:], indices, updates, name))
        attrs = {"use_locking": bool(use_locking), "Tindices": None}
        return _ref_op(_SCATTER[op_type], ref, (indices, updates), attrs, name or op_type,
                       _scatter_check)

    scatter.__name__ = "scatter_" + op_type[7:].lower()
    scatter.__doc__ = "`tf.%s`: sparse update of rows `indices` of the variable `ref`." % (
        scatter.__name__)
    return scatter


scatter_update = _public_scatter("ScatterUpdate", True)
scatter_add = _public_scatter("ScatterAdd", False)
scatter_sub = _public_scatter("ScatterSub", False)
scatter_mul = _public_scatter("ScatterMul", False)
scatter_div = _public_scatter("ScatterDiv", False)
scatter_max = _public_scatter("ScatterMax", False)
scatter_min = _public_scatter("ScatterMin", False)


def is_variable_initialized(ref, name=None):
    """`tf.is_variable_initialized`: a bool scalar, true once `ref` holds a value.

    >>> import scopeflow as tf
    >>> tf.is_variable_initialized(tf.Variable(1.0)).dtype
    tf.bool
    """
    if not _is_ref(ref):
        return ref.is_initialized(name=name)
    attrs = {"dtype": ref.dtype.base_dtype}
    return _ref_op(_is_variable_initialized, ref, (), attrs, name or "IsVariableInitialized")


def count_up_to(ref, limit, name=None):
    """`tf.count_up_to`: increments `ref` until `limit`, then raises OutOfRangeError.

    >>> import scopeflow as tf
    >>> tf.count_up_to(tf.Variable(0, name="c"), 3).name
    'CountUpTo:0'
    """
    if not _is_ref(ref) and hasattr(ref, "count_up_to"):
        return ref.count_up_to(limit)
    return _ref_op(_count_up_to, ref, (), {"limit": int(limit)}, name or "CountUpTo")


def no_op(name=None):
    """`tf.no_op`: an op that does nothing (a target for control edges).

    >>> import scopeflow as tf
    >>> tf.no_op().type
    'NoOp'
    """
    return _no_op(name=name or "NoOp")


# ---- group / tuple -------------------------------------------------------------------------
def _scope(name, default_name, values):
    from scopeflow.core.contexts import name_scope
    return name_scope(name, default_name, values)


def _flatten(x, out):
    if isinstance(x, (list, tuple)):
        for y in x:
            _flatten(y, out)
    elif isinstance(x, dict):
        for k in sorted(x):
            _flatten(x[k], out)
    else:
        out.append(x)
    return out


def _group_deps(dev, deps, name=None):
    g = default_graph()
    with g.control_dependencies(deps), g.device(dev):
        return no_op(name=name)


def group(*inputs, **kwargs):
    """`tf.group`: one NoOp (`group_deps`) that runs after all of `inputs`.

    >>> import scopeflow as tf
    >>> tf.group(tf.no_op(), tf.no_op()).name
    'group_deps'
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError("Unknown keyword arguments: " + ", ".join(kwargs.keys()))
    with _scope(name, "group_deps", inputs) as name:
        if not inputs:
            return no_op(name=name)
        by_device = {}
        for inp in _flatten(inputs, []):
            if not hasattr(inp, "device"):
                raise TypeError("'inputs' should be zero or more (nested) Tensors. Received '%s' "
                                "with type '%s'." % (inp, type(inp)))
            by_device.setdefault(inp.device, []).append(inp)
        if len(by_device) == 1:
            (dev, deps), = by_device.items()
            return _group_deps(dev, deps, name=name)
        deps = [_group_deps(dev, by_device[dev])
                for dev in sorted(by_device, key=lambda d: d or "")]
        with default_graph().control_dependencies(deps):
            return no_op(name=name)


def with_dependencies(dependencies, output_tensor, name=None):
    """`output_tensor` behind control edges from `dependencies` (TF's `with_dependencies`)."""
    from scopeflow.indexed_slices import IndexedSlices
    from scopeflow.ops.array import identity
    from scopeflow.ops.constant import convert_to_tensor
    with _scope(name, "control_dependency", list(dependencies) + [output_tensor]) as name:
        g = default_graph()
        where = output_tensor
        if not (isinstance(where, (Operation, IndexedSlices)) or is_tensor(where)
                or hasattr(where, "_as_graph_element")):  # a Python value, as TF: a Const of
            where = convert_to_tensor(where)  # its own to colocate with, then the value's
        with g.colocate_with(where), g.control_dependencies(dependencies):
            if isinstance(output_tensor, IndexedSlices):  # its values behind the edges
                return IndexedSlices(identity(output_tensor.values, name=name),
                                     output_tensor.indices, output_tensor.dense_shape)
            return identity(convert_to_tensor(output_tensor), name=name)


def tuple_(tensors, name=None, control_inputs=None):
    """`tf.tuple`: the tensors, each gated to be available only after all of them are.

    >>> import scopeflow as tf
    >>> tf.tuple([tf.constant(1.0)])[0].name
    'tuple/control_dependency:0'
    """
    from scopeflow.indexed_slices import IndexedSlices
    from scopeflow.ops.constant import convert_to_tensor
    with _scope(name, "tuple", tensors) as name:
        tensors = [t if isinstance(t, (Operation, IndexedSlices)) or is_tensor(t) or t is None
                   else convert_to_tensor(t) for t in tensors]
        gating = [t if isinstance(t, Operation) else t.op for t in tensors if t is not None]
        for c in control_inputs or ():
            if isinstance(c, Tensor):
                c = c.op
            elif not isinstance(c, Operation):
                raise TypeError("'control_inputs' must only contain Operation or Tensor. "
                                "Received: %s" % type(c))
            gating.append(c)
        gating = sorted(set(gating), key=lambda o: o._id)
        if not gating:
            raise ValueError("'tensors' must have at least one Tensor. Received: %s." % tensors)
        gate = group(*gating)
        out = []
        for t in tensors:
            if isinstance(t, Operation):
                with default_graph().control_dependencies([gate]):
                    out.append(group(t))
            else:
                out.append(None if t is None else with_dependencies([gate], t))
        return out
