"""`tf.gradients` and `tf.hessians`: one op whose kernel is `jax.vjp` over the forward slice.

TF adds one gradient function per forward op. Here the slice between `xs` and `ys` is found at
graph time with TF's rules (a gradient travels along float edges only; non-differentiable ops,
`stop_gradients` and `xs` that nothing upstream reaches cut it; an x it never reaches gets
None), and one `SymbolicGradient` op computes every requested gradient at run time with
`jax.vjp` over that slice. Identity ops give the results TF's names
(`gradients/MatMul_grad/MatMul_1:0`, see gradient_names.py). Values the slice reads from
outside (labels, other weights, dropout masks) are inputs of the op, so the forward pass runs
once and the gradient sees the same random draws.
"""

import enum
import functools
import inspect
import itertools

import jax
import jax.numpy as jnp

from scopeflow.core.graph import graph_from_inputs
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Tensor
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.gradients import graph
from scopeflow.gradients import registry as _registry
from scopeflow.gradients.names import Namer
from scopeflow.gradients.plan import NO_GRADIENT, NOT_DIFFERENTIABLE, captured, plan
from scopeflow.lowering.slice import data_inputs
from scopeflow.gradients.sparse import slices, sparse_xs
from scopeflow.ops import registry
from scopeflow.ops.registry import ANY

__all__ = ["AggregationMethod", "NotDifferentiable", "RegisterGradient", "UnconnectedGradients",
           "custom_gradient", "gradients", "hessians", "no_gradient"]


class UnconnectedGradients(enum.Enum):
    """What `tf.gradients` returns for an x that `ys` do not depend on."""

    NONE = "none"
    ZERO = "zero"


class AggregationMethod:
    """Ways to sum gradients that reach a tensor along several edges (all exact here)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


# ---- the op ---------------------------------------------------------------------------------
def _grad_specs(xs, grad_ys, side, *, plan=None, jacobian=False, f=None):
    if plan is None:  # TF's form: the gradient of a call of function `f`, one per input
        return [_value_spec(x) for x in xs]
    if jacobian:
        y, x = plan.ys[0], plan.xs[0]
        dims = None if y._shape._dims is None or x._shape._dims is None else \
            y._shape._dims + x._shape._dims
        return [(TensorShape._of(dims), x._dtype.base_dtype)]
    return [_value_spec(x) for x in plan.xs]


def _value_spec(x):
    """The gradient's (shape, dtype) for x; a resource handle's are its variable's."""
    if x._dtype._enum == 20:  # DT_RESOURCE (through Enter ops, out of function graphs)
        from scopeflow.ops.resource_ops import variable_behind
        var = variable_behind(x)
        attrs = var._attrs if var is not None else {}
        if "dtype" in attrs and "shape" in attrs:
            return attrs["shape"], attrs["dtype"]
    return x._shape, x._dtype.base_dtype


@registry.op("SymbolicGradient", infer=_grad_specs, lists=("xs", "grad_ys", "side"),
             types={"xs": ANY, "grad_ys": ANY, "side": ANY}, context=True, multi=True)
def _symbolic_gradient(ctx, xs, grad_ys, side, *, plan=None, jacobian=False, f=None):
    """Every gradient of `plan` in one `jax.vjp` per group of xs (jacobian: `jax.jacrev`);
    without a plan, the gradient of a call of traced function `f` (ops/function_call.py)."""
    from scopeflow.lowering.context import VarRef
    if plan is None:
        from scopeflow.ops.function_call import function_vjp
        return function_vjp(ctx, f, xs, grad_ys)
    me = ctx.op
    n_checks = len(ctx.checks)
    # a resource handle x stands for its variable's value (TF's ReadVariableOp gradient)
    xs = [ctx.read(x) if isinstance(x, VarRef) else x for x in xs]
    base = dict(zip(plan.side, side))
    base.update(zip(plan.xs, xs))
    out = [None] * len(plan.xs)
    saved_known = getattr(ctx, "host_values", None)
    ctx.host_values = base  # host ops re-run on traced inputs take their output sizes here
    ctx.replay += 1  # (a TensorArray's reads are not reads a second time: tensor_array_ops)
    try:
        for group in plan.groups:
            f = _group_function(ctx, plan, group, base)
            primals = [xs[i] for i in group.members]
            if jacobian:
                out[group.members[0]] = jax.jacrev(lambda x, f=f: f(x)[0])(*primals)
                continue
            ys, pull = jax.vjp(f, *primals)
            cts = [_cotangent(y, grad_ys[k] if grad_ys else None) for k, y in enumerate(ys)]
            for i, g in zip(group.members, pull(cts)):
                out[i] = g
    finally:
        ctx.op = me
        ctx.replay -= 1
        ctx.host_values = saved_known
        del ctx.checks[n_checks:]  # the forward pass already asserts what the slice asserts
    return out if len(out) > 1 else out[0]


def _cotangent(y, given):
    y = jnp.asarray(y)
    if given is None:
        return jnp.ones_like(y)
    return jnp.broadcast_to(jnp.asarray(given, dtype=y.dtype), y.shape)


def _group_function(ctx, plan, group, base):
    """f(*cut values) -> values of plan.ys, running the group's ops on `base` + the cut."""
    from scopeflow.lowering.context import VarRef
    from scopeflow.lowering.lower import execute
    from scopeflow.lowering.slice import is_handle, variable_of

    cut = [plan.xs[i] for i in group.members]

    def f(*values):
        # (a gradient re-run by an outer one's keeps none: their derivatives are the outer's)
        env = _Pinned(base, getattr(ctx, "program_env", None) if ctx.replay == 1 else None)
        saved = dict(ctx.overrides)
        for t, v in zip(cut, values):
            var = variable_of(t) if is_handle(t) else None
            env[t] = v
            if var is not None and t._op is var:  # reads of the variable see the cut value
                ctx.overrides[var] = v
                env[t] = ctx.ref_for(var)
        try:
            _execute_with_host_ops(ctx, group.order, env, execute)
            return [ctx.read(env[y]) if isinstance(env[y], VarRef) else env[y]
                    for y in plan.ys]
        finally:
            ctx.overrides.clear()
            ctx.overrides.update(saved)

    return f


def _alias_captures(op, env):
    """Values for the Switch / Enter outputs `op` reads where tf.gradients was called inside a
    cond or loop about values from outside it (TF: `x * x` in a branch reads x through the
    branch's Switch): the value the capture passes on, and so its derivative."""
    for t in data_inputs(op):
        src = captured(t)
        if src is not t and t not in env and src in env:
            env[t] = env[src]


@jax.custom_jvp
def _pin(recomputed, known):
    return known


@_pin.defjvp
def _pin_jvp(primals, tangents):
    return primals[1], tangents[0]


class _Pinned(dict):
    """The env of a gradient's re-run: an op output the run has already computed (`known`:
    the program's values, fed from an earlier step or computed by the forward pass) keeps that
    value, its derivative still the re-run's. A re-run may round differently (another fusion,
    another step of a host split); TF's gradient reads the forward values themselves, and a
    mask computed from them must meet the same values (sqrt at an exact 0)."""

    def __init__(self, base, known):
        super().__init__(base)
        self._known = known or {}

    def __setitem__(self, t, v):
        k = self._known.get(t) if isinstance(v, jax.core.Tracer) else None
        if (k is not None and k is not v and getattr(k, "shape", None) == v.shape
                and getattr(k, "dtype", None) == v.dtype
                and jnp.issubdtype(v.dtype, jnp.inexact)):
            v = _pin(v, k)
        super().__setitem__(t, v)


# Host ops that pass their first input on (tf.Print): a gradient's re-run passes it on too.
_PASS_THROUGH = frozenset({"Print"})


def _execute_with_host_ops(ctx, order, env, execute):
    """`execute`, except that host ops (DynamicPartition, SparseToDense, ...) run their compiled
    kernel: re-run inside jax.vjp, they take their output sizes from the host step's outputs
    (side inputs of this op, `ctx.host_values`; ops/dynamic_shape.py)."""
    from scopeflow.lowering.lower import _call, _gather, _store
    from scopeflow.lowering.stages import HOST_KERNELS
    from scopeflow.ops.registry import lookup
    start = 0
    for i, op in enumerate(order):
        if op._type not in HOST_KERNELS and not any(captured(t) is not t
                                                    for t in data_inputs(op)):
            continue
        execute(ctx, order[start:i], env)
        _alias_captures(op, env)
        if op._type in _PASS_THROUGH:  # the forward run printed already
            env[op._outputs[0]] = env[op._inputs[0]]
        elif op._type in HOST_KERNELS:
            rec = lookup(op._type)
            ctx.op = op
            _store(ctx, op, _call(ctx, rec, op, _gather(ctx, op, rec, env)), env)
        else:
            execute(ctx, [op], env)
        start = i + 1
    execute(ctx, order[start:], env)


# ---- tf.gradients ---------------------------------------------------------------------------
def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _unconnected(value):
    try:
        return UnconnectedGradients(value)
    except ValueError:
        raise ValueError("Unknown value for unconnected_gradients: '%s'" % (value,)) from None


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients=UnconnectedGradients.NONE):
    """Symbolic derivatives of `sum(ys)` with respect to each x in `xs` (None if unconnected).

    >>> import scopeflow as tf
    >>> x = tf.constant(3.0)
    >>> tf.gradients(x * x, x)[0].name
    'gradients/AddN:0'
    """
    from scopeflow.core.contexts import name_scope
    ys, xs = _as_list(ys), _as_list(xs)
    stops = [] if stop_gradients is None else _as_list(stop_gradients)
    grad_ys = [None] * len(ys) if grad_ys is None else _as_list(grad_ys)
    unconnected = _unconnected(unconnected_gradients)
    xs = _captured_xs(ys, xs)
    g = graph_from_inputs(ys + xs + stops + [v for v in grad_ys if v is not None])
    with g.as_default():
        with name_scope(name, "gradients", ys + xs + stops) as scope:
            ys, xs = _convert(ys, xs, grad_ys)
            stop_ops = [t.op if isinstance(t, Tensor) else t for t in stops]
            how = _Naming(bool(gate_gradients), aggregation_method)
            _check_untrainable_ys(ys, xs, stop_ops)
            by_graph = graph.buildable(g, ys, xs, stop_ops)
            per_op = not by_graph and graph.buildable(g, ys, xs, stop_ops, per_op=True)
            if by_graph or per_op:  # TF's graph, op by op
                how.check()
                grad_ys = [_grad_y_checked(y, gy) for y, gy in zip(ys, grad_ys)]
                opts = graph.Options(bool(gate_gradients), aggregation_method,
                                     colocate_gradients_with_ops, per_op)
                out = graph.build(g, ys, xs, grad_ys, stop_ops, opts)
            else:
                grad_ys = [_grad_y(i, y, gy) for i, (y, gy) in enumerate(zip(ys, grad_ys))]
                out = _build(g, scope, ys, xs, grad_ys, stops, how)
        if unconnected is UnconnectedGradients.ZERO:
            out = [_zeros_like(x) if gx is None else gx for gx, x in zip(out, xs)]
    return out


def _check_untrainable_ys(ys, xs, stop_ops):
    """TF starts every y with a gradient of ones, whatever its dtype: a y of an integer or
    quantized dtype that an x reaches, made by an op TF has no gradient for (QuantizeV2's
    quint8 output), is TF's LookupError (other paths give such a y no gradient here)."""
    reached = None
    for y in ys:
        op = y._op
        if graph.trainable(y) or op._type not in NO_GRADIENT or op in stop_ops:
            continue
        if reached is None:
            reached = graph._reached([x._op for x in xs])
        if op in reached:
            raise LookupError(graph.NO_GRADIENT % (op._name, op._type))


def _captured_xs(ys, xs):
    """Inside a function graph (tf.function), an x of an enclosing graph is captured, and a
    resource variable stands for its handle, as TF's gradients do there."""
    g = next((y.graph for y in ys if isinstance(y, Tensor)), None)
    if not getattr(g, "captures_outer", False):
        return xs
    out = []
    for x in xs:
        handle = getattr(x, "handle", None)
        if isinstance(handle, Tensor) and handle.dtype.base_dtype.name == "resource":
            x = handle
        if isinstance(x, Tensor) and x.graph is not g:
            x = g.capture(x)
        out.append(x)
    return out


def _convert(ys, xs, grad_ys):
    from scopeflow.ops.constant import convert_to_tensor
    ys = [convert_to_tensor(y, name="y") for y in ys]
    xs = [convert_to_tensor(x, name="x", as_ref=True) for x in xs]
    if len(grad_ys) != len(ys):
        raise ValueError("Length mismatch. Passed %d grad_ys for %d ys" % (len(grad_ys), len(ys)))
    return ys, xs


def _grad_y(i, y, grad_y):
    from scopeflow.ops.array import identity
    grad_y = _grad_y_checked(y, grad_y)
    return None if grad_y is None else identity(grad_y, name="grad_ys_%d" % i)


def _grad_y_checked(y, grad_y):
    """`grad_y` converted and checked against y's dtype as TF does (None stays None)."""
    from scopeflow.ops.constant import convert_to_tensor
    if grad_y is None:
        if y.dtype.is_complex:
            raise TypeError("Gradients of complex tensors (%s) must set grad_ys (y.dtype = %s)"
                            % (y, y.dtype.base_dtype.name))
        return None
    if isinstance(grad_y, IndexedSlices):
        return grad_y
    grad_y = convert_to_tensor(grad_y, name="grad_y")
    def real(dt):
        return dt.is_floating or dt.is_integer

    if real(y.dtype) and not real(grad_y.dtype):
        raise TypeError("Gradient type %s generated for real or integer-valued tensor %s with "
                        "type %s must be real or integer" % (
                            grad_y.dtype.base_dtype.name, y, y.dtype.base_dtype.name))
    if y.dtype.is_complex and not grad_y.dtype.is_complex:
        raise TypeError("Gradient type %s generated for complex-valued tensor %s with type %s "
                        "must be real" % (grad_y.dtype.base_dtype.name, y,
                                          y.dtype.base_dtype.name))
    return grad_y


def _zeros_like(x):
    from scopeflow.ops.shape_ops import zeros_like
    return zeros_like(x)


class _Naming:
    """How results are named: gate_gradients (tuples) and the aggregation method (sums)."""

    def __init__(self, gate, aggregation_method):
        self.gate = gate
        self.method = aggregation_method

    def check(self):
        valid = [AggregationMethod.ADD_N, AggregationMethod.EXPERIMENTAL_TREE,
                 AggregationMethod.EXPERIMENTAL_ACCUMULATE_N]
        if self.method is not None and self.method not in valid:
            raise ValueError("Invalid `aggregation_method` specified %s. Accepted values are %s."
                             % (self.method, valid))

    tree = property(lambda self: self.method in (AggregationMethod.EXPERIMENTAL_TREE,
                                                 AggregationMethod.EXPERIMENTAL_ACCUMULATE_N))


def _build(g, scope, ys, xs, grad_ys, stops, how):
    """Adds the SymbolicGradient op and the named Identity ops; returns grads per x."""
    stop_ops = [t.op if isinstance(t, Tensor) else t for t in stops]
    _no_initial_loop_value(g, ys, xs)
    p = plan(ys, xs, stop_ops, how.gate)
    if p is None:
        return [None] * len(xs)
    if any(op._type == "SymbolicGradient" and _through_loop(op._attrs.get("plan"))
           for op in p.active):  # TF's first gradient is a backward loop: it refuses as here
        raise TypeError("Second-order gradient for while loops not supported.")
    for op in sorted(p.active, key=lambda o: o._id, reverse=True):
        if op._type in NO_GRADIENT and _custom_gradient_of(op) is None:
            raise LookupError(_NO_GRADIENT % (op._name, op._type))
        if op._type in _REFUSES and _custom_gradient_of(op) is None:
            _REFUSES[op._type](op)
    inner = _inside_constructs(p, xs)
    if inner:  # TF's gradient walks into conds and loops and meets it there
        raise LookupError(_NO_GRADIENT % (inner._name, inner._type))
    custom = [op for op in p.active if _custom_gradient_of(op) is not None]
    if custom:  # the chain rule around the last such op (see _through_custom)
        return _through_custom(g, scope, ys, xs, grad_ys, stop_ops, how,
                               max(custom, key=lambda o: o._id))
    how.check()  # TF validates the method as soon as one gradient is summed or passed on
    sparse = sparse_xs(p)
    if sparse:  # differentiate the gathered rows instead (TF's IndexedSlices)
        rows = [op._outputs[0] for ops in sparse.values() for op in ops]
        p = plan(ys, [x for x in p.xs if x not in sparse] + rows, stop_ops, how.gate)
    given = [gy for y, gy in zip(ys, grad_ys) if y in p.roots]
    if any(gy is not None for gy in given):
        given = [gy if gy is not None else _ones_like(y) for y, gy in zip(p.ys, given)]
    else:
        given = []
    outs = registry.finish(g, _symbolic_gradient.op_def, g._op_scope("SymbolicGradient"),
                           [list(p.xs), given, list(p.side)], {"plan": p})
    by_x = dict(zip(p.xs, outs))
    out = _name_outputs(g, scope, p, xs, by_x, how.tree)
    return [slices(g, scope, sparse[x], by_x) if x in sparse else gx for x, gx in zip(xs, out)]


def _no_initial_loop_value(g, ys, xs):
    """TF's ValueError for a gradient taken inside a loop body through a loop variable of
    that loop (its Switch) to an x: the variable's initial value is outside the body."""
    from scopeflow.gradients.plan import _between, _reached
    loop = g._frame().in_cf
    while loop is not None and not loop.is_loop:
        loop = loop.outer
    if loop is None:
        return
    from_ops = {x._op for x in xs}
    between = _between([y._op for y in ys], _reached(from_ops))
    for op in sorted(between, key=lambda o: o._id, reverse=True):
        if op._type in ("Switch", "RefSwitch") and op._ctx is loop:
            target, queue, seen = None, [op], set()
            while queue and target is None:
                cur = queue.pop(0)
                if cur in from_ops:
                    target = cur
                elif cur not in seen:
                    seen.add(cur)
                    queue.extend(t._op for t in cur._inputs)
            raise ValueError(
                "Cannot compute gradient inside while loop with respect to op '%s'. We do not "
                "support taking the gradient wrt or through the initial value of a loop "
                "variable. Gradients can be computed through loop invariants or wrt the input "
                "parameters to the loop body." % (target or op)._name)


def _inside_constructs(p, xs):
    """An op without a gradient inside a cond branch or loop body on the gradient's path (the
    plan sees a construct as its Merge / Exit ops), or None."""
    from scopeflow.gradients.plan import _reached
    queue = [t._op for op in p.active if op._cf is not None for t in op._inputs]
    if not queue:
        return None
    reached = _reached({x._op for x in xs})
    seen = set()
    found = []
    while queue:
        op = queue.pop()
        if op in reached and op not in seen:
            seen.add(op)
            if op._type in NO_GRADIENT and _custom_gradient_of(op) is None:
                found.append(op)
            queue.extend(t._op for t in op._inputs)
    return max(found, key=lambda o: o._id) if found else None


# ---- gradient functions given in Python (RegisterGradient + gradient_override_map) ----------
def _straight_through(op, *grads):
    """The "Identity" gradient: the first input receives the first output's gradient."""
    return [grads[0]] + [None] * (len(op._inputs) - 1)


def _custom_gradient_of(op):
    """The Python gradient function `gradient_override_map` gave `op`, or None."""
    mapped = op._graph._gradient_op_types.get(op)
    if mapped is None or mapped == op._type:
        return _defun_gradient(op)
    found = _registry.GRADIENTS.get(mapped)
    if found is not None and found.fn is not None:
        return found.fn
    if mapped == "Identity":
        return _straight_through
    raise LookupError((_NO_GRADIENT % (op._name, op._type)) + (
        "\ngradient_override_map gave it '%s', which is no registered gradient function: "
        "register one with @tf.RegisterGradient('%s')." % (mapped, mapped)))


def _defun_gradient(op):
    """A Defun call's python_grad_func / grad_func (ops/defun.py registers it), or None."""
    from scopeflow.ops.function_call import DEFINED, call_gradient
    if op._type not in DEFINED:
        return None
    found = _registry.GRADIENTS.get(op._type)
    if found is None or found.fn is call_gradient:
        return None  # (no Python gradient: JAX's gradient of the body)
    return found.fn


def _qr_refuses(op):
    """TF's QrGrad refuses a full Q of a tall matrix (it has no formula there)."""
    q, r = op._outputs
    rd, qd = r._shape._dims, q._shape._dims
    if rd is None or qd is None or rd[-2] is None or rd[-1] is None or rd[-2] <= rd[-1]:
        return
    if qd[-2] == qd[-1]:
        raise NotImplementedError(
            "QrGrad not implemented when nrows > ncols and full_matrices is true. Received "
            "r.shape=(%s) with nrows=%dand ncols=%d." % (
                ", ".join(map(str, rd)), rd[-2], rd[-1]))


# Ops whose TF gradient function raises for some of their attrs or shapes: fn(op) raises so.
_REFUSES = {"Qr": _qr_refuses}

_NO_GRADIENT = (
    "No gradient defined for operation'%s' (op type: %s). In general every operation must "
    "have an associated `@tf.RegisterGradient` for correct autodiff, which this op is "
    "lacking. If you want to pretend this operation is a constant in your program, you may "
    "insert `tf.stop_gradient`. This can be useful to silence the error in cases where you "
    "know gradients are not needed, e.g. the forward pass of tf.custom_gradient. Please see "
    "more details in https://www.tensorflow.org/api_docs/python/tf/custom_gradient.")


def _through_custom(g, scope, ys, xs, grad_ys, stop_ops, how, op):
    """Gradients when `op`'s gradient is a Python function: the paths that avoid `op`, plus
    the function's input gradients (given the gradients of `op`'s outputs) carried on to xs."""
    from scopeflow.core.contexts import name_scope
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.math_extra import add_n
    from scopeflow.ops.shape_ops import zeros_like
    rest = _build(g, scope, ys, xs, grad_ys, stop_ops + [op], how)
    outs = list(op._outputs)
    d_outs = _build(g, scope, ys, outs, grad_ys, stop_ops, how)
    if all(d is None for d in d_outs):
        return rest
    d_outs = [zeros_like(t) if d is None else d for t, d in zip(outs, d_outs)]
    with name_scope(scope), name_scope(op._name + "_grad"):
        d_ins = _custom_gradient_of(op)(op, *d_outs)
    d_ins = list(d_ins) if isinstance(d_ins, (list, tuple)) else [d_ins]
    if len(d_ins) != len(op._inputs):
        raise ValueError("Num gradients %d generated for op %s do not match num inputs %d"
                         % (len(d_ins), op.node_def, len(op._inputs)))
    pairs = []
    for i, (t, d) in enumerate(zip(op._inputs, d_ins)):
        if d is None:
            continue
        d = convert_to_tensor(d)
        try:
            d.set_shape(t.shape)
        except ValueError:
            raise ValueError("Incompatible shapes between op input and calculated input "
                             "gradient. Forward operation: %s. Input index: %d. Original input "
                             "shape: %s. Calculated input gradient shape: %s"
                             % (op._name, i, t.shape, d.shape)) from None
        pairs.append((t, d))
    if not pairs:
        return rest
    through = _build(g, scope, [t for t, _ in pairs], xs, [d for _, d in pairs],
                     stop_ops, how)
    out = []
    for a, b in zip(rest, through):
        if a is None or b is None:
            out.append(b if a is None else a)
        else:
            with name_scope(scope):
                out.append(add_n([a, b]))
    return out


def _through_loop(p):
    """Whether gradient plan `p` passes through a while loop (or a gradient that does)."""
    from scopeflow.gradients.loop_state import is_loop_exit
    if p is None:  # (a function call's gradient: its loops are its own)
        return False
    return any(is_loop_exit(op) or (op._type == "SymbolicGradient"
                                    and _through_loop(op._attrs.get("plan"))) for op in p.active)


def _ones_like(y):
    from scopeflow.ops.shape_ops import ones_like
    return ones_like(y)


def _name_outputs(g, scope, p, xs, by_x, tree):
    """Identity ops under TF's names for each connected x (one tensor per distinct name)."""
    from scopeflow.ops.array import identity
    namer = Namer(p.uses, p.roots, p.gate, tree)
    named = {}
    for x in dict.fromkeys(xs):
        if x in by_x:
            named[x] = namer.name(x) or ((x,), (), "SymbolicGradient", 0)
    made, scopes = {}, {}
    for x in sorted(named, key=lambda t: -named[t][3]):  # TF's backward order
        key, parts, leaf, _ = named[x]
        if key not in made:
            with g.name_scope(_scope_of(g, scope, parts, scopes)):
                made[key] = identity(by_x[x], name=leaf)
    return [made[named[x][0]] if x in named else None for x in xs]


def _scope_of(g, scope, parts, scopes):
    """'gradients/<op>_grad/' made once per op (later uses re-enter it, as TF's one scope)."""
    path = scope
    for part in parts:
        key = (path, part)
        if key not in scopes:
            with g.name_scope(path), g.name_scope(part) as s:
                scopes[key] = s
        path = scopes[key]
    return path


# ---- tf.hessians ----------------------------------------------------------------------------
def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False, gate_gradients=False,
             aggregation_method=None):
    """The Hessian of `sum(ys)` with respect to each x, shaped `x.shape + x.shape`.

    >>> import scopeflow as tf
    >>> x = tf.constant([1.0, 2.0])
    >>> tf.hessians(tf.reduce_sum(x * x * x), x)[0].shape.as_list()
    [2, 2]
    """
    from scopeflow.ops.array import reshape
    from scopeflow.ops.constant import convert_to_tensor
    xs = [convert_to_tensor(x, as_ref=True) for x in _as_list(xs)]
    out = []
    for gx, x in zip(gradients(ys, xs, gate_gradients=gate_gradients), xs):
        _no_loop_hessian(ys, x)
        flat = reshape(gx, [-1])
        out.append(reshape(_jacobian(flat, x), _double_shape(x)))
    return out


def _no_loop_hessian(ys, x):
    """TF builds a Hessian with a while loop over the gradient's elements; a gradient that
    is itself a loop cannot be differentiated in it: TF's ValueError (naming that loop)."""
    from scopeflow.ops.constant import convert_to_tensor
    ys = [convert_to_tensor(y) for y in _as_list(ys)]
    p = plan(ys, [x], [], False)
    if p is not None and _through_loop(p):
        count = "%s/gradients/f_count" % x.graph.unique_name("while", mark_as_used=False)
        raise ValueError("Cannot use '%s' as input to '%s_1' because they are in different "
                         "while loops. See info log for more details." % (count, count))


def _jacobian(flat, x):
    """d flat / d x, shaped flat.shape + x.shape (zeros where flat does not depend on x)."""
    g = flat.graph
    p = plan([flat], [x], [], False)
    if p is None:
        from scopeflow.ops.shape_ops import zeros
        return zeros(flat.shape.concatenate(x.shape), dtype=x.dtype.base_dtype)
    return registry.finish(g, _symbolic_gradient.op_def, g._op_scope("hessians"),
                           [[x], [], list(p.side)], {"plan": p, "jacobian": True})[0]


def _double_shape(x):
    dims = x.shape._dims
    if dims is not None and None not in dims:
        return list(dims) * 2
    from scopeflow.ops.joining import concat
    from scopeflow.ops.shape_ops import shape
    s = shape(x)
    return concat([s, s], 0)


# ---- registration API -----------------------------------------------------------------------
class RegisterGradient:
    """`@tf.RegisterGradient("Name")`: a gradient function `f(op, *output_grads)` under `Name`,
    for the ops of type `Name` or those that `gradient_override_map({"OpType": "Name"})` covers.

    Built-in gradients live in the same table (registry.py): registering "MatMul" again is
    TF's KeyError.
    """

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f):
        _registry.register(self._op_type, f)
        return f


def NotDifferentiable(op_type):
    """`tf.NotDifferentiable("Op")`: gradients do not flow through ops of this type."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    NOT_DIFFERENTIABLE.add(op_type)


no_gradient = NotDifferentiable


# ---- tf.custom_gradient ---------------------------------------------------------------------
_custom_ids = itertools.count(1)


def custom_gradient(f=None):
    """`@tf.custom_gradient`: `f(*xs)` returns `(y, grad_fn)`; gradients through `y` are
    `grad_fn(*dys)`, not those of the ops inside `f`.

    As TF does in a graph, `y` and the xs pass through one IdentityN op whose gradient is
    registered as `CustomGradient-N` and named by `gradient_override_map`.

    >>> import scopeflow as tf
    >>> @tf.custom_gradient
    ... def clipped(x):
    ...     return tf.identity(x), lambda dy: tf.clip_by_value(dy, -1.0, 1.0)
    >>> with tf.Graph().as_default():
    ...     x = tf.constant(3.0)
    ...     with tf.Session() as sess:
    ...         print(sess.run(tf.gradients(clipped(x) * 5.0, x)[0]))
    1.0
    """
    if f is None:
        return custom_gradient
    return _CustomGradient(f)


class _CustomGradient:
    """A function decorated by `custom_gradient`; on a class, a method (self is not an input
    of the gradient, as TF's decorator binds it first)."""

    def __init__(self, f):
        self._f = f
        functools.update_wrapper(self, f)

    def __call__(self, *args, **kwargs):
        return _custom_gradient_call(self._f, args, kwargs)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return _CustomGradient(self._f.__get__(instance, owner))


def _custom_gradient_call(f, args, kwargs):
    from scopeflow.core.frame import default_graph
    from scopeflow.ops import nest
    from scopeflow.ops.array import identity_n
    from scopeflow.ops.constant import convert_to_tensor
    name = "CustomGradient-%d" % next(_custom_ids)
    args = [convert_to_tensor(x) for x in args]
    before = _scope_variables()
    result, grad_fn = f(*args, **kwargs)
    if any(not _is_resource(v) for v in _scope_variables() - before):
        raise TypeError("All variables used by a function wrapped with @custom_gradient must be "
                        "`ResourceVariable`s. Ensure that no `variable_scope` is created with "
                        "`use_resource=False`.")
    flat = [convert_to_tensor(t) for t in nest.flatten(result)]
    n = len(flat)
    variables = _variables_between(args, flat)
    spec = inspect.getfullargspec(grad_fn)
    takes_variables = ("variables" in spec.args or "variables" in spec.kwonlyargs
                       or spec.varkw is not None)
    if variables and not takes_variables:
        raise TypeError("@tf.custom_gradient grad_fn must accept keyword argument 'variables', "
                        "since function uses variables: {}".format(variables))

    def internal_grad_fn(unused_op, *result_grads):
        if variables:
            grads, variable_grads = grad_fn(*result_grads[:n], variables=variables)
            if len(variable_grads) != len(variables):
                raise ValueError("Must return gradient for each variable from @custom_gradient "
                                 "grad_fn.")
        else:
            grads, variable_grads = grad_fn(*result_grads[:n]), []
        # flattened as TF does (a grad_fn may return nested lists); a wrong count meets TF's
        # "Num gradients ... do not match num inputs" check
        grads = nest.flatten(grads)
        return [None] * n + grads + list(variable_grads)

    RegisterGradient(name)(internal_grad_fn)
    with default_graph().gradient_override_map({"IdentityN": name}):
        passed = identity_n(flat + args + variables)
    return nest.pack_sequence_as(result, passed[:n])


def _scope_variables():
    """The global and local variables of the current variable scope."""
    from scopeflow.core.scopes import get_variable_scope
    vs = get_variable_scope()
    return set(vs.global_variables() + vs.local_variables())


def _is_resource(var):
    from scopeflow.core.resource_variable import BaseResourceVariable
    return isinstance(var, BaseResourceVariable)


def _variables_between(args, outputs):
    """The variables `outputs` read, walking back until `args` (TF's _get_dependent_variables),
    sorted by name."""
    from scopeflow.core.graph import GraphKeys
    stop = set(args)
    seen, found = set(), set()
    stack = [t._op for t in outputs if t not in stop]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op._type in ("VariableV2", "VarHandleOp"):
            found.add(op)
        stack.extend(t._op for t in op._inputs if t not in stop)
    if not found:
        return []
    g = next(iter(found))._graph
    candidates = g.get_collection(GraphKeys.GLOBAL_VARIABLES) + g.get_collection(
        GraphKeys.LOCAL_VARIABLES)
    variables = {v for v in candidates if getattr(getattr(v, "op", None), "_id", None) is not None
                 and v.op in found}
    return sorted(variables, key=lambda v: v.name)
