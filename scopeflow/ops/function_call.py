"""Calls of traced functions in a TF1 graph: `PartitionedCall` / `StatefulPartitionedCall` (what
`tf.function` builds) and the call ops of `function.Defun` (typed by the function's name).

A function is traced once into its own graph (tf.data's FuncGraph: a tensor of an enclosing
graph read inside becomes a capture, passed to the call as an extra input). The call op holds
the traced function; its kernel runs the function's graph in the caller's run (lowering's
`subgraph_function`), so a call compiles into the caller's XLA program and its gradient comes
from JAX where no gradient function is given. On export the function joins the GraphDef's
library (summary/function_def.py).

>>> import scopeflow as tf
>>> f = tf.function(lambda x: x * 2.0)
>>> with tf.Graph().as_default():
...     y = f(tf.constant(3.0))
>>> y.op.type, y.name
('PartitionedCall', 'PartitionedCall:0')
"""

import inspect
import itertools

import jax
import jax.numpy as jnp

from scopeflow.core.frame import default_graph
from scopeflow.core.tensor import Tensor
from scopeflow.gradients import registry as _gradients
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.ops import nest, registry
from scopeflow.ops.function_signature import bind_to_signature, call_shapes, check_signature
from scopeflow.ops.registry import ANY, REGISTRY, op
from scopeflow.sparse_tensor import SparseTensor

_UIDS = itertools.count(1)
DEFINED = {}  # Defun'd functions by name, the type of their call ops (ops/defun.py)


def run_function(ctx, fn, args):
    """The outputs of traced function `fn` for `args` (its arguments, then its captures)."""
    run = fn.__dict__.get("_call_runner")
    if run is None:
        from scopeflow.lowering.lower import subgraph_function
        run = subgraph_function(fn.outputs, list(fn.args) + fn._placeholders,
                                also=_stateful_ops(fn))
        fn._call_runner = run
    outs = [v if t.dtype.base_dtype.name in ("string", "variant") else
            jnp.asarray(v, t.dtype.base_dtype.as_numpy_dtype)
            for v, t in zip(run(ctx, *args), fn.outputs)]
    return outs[0] if len(outs) == 1 else outs  # (one output: the value itself)


def function_vjp(ctx, fn, xs, grad_ys):
    """The gradient of `fn`'s float outputs (cotangents `grad_ys`) for each input in `xs`:
    TF's SymbolicGradient of a call (zeros for inputs no gradient reaches: ints)."""
    from scopeflow.lowering.context import VarRef
    refs = list(xs)  # a resource input stays its VarRef: reads inside see the traced value
    xs = [ctx.read(x) if isinstance(x, VarRef) else x for x in xs]
    diff = [i for i, x in enumerate(xs) if jnp.issubdtype(jnp.asarray(x).dtype, jnp.inexact)]
    floats = [k for k, t in enumerate(fn.outputs) if t.dtype.base_dtype.is_floating
              or t.dtype.base_dtype.is_complex]
    saved = dict(ctx.overrides)

    def f(*d):
        vals = list(xs)
        for i, v in zip(diff, d):
            vals[i] = v
            if isinstance(refs[i], VarRef):
                ctx.overrides[refs[i].op] = v
                vals[i] = refs[i]
        outs = run_function(ctx, fn, vals)
        outs = outs if isinstance(outs, list) else [outs]
        return [outs[k] for k in floats]

    n_checks = len(ctx.checks)
    ctx.replay += 1  # (a TensorArray's reads are not reads a second time: tensor_array_ops)
    try:
        ys, pull = jax.vjp(f, *[xs[i] for i in diff])
        cts = [jnp.broadcast_to(jnp.asarray(grad_ys[k], y.dtype), y.shape)
               for k, y in zip(floats, ys)]
        got = pull(cts)
    finally:
        ctx.replay -= 1
        ctx.overrides.clear()
        ctx.overrides.update(saved)
        del ctx.checks[n_checks:]  # (the forward call already asserts what its body asserts)
    out = [jnp.zeros_like(jnp.asarray(x)) for x in xs]
    for i, g in zip(diff, got):
        out[i] = g
    return out[0] if len(out) == 1 else out


def call_gradient(op, *grads):
    """Gradient function of a call op: as TF's, a call of the function's backward function
    (ops/function_grad.py); a Defun's call, or a function whose gradient is not built op by
    op here, gets TF's `SymbolicGradient` of the called function."""
    from scopeflow.gradients.plan import trainable
    from scopeflow.gradients.symbolic import _symbolic_gradient
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.function_grad import forward_backward
    from scopeflow.ops.shape_ops import zeros_like
    pair = None if op._type in DEFINED else forward_backward(op, op._attrs["f"], len(grads))
    if pair is not None:
        return _backward_call(op, pair, grads)
    fn = DEFINED.get(op._type) or op._attrs["f"]
    grads = [zeros_like(t) if gy is None else convert_to_tensor(gy)
             for t, gy in zip(op._outputs, grads)]
    outs = registry.apply(_symbolic_gradient.op_def, [list(op._inputs), grads, []], {"f": fn},
                          name="SymbolicGradient")
    outs = outs if isinstance(outs, list) else [outs]
    return [g if trainable(t) else None for t, g in zip(op._inputs, outs)]


def _backward_call(op, pair, grads):
    """The backward function called on the gradients and the forward values it reads."""
    from scopeflow.gradients.plan import trainable
    from scopeflow.ops.function_grad import backward_inputs
    outs = call_traced(pair[1], backward_inputs(op, pair, grads))
    got = [None] * len(op._inputs)
    for k, g in zip(pair[2], outs):
        got[k] = g if trainable(op._inputs[k]) else None
    return got


def call_traced(traced, inputs):
    """The outputs (a list) of a new call op of `traced` on `inputs` (its arguments, then
    its captures): stateful or not as TF chooses."""
    from scopeflow.data.functions import captured
    call = stateful_partitioned_call if is_stateful(traced) else partitioned_call
    outs = call(captured(inputs), f=traced, config="", config_proto=_CONFIG_PROTO, executor_type="",
                _read_only_resource_inputs=read_only_resources(traced),
                _collective_manager_ids=[])
    return outs if isinstance(outs, list) else [outs]


def _call_specs(args, *, f, **attrs):
    return [(shape, t.dtype.base_dtype) for shape, t in zip(call_shapes(f, args), f.outputs)]


@op("PartitionedCall", infer=_call_specs, lists=("args",), types={"args": ANY}, context=True,
    multi=True)
def partitioned_call(ctx, args, *, f, config="", config_proto="", executor_type="",
                     _read_only_resource_inputs=(), _collective_manager_ids=()):
    """A call of a function without stateful ops."""
    return run_function(ctx, f, args)


@op("StatefulPartitionedCall", infer=_call_specs, lists=("args",), types={"args": ANY},
    context=True, multi=True, stateful=True)
def stateful_partitioned_call(ctx, args, *, f, config="", config_proto="", executor_type="",
                              _read_only_resource_inputs=(), _collective_manager_ids=()):
    """A call of a function that reads or changes state (variables, random draws)."""
    return run_function(ctx, f, args)


_gradients.register("PartitionedCall", call_gradient)
_gradients.register("StatefulPartitionedCall", call_gradient)


def is_stateful(fn):
    """TF's choice of call op: stateful when the function reads resources or has stateful ops."""
    if any(t.dtype.base_dtype.name == "resource" for t in fn._placeholders + list(fn.args)):
        return True
    for o in fn.graph._ops:
        if o._type == "Placeholder":
            continue
        rec = REGISTRY.get(o._type)
        if rec is not None and rec.stateful or o._type in _STATEFUL:
            return True
    return False


def _stateful_ops(fn):
    """The ops of `fn` that change state: TF runs them with every call (its automatic
    control dependencies), whether or not an output needs them."""
    return [o for o in fn.graph._ops if o._type in _WRITES]


_WRITES = frozenset(("Assign", "AssignAdd", "AssignSub", "AssignVariableOp",
                     "AssignAddVariableOp", "AssignSubVariableOp", "ScatterUpdate",
                     "ScatterAdd", "ScatterSub", "ResourceScatterUpdate", "ResourceScatterAdd",
                     "ResourceScatterSub", "Print", "PrintV2", "Assert"))


def read_only_resources(fn):
    """Positions of the resource inputs that the function only reads (TF's attr)."""
    inputs = list(fn.args) + fn._placeholders
    readers = {"ReadVariableOp", "ResourceGather", "ResourceGatherNd", "VariableShape"}
    out = []
    for k, t in enumerate(inputs):
        if t.dtype.base_dtype.name == "resource" and all(
                o._type in readers for o in t.consumers()):
            out.append(k)
    return out


_STATEFUL = frozenset(("ReadVariableOp", "ResourceGather", "VarHandleOp", "AssignVariableOp",
                       "AssignAddVariableOp", "AssignSubVariableOp", "Assign", "AssignAdd",
                       "AssignSub", "RandomUniform", "RandomStandardNormal",
                       "TruncatedNormal", "RandomUniformInt", "Print", "PrintV2", "Assert"))


# ---- tf.function ------------------------------------------------------------------------------
class Function:
    """`tf.function` in a TF1 graph: each call adds a (Stateful)PartitionedCall of the function
    traced for the call's argument signature (traced once per graph and signature)."""

    def __init__(self, python_function, input_signature=None, jit_compile=None, **options):
        self._python_function = python_function
        self._input_signature = check_signature(input_signature)
        self._jit_compile = jit_compile
        self._cache = {}
        self.__name__ = getattr(python_function, "__name__", "function")
        self.__doc__ = getattr(python_function, "__doc__", None)
        self.__wrapped__ = python_function

    python_function = property(lambda self: self._python_function)
    input_signature = property(lambda self: self._input_signature)

    def __get__(self, instance, owner):
        if instance is None:
            return self
        import functools
        # one Function per instance, as TF's, its traces kept (held by the instance itself,
        # so both are freed together)
        slots = getattr(instance, "__dict__", None)
        key = "_scopeflow_function_%d" % id(self)
        bound = slots.get(key) if slots is not None else None
        if bound is None:
            bound = Function(functools.partial(self._python_function, instance),
                             self._input_signature, self._jit_compile)
            bound.__name__ = self.__name__
            if slots is not None:
                slots[key] = bound
        return bound

    def __call__(self, *args, **kwargs):
        bound, leaves, key = self._bound(args, kwargs)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._cache[key] = self._trace(bound, leaves)
        traced, out_structure = entry
        tensors = [x for x in leaves if isinstance(x, Tensor)]
        outs = call_traced(traced, tensors + traced.captured)
        call_op = outs[0].op if outs and isinstance(outs[0], Tensor) else outs[0]
        for c in traced.graph.control_captures:
            call_op._add_control_input(c)
        outs = [t for t in outs if isinstance(t, Tensor)]
        return _pack(out_structure, outs)

    def _bound(self, args, kwargs):
        """(bound arguments, their leaves, cache key): one trace per graph for a signature,
        else one per graph and argument signature."""
        sig = self._input_signature
        if sig is not None:
            args, kwargs = bind_to_signature(self._python_function, sig, args, kwargs)
        bound = _bind(self._python_function, args, kwargs)
        leaves = nest.flatten(bound)
        key = (default_graph(), "signature" if sig is not None else _signature_key(leaves))
        return bound, leaves, key

    def _trace(self, bound, leaves):
        from scopeflow.data.functions import trace
        from scopeflow.data.structure import TensorSpec
        specs, names = [], []
        fixed = iter(nest.flatten(self._input_signature or ()))
        for path, x in zip(_paths(self._python_function, bound), leaves):
            if isinstance(x, Tensor):
                spec = next(fixed, None)  # (a signature's shapes and dtypes are traced)
                specs.append(TensorSpec(x.shape, x.dtype.base_dtype) if spec is None else
                             TensorSpec(spec.shape, spec.dtype.base_dtype))
                names.append(path)
        holder = {}

        def body(*placeholders):
            it = iter(placeholders)
            args = nest.pack_sequence_as(bound, [next(it) if isinstance(x, Tensor) else x
                                                 for x in leaves])
            ret = self._python_function(*args[0], **args[1])
            holder["structure"] = ret
            from scopeflow.ops.array import identity
            # (TF's FuncGraph returns an Identity of each output)
            return tuple(identity(t) for x in nest.flatten(ret) for t in _components(x))

        traced = trace(body, tuple(specs), names=names)
        traced._function_name = "__inference_%s_%d" % (self.__name__, next(_UIDS))
        # TF's attrs of a tf.function's FunctionDef (jit_compile=True: XLA, never inlined)
        traced.library_attrs = {"_construction_context": "kEagerRuntime"}
        if self._jit_compile is not None:
            traced.library_attrs["_XlaMustCompile"] = bool(self._jit_compile)
        if self._jit_compile:
            traced.library_attrs["_noinline"] = True
        return traced, holder["structure"]

    def get_concrete_function(self, *args, **kwargs):
        """The function traced for these arguments (traced now if it was not yet)."""
        bound, leaves, key = self._bound(args, kwargs)
        if key not in self._cache:
            self._cache[key] = self._trace(bound, leaves)
        return ConcreteFunction(self, *self._cache[key])


class ConcreteFunction:
    """One trace of a tf.function: its graph, inputs and outputs; calling it calls them."""

    def __init__(self, function, traced, structure):
        self._function, self._traced = function, traced
        self.graph = traced.graph
        self.inputs = list(traced.args) + traced._placeholders
        self.outputs = list(traced.outputs)
        self.structured_outputs = structure
        self.name = traced._function_name

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)


# ConfigProto of TF's call ops in a TF1 graph (device_count {CPU: 1, GPU: 0}, ...)
_CONFIG_PROTO = (b"\n\007\n\003CPU\020\001\n\007\n\003GPU\020\0002\002J\0008\001\202\001\000"
                 b"\222\001\002J\000")


def _bind(fn, args, kwargs):
    """(positional args, keyword args) of a call, defaults filled in as Python binds them."""
    try:
        sig = inspect.signature(fn)
        ba = sig.bind(*args, **kwargs)
        ba.apply_defaults()
        return (tuple(ba.args), dict(ba.kwargs))
    except (TypeError, ValueError):
        return (tuple(args), dict(kwargs))


def _paths(fn, bound):
    """A placeholder name per leaf of (args, kwargs): its parameter's name (placeholders of
    one nested argument share it; the graph numbers them)."""
    args, kwargs = bound
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = []
    for k, a in enumerate(args):
        names.extend([params[k] if k < len(params) else "args_%d" % k] * len(nest.flatten(a)))
    for key in sorted(kwargs):
        names.extend([key] * len(nest.flatten(kwargs[key])))
    return names


def _signature_key(leaves):
    key = []
    for x in leaves:
        if isinstance(x, Tensor):
            key.append(("T", tuple(x.shape.as_list()) if x.shape.ndims is not None else None,
                        x.dtype.base_dtype.name))
        else:
            key.append(("P", id(x) if not isinstance(x, (int, float, str, bool, type(None)))
                        else x))
    return tuple(key)


def _components(x):
    """The tensors that carry output `x` out of the function (a composite: its parts)."""
    if isinstance(x, Tensor):
        return [x]
    if isinstance(x, IndexedSlices):
        return [t for t in (x.values, x.indices, x.dense_shape) if t is not None]
    if isinstance(x, SparseTensor):
        return [x.indices, x.values, x.dense_shape]
    return []


def _pack(structure, outs):
    """The call's outputs `outs` in the function's output structure (composites rebuilt)."""
    it = iter(outs)
    flat = []
    for x in nest.flatten(structure):
        n = len(_components(x))
        parts = [next(it) for _ in range(n)]
        if isinstance(x, IndexedSlices):
            x = IndexedSlices(parts[0], parts[1], parts[2] if n == 3 else None)
        elif isinstance(x, SparseTensor):
            x = SparseTensor(*parts)
        elif n:
            x = parts[0]
        flat.append(None if _is_op(x) else x)
    return nest.pack_sequence_as(structure, flat)


def _is_op(x):
    return hasattr(x, "node_def") and hasattr(x, "outputs")


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """`tf.function`: in a TF1 graph each call adds a call op of the traced function."""
    if func is None:
        return lambda f: Function(f, input_signature, jit_compile)
    return Function(func, input_signature, jit_compile)
