"""`function.Defun` (tensorflow.python.framework.function): a Python function defined as a graph
function; each call is one op whose type is the function's name (`Foo_<hash>`).

The body is traced once per graph into its own graph (ops/function_call.py); tensors of the
caller read inside become extra inputs of each call. The name is the Python name plus a hash
of the FunctionDef, as TF names it (TF's hash is a farmhash fingerprint: the form matches, the
characters differ). Gradients: `python_grad_func(op, *grads)` or `grad_func(*inputs, *grads)`
where given, else JAX's gradient of the body (TF builds a SymbolicGradient op).

>>> import scopeflow as tf
>>> @Defun(tf.float32, tf.float32)
... def Foo(x, y):
...     return x * y + 1.0
>>> with tf.Graph().as_default():
...     z = Foo(tf.constant(2.0), tf.constant(3.0))
>>> z.op.type == z.op.name, z.op.type.startswith("Foo_")
(True, True)
"""

import base64
import hashlib

from scopeflow.core.frame import default_graph
from scopeflow.ops import registry
from scopeflow.ops.function_call import DEFINED, call_gradient, is_stateful, run_function

__all__ = ["Defun"]


class Defun:
    """Decorator: `@Defun(tf.float32, ...)` over a Python function defines a graph function."""

    def __init__(self, *input_types, **kwargs):
        self._input_types = input_types
        self._func_name = kwargs.pop("func_name", None)
        self._grad_func = kwargs.pop("grad_func", None)
        self._python_grad_func = kwargs.pop("python_grad_func", None)
        self._out_names = kwargs.pop("out_names", None)
        self._shape_func = kwargs.pop("shape_func", None)
        self._extra_kwargs = kwargs

    def __call__(self, func):
        if not callable(func):
            raise ValueError("function %s must be callable" % func)
        return DefinedFunction(func, self._input_types, self._func_name, self._grad_func,
                               self._python_grad_func, self._out_names)


class DefinedFunction:
    """A Defun'd function: traced on first use, then called by ops of its own type."""

    def __init__(self, func, input_types, func_name, grad_func, python_grad_func, out_names):
        self._func = func
        self._input_types = tuple(input_types)
        self._func_name = func_name
        self._grad_func = grad_func
        self._python_grad_func = python_grad_func
        self._out_names = out_names
        self._traced = {}  # (graph, input dtypes) -> traced function

    python_grad_func = property(lambda self: self._python_grad_func)
    declared_input_types = property(lambda self: self._input_types)

    @property
    def grad_func_name(self):
        return self._grad_func.name if self._grad_func is not None else None

    @property
    def name(self):
        return self._define(default_graph(), self._input_types)._function_name

    @property
    def captured_inputs(self):
        return list(self._define(default_graph(), self._input_types).captured)

    def __call__(self, *args, **kwargs):
        from scopeflow.ops.constant import convert_to_tensor
        name = kwargs.pop("name", None)
        types = self._input_types
        if types and len(args) != len(types):
            raise ValueError("Signature specifies %d arguments, got: %d."
                             % (len(types), len(args)))
        args = [convert_to_tensor(a, dtype=types[k] if types else None)
                for k, a in enumerate(args)]
        traced = self._define(default_graph(), types or tuple(a.dtype.base_dtype for a in args))
        build = registry._builder(registry.REGISTRY[traced._function_name])
        out = build(list(args) + traced.captured, name=name,
                    _disable_call_shape_inference=True)
        if not isinstance(out, list):
            return out  # no outputs: the op
        return out[0] if len(out) == 1 else tuple(out)

    def _define(self, g, types):
        traced = self._traced.get((g, types))
        if traced is None:
            traced = self._traced[(g, types)] = self._trace(types)
        return traced

    def _trace(self, types):
        from scopeflow.data.functions import trace
        from scopeflow.data.structure import TensorSpec
        names = _arg_names(self._func, len(types))

        def body(*xs):
            ret = self._func(*xs)
            if ret is None:
                return ()
            return tuple(ret) if isinstance(ret, (list, tuple)) else (ret,)

        traced = trace(body, tuple(TensorSpec(None, t) for t in types), names=names)
        traced.library_attrs = {"_disable_call_shape_inference": True}
        traced.out_names = self._out_names or [t.op.name.split("/")[-1] for t in traced.outputs]
        base = self._func_name or _py_name(self._func)
        if self._grad_func is not None and not self._func_name:
            base += "_%s" % self._grad_func.name
        traced._function_name = self._func_name or "%s_%s" % (base, _hash(traced))
        _register(traced, self)
        return traced


def _py_name(func):
    return getattr(func, "__name__", type(func).__name__)


def _arg_names(func, n):
    import inspect
    try:
        params = [p.name for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[k] if k < len(params) else "arg%d" % k for k in range(n)]


def _hash(traced):
    """11 characters of base64 over the FunctionDef's digest (TF's form of the suffix)."""
    from tensorboard.compat.proto import function_pb2

    from scopeflow.summary.function_def import Library, function_def
    fd = function_def(traced, "f", Library(function_pb2.FunctionDefLibrary()))
    digest = hashlib.sha1(fd.SerializeToString(deterministic=True)).digest()[:8]
    text = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return text.replace("-", "a").replace("_", "A")


def _register(traced, defined):
    """The call op type of `traced` (its name): shape rule, kernel and gradient."""
    name = traced._function_name
    DEFINED[name] = traced
    if name in registry.REGISTRY:
        return
    dtypes = [t.dtype.base_dtype for t in traced.outputs]

    def infer(args, **attrs):
        from scopeflow.core.shape import TensorShape
        return [(TensorShape(None), dt) for dt in dtypes]

    def kernel(ctx, args, **attrs):
        return run_function(ctx, traced, args)

    stateful = is_stateful(traced)
    registry.op(name, infer=infer, lists=("args",), types={"args": registry.ANY},
                context=True, multi=True, stateful=stateful)(kernel)
    if stateful:
        from scopeflow.gradients.plan import _STATEFUL_DIFFERENTIABLE
        _STATEFUL_DIFFERENTIABLE.add(name)
    from scopeflow.gradients import registry as grads
    if name not in grads.GRADIENTS:
        grads.register(name, _gradient_function(defined, len(traced.args)) or call_gradient)


def _gradient_function(defined, n_args):
    """`fn(op, *grads)` from the Defun's python_grad_func or grad_func, or None."""
    if defined._python_grad_func is not None:
        user = defined._python_grad_func
        return lambda op, *grads: _padded(op, user(op, *grads))
    if defined._grad_func is not None:
        user = defined._grad_func
        return lambda op, *grads: _padded(op, user(*(list(op.inputs[:n_args]) + list(grads))))
    return None


def _padded(op, grads):
    grads = list(grads) if isinstance(grads, (list, tuple)) else [grads]
    return grads + [None] * (len(op._inputs) - len(grads))
